// Networks, subnets and ports: each body parsed (requests.h), the model
// asked (core/net), the answer rendered (views.h). Policy as Neutron's
// defaults: `shared`, `router:external` and another project's resources
// are for admins. Bulk creates (a list under the plural key) are served for
// networks, subnets and ports, all or nothing.
#include <httplib.h>

#include <fmt/format.h>

#include "adapters/openstack/neutron/attributes.h"
#include "adapters/openstack/neutron/requests.h"
#include "adapters/openstack/neutron/service.h"
#include "adapters/openstack/shared/wire.h"

namespace openstack::neutron {
namespace {

namespace net = core::net;

// A bulk body ({"networks": [{...}, ...]}): each item as its own body ({"network": {...}}).
std::optional<std::vector<std::string>> bulk_items(std::string_view body, const char* plural, const char* singular) {
  rapidjson::Document doc;
  if (!parse_json(body, doc) || !doc.IsObject() || !doc.HasMember(plural) || !doc[plural].IsArray()) return std::nullopt;
  std::vector<std::string> out;
  for (const auto& item : doc[plural].GetArray()) {
    rapidjson::Document one;
    one.SetObject();
    Value copy;
    copy.CopyFrom(item, one.GetAllocator());
    one.AddMember(rapidjson::StringRef(singular), copy, one.GetAllocator());
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
    one.Accept(w);
    out.emplace_back(buffer.GetString(), buffer.GetSize());
  }
  return out;
}

void set_extra(core::Pairs& extra, std::string_view key, const std::optional<std::string>& value) {
  if (value) core::set_pair(extra, std::string(key), *value);
}

}  // namespace

// --- networks ---------------------------------------------------------------

void Service::list_networks(const httplib::Request& req, httplib::Response& res, Call& call) {
  Json doc;
  doc.SetArray();
  for (const auto& n : networks_.networks(call.caller)) doc.PushBack(render_network(call, n, doc.GetAllocator()), doc.GetAllocator());
  static const auto attributes = [] {
    Json scratch;
    core::Tenants t;
    return member_names(network_view(net::Network{}, {}, Viewer{t, true}, scratch.GetAllocator()));
  }();
  send_list(req, res, call, "networks", doc, attributes);
}

void Service::show_network(const httplib::Request& req, httplib::Response& res, Call& call) {
  auto found = networks_.network(call.caller, req.matches[1].str());
  if (!found) return send_core_error(res, call, found.error());
  Json doc;
  send_one(req, res, call, 200, "network", doc, render_network(call, found.value(), doc.GetAllocator()));
}

void Service::create_network(const httplib::Request& req, httplib::Response& res, Call& call) {
  const auto make = [&](std::string_view body) -> std::variant<net::Network, NeutronError> {
    auto parsed = parse_network(body, true);
    if (auto* e = std::get_if<NeutronError>(&parsed)) return *e;
    auto& r = std::get<NetworkRequest>(parsed);
    if (r.shared.value_or(false) && !call.caller.admin) return policy_refused("create_network:shared");
    if (r.external.value_or(false) && !call.caller.admin) return policy_refused("create_network:router:external");
    net::Network draft;
    draft.tenant = tenant_for(call, r.project);
    draft.name = r.name.value_or("");
    draft.description = r.description.value_or("");
    draft.admin_up = r.admin_up.value_or(true);
    draft.shared = r.shared.value_or(false);
    draft.external = r.external.value_or(false);
    draft.mtu = r.mtu.value_or(1500);
    draft.port_security = r.port_security.value_or(true);
    auto made = networks_.create_network(call.caller, std::move(draft));
    if (!made) return from_core(made.error());
    return made.value();
  };
  Json doc;
  if (auto items = bulk_items(req.body, "networks", "network")) {
    Value list(rapidjson::kArrayType);
    std::vector<std::string> made_ids;
    for (const auto& body : *items) {
      auto made = make(body);
      if (auto* e = std::get_if<NeutronError>(&made)) {
        for (const auto& id : made_ids) (void)networks_.delete_network(call.caller, id);
        return send_error(res, call, *e);
      }
      made_ids.push_back(std::get<net::Network>(made).id);
      list.PushBack(render_network(call, std::get<net::Network>(made), doc.GetAllocator()), doc.GetAllocator());
    }
    doc.SetObject();
    doc.AddMember("networks", list, doc.GetAllocator());
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
    doc.Accept(w);
    return send(res, call, 201, {buffer.GetString(), buffer.GetSize()});
  }
  auto made = make(req.body);
  if (auto* e = std::get_if<NeutronError>(&made)) return send_error(res, call, *e);
  send_one(req, res, call, 201, "network", doc, render_network(call, std::get<net::Network>(made), doc.GetAllocator()));
}

void Service::update_network(const httplib::Request& req, httplib::Response& res, Call& call) {
  auto parsed = parse_network(req.body, false);
  if (auto* e = std::get_if<NeutronError>(&parsed)) return send_error(res, call, *e);
  const auto& r = std::get<NetworkRequest>(parsed);
  if (r.shared && !call.caller.admin) return send_error(res, call, policy_refused("update_network:shared"));
  if (r.external && !call.caller.admin) return send_error(res, call, policy_refused("update_network:router:external"));
  auto updated = networks_.update_network(call.caller, req.matches[1].str(), [&](net::Network& n) {
    if (r.name) n.name = *r.name;
    if (r.description) n.description = *r.description;
    if (r.admin_up) n.admin_up = *r.admin_up;
    if (r.shared) n.shared = *r.shared;
    if (r.external) n.external = *r.external;
    if (r.mtu) n.mtu = *r.mtu;
    if (r.port_security) n.port_security = *r.port_security;
  });
  if (!updated) return send_core_error(res, call, updated.error());
  Json doc;
  send_one(req, res, call, 200, "network", doc, render_network(call, updated.value(), doc.GetAllocator()));
}

void Service::delete_network(const httplib::Request& req, httplib::Response& res, Call& call) {
  if (auto done = networks_.delete_network(call.caller, req.matches[1].str()); !done)
    return send_core_error(res, call, done.error());
  send(res, call, 204, "");
}

// --- subnets ----------------------------------------------------------------

void Service::list_subnets(const httplib::Request& req, httplib::Response& res, Call& call) {
  Json doc;
  doc.SetArray();
  for (const auto& s : networks_.subnets(call.caller)) doc.PushBack(subnet_view(s, viewer(call), doc.GetAllocator()), doc.GetAllocator());
  static const auto attributes = [] {
    Json scratch;
    core::Tenants t;
    return member_names(subnet_view(net::Subnet{}, Viewer{t, true}, scratch.GetAllocator()));
  }();
  send_list(req, res, call, "subnets", doc, attributes);
}

void Service::show_subnet(const httplib::Request& req, httplib::Response& res, Call& call) {
  auto found = networks_.subnet(call.caller, req.matches[1].str());
  if (!found) return send_core_error(res, call, found.error());
  Json doc;
  send_one(req, res, call, 200, "subnet", doc, subnet_view(found.value(), viewer(call), doc.GetAllocator()));
}

void Service::create_subnet(const httplib::Request& req, httplib::Response& res, Call& call) {
  const auto make = [&](std::string_view body) -> std::variant<net::Subnet, NeutronError> {
    auto parsed = parse_subnet(body, true);
    if (auto* e = std::get_if<NeutronError>(&parsed)) return *e;
    auto& r = std::get<SubnetRequest>(parsed);
    net::Subnet draft;
    draft.tenant = tenant_for(call, r.project);
    draft.network_id = *r.network_id;
    draft.name = r.name.value_or("");
    draft.description = r.description.value_or("");
    draft.cidr = *r.cidr;
    draft.dhcp = r.dhcp.value_or(true);
    draft.dns_nameservers = r.dns_nameservers.value_or(std::vector<std::string>{});
    draft.host_routes = r.host_routes.value_or(std::vector<net::Route>{});
    draft.pools = r.pools.value_or(std::vector<net::Range>{});
    set_extra(draft.extra, kIpv6RaMode, r.ra_mode);
    set_extra(draft.extra, kIpv6AddressMode, r.address_mode);
    net::Networks::GatewayChoice gateway;
    if (r.gateway) gateway = {true, *r.gateway};
    auto made = networks_.create_subnet(call.caller, std::move(draft), gateway);
    if (!made) return from_core(made.error());
    return made.value();
  };
  Json doc;
  if (auto items = bulk_items(req.body, "subnets", "subnet")) {
    Value list(rapidjson::kArrayType);
    std::vector<std::string> made_ids;
    for (const auto& body : *items) {
      auto made = make(body);
      if (auto* e = std::get_if<NeutronError>(&made)) {
        for (const auto& id : made_ids) (void)networks_.delete_subnet(call.caller, id);
        return send_error(res, call, *e);
      }
      made_ids.push_back(std::get<net::Subnet>(made).id);
      list.PushBack(subnet_view(std::get<net::Subnet>(made), viewer(call), doc.GetAllocator()), doc.GetAllocator());
    }
    doc.SetObject();
    doc.AddMember("subnets", list, doc.GetAllocator());
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
    doc.Accept(w);
    return send(res, call, 201, {buffer.GetString(), buffer.GetSize()});
  }
  auto made = make(req.body);
  if (auto* e = std::get_if<NeutronError>(&made)) return send_error(res, call, *e);
  send_one(req, res, call, 201, "subnet", doc, subnet_view(std::get<net::Subnet>(made), viewer(call), doc.GetAllocator()));
}

void Service::update_subnet(const httplib::Request& req, httplib::Response& res, Call& call) {
  auto parsed = parse_subnet(req.body, false);
  if (auto* e = std::get_if<NeutronError>(&parsed)) return send_error(res, call, *e);
  const auto& r = std::get<SubnetRequest>(parsed);
  std::optional<net::Networks::GatewayChoice> gateway;
  if (r.gateway) gateway = net::Networks::GatewayChoice{true, *r.gateway};
  auto updated = networks_.update_subnet(call.caller, req.matches[1].str(), [&](net::Subnet& s) {
    if (r.name) s.name = *r.name;
    if (r.description) s.description = *r.description;
    if (r.dhcp) s.dhcp = *r.dhcp;
    if (r.dns_nameservers) s.dns_nameservers = *r.dns_nameservers;
    if (r.host_routes) s.host_routes = *r.host_routes;
    if (r.pools) s.pools = *r.pools;
  }, gateway);
  if (!updated) return send_core_error(res, call, updated.error());
  Json doc;
  send_one(req, res, call, 200, "subnet", doc, subnet_view(updated.value(), viewer(call), doc.GetAllocator()));
}

void Service::delete_subnet(const httplib::Request& req, httplib::Response& res, Call& call) {
  if (auto done = networks_.delete_subnet(call.caller, req.matches[1].str()); !done)
    return send_core_error(res, call, done.error());
  send(res, call, 204, "");
}

// --- ports ------------------------------------------------------------------

void Service::list_ports(const httplib::Request& req, httplib::Response& res, Call& call) {
  Json doc;
  doc.SetArray();
  for (const auto& p : networks_.ports(call.caller)) doc.PushBack(port_view(p, viewer(call), doc.GetAllocator()), doc.GetAllocator());
  static const auto attributes = [] {
    Json scratch;
    core::Tenants t;
    return member_names(port_view(net::Port{}, Viewer{t, true}, scratch.GetAllocator()));
  }();
  send_list(req, res, call, "ports", doc, attributes);
}

void Service::show_port(const httplib::Request& req, httplib::Response& res, Call& call) {
  auto found = networks_.port(call.caller, req.matches[1].str());
  if (!found) return send_core_error(res, call, found.error());
  Json doc;
  send_one(req, res, call, 200, "port", doc, port_view(found.value(), viewer(call), doc.GetAllocator()));
}

namespace {

// The attributes a port request sets, onto `p`; binding's are an admin's.
std::optional<NeutronError> apply_port(const PortRequest& r, net::Port& p, bool admin) {
  if ((r.host_id || r.profile_json) && !admin) return policy_refused("create_port:binding:host_id");
  if (r.name) p.name = *r.name;
  if (r.description) p.description = *r.description;
  if (r.admin_up) p.admin_up = *r.admin_up;
  if (r.mac) p.mac = *r.mac;
  if (r.device_id) p.device_id = *r.device_id;
  if (r.device_owner) p.device_owner = *r.device_owner;
  if (r.port_security) p.port_security = *r.port_security;
  if (r.security_groups) p.security_groups = *r.security_groups;
  if (r.address_pairs) p.allowed_address_pairs = *r.address_pairs;
  set_extra(p.extra, kExtraDhcpOpts, r.dhcp_options_json);
  set_extra(p.extra, kVnicType, r.vnic_type);
  set_extra(p.extra, kHostId, r.host_id);
  set_extra(p.extra, kBindingProfile, r.profile_json);
  return std::nullopt;
}

}  // namespace

void Service::create_port(const httplib::Request& req, httplib::Response& res, Call& call) {
  const auto make = [&](std::string_view body) -> std::variant<net::Port, NeutronError> {
    auto parsed = parse_port(body, true);
    if (auto* e = std::get_if<NeutronError>(&parsed)) return *e;
    auto& r = std::get<PortRequest>(parsed);
    net::Port draft;
    draft.tenant = tenant_for(call, r.project);
    draft.network_id = *r.network_id;
    auto net = networks_.network(call.caller, draft.network_id);
    if (!net) return from_core(net.error());
    // Neutron's policy: a MAC is the network owner's (or an admin's) to choose.
    if (r.mac && !call.caller.admin && net->tenant != call.caller.tenant) return policy_refused("create_port:mac_address");
    if (!r.port_security) draft.port_security = net->port_security;
    if (auto e = apply_port(r, draft, call.caller.admin)) return *e;
    // No groups named: the project's default one (an empty list: none).
    if (!r.security_groups && draft.port_security &&
        (!r.device_owner || !r.device_owner->starts_with("network:"))) {
      auto group = networks_.default_group_id(draft.tenant);
      if (!group) return from_core(group.error());
      draft.security_groups = {group.value()};
    }
    auto made = networks_.create_port(call.caller, std::move(draft), r.fixed_ips);
    if (!made) return from_core(made.error());
    return made.value();
  };
  Json doc;
  if (auto items = bulk_items(req.body, "ports", "port")) {
    Value list(rapidjson::kArrayType);
    std::vector<std::string> made_ids;
    for (const auto& body : *items) {
      auto made = make(body);
      if (auto* e = std::get_if<NeutronError>(&made)) {
        for (const auto& id : made_ids) (void)networks_.delete_port(call.caller, id);
        return send_error(res, call, *e);
      }
      made_ids.push_back(std::get<net::Port>(made).id);
      list.PushBack(port_view(std::get<net::Port>(made), viewer(call), doc.GetAllocator()), doc.GetAllocator());
    }
    doc.SetObject();
    doc.AddMember("ports", list, doc.GetAllocator());
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
    doc.Accept(w);
    return send(res, call, 201, {buffer.GetString(), buffer.GetSize()});
  }
  auto made = make(req.body);
  if (auto* e = std::get_if<NeutronError>(&made)) return send_error(res, call, *e);
  send_one(req, res, call, 201, "port", doc, port_view(std::get<net::Port>(made), viewer(call), doc.GetAllocator()));
}

void Service::update_port(const httplib::Request& req, httplib::Response& res, Call& call) {
  auto parsed = parse_port(req.body, false);
  if (auto* e = std::get_if<NeutronError>(&parsed)) return send_error(res, call, *e);
  const auto& r = std::get<PortRequest>(parsed);
  if (r.mac && !call.caller.admin) return send_error(res, call, policy_refused("update_port:mac_address"));
  if ((r.host_id || r.profile_json) && !call.caller.admin)
    return send_error(res, call, policy_refused("update_port:binding:host_id"));
  auto updated = networks_.update_port(call.caller, req.matches[1].str(), [&](net::Port& p) {
    (void)apply_port(r, p, call.caller.admin);
  }, r.fixed_ips);
  if (!updated) return send_core_error(res, call, updated.error());
  Json doc;
  send_one(req, res, call, 200, "port", doc, port_view(updated.value(), viewer(call), doc.GetAllocator()));
}

void Service::delete_port(const httplib::Request& req, httplib::Response& res, Call& call) {
  if (auto done = networks_.delete_port(call.caller, req.matches[1].str()); !done)
    return send_core_error(res, call, done.error());
  send(res, call, 204, "");
}

}  // namespace openstack::neutron
