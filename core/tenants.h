// Tenants: who owns a server. A tenant is a Nova project and an AWS
// (account, region) pair; mapping the two makes one fleet seen from both APIs.
// An unmapped project or (account, region) is a tenant of its own.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <utility>

namespace core {

using TenantId = std::uint32_t;

struct TenantInfo {
  std::string project;  // empty: seen from the Transfer API only
  std::string account;  // empty with region: seen from the Nova API only
  std::string region;
};

class Tenants {
 public:
  // Binds a project to an (account, region). Returns false when either side is
  // already bound to something else (a config error the caller reports).
  bool map(std::string project, std::string account, std::string region);

  // The tenant of a project / of an (account, region), made on first use.
  TenantId for_project(std::string_view project);
  TenantId for_account(std::string_view account, std::string_view region);
  // The tenant of a project if there is one (nothing is made).
  std::optional<TenantId> find_project(std::string_view project) const;

  // The tenant of an (account, region), if there is one (none is made).
  std::optional<TenantId> find_account(std::string_view account, std::string_view region) const;

  TenantInfo info(TenantId id) const;
  std::size_t size() const;

  // A tenant named in text that outlives this run's ids (documents keep
  // it): "p:<project>", or "a:<account>:<region>" for a Transfer-only one.
  std::string key(TenantId id) const;
  // The tenant a key names (made on first use); nothing if it is not a key.
  std::optional<TenantId> from_key(std::string_view key);

 private:
  TenantId add(TenantInfo info);  // caller holds mutex_ exclusively

  mutable std::shared_mutex mutex_;
  std::deque<TenantInfo> tenants_;
  std::map<std::string, TenantId, std::less<>> by_project_;
  std::map<std::pair<std::string, std::string>, TenantId, std::less<>> by_account_;
};

}  // namespace core
