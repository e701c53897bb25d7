// Routers (a gateway on an external network, interfaces on subnets, static
// routes) and floating addresses, which need a router that reaches the
// port's subnet from their external network.
#include <algorithm>
#include <mutex>

#include <fmt/format.h>

#include "core/net/networks.h"
#include "core/net/state.h"

namespace core::net {

bool Networks::sees(const Caller& caller, const Router& r) const { return caller.admin || r.tenant == caller.tenant; }

Result<Router> Networks::router(const Caller& caller, std::string_view id) {
  (void)ensure_defaults(caller.tenant);
  std::shared_lock lock(mutex_);
  const auto* r = state_->routers.find(id);
  if (!r || !sees(caller, *r)) return missing("router", std::string(id));
  return *r;
}

std::vector<Router> Networks::routers(const Caller& caller) {
  (void)ensure_defaults(caller.tenant);
  std::shared_lock lock(mutex_);
  std::vector<Router> out;
  for (const auto& [id, r] : state_->routers.rows)
    if (sees(caller, r)) out.push_back(r);
  return in_creation_order(std::move(out));
}

std::vector<const Port*> Networks::interfaces_of(std::string_view router_id) const {
  std::vector<const Port*> out;
  if (auto it = state_->by_device.find(router_id); it != state_->by_device.end())
    for (const auto& id : it->second) {
      const auto& p = state_->ports.rows.at(id);
      if (p.device_owner == kOwnerRouterInterface) out.push_back(&p);
    }
  return out;
}

std::optional<Error> Networks::set_gateway(Change& change, const std::string& router_id, const GatewayRequest& request) {
  const auto* net = state_->networks.find(request.network_id);
  if (!net) return missing("network", request.network_id);
  if (!net->external)
    return invalid_argument("external_gateway_info",
                            fmt::format("Bad router request: Network {} is not an external network.", net->id));
  auto router = *state_->routers.find(router_id);
  if (router.gateway && router.gateway->network_id == net->id && !request.ips) {
    router.gateway->enable_snat = request.enable_snat;  // the same network: only SNAT changes
  } else {
    if (router.gateway) {
      if (auto in_use = clear_gateway(change, router)) return in_use;
      router = *state_->routers.find(router_id);
    }
    Port gw;
    gw.network_id = net->id;
    gw.tenant = tenants_.for_project("admin");  // Neutron gives gateway ports no project: shown to admins
    gw.device_id = router.id;
    gw.device_owner = kOwnerRouterGateway;
    gw.port_security = false;
    auto port = add_port(change, std::move(gw), request.ips);
    if (!port) return port.error();
    router.gateway = Gateway{net->id, request.enable_snat, port->fixed_ips, port->id};
  }
  stamp(router, change);
  change.put(state_->routers, router);
  return std::nullopt;
}

std::optional<Error> Networks::clear_gateway(Change& change, Router router) {
  if (!router.gateway) return std::nullopt;
  for (const auto& [fid, f] : state_->floating_ips.rows)
    if (f.router_id == router.id && f.network_id == router.gateway->network_id)
      return conflict("gateway_in_use", router.id,
                      fmt::format("Gateway cannot be updated for router {}, since a gateway to external network {} is "
                                  "required by one or more floating IPs.", router.id, router.gateway->network_id));
  if (state_->ports.find(router.gateway->port_id)) change.erase(state_->ports, router.gateway->port_id);
  router.gateway.reset();
  stamp(router, change);
  change.put(state_->routers, router);
  return std::nullopt;
}

Result<Router> Networks::create_router(const Caller& caller, Router draft, std::optional<GatewayRequest> gateway) {
  if (!caller.may_act) return forbidden("", Action::Create);
  if (!caller.admin) draft.tenant = caller.tenant;
  std::unique_lock lock(mutex_);
  Change change(*state_, tenants_, fleet_.clock().now_ms());
  make_defaults(change, draft.tenant);
  if (auto over = check_quota(draft.tenant, "router", 1)) return *over;
  draft.id = new_id();
  draft.gateway.reset();
  draft.routes.clear();
  draft.revision = 0;
  draft.created_ms = 0;
  stamp(draft, change);
  change.put(state_->routers, draft);
  if (gateway)
    if (auto problem = set_gateway(change, draft.id, *gateway)) return *problem;
  auto made = *state_->routers.find(draft.id);
  if (auto written = write(change); !written) return written.error();
  return made;
}

Result<Router> Networks::update_router(const Caller& caller, std::string_view id,
                                       const std::function<void(Router&)>& edit,
                                       std::optional<std::optional<GatewayRequest>> gateway,
                                       std::optional<std::vector<Route>> routes) {
  if (!caller.may_act) return forbidden(std::string(id), Action::Update);
  std::unique_lock lock(mutex_);
  const auto* found = state_->routers.find(id);
  if (!found || !sees(caller, *found)) return missing("router", std::string(id));
  const std::string router_id = found->id;
  Change change(*state_, tenants_, fleet_.clock().now_ms());
  if (gateway) {
    if (*gateway) {
      if (auto problem = set_gateway(change, router_id, **gateway)) return *problem;
    } else if (auto problem = clear_gateway(change, *state_->routers.find(router_id))) {
      return *problem;
    }
  }
  Router next = *state_->routers.find(router_id);
  edit(next);
  next.id = router_id;
  next.tenant = found->tenant;
  if (routes) {
    for (const auto& route : *routes) {
      bool reachable = false;
      for (const auto* p : interfaces_of(router_id))
        for (const auto& ip : p->fixed_ips)
          if (const auto* s = state_->subnets.find(ip.subnet_id); s && s->cidr.contains(route.nexthop)) reachable = true;
      if (!reachable)
        return invalid_argument("routes", fmt::format("Invalid format for routes: [{{'destination': '{}', 'nexthop': "
                                                      "'{}'}}], the nexthop is not connected with router",
                                                      to_string(route.destination), to_string(route.nexthop)));
    }
    next.routes = *routes;
  }
  stamp(next, change);
  change.put(state_->routers, next);
  if (auto written = write(change); !written) return written.error();
  return next;
}

Result<Done> Networks::delete_router(const Caller& caller, std::string_view id) {
  if (!caller.may_act) return forbidden(std::string(id), Action::Delete);
  std::unique_lock lock(mutex_);
  const auto* found = state_->routers.find(id);
  if (!found || !sees(caller, *found)) return missing("router", std::string(id));
  if (!interfaces_of(found->id).empty())
    return conflict("router_in_use", found->id,
                    fmt::format("Router {} still has ports", found->id));
  Change change(*state_, tenants_, fleet_.clock().now_ms());
  const std::string router_id = found->id;
  if (auto problem = clear_gateway(change, *found)) return *problem;
  change.erase(state_->routers, router_id);
  return write(change);
}

Result<Port> Networks::plug_interface(Change& change, const std::string& router_id, std::string_view subnet_id,
                                      std::string_view port_id) {
  const auto& router = *state_->routers.find(router_id);
  Port port;
  if (!port_id.empty()) {
    const auto* p = state_->ports.find(port_id);
    if (!p) return missing("port", std::string(port_id));
    if (!p->device_id.empty())
      return conflict("port_in_use", p->id,
                      fmt::format("Unable to complete operation on port {} for network {}. Port already has an "
                                  "attached device {}.", p->id, p->network_id, p->device_id));
    if (p->fixed_ips.size() != 1)
      return invalid_argument("port_id", fmt::format("Bad router request: Router port must have exactly one fixed IP."));
    port = *p;
  } else {
    const auto* s = state_->subnets.find(subnet_id);
    if (!s) return missing("subnet", std::string(subnet_id));
    if (!s->gateway)
      return invalid_argument("subnet_id", fmt::format("Bad router request: Subnet for router interface must have a "
                                                       "gateway IP."));
    port.network_id = s->network_id;
    port.fixed_ips = {{s->id, *s->gateway}};
  }
  const auto& ip = port.fixed_ips.front();
  const auto* subnet = state_->subnets.find(ip.subnet_id);
  for (const auto* existing : interfaces_of(router_id)) {
    for (const auto& other : existing->fixed_ips) {
      if (other.subnet_id == ip.subnet_id)
        return invalid_argument("subnet_id", fmt::format("Bad router request: Router already has a port on subnet {}.",
                                                         ip.subnet_id));
      const auto* o = state_->subnets.find(other.subnet_id);
      if (o && subnet && o->cidr.overlaps(subnet->cidr))
        return invalid_argument("subnet_id", fmt::format("Bad router request: Cidr {} of subnet {} overlaps with cidr "
                                                         "{} of subnet {}.", to_string(subnet->cidr), subnet->id,
                                                         to_string(o->cidr), o->id));
    }
  }
  port.device_id = router.id;
  port.device_owner = kOwnerRouterInterface;
  if (!port_id.empty()) {
    stamp(port, change);
    change.put(state_->ports, port);
    return port;
  }
  port.tenant = router.tenant;
  port.port_security = false;
  std::vector<IpRequest> want{{ip.subnet_id, ip.address}};
  return add_port(change, std::move(port), want);
}

Result<Port> Networks::add_interface(const Caller& caller, std::string_view router_id, std::string_view subnet_id,
                                     std::string_view port_id) {
  if (!caller.may_act) return forbidden(std::string(router_id), Action::Update);
  std::unique_lock lock(mutex_);
  const auto* r = state_->routers.find(router_id);
  if (!r || !sees(caller, *r)) return missing("router", std::string(router_id));
  if (!port_id.empty()) {
    const auto* p = state_->ports.find(port_id);
    if (!p || !sees(caller, *p)) return missing("port", std::string(port_id));
  } else {
    const auto* s = state_->subnets.find(subnet_id);
    if (!s || !sees(caller, *s)) return missing("subnet", std::string(subnet_id));
  }
  Change change(*state_, tenants_, fleet_.clock().now_ms());
  auto plugged = plug_interface(change, r->id, subnet_id, port_id);
  if (!plugged) return plugged.error();
  auto router = *state_->routers.find(router_id);
  stamp(router, change);
  change.put(state_->routers, router);
  if (auto written = write(change); !written) return written.error();
  return plugged;
}

Result<Port> Networks::remove_interface(const Caller& caller, std::string_view router_id, std::string_view subnet_id,
                                        std::string_view port_id) {
  if (!caller.may_act) return forbidden(std::string(router_id), Action::Update);
  std::unique_lock lock(mutex_);
  const auto* r = state_->routers.find(router_id);
  if (!r || !sees(caller, *r)) return missing("router", std::string(router_id));
  const Port* found = nullptr;
  for (const auto* p : interfaces_of(r->id)) {
    if (!port_id.empty() && p->id == port_id) found = p;
    if (port_id.empty())
      for (const auto& ip : p->fixed_ips)
        if (ip.subnet_id == subnet_id) found = p;
  }
  if (!found) {
    if (!port_id.empty())
      return conflict("no_such_interface", std::string(port_id),
                      fmt::format("Router {} does not have an interface with id {}", r->id, port_id));
    return conflict("no_such_interface", std::string(subnet_id),
                    fmt::format("Router {} has no interface on subnet {}", r->id, subnet_id));
  }
  for (const auto& ip : found->fixed_ips)
    for (const auto& [fid, f] : state_->floating_ips.rows) {
      if (f.router_id != r->id || !f.fixed_address) continue;
      const auto* fixed_port = state_->ports.find(f.port_id);
      if (fixed_port && std::any_of(fixed_port->fixed_ips.begin(), fixed_port->fixed_ips.end(),
                                    [&](const FixedIp& x) { return x.subnet_id == ip.subnet_id; }))
        return conflict("interface_in_use", r->id,
                        fmt::format("Router interface for subnet {} on router {} cannot be deleted, as it is required "
                                    "by one or more floating IPs.", ip.subnet_id, r->id));
    }
  const Port removed = *found;
  Change change(*state_, tenants_, fleet_.clock().now_ms());
  change.erase(state_->ports, removed.id);
  auto router = *state_->routers.find(router_id);
  stamp(router, change);
  change.put(state_->routers, router);
  if (auto written = write(change); !written) return written.error();
  return removed;
}

// --- floating addresses ---------------------------------------------------

bool Networks::sees(const Caller& caller, const FloatingIp& f) const {
  return caller.admin || f.tenant == caller.tenant;
}

Result<FloatingIp> Networks::floating_ip(const Caller& caller, std::string_view id) {
  (void)ensure_defaults(caller.tenant);
  std::shared_lock lock(mutex_);
  const auto* f = state_->floating_ips.find(id);
  if (!f || !sees(caller, *f)) return missing("floatingip", std::string(id));
  return *f;
}

std::vector<FloatingIp> Networks::floating_ips(const Caller& caller) {
  (void)ensure_defaults(caller.tenant);
  std::shared_lock lock(mutex_);
  std::vector<FloatingIp> out;
  for (const auto& [id, f] : state_->floating_ips.rows)
    if (sees(caller, f)) out.push_back(f);
  return in_creation_order(std::move(out));
}

std::optional<Error> Networks::associate(FloatingIp& f, const Caller& caller, const Association& a) {
  if (a.port_id.empty()) {
    f.port_id.clear();
    f.fixed_address.reset();
    f.router_id.clear();
    return std::nullopt;
  }
  const auto* port = state_->ports.find(a.port_id);
  if (!port || !sees(caller, *port)) return missing("port", a.port_id);
  std::vector<FixedIp> v4;
  for (const auto& ip : port->fixed_ips)
    if (ip.address.version == 4) v4.push_back(ip);
  const FixedIp* chosen = nullptr;
  if (a.fixed_address) {
    for (const auto& ip : v4)
      if (ip.address == *a.fixed_address) chosen = &ip;
    if (!chosen)
      return invalid_argument("fixed_ip_address", fmt::format("Bad floatingip request: Port {} does not have fixed ip "
                                                              "{}.", port->id, to_string(*a.fixed_address)));
  } else if (v4.size() == 1) {
    chosen = &v4.front();
  } else if (v4.empty()) {
    return invalid_argument("port_id", fmt::format("Bad floatingip request: Port {} does not have any IPv4 address.",
                                                   port->id));
  } else {
    return invalid_argument("port_id", fmt::format("Bad floatingip request: Port {} has multiple fixed IPv4 addresses. "
                                                   "Must provide a specific IPv4 address when assigning a floating IP.",
                                                   port->id));
  }
  for (const auto& [fid, other] : state_->floating_ips.rows)
    if (fid != f.id && other.port_id == port->id && other.fixed_address == chosen->address)
      return conflict("fixed_ip_taken", other.id,
                      fmt::format("Cannot associate floating IP {} ({}) with port {} using fixed IP {}, as that fixed "
                                  "IP already has a floating IP on external network {}.", to_string(f.address), f.id,
                                  port->id, to_string(chosen->address), other.network_id));
  std::string router_id;
  for (const auto& [rid, r] : state_->routers.rows) {
    if (!r.gateway || r.gateway->network_id != f.network_id) continue;
    for (const auto* i : interfaces_of(rid))
      for (const auto& ip : i->fixed_ips)
        if (ip.subnet_id == chosen->subnet_id) router_id = rid;
  }
  if (router_id.empty())
    return missing("external_gateway",
                   fmt::format("External network {} is not reachable from subnet {}.  Therefore, cannot associate "
                               "Port {} with a Floating IP.", f.network_id, chosen->subnet_id, port->id));
  f.port_id = port->id;
  f.fixed_address = chosen->address;
  f.router_id = router_id;
  return std::nullopt;
}

Result<FloatingIp> Networks::create_floating_ip(const Caller& caller, FloatingIp draft, std::optional<Address> wanted,
                                                std::optional<Association> association) {
  if (!caller.may_act) return forbidden("", Action::Create);
  if (!caller.admin) draft.tenant = caller.tenant;
  std::unique_lock lock(mutex_);
  Change change(*state_, tenants_, fleet_.clock().now_ms());
  make_defaults(change, draft.tenant);
  const auto* net = state_->networks.find(draft.network_id);
  if (!net) return missing("network", draft.network_id);
  if (!net->external)
    return invalid_argument("floating_network_id", fmt::format("Bad floatingip request: Network {} is not a valid "
                                                               "external network.", net->id));
  if (auto over = check_quota(draft.tenant, "floatingip", 1)) return *over;
  std::optional<std::vector<IpRequest>> ips;
  if (wanted || !draft.subnet_id.empty()) ips = std::vector<IpRequest>{{draft.subnet_id, wanted}};
  auto assigned = assign(*net, ips, {});
  if (!assigned) return assigned.error();
  if (assigned->empty())
    return conflict("no_address_free", net->id, fmt::format("No more IP addresses available on network {}.", net->id));
  draft.subnet_id = assigned->front().subnet_id;
  draft.address = assigned->front().address;
  draft.id = new_id();
  draft.revision = 0;
  draft.created_ms = 0;
  if (association)
    if (auto problem = associate(draft, caller, *association)) return *problem;
  stamp(draft, change);
  change.put(state_->floating_ips, draft);
  if (auto written = write(change); !written) return written.error();
  return draft;
}

Result<FloatingIp> Networks::update_floating_ip(const Caller& caller, std::string_view id,
                                                const std::function<void(FloatingIp&)>& edit,
                                                std::optional<Association> association) {
  if (!caller.may_act) return forbidden(std::string(id), Action::Update);
  std::unique_lock lock(mutex_);
  const auto* found = state_->floating_ips.find(id);
  if (!found || !sees(caller, *found)) return missing("floatingip", std::string(id));
  FloatingIp next = *found;
  edit(next);
  next.id = found->id;
  next.tenant = found->tenant;
  next.address = found->address;
  next.network_id = found->network_id;
  next.subnet_id = found->subnet_id;
  if (association)
    if (auto problem = associate(next, caller, *association)) return *problem;
  Change change(*state_, tenants_, fleet_.clock().now_ms());
  stamp(next, change);
  change.put(state_->floating_ips, next);
  if (auto written = write(change); !written) return written.error();
  return next;
}

Result<Done> Networks::delete_floating_ip(const Caller& caller, std::string_view id) {
  if (!caller.may_act) return forbidden(std::string(id), Action::Delete);
  std::unique_lock lock(mutex_);
  const auto* found = state_->floating_ips.find(id);
  if (!found || !sees(caller, *found)) return missing("floatingip", std::string(id));
  Change change(*state_, tenants_, fleet_.clock().now_ms());
  change.erase(state_->floating_ips, found->id);
  return write(change);
}

}  // namespace core::net
