// NextToken for the listings of a server's users, host keys and accesses,
// and of the security policies: opaque to clients, bound to the listing and
// the server it was issued for, so a token of another listing is
// InvalidNextTokenException rather than a wrong page.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace transfer {

// A token that continues `listing` of `server` after the item `after`.
std::string page_token(std::string_view listing, std::string_view server, std::string_view after);
// Where a token continues, if it was issued for this listing and server.
std::optional<std::string> page_after(std::string_view token, std::string_view listing, std::string_view server);

}  // namespace transfer
