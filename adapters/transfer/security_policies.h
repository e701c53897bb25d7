// AWS Transfer Family's published server security policies, with the
// algorithms AWS lists for each (the Transfer user guide's "Security
// policies for AWS Transfer Family servers"): what DescribeSecurityPolicy
// answers and what a server's SecurityPolicyName may name.
#pragma once

#include <span>
#include <string_view>

namespace transfer {

struct SecurityPolicy {
  std::string_view name;
  bool fips = false;
  std::span<const std::string_view> ssh_ciphers;
  std::span<const std::string_view> ssh_kexs;
  std::span<const std::string_view> ssh_macs;
  std::span<const std::string_view> tls_ciphers;
};

// What a server created through the API gets (AWS's default since 2024).
inline constexpr std::string_view kDefaultSecurityPolicy = "TransferSecurityPolicy-2024-01";

// Every policy, by name.
std::span<const SecurityPolicy> security_policies();
const SecurityPolicy* find_security_policy(std::string_view name);

}  // namespace transfer
