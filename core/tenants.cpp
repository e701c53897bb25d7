#include "core/tenants.h"

#include <mutex>

namespace core {

TenantId Tenants::add(TenantInfo info) {
  tenants_.push_back(std::move(info));
  return static_cast<TenantId>(tenants_.size() - 1);
}

bool Tenants::map(std::string project, std::string account, std::string region) {
  std::unique_lock lock(mutex_);
  auto p = by_project_.find(project);
  auto a = by_account_.find(std::pair{account, region});
  if (p != by_project_.end() && a != by_account_.end()) return p->second == a->second;
  if (p != by_project_.end()) {
    auto& t = tenants_[p->second];
    if (!t.account.empty()) return false;
    t.account = account;
    t.region = region;
    by_account_.emplace(std::pair{std::move(account), std::move(region)}, p->second);
    return true;
  }
  if (a != by_account_.end()) {
    auto& t = tenants_[a->second];
    if (!t.project.empty()) return false;
    t.project = project;
    by_project_.emplace(std::move(project), a->second);
    return true;
  }
  const auto id = add({project, account, region});
  by_project_.emplace(std::move(project), id);
  by_account_.emplace(std::pair{std::move(account), std::move(region)}, id);
  return true;
}

TenantId Tenants::for_project(std::string_view project) {
  {
    std::shared_lock lock(mutex_);
    if (auto it = by_project_.find(project); it != by_project_.end()) return it->second;
  }
  std::unique_lock lock(mutex_);
  if (auto it = by_project_.find(project); it != by_project_.end()) return it->second;
  const auto id = add({std::string(project), "", ""});
  by_project_.emplace(std::string(project), id);
  return id;
}

std::optional<TenantId> Tenants::find_project(std::string_view project) const {
  std::shared_lock lock(mutex_);
  if (auto it = by_project_.find(project); it != by_project_.end()) return it->second;
  return std::nullopt;
}

TenantId Tenants::for_account(std::string_view account, std::string_view region) {
  const std::pair<std::string, std::string> key{account, region};
  {
    std::shared_lock lock(mutex_);
    if (auto it = by_account_.find(key); it != by_account_.end()) return it->second;
  }
  std::unique_lock lock(mutex_);
  if (auto it = by_account_.find(key); it != by_account_.end()) return it->second;
  const auto id = add({"", key.first, key.second});
  by_account_.emplace(key, id);
  return id;
}

std::optional<TenantId> Tenants::find_account(std::string_view account, std::string_view region) const {
  std::shared_lock lock(mutex_);
  const auto it = by_account_.find(std::pair<std::string, std::string>{account, region});
  if (it == by_account_.end()) return std::nullopt;
  return it->second;
}

TenantInfo Tenants::info(TenantId id) const {
  std::shared_lock lock(mutex_);
  return id < tenants_.size() ? tenants_[id] : TenantInfo{};
}

std::size_t Tenants::size() const {
  std::shared_lock lock(mutex_);
  return tenants_.size();
}

std::string Tenants::key(TenantId id) const {
  const auto t = info(id);
  return t.project.empty() ? "a:" + t.account + ":" + t.region : "p:" + t.project;
}

std::optional<TenantId> Tenants::from_key(std::string_view key) {
  if (key.rfind("p:", 0) == 0 && key.size() > 2) return for_project(key.substr(2));
  if (key.rfind("a:", 0) != 0) return std::nullopt;
  const auto rest = key.substr(2);
  const auto colon = rest.find(':');
  if (colon == std::string_view::npos) return std::nullopt;
  return for_account(rest.substr(0, colon), rest.substr(colon + 1));
}

}  // namespace core
