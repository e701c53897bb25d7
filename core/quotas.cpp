// Quota limits (classes, projects, users) as documents, the servers' usage
// counted from the fleet, and Nova's arithmetic of an admission: deltas
// against the project (and a user with limits of its own), the headroom,
// how many servers would still fit.
#include "core/quotas.h"

#include <algorithm>
#include <charconv>
#include <cmath>

#include <fmt/format.h>

#include "core/codec.h"

namespace core {
namespace {

constexpr std::string_view kQuotaKind = "quota-limit";

std::string_view scope_word(QuotaScope s) {
  switch (s) {
    case QuotaScope::Class: return "class";
    case QuotaScope::Project: return "project";
    case QuotaScope::User: return "user";
  }
  return "project";
}

std::optional<QuotaScope> scope_of(std::string_view word) {
  if (word == "class") return QuotaScope::Class;
  if (word == "project") return QuotaScope::Project;
  if (word == "user") return QuotaScope::User;
  return std::nullopt;
}

bool within(std::int64_t limit, std::int64_t value) { return limit < 0 || value <= limit; }

std::int64_t get(const QuotaLimits& m, std::string_view key) {
  const auto it = m.find(key);
  return it == m.end() ? 0 : it->second;
}

}  // namespace

Quotas::Quotas(Fleet& fleet, Tenants& tenants) : fleet_(fleet), tenants_(tenants) { fleet_.add_keeper(*this); }

void Quotas::define(QuotaLimits defaults) {
  std::unique_lock lock(mutex_);
  defined_ = std::move(defaults);
}

void Quotas::set_meter(std::function<ServerUse(const ServerInfo&)> meter) {
  std::unique_lock lock(mutex_);
  meter_ = std::move(meter);
}

void Quotas::add_counter(std::string resource, Counter counter) {
  std::unique_lock lock(mutex_);
  counters_[std::move(resource)] = std::move(counter);
}

std::vector<std::string> Quotas::resources() const {
  std::shared_lock lock(mutex_);
  std::vector<std::string> out;
  for (const auto& [name, limit] : defined_) out.push_back(name);
  return out;
}

QuotaLimits Quotas::overrides(QuotaScope scope, std::string_view name, std::string_view user) const {
  QuotaLimits out;
  for (const auto& [key, limit] : set_)
    if (key.scope == scope && key.name == name && key.user == user) out[key.resource] = limit;
  return out;
}

QuotaLimits Quotas::class_limits(std::string_view quota_class) const {
  std::shared_lock lock(mutex_);
  auto out = defined_;
  for (const auto& [resource, limit] : overrides(QuotaScope::Class, quota_class, ""))
    if (out.count(resource)) out[resource] = limit;
  return out;
}

QuotaLimits Quotas::defaults() const { return class_limits("default"); }

QuotaLimits Quotas::project_limits(std::string_view project) const {
  auto out = defaults();
  std::shared_lock lock(mutex_);
  for (const auto& [resource, limit] : overrides(QuotaScope::Project, project, ""))
    if (out.count(resource)) out[resource] = limit;
  return out;
}

QuotaLimits Quotas::user_limits(std::string_view project, std::string_view user) const {
  auto out = project_limits(project);
  std::shared_lock lock(mutex_);
  for (const auto& [resource, limit] : overrides(QuotaScope::User, project, user))
    if (out.count(resource)) out[resource] = limit;
  return out;
}

QuotaLimits Quotas::user_overrides(std::string_view project, std::string_view user) const {
  std::shared_lock lock(mutex_);
  return overrides(QuotaScope::User, project, user);
}

QuotaLimits Quotas::users_total(std::string_view project) const {
  std::shared_lock lock(mutex_);
  QuotaLimits out;
  for (const auto& [key, limit] : set_)
    if (key.scope == QuotaScope::User && key.name == project) out[key.resource] += limit;
  return out;
}

QuotaLimits Quotas::server_usage(std::string_view project, std::string_view user) const {
  QuotaLimits out{{std::string(kInstances), 0}, {std::string(kCores), 0}, {std::string(kRam), 0}};
  const auto tenant = tenants_.find_project(project);
  if (!tenant) return out;
  std::function<ServerUse(const ServerInfo&)> meter;
  {
    std::shared_lock lock(mutex_);
    meter = meter_;
  }
  ListQuery query;
  query.tenant = *tenant;
  for (;;) {
    const auto page = fleet_.list(query);
    for (const auto& s : page.servers) {
      if (s.state == State::SoftDeleted || s.state == State::Restoring) continue;
      const auto use = meter ? meter(s) : ServerUse{};
      if (!user.empty() && use.user != user) continue;
      out[std::string(kInstances)] += 1;
      out[std::string(kCores)] += use.cores;
      out[std::string(kRam)] += use.ram;
    }
    if (!page.more || page.servers.empty()) break;
    query.after_seq = page.servers.back().seq;
  }
  return out;
}

QuotaLimits Quotas::usage(std::string_view project, std::string_view user) const {
  auto out = server_usage(project, user);
  std::map<std::string, Counter, std::less<>> counters;
  {
    std::shared_lock lock(mutex_);
    counters = counters_;
  }
  for (const auto& [resource, count] : counters) out[resource] = count(std::string(project), std::string(user));
  return out;
}

Result<Done> Quotas::set(QuotaScope scope, const std::string& name, const std::string& user,
                         const QuotaLimits& changes) {
  if (name.empty()) return invalid_argument("id", "a quota class or project needs a name");
  if (scope == QuotaScope::User && user.empty()) return invalid_argument("user_id", "a user quota needs a user");
  std::vector<Document> documents;
  {
    std::shared_lock lock(mutex_);
    for (const auto& [resource, limit] : changes) {
      if (!defined_.count(resource)) return invalid_argument(resource, fmt::format("Unknown quota resources {}.", resource));
      documents.push_back(document(Key{scope, name, scope == QuotaScope::User ? user : "", resource}, limit));
    }
  }
  // Written and applied under the lock, so concurrent sets never interleave
  // a half of one with a half of another.
  std::unique_lock lock(mutex_);
  if (auto kept = fleet_.keep(documents); !kept) return kept.error();
  for (const auto& d : documents)
    if (auto entry = read(d)) set_[entry->first] = entry->second;
  return Done{};
}

Result<Done> Quotas::clear(const std::string& project, const std::string& user) {
  std::unique_lock lock(mutex_);
  std::vector<Key> gone;
  for (const auto& [key, limit] : set_) {
    if (key.scope == QuotaScope::Class || key.name != project) continue;
    if (user.empty() || (key.scope == QuotaScope::User && key.user == user)) gone.push_back(key);
  }
  std::vector<Document> documents;
  for (const auto& key : gone) documents.push_back(document(key, std::nullopt));
  if (documents.empty()) return Done{};
  if (auto kept = fleet_.keep(documents); !kept) return kept.error();
  for (const auto& key : gone) set_.erase(key);
  return Done{};
}

Quotas::Admission Quotas::hold(const std::string& project) {
  Admission a;
  {
    std::lock_guard lock(holds_mutex_);
    auto& m = holds_[project];
    if (!m) m = std::make_shared<std::mutex>();
    a.mutex_ = m;
  }
  a.hold_ = std::unique_lock(*a.mutex_);
  a.count = 1;
  return a;
}

std::optional<Overage> Quotas::over(const std::string& project, const std::string& user,
                                    const QuotaLimits& deltas) const {
  const auto limits = project_limits(project);
  const auto mine = user.empty() ? QuotaLimits{} : user_overrides(project, user);
  const bool with_user = std::any_of(mine.begin(), mine.end(), [](const auto& kv) {
    return kv.first == kInstances || kv.first == kCores || kv.first == kRam;
  });
  const auto project_used = server_usage(project, "");
  Overage o;
  o.used = project_used;
  o.allowed = limits;
  if (with_user) {
    const auto user_used = server_usage(project, user);
    const auto user_allowed = user_limits(project, user);
    for (const auto& [resource, delta] : deltas) {
      if (!within(get(limits, resource), get(project_used, resource) + delta)) {
        o.resources.push_back(resource);
      } else if (!within(get(user_allowed, resource), get(user_used, resource) + delta)) {
        o.resources.push_back(resource);
        o.user_scope = true;
      }
    }
    if (o.user_scope) {
      o.used = user_used;
      o.allowed = user_allowed;
    }
  } else {
    for (const auto& [resource, delta] : deltas)
      if (!within(get(limits, resource), get(project_used, resource) + delta)) o.resources.push_back(resource);
  }
  if (o.resources.empty()) return std::nullopt;
  std::sort(o.resources.begin(), o.resources.end());
  return o;
}

Quotas::Admission Quotas::admit_servers(const std::string& project, const ServerUse& each, int min_count,
                                        int max_count) {
  auto a = hold(project);
  for (;;) {
    const QuotaLimits deltas{{std::string(kInstances), max_count},
                             {std::string(kCores), std::int64_t{max_count} * each.cores},
                             {std::string(kRam), std::int64_t{max_count} * each.ram}};
    auto o = over(project, each.user, deltas);
    if (!o) {
      a.count = max_count;
      return a;
    }
    // Nova's headroom: what is left of each limit; an unlimited cores or
    // RAM follows the instances' headroom.
    std::map<std::string, double, std::less<>> headroom;
    for (const auto& [resource, limit] : o->allowed)
      if (deltas.count(resource)) headroom[resource] = static_cast<double>(limit - get(o->used, resource));
    const double instances = headroom[std::string(kInstances)];
    for (const auto resource : {kCores, kRam}) {
      if (get(o->allowed, resource) != kUnlimited) continue;
      const auto d = get(deltas, resource);
      headroom[std::string(resource)] = d ? instances * static_cast<double>(d) / max_count : instances;
    }
    double allowed = instances;
    if (each.cores) allowed = std::min(allowed, std::floor(headroom[std::string(kCores)] / each.cores));
    if (each.ram) allowed = std::min(allowed, std::floor(headroom[std::string(kRam)] / each.ram));
    const auto fits = static_cast<std::int64_t>(allowed);
    if (fits > 0 && min_count <= fits && fits < max_count) {
      max_count = static_cast<int>(fits);  // as many as fit: Nova checks again with that many
      continue;
    }
    o->fits = std::max<std::int64_t>(fits, 0);
    a.count = 0;
    a.over = std::move(o);
    return a;
  }
}

Quotas::Admission Quotas::admit_growth(const std::string& project, const ServerUse& growth) {
  auto a = hold(project);
  QuotaLimits deltas;
  if (growth.cores > 0) deltas[std::string(kCores)] = growth.cores;
  if (growth.ram > 0) deltas[std::string(kRam)] = growth.ram;
  if (!deltas.empty()) a.over = over(project, growth.user, deltas);
  a.count = a.over ? 0 : 1;
  return a;
}

std::optional<Overage> Quotas::check(const std::string& project, const std::string& user, std::string_view resource,
                                     std::int64_t count, std::optional<std::int64_t> user_count) const {
  const auto limits = project_limits(project);
  const auto user_allowed = user.empty() ? limits : user_limits(project, user);
  const std::string key(resource);
  Overage o;
  o.resources = {key};
  if (user_count) {
    if (!within(get(limits, key), count)) {
      o.used[key] = count - 1;
      o.allowed[key] = get(limits, key);
      return o;
    }
    if (!within(get(user_allowed, key), *user_count)) {
      o.used[key] = *user_count - 1;
      o.allowed[key] = get(user_allowed, key);
      o.user_scope = true;
      return o;
    }
    return std::nullopt;
  }
  const auto a = get(limits, key), b = get(user_allowed, key);
  const auto limit = a < 0 ? b : (b < 0 ? a : std::min(a, b));
  if (within(limit, count)) return std::nullopt;
  o.used[key] = count - 1;
  o.allowed[key] = limit;
  return o;
}

// --- documents --------------------------------------------------------------

Document Quotas::document(const Key& key, std::optional<std::int64_t> limit) {
  Document d;
  d.kind = kQuotaKind;
  d.key = encode_list({std::string(scope_word(key.scope)), key.name, key.user, key.resource});
  if (limit) d.value = std::to_string(*limit);
  else d.removed = true;
  return d;
}

std::optional<std::pair<Quotas::Key, std::int64_t>> Quotas::read(const Document& d) {
  const auto fields = decode_list(d.key);
  if (!fields || fields->size() != 4) return std::nullopt;
  const auto scope = scope_of((*fields)[0]);
  if (!scope || (*fields)[1].empty() || (*fields)[3].empty()) return std::nullopt;
  std::int64_t limit = 0;
  const auto* end = d.value.data() + d.value.size();
  if (d.value.empty() || std::from_chars(d.value.data(), end, limit).ptr != end || limit < kUnlimited)
    return std::nullopt;
  return std::pair{Key{*scope, (*fields)[1], (*fields)[2], (*fields)[3]}, limit};
}

bool Quotas::owns(std::string_view kind) const { return kind == kQuotaKind; }

std::optional<std::string> Quotas::verify(const std::vector<Document>& documents) const {
  for (const auto& d : documents)
    if (!read(d)) return fmt::format("documents: quota limit '{}' cannot be read", d.key);
  return std::nullopt;
}

void Quotas::load(const std::vector<Document>& documents) {
  std::unique_lock lock(mutex_);
  set_.clear();
  for (const auto& d : documents)
    if (auto entry = read(d)) set_[entry->first] = entry->second;
}

void Quotas::reset() {
  std::unique_lock lock(mutex_);
  set_.clear();
}

std::vector<Document> Quotas::documents() const {
  std::shared_lock lock(mutex_);
  std::vector<Document> out;
  for (const auto& [key, limit] : set_) out.push_back(document(key, limit));
  return out;
}

}  // namespace core
