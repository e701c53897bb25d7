// What the operations on users, keys, host keys and accesses share: the
// identity provider a server must have for them, the key parsers' verdicts
// in Transfer's words, the options of a change, and the page size.
#pragma once

#include <optional>
#include <string_view>
#include <variant>

#include "adapters/transfer/errors.h"
#include "adapters/transfer/operations.h"
#include "core/logins.h"

namespace transfer {

// A change of a server's logins for this call: journaled with it, and
// refused unless the server's IdentityProviderType is `provider` (empty: any).
core::LoginCall login_call(Context& c, std::string_view provider = {});

// A user's public key from the body a client sent, or InvalidRequestException.
std::variant<core::PublicKey, WireError> public_key(std::string_view body);
// A host key from the private key a client sent, or InvalidRequestException.
std::variant<core::HostKey, WireError> host_key(std::string_view body);

// MaxResults, as given or the model's largest.
inline std::size_t page_size(const std::optional<int>& max) { return static_cast<std::size_t>(max.value_or(1000)); }

}  // namespace transfer
