// How Transfer shows a server: DescribedServer and ListedServer, filled as a
// real CreateServer with defaults would be for fields the server never set
// (servers created through Nova have none of them).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "core/server.h"

namespace transfer {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

// One string member of the object being written.
void field(Writer& w, const char* key, std::string_view value);

// Attribute keys in core::ServerInfo::attributes.
inline constexpr std::string_view kProtocols = "transfer.Protocols";  // comma-joined
inline constexpr std::string_view kDomain = "transfer.Domain";
inline constexpr std::string_view kEndpointType = "transfer.EndpointType";
inline constexpr std::string_view kIdentityProviderType = "transfer.IdentityProviderType";
inline constexpr std::string_view kSecurityPolicyName = "transfer.SecurityPolicyName";
inline constexpr std::string_view kLoggingRole = "transfer.LoggingRole";

std::string server_arn(const std::string& region, const std::string& account, const std::string& server_id);

// `user_count`: its users; `host_key_fingerprint`: of the key it presents (core::Logins).
void write_described_server(Writer& w, const core::ServerInfo& s, const std::string& region,
                            const std::string& account, std::size_t user_count, std::string_view host_key_fingerprint);
void write_listed_server(Writer& w, const core::ServerInfo& s, const std::string& region, const std::string& account,
                         std::size_t user_count);
void write_tags(Writer& w, const core::Pairs& tags);

}  // namespace transfer
