#include "adapters/openstack/keystone/accounts.h"

#include <cstdint>

#include <fmt/format.h>

namespace openstack {
namespace {

constexpr std::uint64_t kAccounts = 1'000'000'000'000;  // twelve decimal digits

// Free: no tenant has it, or one seen from Transfer only (the project then sees its servers too).
bool free(const core::Tenants& tenants, const std::string& account, const std::string& region) {
  const auto found = tenants.find_account(account, region);
  return !found || tenants.info(*found).project.empty();
}

}  // namespace

std::pair<std::string, std::string> account_for(const std::string& id, const std::string& name,
                                                const std::vector<ProjectAccount>& configured,
                                                const core::Tenants& tenants) {
  for (const auto& c : configured)
    if (c.name == name && free(tenants, c.account, c.region)) return {c.account, c.region};
  std::uint64_t n = 0;
  for (std::size_t i = 0; i < 10 && i < id.size(); ++i) {
    const char c = id[i];
    const int digit = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : 0;
    n = n * 16 + static_cast<std::uint64_t>(digit);
  }
  const std::string region = "us-east-1";
  for (std::uint64_t step = 0;; ++step) {
    auto account = fmt::format("{:012d}", (n + step) % kAccounts);
    if (free(tenants, account, region)) return {std::move(account), region};
  }
}

}  // namespace openstack
