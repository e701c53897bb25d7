// How Transfer shows users (DescribedUser, ListedUser), host keys
// (DescribedHostKey, ListedHostKey), accesses (DescribedAccess,
// ListedAccess) and security policies, as the service model shapes them.
#pragma once

#include <string>
#include <string_view>

#include "adapters/transfer/security_policies.h"
#include "adapters/transfer/views.h"
#include "core/logins.h"

namespace transfer {

// The adapter's own fields of a user or an access (core::LoginUser::attributes).
inline constexpr std::string_view kRole = "transfer.Role";
inline constexpr std::string_view kPolicy = "transfer.Policy";

std::string user_arn(const std::string& region, const std::string& account, const core::LoginUser& user);
std::string host_key_arn(const std::string& region, const std::string& account, const core::HostKey& key);

void write_described_user(Writer& w, const core::LoginUser& u, const std::string& region, const std::string& account);
void write_listed_user(Writer& w, const core::LoginUser& u, const std::string& region, const std::string& account);
void write_described_host_key(Writer& w, const core::HostKey& k, const std::string& region, const std::string& account);
void write_listed_host_key(Writer& w, const core::HostKey& k, const std::string& region, const std::string& account);
void write_described_access(Writer& w, const core::Access& a);
void write_listed_access(Writer& w, const core::Access& a);
void write_security_policy(Writer& w, const SecurityPolicy& p);

}  // namespace transfer
