// Security groups and their rules (each tenant's `default` group made with
// Neutron's rules: everything out, and in from members of the same group),
// and quotas: per tenant, the defaults unless set, counted on each create.
#include <algorithm>
#include <mutex>

#include <fmt/format.h>

#include "core/net/networks.h"
#include "core/net/state.h"

namespace core::net {

Limits default_limits() {
  return {{"network", 100},        {"subnet", 100},          {"port", 500},
          {"router", 10},          {"floatingip", 50},       {"security_group", 10},
          {"security_group_rule", 100}};
}

bool Networks::sees(const Caller& caller, const SecurityGroup& g) const {
  return caller.admin || g.tenant == caller.tenant;
}

std::string Networks::default_group(Change& change, TenantId tenant) {
  for (const auto& [id, g] : state_->groups.rows)
    if (g.tenant == tenant && g.name == "default") return id;
  SecurityGroup g;
  g.id = new_id();
  g.tenant = tenant;
  g.name = "default";
  g.description = "Default security group";
  stamp(g, change);
  change.put(state_->groups, g);
  for (const auto& [direction, ethertype] : {std::pair{"egress", 4}, {"egress", 6}, {"ingress", 4}, {"ingress", 6}}) {
    SecurityRule r;
    r.id = new_id();
    r.tenant = tenant;
    r.group_id = g.id;
    r.direction = direction;
    r.ethertype = ethertype;
    if (r.direction == "ingress") r.remote_group_id = g.id;
    r.created_ms = r.updated_ms = change.now();
    r.revision = 1;
    change.put(state_->rules, r);
  }
  return g.id;
}

Result<std::string> Networks::default_group_id(TenantId tenant) {
  if (auto made = ensure_defaults(tenant); !made) return made.error();
  std::shared_lock lock(mutex_);
  if (const auto* g = group_named(tenant, "default")) return g->id;
  return missing("security_group", "default");
}

const SecurityGroup* Networks::group_named(TenantId tenant, std::string_view id_or_name) const {
  if (const auto* g = state_->groups.find(id_or_name); g && g->tenant == tenant) return g;
  const SecurityGroup* found = nullptr;
  for (const auto& [id, g] : state_->groups.rows)
    if (g.tenant == tenant && g.name == id_or_name && (!found || g.created_ms < found->created_ms)) found = &g;
  return found;
}

std::optional<Error> Networks::check_groups(TenantId tenant, const std::vector<std::string>& ids) const {
  for (const auto& id : ids) {
    const auto* g = state_->groups.find(id);
    if (!g || g->tenant != tenant) return missing("security_group", id);
  }
  return std::nullopt;
}

Result<SecurityGroup> Networks::security_group(const Caller& caller, std::string_view id) {
  (void)ensure_defaults(caller.tenant);
  std::shared_lock lock(mutex_);
  const auto* g = state_->groups.find(id);
  if (!g || !sees(caller, *g)) return missing("security_group", std::string(id));
  return *g;
}

Result<SecurityGroup> Networks::security_group_named(const Caller& caller, std::string_view id_or_name) {
  (void)ensure_defaults(caller.tenant);
  std::shared_lock lock(mutex_);
  if (const auto* g = state_->groups.find(id_or_name); g && sees(caller, *g)) return *g;
  if (const auto* g = group_named(caller.tenant, id_or_name)) return *g;
  return missing("security_group", std::string(id_or_name));
}

std::vector<SecurityGroup> Networks::security_groups(const Caller& caller) {
  (void)ensure_defaults(caller.tenant);
  std::shared_lock lock(mutex_);
  std::vector<SecurityGroup> out;
  for (const auto& [id, g] : state_->groups.rows)
    if (sees(caller, g)) out.push_back(g);
  return in_creation_order(std::move(out));
}

Result<SecurityGroup> Networks::create_security_group(const Caller& caller, SecurityGroup draft) {
  if (!caller.may_act) return forbidden("", Action::Create);
  if (!caller.admin) draft.tenant = caller.tenant;
  std::unique_lock lock(mutex_);
  Change change(*state_, tenants_, fleet_.clock().now_ms());
  make_defaults(change, draft.tenant);
  if (draft.name == "default")
    return conflict("default_group_exists", draft.name, "Default security group already exists.");
  if (auto over = check_quota(draft.tenant, "security_group", 1)) return *over;
  draft.id = new_id();
  draft.revision = 0;
  draft.created_ms = 0;
  stamp(draft, change);
  change.put(state_->groups, draft);
  // A new group lets everything out, as Neutron makes it.
  for (int ethertype : {4, 6}) {
    SecurityRule r;
    r.id = new_id();
    r.tenant = draft.tenant;
    r.group_id = draft.id;
    r.direction = "egress";
    r.ethertype = ethertype;
    r.created_ms = r.updated_ms = change.now();
    r.revision = 1;
    change.put(state_->rules, r);
  }
  if (auto written = write(change); !written) return written.error();
  return draft;
}

Result<SecurityGroup> Networks::update_security_group(const Caller& caller, std::string_view id,
                                                      const std::function<void(SecurityGroup&)>& edit) {
  if (!caller.may_act) return forbidden(std::string(id), Action::Update);
  std::unique_lock lock(mutex_);
  const auto* found = state_->groups.find(id);
  if (!found || !sees(caller, *found)) return missing("security_group", std::string(id));
  SecurityGroup next = *found;
  edit(next);
  next.id = found->id;
  next.tenant = found->tenant;
  if (found->name == "default" && next.name != "default")
    return conflict("default_group", found->id, "Updating default security group not allowed.");
  if (found->name != "default" && next.name == "default")
    return conflict("default_group_exists", found->id, "Default security group already exists.");
  Change change(*state_, tenants_, fleet_.clock().now_ms());
  stamp(next, change);
  change.put(state_->groups, next);
  if (auto written = write(change); !written) return written.error();
  return next;
}

Result<Done> Networks::delete_security_group(const Caller& caller, std::string_view id) {
  if (!caller.may_act) return forbidden(std::string(id), Action::Delete);
  std::unique_lock lock(mutex_);
  const auto* found = state_->groups.find(id);
  if (!found || !sees(caller, *found)) return missing("security_group", std::string(id));
  if (found->name == "default" && !caller.admin)
    return conflict("default_group", found->id, "Removing default security group not allowed.");
  for (const auto& [pid, p] : state_->ports.rows)
    if (std::find(p.security_groups.begin(), p.security_groups.end(), found->id) != p.security_groups.end())
      return conflict("group_in_use", found->id,
                      fmt::format("Security Group {} in use.", found->id));
  Change change(*state_, tenants_, fleet_.clock().now_ms());
  const std::string group_id = found->id;
  // Its rules go with it, and so do other groups' rules that name it as their remote group.
  std::vector<std::string> rules;
  for (const auto& [rid, r] : state_->rules.rows)
    if (r.group_id == group_id || r.remote_group_id == group_id) rules.push_back(rid);
  for (const auto& rid : rules) change.erase(state_->rules, rid);
  change.erase(state_->groups, group_id);
  return write(change);
}

Result<SecurityRule> Networks::security_rule(const Caller& caller, std::string_view id) {
  std::shared_lock lock(mutex_);
  const auto* r = state_->rules.find(id);
  if (!r || !(caller.admin || r->tenant == caller.tenant)) return missing("security_group_rule", std::string(id));
  return *r;
}

std::vector<SecurityRule> Networks::security_rules(const Caller& caller) {
  (void)ensure_defaults(caller.tenant);
  std::shared_lock lock(mutex_);
  std::vector<SecurityRule> out;
  for (const auto& [id, r] : state_->rules.rows)
    if (caller.admin || r.tenant == caller.tenant) out.push_back(r);
  std::sort(out.begin(), out.end(), [](const SecurityRule& a, const SecurityRule& b) {
    return a.created_ms != b.created_ms ? a.created_ms < b.created_ms : a.id < b.id;
  });
  return out;
}

Result<SecurityRule> Networks::create_security_rule(const Caller& caller, SecurityRule draft) {
  if (!caller.may_act) return forbidden("", Action::Create);
  std::unique_lock lock(mutex_);
  const auto* group = state_->groups.find(draft.group_id);
  if (!group || !sees(caller, *group)) return missing("security_group", draft.group_id);
  draft.tenant = caller.admin ? group->tenant : caller.tenant;
  if (!draft.remote_group_id.empty()) {
    const auto* remote = state_->groups.find(draft.remote_group_id);
    if (!remote || !sees(caller, *remote)) return missing("security_group", draft.remote_group_id);
  }
  if (draft.remote_prefix && draft.remote_prefix->network.version != draft.ethertype)
    return invalid_argument("remote_ip_prefix",
                            fmt::format("Conflicting value ethertype IPv{} for CIDR {}", draft.ethertype,
                                        to_string(*draft.remote_prefix)));
  // The prefix is kept as given (Neutron's remote_ip_prefix); two rules are
  // the same when their prefixes cover the same addresses.
  const auto same_prefix = [](const std::optional<Prefix>& a, const std::optional<Prefix>& b) {
    return a.has_value() == b.has_value() && (!a || normalise(*a) == normalise(*b));
  };
  for (const auto& [rid, r] : state_->rules.rows) {
    if (r.group_id == draft.group_id && r.direction == draft.direction && r.ethertype == draft.ethertype &&
        r.protocol == draft.protocol && r.port_min == draft.port_min && r.port_max == draft.port_max &&
        same_prefix(r.remote_prefix, draft.remote_prefix) && r.remote_group_id == draft.remote_group_id)
      return conflict("rule_exists", rid, fmt::format("Security group rule already exists. Rule id is {}.", rid));
  }
  if (auto over = check_quota(draft.tenant, "security_group_rule", 1)) return *over;
  Change change(*state_, tenants_, fleet_.clock().now_ms());
  draft.id = new_id();
  draft.created_ms = draft.updated_ms = change.now();
  draft.revision = 1;
  change.put(state_->rules, draft);
  auto touched = *group;  // a group's revision follows its rules, as Neutron's does
  stamp(touched, change);
  change.put(state_->groups, touched);
  if (auto written = write(change); !written) return written.error();
  return draft;
}

Result<Done> Networks::delete_security_rule(const Caller& caller, std::string_view id) {
  if (!caller.may_act) return forbidden(std::string(id), Action::Delete);
  std::unique_lock lock(mutex_);
  const auto* found = state_->rules.find(id);
  if (!found || !(caller.admin || found->tenant == caller.tenant))
    return missing("security_group_rule", std::string(id));
  Change change(*state_, tenants_, fleet_.clock().now_ms());
  const std::string group_id = found->group_id;
  change.erase(state_->rules, found->id);
  if (const auto* group = state_->groups.find(group_id)) {
    auto touched = *group;
    stamp(touched, change);
    change.put(state_->groups, touched);
  }
  return write(change);
}

// --- quotas -----------------------------------------------------------------

Limits Networks::limits_locked(TenantId tenant) const {
  auto limits = default_limits();
  if (const auto* t = state_->tenants.find(tenants_.key(tenant)))
    for (const auto& [resource, limit] : t->limits) limits[resource] = limit;
  return limits;
}

Limits Networks::usage_locked(TenantId tenant) const {
  Limits used;
  for (const auto& [name, limit] : default_limits()) used[name] = 0;
  const auto count = [&](const auto& table, const char* resource) {
    for (const auto& [id, row] : table.rows)
      if (row.tenant == tenant) ++used[resource];
  };
  count(state_->networks, "network");
  count(state_->subnets, "subnet");
  count(state_->routers, "router");
  count(state_->floating_ips, "floatingip");
  count(state_->groups, "security_group");
  count(state_->rules, "security_group_rule");
  for (const auto& [id, p] : state_->ports.rows)
    if (p.tenant == tenant && !p.device_owner.starts_with("network:")) ++used["port"];
  return used;
}

std::optional<Error> Networks::check_quota(TenantId tenant, std::string_view resource, int adding) const {
  const auto limits = limits_locked(tenant);
  const auto it = limits.find(resource);
  if (it == limits.end() || it->second < 0) return std::nullopt;
  const auto used = usage_locked(tenant).at(std::string(resource));
  if (used + adding <= it->second) return std::nullopt;
  return over_quota(std::string(resource), fmt::format("Quota exceeded for resources: ['{}'].", resource));
}

Limits Networks::limits(TenantId tenant) {
  std::shared_lock lock(mutex_);
  return limits_locked(tenant);
}

Limits Networks::usage(TenantId tenant) {
  (void)ensure_defaults(tenant);
  std::shared_lock lock(mutex_);
  return usage_locked(tenant);
}

Result<Limits> Networks::set_limits(TenantId tenant, const Limits& changes) {
  std::unique_lock lock(mutex_);
  for (const auto& [resource, limit] : changes)
    if (!default_limits().count(resource))
      return invalid_argument(resource, fmt::format("Unrecognized attribute(s) '{}'", resource));
  Change change(*state_, tenants_, fleet_.clock().now_ms());
  auto record = tenant_record(change, tenant);
  for (const auto& [resource, limit] : changes) record.limits[resource] = limit;
  change.put(state_->tenants, record);
  if (auto written = write(change); !written) return written.error();
  return limits_locked(tenant);
}

Result<Done> Networks::reset_limits(TenantId tenant) {
  std::unique_lock lock(mutex_);
  const auto* found = state_->tenants.find(tenants_.key(tenant));
  if (!found || found->limits.empty()) return Done{};
  Change change(*state_, tenants_, fleet_.clock().now_ms());
  auto record = *found;
  record.limits.clear();
  change.put(state_->tenants, record);
  return write(change);
}

std::vector<TenantId> Networks::tenants_with_limits() {
  std::shared_lock lock(mutex_);
  std::vector<TenantId> out;
  for (const auto& [key, t] : state_->tenants.rows)
    if (!t.limits.empty()) out.push_back(t.tenant);
  return out;
}

}  // namespace core::net
