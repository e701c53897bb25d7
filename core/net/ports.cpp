// Ports and their addresses: allocation from a subnet's pools (the lowest
// free address, so a fresh cloud hands out 10.0.0.2, .3, ...; unique in
// the subnet because the lock is held from the choice to the write), MACs
// unique in the network, and the servers' side: the ports a server gets at
// create (staged in the server's own commit), loses at delete, and attaches
// or detaches while it runs.
#include <algorithm>
#include <memory>
#include <mutex>

#include <fmt/format.h>

#include "core/net/networks.h"
#include "core/net/state.h"

namespace core::net {

bool Networks::sees(const Caller& caller, const Port& p) const {
  if (caller.admin || p.tenant == caller.tenant) return true;
  const auto* n = state_->networks.find(p.network_id);
  return n && n->tenant == caller.tenant;
}

Result<Port> Networks::port(const Caller& caller, std::string_view id) {
  (void)ensure_defaults(caller.tenant);
  std::shared_lock lock(mutex_);
  const auto* p = state_->ports.find(id);
  if (!p || !sees(caller, *p)) return missing("port", std::string(id));
  return *p;
}

std::vector<Port> Networks::ports(const Caller& caller) {
  (void)ensure_defaults(caller.tenant);
  std::shared_lock lock(mutex_);
  std::vector<Port> out;
  for (const auto& [id, p] : state_->ports.rows)
    if (sees(caller, p)) out.push_back(p);
  return in_creation_order(std::move(out));
}

std::string Networks::new_mac(const std::string& network_id) {
  for (int attempt = 0; attempt < 64; ++attempt) {
    const auto seed = ids_.next_uuid();  // 36 hex-and-dash characters: the last six hex digits make the MAC
    const auto hex = seed.substr(seed.size() - 6);
    auto mac = fmt::format("fa:16:3e:{}:{}:{}", hex.substr(0, 2), hex.substr(2, 2), hex.substr(4, 2));
    if (!state_->macs.count({network_id, mac})) return mac;
  }
  return {};
}

std::optional<Address> Networks::lowest_free(const Subnet& s) const {
  const auto it = state_->used.find(s.id);
  for (const auto& pool : s.pools) {
    for (Address a = pool.start;; a = a.plus(1)) {
      if (it == state_->used.end() || !it->second.count(a.value)) return a;
      if (a == pool.end) break;
    }
  }
  return std::nullopt;
}

Result<FixedIp> Networks::take_address(const Network& net, const IpRequest& request) {
  const Subnet* subnet = nullptr;
  if (!request.subnet_id.empty()) {
    subnet = state_->subnets.find(request.subnet_id);
    if (!subnet) return missing("subnet", request.subnet_id);
    if (subnet->network_id != net.id)
      return invalid_argument("fixed_ips", fmt::format("Invalid input for operation: Failed to create port on network "
                                                       "{}, because fixed_ips included invalid subnet {}.",
                                                       net.id, request.subnet_id));
  } else if (request.address) {
    for (const auto& [id, s] : state_->subnets.rows)
      if (s.network_id == net.id && s.cidr.contains(*request.address)) subnet = &s;
    if (!subnet)
      return invalid_argument("fixed_ips", fmt::format("IP address {} is not a valid IP for any of the subnets on the "
                                                       "specified network.", to_string(*request.address)));
  } else {
    return invalid_argument("fixed_ips", "Invalid input for operation: a fixed IP names a subnet or an address.");
  }
  if (request.address) {
    const auto& a = *request.address;
    const bool edge = subnet->cidr.network.version == 4 && subnet->cidr.length < 31 &&
                      (a == subnet->cidr.first() || a == subnet->cidr.last());
    if (!subnet->cidr.contains(a) || edge)
      return invalid_argument("fixed_ips", fmt::format("IP address {} is not a valid IP for the specified subnet.",
                                                       to_string(a)));
    if (state_->used[subnet->id].count(a.value))
      return conflict("address_in_use", to_string(a),
                      fmt::format("IP address {} already allocated in subnet {}", to_string(a), subnet->id));
    return FixedIp{subnet->id, a};
  }
  auto free = lowest_free(*subnet);
  if (!free)
    return conflict("no_address_free", net.id, fmt::format("No more IP addresses available on network {}.", net.id));
  return FixedIp{subnet->id, *free};
}

Result<std::vector<FixedIp>> Networks::assign(const Network& net, const std::optional<std::vector<IpRequest>>& ips,
                                              const std::vector<FixedIp>& held) {
  std::vector<FixedIp> out;
  const auto keep_or_take = [&](const IpRequest& r) -> std::optional<Error> {
    // An address the port already holds stays its own (an update that lists it again).
    for (const auto& h : held) {
      const bool same = r.address ? h.address == *r.address && (r.subnet_id.empty() || r.subnet_id == h.subnet_id)
                                  : h.subnet_id == r.subnet_id;
      if (same && std::none_of(out.begin(), out.end(), [&](const FixedIp& o) { return o.address == h.address; })) {
        out.push_back(h);
        return std::nullopt;
      }
    }
    auto taken = take_address(net, r);
    if (!taken) return taken.error();
    out.push_back(taken.value());
    state_->used[taken->subnet_id].insert(taken->address.value);  // taken for the rest of this request
    return std::nullopt;
  };
  const auto release = [&] {
    for (const auto& ip : out)
      if (std::none_of(held.begin(), held.end(), [&](const FixedIp& h) { return h.address == ip.address; }))
        state_->used[ip.subnet_id].erase(ip.address.value);
  };
  if (ips) {
    for (const auto& r : *ips) {
      if (auto problem = keep_or_take(r)) {
        release();
        return *problem;
      }
    }
    release();  // the port's own index entry marks them once it is put
    return out;
  }
  // Nothing asked: an address of the first IPv4 subnet that has one free,
  // and one of each IPv6 subnet (as Neutron's SLAAC would give).
  std::vector<const Subnet*> mine;
  for (const auto& [id, s] : state_->subnets.rows)
    if (s.network_id == net.id) mine.push_back(&s);
  std::sort(mine.begin(), mine.end(), [](const Subnet* a, const Subnet* b) {
    return a->created_ms != b->created_ms ? a->created_ms < b->created_ms : a->id < b->id;
  });
  bool v4_tried = false, v4_given = false;
  for (const auto* s : mine) {
    if (s->cidr.network.version == 4 && v4_given) continue;
    if (s->cidr.network.version == 4) v4_tried = true;
    if (auto free = lowest_free(*s)) {
      out.push_back({s->id, *free});
      state_->used[s->id].insert(free->value);
      if (s->cidr.network.version == 4) v4_given = true;
    }
  }
  release();
  if (v4_tried && !v4_given)
    return conflict("no_address_free", net.id, fmt::format("No more IP addresses available on network {}.", net.id));
  return out;
}

Result<Port> Networks::add_port(Change& change, Port draft, const std::optional<std::vector<IpRequest>>& ips) {
  const auto* net = state_->networks.find(draft.network_id);
  if (!net) return missing("network", draft.network_id);
  if (auto over = check_quota(draft.tenant, "port", 1)) return *over;
  if (draft.mac.empty()) {
    draft.mac = new_mac(net->id);
  } else if (state_->macs.count({net->id, draft.mac})) {
    return conflict("mac_in_use", draft.mac,
                    fmt::format("Unable to complete operation for network {}. The mac address {} is in use.", net->id,
                                draft.mac));
  }
  auto assigned = assign(*net, ips, {});
  if (!assigned) return assigned.error();
  draft.fixed_ips = std::move(assigned).value();
  if (draft.id.empty()) draft.id = new_id();
  draft.revision = 0;
  draft.created_ms = 0;
  if (!draft.port_security) {
    if (!draft.security_groups.empty())
      return conflict("port_security_disabled", draft.id,
                      "Port has security group associated. Cannot disable port security or ip address until "
                      "security group is removed");
  }
  stamp(draft, change);
  change.put(state_->ports, draft);
  return draft;
}

Result<Port> Networks::create_port(const Caller& caller, Port draft, std::optional<std::vector<IpRequest>> ips) {
  if (!caller.may_act) return forbidden("", Action::Create);
  if (!caller.admin) draft.tenant = caller.tenant;
  std::unique_lock lock(mutex_);
  const auto* net = state_->networks.find(draft.network_id);
  if (!net || !sees(caller, *net)) return missing("network", draft.network_id);
  Change change(*state_, tenants_, fleet_.clock().now_ms());
  make_defaults(change, draft.tenant);
  if (auto unknown = check_groups(draft.tenant, draft.security_groups)) return *unknown;
  auto made = add_port(change, std::move(draft), ips);
  if (!made) return made.error();
  if (auto written = write(change); !written) return written.error();
  return made;
}

Result<Port> Networks::update_port(const Caller& caller, std::string_view id, const std::function<void(Port&)>& edit,
                                   std::optional<std::vector<IpRequest>> ips) {
  if (!caller.may_act) return forbidden(std::string(id), Action::Update);
  std::unique_lock lock(mutex_);
  const auto* found = state_->ports.find(id);
  if (!found || !sees(caller, *found)) return missing("port", std::string(id));
  Port next = *found;
  edit(next);
  next.id = found->id;
  next.network_id = found->network_id;
  next.tenant = found->tenant;
  if (next.mac != found->mac && state_->macs.count({next.network_id, next.mac}))
    return conflict("mac_in_use", next.mac,
                    fmt::format("Unable to complete operation for network {}. The mac address {} is in use.",
                                next.network_id, next.mac));
  if (!next.port_security && !next.security_groups.empty())
    return conflict("port_security_disabled", next.id,
                    "Port has security group associated. Cannot disable port security or ip address until security "
                    "group is removed");
  if (auto unknown = check_groups(next.tenant, next.security_groups)) return *unknown;
  Change change(*state_, tenants_, fleet_.clock().now_ms());
  if (ips) {
    const auto* net = state_->networks.find(next.network_id);
    auto assigned = assign(*net, ips, found->fixed_ips);
    if (!assigned) return assigned.error();
    next.fixed_ips = std::move(assigned).value();
  }
  stamp(next, change);
  change.put(state_->ports, next);
  if (auto written = write(change); !written) return written.error();
  return next;
}

void Networks::drop_port(Change& change, const std::string& port_id) {
  // A floating address loses its association with the port, not its life.
  for (const auto& [fid, f] : state_->floating_ips.rows) {
    if (f.port_id != port_id) continue;
    auto next = f;
    next.port_id.clear();
    next.fixed_address.reset();
    next.router_id.clear();
    stamp(next, change);
    change.put(state_->floating_ips, next);
  }
  change.erase(state_->ports, port_id);
}

Result<Done> Networks::delete_port(const Caller& caller, std::string_view id) {
  if (!caller.may_act) return forbidden(std::string(id), Action::Delete);
  std::unique_lock lock(mutex_);
  const auto* found = state_->ports.find(id);
  if (!found || !sees(caller, *found)) return missing("port", std::string(id));
  if (found->device_owner == kOwnerRouterInterface || found->device_owner == kOwnerRouterGateway)
    return conflict("port_owned", found->id,
                    fmt::format("Port {} cannot be deleted directly via the port API: has device owner {}.", found->id,
                                found->device_owner));
  Change change(*state_, tenants_, fleet_.clock().now_ms());
  drop_port(change, found->id);
  return write(change);
}

// --- servers ----------------------------------------------------------------

Result<Port> Networks::plug_server(Change& change, const ServerInfo& server, const NicRequest& nic,
                                   const std::vector<std::string>& groups) {
  if (!nic.port.empty()) {
    const auto* p = state_->ports.find(nic.port);
    if (!p || (p->tenant != server.tenant && !sees(Caller{server.tenant, false, true, false}, *p)))
      return missing("port", nic.port);
    if (!p->device_id.empty())
      return conflict("port_in_use", p->id,
                      fmt::format("Port {} is still in use.", p->id));
    auto next = *p;
    next.device_id = server.uuid;
    next.device_owner = kOwnerCompute;
    stamp(next, change);
    change.put(state_->ports, next);
    return next;
  }
  std::string network_id = nic.network;
  if (network_id.empty()) {
    for (const auto& [id, n] : state_->networks.rows)
      if (n.tenant == server.tenant && n.tenant_default) network_id = id;
    if (network_id.empty()) return missing("network", "default");
  }
  const auto* net = state_->networks.find(network_id);
  if (!net || !sees(Caller{server.tenant, false, true, false}, *net)) return missing("network", network_id);
  Port draft;
  draft.network_id = network_id;
  draft.tenant = server.tenant;
  draft.device_id = server.uuid;
  draft.device_owner = kOwnerCompute;
  draft.made_for_server = true;
  draft.port_security = net->port_security;
  if (draft.port_security) {
    for (const auto& g : groups) {
      auto found = group_named(server.tenant, g);
      if (!found) return missing("security_group", g);
      draft.security_groups.push_back(found->id);
    }
    if (groups.empty()) draft.security_groups = {default_group(change, server.tenant)};
  }
  std::optional<std::vector<IpRequest>> ips;
  if (!nic.fixed_ip.empty()) {
    auto address = parse_address(nic.fixed_ip);
    if (!address) return invalid_argument("fixed_ip", fmt::format("Invalid fixed IP address ({})", nic.fixed_ip));
    ips = std::vector<IpRequest>{{"", *address}};
  }
  return add_port(change, std::move(draft), ips);
}

Staged Networks::stage_create(const ServerInfo& server, const CreateSpec& spec, Millis now) {
  // The lock is held until the fleet has written the server (finish), so
  // the addresses chosen here stay this server's: no other write can take
  // them in between, and no reader sees them before they are kept. Two
  // changes: the tenant's default topology, kept even when the server's
  // interfaces cannot be given, and those interfaces.
  struct Hold {
    std::unique_lock<std::shared_mutex> lock;
    std::unique_ptr<Change> defaults, interfaces;
  };
  auto hold = std::make_shared<Hold>();
  hold->lock = std::unique_lock(mutex_);
  hold->defaults = std::make_unique<Change>(*state_, tenants_, now);
  make_defaults(*hold->defaults, server.tenant);
  hold->interfaces = std::make_unique<Change>(*state_, tenants_, now);
  auto& change = *hold->interfaces;
  Staged staged;
  const bool required = spec.nics.has_value();
  const auto nics = required ? *spec.nics : std::vector<NicRequest>{NicRequest{}};
  for (const auto& nic : nics) {
    auto plugged = plug_server(change, server, nic, spec.security_groups);
    if (plugged) continue;
    // Nova's compute gives up the build and releases what it had allocated;
    // an interface nobody asked for (a Transfer server's) is simply left out.
    if (required)
      staged.fault = plugged.error().detail.empty()
                         ? fmt::format("{} {} could not be found.", plugged.error().reason, plugged.error().subject)
                         : plugged.error().detail;
    change.rollback();
    break;
  }
  staged.documents = hold->defaults->documents();
  for (auto& d : change.documents()) staged.documents.push_back(std::move(d));
  staged.finish = [hold](bool kept) {
    for (auto* c : {hold->interfaces.get(), hold->defaults.get()}) {
      if (kept) c->keep();
      else c->rollback();
    }
    hold->interfaces.reset();
    hold->defaults.reset();
    hold->lock.unlock();
  };
  return staged;
}

Staged Networks::stage_delete(const ServerInfo& server, Millis now) {
  struct Hold {
    std::unique_lock<std::shared_mutex> lock;
    std::unique_ptr<Change> change;
  };
  auto hold = std::make_shared<Hold>();
  hold->lock = std::unique_lock(mutex_);
  hold->change = std::make_unique<Change>(*state_, tenants_, now);
  unplug_server(*hold->change, server.uuid, "");
  Staged staged;
  staged.documents = hold->change->documents();
  staged.finish = [hold](bool kept) {
    if (kept) hold->change->keep();
    else hold->change->rollback();
    hold->change.reset();
    hold->lock.unlock();
  };
  return staged;
}

void Networks::unplug_server(Change& change, std::string_view server_uuid, std::string_view only_port) {
  std::vector<std::string> ids;
  if (auto it = state_->by_device.find(server_uuid); it != state_->by_device.end())
    ids.assign(it->second.begin(), it->second.end());
  for (const auto& id : ids) {
    if (!only_port.empty() && id != only_port) continue;
    const auto& p = state_->ports.rows.at(id);
    if (p.made_for_server) {
      drop_port(change, id);
    } else {
      auto next = p;
      next.device_id.clear();
      next.device_owner.clear();
      stamp(next, change);
      change.put(state_->ports, next);
    }
  }
}

Result<Port> Networks::attach(const ServerInfo& server, const NicRequest& nic) {
  if (auto made = ensure_defaults(server.tenant); !made) return made.error();
  std::unique_lock lock(mutex_);
  Change change(*state_, tenants_, fleet_.clock().now_ms());
  auto plugged = plug_server(change, server, nic, {});
  if (!plugged) return plugged.error();
  if (auto written = write(change); !written) return written.error();
  return plugged;
}

Result<Done> Networks::detach(const ServerInfo& server, std::string_view port_id) {
  std::unique_lock lock(mutex_);
  const auto* p = state_->ports.find(port_id);
  if (!p || p->device_id != server.uuid) return missing("port", std::string(port_id));
  Change change(*state_, tenants_, fleet_.clock().now_ms());
  unplug_server(change, server.uuid, port_id);
  return write(change);
}

std::vector<Port> Networks::ports_of(std::string_view server_uuid) {
  std::shared_lock lock(mutex_);
  std::vector<Port> out;
  if (auto it = state_->by_device.find(server_uuid); it != state_->by_device.end())
    for (const auto& id : it->second) out.push_back(state_->ports.rows.at(id));
  return in_creation_order(std::move(out));
}

std::vector<ServerAddress> Networks::addresses_of(std::string_view server_uuid) {
  std::vector<ServerAddress> out;
  for (const auto& p : ports_of(server_uuid)) {
    std::shared_lock lock(mutex_);
    const auto* net = state_->networks.find(p.network_id);
    const std::string name = net ? net->name : std::string();
    for (const auto& ip : p.fixed_ips) out.push_back({name, p.network_id, p.id, ip.address, false, p.mac});
    for (const auto& [fid, f] : state_->floating_ips.rows)
      if (f.port_id == p.id) out.push_back({name, p.network_id, p.id, f.address, true, p.mac});
  }
  return out;
}

Result<Network> Networks::default_network(TenantId tenant) {
  if (auto made = ensure_defaults(tenant); !made) return made.error();
  std::shared_lock lock(mutex_);
  for (const auto& [id, n] : state_->networks.rows)
    if (n.tenant == tenant && n.tenant_default) return n;
  return missing("network", "default");
}

}  // namespace core::net
