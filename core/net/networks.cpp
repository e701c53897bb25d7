// The registry's plumbing (its tables and indexes, writes and their undo,
// the Keeper's load and reset, each tenant's default topology) and its
// networks and subnets. Ports are ports.cpp, routers and floating addresses
// routers.cpp, security groups and quotas security.cpp.
#include "core/net/networks.h"

#include <algorithm>
#include <mutex>

#include <fmt/format.h>

#include "core/net/state.h"

namespace core::net {

Networks::State::State() {
  ports.indexed = [this](const Port& p) {
    for (const auto& ip : p.fixed_ips) used[ip.subnet_id].insert(ip.address.value);
    macs.insert({p.network_id, p.mac});
    if (!p.device_id.empty()) by_device[p.device_id].insert(p.id);
  };
  ports.unindexed = [this](const Port& p) {
    for (const auto& ip : p.fixed_ips) used[ip.subnet_id].erase(ip.address.value);
    macs.erase({p.network_id, p.mac});
    if (auto it = by_device.find(p.device_id); it != by_device.end()) {
      it->second.erase(p.id);
      if (it->second.empty()) by_device.erase(it);
    }
  };
  floating_ips.indexed = [this](const FloatingIp& f) {
    used[f.subnet_id].insert(f.address.value);
    floating_by_address[f.network_id + "|" + to_string(f.address)] = f.id;
  };
  floating_ips.unindexed = [this](const FloatingIp& f) {
    used[f.subnet_id].erase(f.address.value);
    floating_by_address.erase(f.network_id + "|" + to_string(f.address));
  };
}

void Networks::State::clear() {
  networks.rows.clear();
  subnets.rows.clear();
  ports.rows.clear();
  floating_ips.rows.clear();
  routers.rows.clear();
  groups.rows.clear();
  rules.rows.clear();
  tenants.rows.clear();
  used.clear();
  macs.clear();
  by_device.clear();
  floating_by_address.clear();
}

std::vector<Document> Networks::Change::documents() const {
  std::vector<Document> out;
  out.reserve(encoders_.size());
  for (const auto& encode : encoders_) out.push_back(encode());
  return out;
}

void Networks::Change::rollback() {
  for (auto it = undo_.rbegin(); it != undo_.rend(); ++it) (*it)();
  undo_.clear();
  encoders_.clear();
  touched_.clear();
}

Networks::Networks(Fleet& fleet, IdSource& ids, Tenants& tenants)
    : fleet_(fleet), ids_(ids), tenants_(tenants), state_(std::make_unique<State>()) {
  fleet_.add_keeper(*this);
}

Networks::~Networks() = default;

// --- Keeper ---------------------------------------------------------------

bool Networks::owns(std::string_view kind) const { return kind.rfind("net-", 0) == 0; }

std::optional<std::string> Networks::verify(const std::vector<Document>& documents) const {
  State scratch;
  for (const auto& d : documents)
    if (auto problem = scratch.read(d, tenants_)) return problem;
  return std::nullopt;
}

void Networks::load(const std::vector<Document>& documents) {
  std::unique_lock lock(mutex_);
  state_->clear();
  for (const auto& d : documents) (void)state_->read(d, tenants_);
}

void Networks::reset() {
  std::unique_lock lock(mutex_);
  state_->clear();
  // The external network is there from the start, as in a fresh devstack;
  // each tenant's own topology comes the first time the tenant is seen.
  Change change(*state_, tenants_, fleet_.clock().now_ms());
  make_external(change);
  change.keep();  // in memory: the fleet's replace writes every keeper's documents next
}

std::vector<Document> Networks::documents() const {
  std::shared_lock lock(mutex_);
  std::vector<Document> out;
  const auto add = [&](const auto& table) {
    for (const auto& [id, row] : table.rows) out.push_back(to_document(row, tenants_));
  };
  add(state_->tenants);
  add(state_->networks);
  add(state_->subnets);
  add(state_->groups);
  add(state_->rules);
  add(state_->routers);
  add(state_->ports);
  add(state_->floating_ips);
  return out;
}

// --- writes -----------------------------------------------------------------

Result<Done> Networks::write(Change& change) {
  if (auto kept = fleet_.keep(change.documents()); !kept) return kept.error();  // the Change rolls back
  change.keep();
  return Done{};
}

std::string Networks::new_id() { return ids_.next_uuid(); }

void Networks::stamp(Common& c, const Change& change) const {
  if (!c.created_ms) c.created_ms = change.now();
  c.updated_ms = change.now();
  ++c.revision;
}

bool Networks::sees(const Caller& caller, const Network& n) const {
  return caller.admin || n.tenant == caller.tenant || n.shared || n.external;
}

Result<Done> Networks::ensure_defaults(TenantId tenant) {
  {
    std::shared_lock lock(mutex_);
    const auto key = tenants_.key(tenant);
    if (const auto* t = state_->tenants.find(key); t && t->defaults_made) return Done{};
  }
  std::unique_lock lock(mutex_);
  Change change(*state_, tenants_, fleet_.clock().now_ms());
  make_defaults(change, tenant);
  if (change.empty()) {
    change.keep();
    return Done{};
  }
  return write(change);
}

TenantRecord& Networks::tenant_record(Change& change, TenantId tenant) {
  const auto key = tenants_.key(tenant);
  if (!state_->tenants.find(key)) change.put(state_->tenants, TenantRecord{key, tenant, false, {}});
  return state_->tenants.rows.at(key);
}

void Networks::make_external(Change& change) {
  for (const auto& [id, n] : state_->networks.rows)
    if (n.external) return;
  const auto admin = tenants_.for_project("admin");
  Network pub;
  pub.id = new_id();
  pub.tenant = admin;
  pub.name = "public";
  pub.external = true;
  stamp(pub, change);
  change.put(state_->networks, pub);
  Subnet sub;
  sub.id = new_id();
  sub.tenant = admin;
  sub.name = "public-subnet";
  sub.network_id = pub.id;
  sub.cidr = *parse_prefix("172.24.4.0/24");
  sub.gateway = parse_address("172.24.4.1");
  sub.pools = {{*parse_address("172.24.4.2"), *parse_address("172.24.4.254")}};
  sub.dhcp = false;
  stamp(sub, change);
  change.put(state_->subnets, sub);
}

void Networks::make_defaults(Change& change, TenantId tenant) {
  make_external(change);
  if (tenant_record(change, tenant).defaults_made) return;
  auto record = *state_->tenants.find(tenants_.key(tenant));
  record.defaults_made = true;
  change.put(state_->tenants, record);
  default_group(change, tenant);
  if (topology_rule_ && !topology_rule_(tenant)) return;

  Network net;
  net.id = new_id();
  net.tenant = tenant;
  net.name = "private";
  net.tenant_default = true;
  stamp(net, change);
  change.put(state_->networks, net);
  Subnet sub;
  sub.id = new_id();
  sub.tenant = tenant;
  sub.name = "private-subnet";
  sub.network_id = net.id;
  sub.cidr = *parse_prefix("10.0.0.0/26");
  sub.gateway = parse_address("10.0.0.1");
  sub.pools = {{*parse_address("10.0.0.2"), *parse_address("10.0.0.62")}};
  sub.dns_nameservers = {};
  stamp(sub, change);
  change.put(state_->subnets, sub);

  Router router;
  router.id = new_id();
  router.tenant = tenant;
  router.name = "router1";
  stamp(router, change);
  change.put(state_->routers, router);
  const Network* external = nullptr;
  for (const auto& [id, n] : state_->networks.rows)
    if (n.external && (!external || n.created_ms < external->created_ms)) external = &n;
  // Best effort, as devstack's script: a full external pool leaves the router without a gateway.
  if (external) (void)set_gateway(change, router.id, GatewayRequest{external->id, true, std::nullopt});
  (void)plug_interface(change, router.id, sub.id, "");
}

// --- networks ---------------------------------------------------------------

Result<Network> Networks::network(const Caller& caller, std::string_view id) {
  (void)ensure_defaults(caller.tenant);
  std::shared_lock lock(mutex_);
  const auto* n = state_->networks.find(id);
  if (!n || !sees(caller, *n)) return missing("network", std::string(id));
  return *n;
}

std::vector<Network> Networks::networks(const Caller& caller) {
  (void)ensure_defaults(caller.tenant);
  std::shared_lock lock(mutex_);
  std::vector<Network> out;
  for (const auto& [id, n] : state_->networks.rows)
    if (sees(caller, n)) out.push_back(n);
  return in_creation_order(std::move(out));
}

Result<Network> Networks::create_network(const Caller& caller, Network draft) {
  if (!caller.may_act) return forbidden("", Action::Create);
  if (!caller.admin) draft.tenant = caller.tenant;
  std::unique_lock lock(mutex_);
  Change change(*state_, tenants_, fleet_.clock().now_ms());
  make_defaults(change, draft.tenant);
  if (auto over = check_quota(draft.tenant, "network", 1)) return *over;
  draft.id = draft.id.empty() ? new_id() : draft.id;
  if (state_->networks.find(draft.id)) return conflict("exists", draft.id, "Network " + draft.id + " already exists.");
  draft.tenant_default = false;
  draft.revision = 0;
  draft.created_ms = 0;
  stamp(draft, change);
  change.put(state_->networks, draft);
  if (auto written = write(change); !written) return written.error();
  return draft;
}

Result<Network> Networks::update_network(const Caller& caller, std::string_view id,
                                         const std::function<void(Network&)>& edit) {
  if (!caller.may_act) return forbidden(std::string(id), Action::Update);
  std::unique_lock lock(mutex_);
  const auto* found = state_->networks.find(id);
  if (!found || !sees(caller, *found)) return missing("network", std::string(id));
  if (!caller.admin && found->tenant != caller.tenant) return forbidden(std::string(id), Action::Update);
  Network next = *found;
  edit(next);
  next.id = found->id;
  next.tenant = found->tenant;
  if (found->external && !next.external) {
    for (const auto& [fid, f] : state_->floating_ips.rows)
      if (f.network_id == found->id)
        return conflict("external_network_in_use", found->id,
                        fmt::format("External network {} cannot be updated, as it is used by floating IPs.", found->id));
  }
  if (found->shared && !next.shared) {
    for (const auto& [pid, p] : state_->ports.rows)
      if (p.network_id == found->id && p.tenant != found->tenant && !p.device_owner.starts_with("network:"))
        return conflict("network_in_use", found->id,
                        fmt::format("Unable to reconfigure sharing settings for network {}. Multiple tenants are "
                                    "using it.", found->id));
  }
  Change change(*state_, tenants_, fleet_.clock().now_ms());
  stamp(next, change);
  change.put(state_->networks, next);
  if (auto written = write(change); !written) return written.error();
  return next;
}

Result<Done> Networks::delete_network(const Caller& caller, std::string_view id) {
  if (!caller.may_act) return forbidden(std::string(id), Action::Delete);
  std::unique_lock lock(mutex_);
  const auto* found = state_->networks.find(id);
  if (!found || !sees(caller, *found)) return missing("network", std::string(id));
  if (!caller.admin && found->tenant != caller.tenant) return forbidden(std::string(id), Action::Delete);
  const std::string network_id = found->id;
  for (const auto& [pid, p] : state_->ports.rows)
    if (p.network_id == network_id)
      return conflict("network_in_use", network_id,
                      fmt::format("Unable to complete operation on network {}. There are one or more ports still in "
                                  "use on the network.", network_id));
  Change change(*state_, tenants_, fleet_.clock().now_ms());
  // Its floating addresses go with it, as Neutron deletes their ports with the network.
  std::vector<std::string> floating;
  for (const auto& [fid, f] : state_->floating_ips.rows)
    if (f.network_id == network_id) floating.push_back(fid);
  for (const auto& fid : floating) change.erase(state_->floating_ips, fid);
  std::vector<std::string> subnets;
  for (const auto& [sid, s] : state_->subnets.rows)
    if (s.network_id == network_id) subnets.push_back(sid);
  for (const auto& sid : subnets) change.erase(state_->subnets, sid);
  change.erase(state_->networks, network_id);
  return write(change);
}

// --- subnets ----------------------------------------------------------------

bool Networks::sees(const Caller& caller, const Subnet& s) const {
  // An external network is seen by all, its subnets only when it is shared (as Neutron's).
  if (caller.admin || s.tenant == caller.tenant) return true;
  const auto* n = state_->networks.find(s.network_id);
  return n && n->shared;
}

Result<Subnet> Networks::subnet(const Caller& caller, std::string_view id) {
  (void)ensure_defaults(caller.tenant);
  std::shared_lock lock(mutex_);
  const auto* s = state_->subnets.find(id);
  if (!s || !sees(caller, *s)) return missing("subnet", std::string(id));
  return *s;
}

std::vector<Subnet> Networks::subnets(const Caller& caller) {
  (void)ensure_defaults(caller.tenant);
  std::shared_lock lock(mutex_);
  std::vector<Subnet> out;
  for (const auto& [id, s] : state_->subnets.rows)
    if (sees(caller, s)) out.push_back(s);
  return in_creation_order(std::move(out));
}

std::optional<Error> Networks::check_subnet(const Subnet& s, std::string_view skip_id) const {
  const auto bad = [](std::string detail) { return invalid_argument("subnet", std::move(detail)); };
  if (s.gateway) {
    if (s.gateway->version != s.cidr.network.version || !s.cidr.contains(*s.gateway))
      return bad(fmt::format("Gateway IP {} conflicts with the subnet's cidr {}.", to_string(*s.gateway),
                             to_string(s.cidr)));
    if (s.cidr.network.version == 4 && s.cidr.length < 31 &&
        (*s.gateway == s.cidr.first() || *s.gateway == s.cidr.last()))
      return bad(fmt::format("Gateway is not valid on subnet {}: it is the network or broadcast address.",
                             to_string(s.cidr)));
  }
  for (std::size_t i = 0; i < s.pools.size(); ++i) {
    const auto& p = s.pools[i];
    const auto text = to_string(p.start) + "-" + to_string(p.end);
    if (p.start.version != s.cidr.network.version || p.end.version != s.cidr.network.version || p.end < p.start)
      return bad(fmt::format("The allocation pool {} spans beyond the subnet cidr {}.", text, to_string(s.cidr)));
    if (!s.cidr.contains(p.start) || !s.cidr.contains(p.end))
      return bad(fmt::format("The allocation pool {} spans beyond the subnet cidr {}.", text, to_string(s.cidr)));
    if (s.gateway && p.contains(*s.gateway))
      return bad(fmt::format("Gateway ip {} conflicts with allocation pool {}.", to_string(*s.gateway), text));
    for (std::size_t j = 0; j < i; ++j)
      if (s.pools[j].overlaps(p))
        return bad(fmt::format("Found overlapping allocation pools: {}-{} and {}.", to_string(s.pools[j].start),
                               to_string(s.pools[j].end), text));
  }
  for (const auto& [id, other] : state_->subnets.rows) {
    if (id == skip_id || other.network_id != s.network_id) continue;
    if (other.cidr.overlaps(s.cidr))
      return bad(fmt::format("Invalid input for operation: Requested subnet with cidr: {} for network: {} overlaps "
                             "with another subnet.", to_string(s.cidr), s.network_id));
  }
  for (const auto& route : s.host_routes)
    if (route.nexthop.version != s.cidr.network.version || route.destination.network.version != s.cidr.network.version)
      return bad(fmt::format("Host route {} does not match the subnet's IP version.", to_string(route.destination)));
  return std::nullopt;
}

std::vector<Range> Networks::default_pools(const Subnet& s) {
  // The whole cidr but its network address (and, for IPv4, its broadcast
  // address) and the gateway: one pool, or two around the gateway.
  Address first = s.cidr.first(), last = s.cidr.last();
  if (s.cidr.length < s.cidr.bits() - 1) {
    first = first.plus(1);
    if (s.cidr.network.version == 4) last = last.plus(-1);
  }
  if (last < first) return {};
  if (!s.gateway || *s.gateway < first || last < *s.gateway) return {{first, last}};
  std::vector<Range> pools;
  if (first < *s.gateway) pools.push_back({first, s.gateway->plus(-1)});
  if (*s.gateway < last) pools.push_back({s.gateway->plus(1), last});
  return pools;
}

Result<Subnet> Networks::create_subnet(const Caller& caller, Subnet draft, GatewayChoice gateway) {
  if (!caller.may_act) return forbidden("", Action::Create);
  std::unique_lock lock(mutex_);
  const auto* network = state_->networks.find(draft.network_id);
  if (!network || !sees(caller, *network)) return missing("network", draft.network_id);
  if (!caller.admin && network->tenant != caller.tenant) return forbidden(draft.network_id, Action::Create);
  if (!caller.admin) draft.tenant = caller.tenant;
  Change change(*state_, tenants_, fleet_.clock().now_ms());
  make_defaults(change, draft.tenant);
  if (auto over = check_quota(draft.tenant, "subnet", 1)) return *over;
  draft.cidr = normalise(draft.cidr);
  if (gateway.given) draft.gateway = gateway.address;
  else draft.gateway = draft.cidr.length < draft.cidr.bits() ? std::optional(draft.cidr.first().plus(1)) : std::nullopt;
  if (draft.pools.empty()) draft.pools = default_pools(draft);
  if (auto problem = check_subnet(draft, "")) return *problem;
  draft.id = draft.id.empty() ? new_id() : draft.id;
  draft.revision = 0;
  draft.created_ms = 0;
  stamp(draft, change);
  change.put(state_->subnets, draft);
  if (auto written = write(change); !written) return written.error();
  return draft;
}

Result<Subnet> Networks::update_subnet(const Caller& caller, std::string_view id,
                                       const std::function<void(Subnet&)>& edit,
                                       std::optional<GatewayChoice> gateway) {
  if (!caller.may_act) return forbidden(std::string(id), Action::Update);
  std::unique_lock lock(mutex_);
  const auto* found = state_->subnets.find(id);
  if (!found || !sees(caller, *found)) return missing("subnet", std::string(id));
  if (!caller.admin && found->tenant != caller.tenant) return forbidden(std::string(id), Action::Update);
  Subnet next = *found;
  edit(next);
  next.id = found->id;
  next.network_id = found->network_id;
  next.cidr = found->cidr;
  if (gateway) {
    next.gateway = gateway->given ? gateway->address : found->gateway;
    if (next.gateway && next.gateway != found->gateway) {
      const auto& taken = state_->used[found->id];
      if (taken.count(next.gateway->value))
        return conflict("gateway_in_use", to_string(*next.gateway),
                        fmt::format("Gateway ip {} conflicts with an address in use on subnet {}.",
                                    to_string(*next.gateway), found->id));
    }
  }
  if (auto problem = check_subnet(next, found->id)) return *problem;
  Change change(*state_, tenants_, fleet_.clock().now_ms());
  stamp(next, change);
  change.put(state_->subnets, next);
  if (auto written = write(change); !written) return written.error();
  return next;
}

Result<Done> Networks::delete_subnet(const Caller& caller, std::string_view id) {
  if (!caller.may_act) return forbidden(std::string(id), Action::Delete);
  std::unique_lock lock(mutex_);
  const auto* found = state_->subnets.find(id);
  if (!found || !sees(caller, *found)) return missing("subnet", std::string(id));
  if (!caller.admin && found->tenant != caller.tenant) return forbidden(std::string(id), Action::Delete);
  const std::string subnet_id = found->id;
  if (auto it = state_->used.find(subnet_id); it != state_->used.end() && !it->second.empty())
    return conflict("subnet_in_use", subnet_id,
                    fmt::format("Unable to complete operation on subnet {}: One or more ports have an IP allocation "
                                "from this subnet.", subnet_id));
  Change change(*state_, tenants_, fleet_.clock().now_ms());
  change.erase(state_->subnets, subnet_id);
  return write(change);
}

}  // namespace core::net
