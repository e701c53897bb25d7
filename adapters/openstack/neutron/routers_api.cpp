// Routers (with their interfaces) and floating IPs.
#include <httplib.h>

#include <fmt/format.h>

#include "adapters/openstack/neutron/requests.h"
#include "adapters/openstack/neutron/service.h"
#include "adapters/openstack/shared/wire.h"

namespace openstack::neutron {
namespace {

namespace net = core::net;

}  // namespace

void Service::list_routers(const httplib::Request& req, httplib::Response& res, Call& call) {
  Json doc;
  doc.SetArray();
  for (const auto& r : networks_.routers(call.caller)) doc.PushBack(router_view(r, viewer(call), doc.GetAllocator()), doc.GetAllocator());
  static const auto attributes = [] {
    Json scratch;
    core::Tenants t;
    return member_names(router_view(net::Router{}, Viewer{t, true}, scratch.GetAllocator()));
  }();
  send_list(req, res, call, "routers", doc, attributes);
}

void Service::show_router(const httplib::Request& req, httplib::Response& res, Call& call) {
  auto found = networks_.router(call.caller, req.matches[1].str());
  if (!found) return send_core_error(res, call, found.error());
  Json doc;
  send_one(req, res, call, 200, "router", doc, router_view(found.value(), viewer(call), doc.GetAllocator()));
}

void Service::create_router(const httplib::Request& req, httplib::Response& res, Call& call) {
  auto parsed = parse_router(req.body, true);
  if (auto* e = std::get_if<NeutronError>(&parsed)) return send_error(res, call, *e);
  auto& r = std::get<RouterRequest>(parsed);
  std::optional<net::Networks::GatewayRequest> gateway;
  if (r.gateway && *r.gateway) {
    if ((**r.gateway).ips && !call.caller.admin)
      return send_error(res, call, policy_refused("create_router:external_gateway_info:external_fixed_ips"));
    gateway = **r.gateway;
  }
  net::Router draft;
  draft.tenant = tenant_for(call, r.project);
  draft.name = r.name.value_or("");
  draft.description = r.description.value_or("");
  draft.admin_up = r.admin_up.value_or(true);
  auto made = networks_.create_router(call.caller, std::move(draft), gateway);
  if (!made) return send_core_error(res, call, made.error());
  if (r.routes && !r.routes->empty()) {
    auto routed = networks_.update_router(call.caller, made->id, [](net::Router&) {}, std::nullopt, r.routes);
    if (!routed) {
      (void)networks_.delete_router(call.caller, made->id);
      return send_core_error(res, call, routed.error());
    }
    made = routed;
  }
  Json doc;
  send_one(req, res, call, 201, "router", doc, router_view(made.value(), viewer(call), doc.GetAllocator()));
}

void Service::update_router(const httplib::Request& req, httplib::Response& res, Call& call) {
  auto parsed = parse_router(req.body, false);
  if (auto* e = std::get_if<NeutronError>(&parsed)) return send_error(res, call, *e);
  const auto& r = std::get<RouterRequest>(parsed);
  if (r.gateway && *r.gateway && (**r.gateway).ips && !call.caller.admin)
    return send_error(res, call, policy_refused("update_router:external_gateway_info:external_fixed_ips"));
  auto updated = networks_.update_router(call.caller, req.matches[1].str(), [&](net::Router& router) {
    if (r.name) router.name = *r.name;
    if (r.description) router.description = *r.description;
    if (r.admin_up) router.admin_up = *r.admin_up;
  }, r.gateway, r.routes);
  if (!updated) return send_core_error(res, call, updated.error());
  Json doc;
  send_one(req, res, call, 200, "router", doc, router_view(updated.value(), viewer(call), doc.GetAllocator()));
}

void Service::delete_router(const httplib::Request& req, httplib::Response& res, Call& call) {
  if (auto done = networks_.delete_router(call.caller, req.matches[1].str()); !done)
    return send_core_error(res, call, done.error());
  send(res, call, 204, "");
}

std::string Service::interface_body(const std::string& router_id, const net::Port& port) {
  const auto project = project_of(fleet_.tenants(), port.tenant);
  const auto subnet = port.fixed_ips.empty() ? std::string() : port.fixed_ips.front().subnet_id;
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  field(w, "id", router_id);
  field(w, "tenant_id", project);
  field(w, "project_id", project);
  field(w, "port_id", port.id);
  field(w, "network_id", port.network_id);
  field(w, "subnet_id", subnet);
  w.Key("subnet_ids");
  w.StartArray();
  w.String(subnet.c_str(), static_cast<rapidjson::SizeType>(subnet.size()));
  w.EndArray();
  w.EndObject();
  return {buffer.GetString(), buffer.GetSize()};
}

void Service::add_interface(const httplib::Request& req, httplib::Response& res, Call& call) {
  auto parsed = parse_interface(req.body);
  if (auto* e = std::get_if<NeutronError>(&parsed)) return send_error(res, call, *e);
  const auto& r = std::get<InterfaceRequest>(parsed);
  const auto router_id = req.matches[1].str();
  auto port = networks_.add_interface(call.caller, router_id, r.subnet_id, r.port_id);
  if (!port) return send_core_error(res, call, port.error());
  send(res, call, 200, interface_body(router_id, *port));
}

void Service::remove_interface(const httplib::Request& req, httplib::Response& res, Call& call) {
  auto parsed = parse_interface(req.body);
  if (auto* e = std::get_if<NeutronError>(&parsed)) return send_error(res, call, *e);
  const auto& r = std::get<InterfaceRequest>(parsed);
  const auto router_id = req.matches[1].str();
  auto port = networks_.remove_interface(call.caller, router_id, r.subnet_id, r.port_id);
  if (!port) return send_core_error(res, call, port.error());
  send(res, call, 200, interface_body(router_id, *port));
}

// --- floating IPs -------------------------------------------------------------

void Service::list_floating_ips(const httplib::Request& req, httplib::Response& res, Call& call) {
  Json doc;
  doc.SetArray();
  for (const auto& f : networks_.floating_ips(call.caller))
    doc.PushBack(floating_ip_view(f, viewer(call), doc.GetAllocator()), doc.GetAllocator());
  static const auto attributes = [] {
    Json scratch;
    core::Tenants t;
    return member_names(floating_ip_view(net::FloatingIp{}, Viewer{t, true}, scratch.GetAllocator()));
  }();
  send_list(req, res, call, "floatingips", doc, attributes);
}

void Service::show_floating_ip(const httplib::Request& req, httplib::Response& res, Call& call) {
  auto found = networks_.floating_ip(call.caller, req.matches[1].str());
  if (!found) return send_core_error(res, call, found.error());
  Json doc;
  send_one(req, res, call, 200, "floatingip", doc, floating_ip_view(found.value(), viewer(call), doc.GetAllocator()));
}

void Service::create_floating_ip(const httplib::Request& req, httplib::Response& res, Call& call) {
  auto parsed = parse_floating_ip(req.body, true);
  if (auto* e = std::get_if<NeutronError>(&parsed)) return send_error(res, call, *e);
  auto& r = std::get<FloatingIpRequest>(parsed);
  net::FloatingIp draft;
  draft.tenant = tenant_for(call, r.project);
  draft.network_id = *r.network_id;
  draft.subnet_id = r.subnet_id.value_or("");
  draft.description = r.description.value_or("");
  std::optional<net::Networks::Association> association;
  if (r.port_id && *r.port_id) association = net::Networks::Association{**r.port_id, r.fixed_address};
  auto made = networks_.create_floating_ip(call.caller, std::move(draft), r.address, association);
  if (!made) return send_core_error(res, call, made.error());
  Json doc;
  send_one(req, res, call, 201, "floatingip", doc, floating_ip_view(made.value(), viewer(call), doc.GetAllocator()));
}

void Service::update_floating_ip(const httplib::Request& req, httplib::Response& res, Call& call) {
  auto parsed = parse_floating_ip(req.body, false);
  if (auto* e = std::get_if<NeutronError>(&parsed)) return send_error(res, call, *e);
  const auto& r = std::get<FloatingIpRequest>(parsed);
  std::optional<net::Networks::Association> association;
  if (r.port_id) association = net::Networks::Association{r.port_id->value_or(""), r.fixed_address};
  auto updated = networks_.update_floating_ip(call.caller, req.matches[1].str(), [&](net::FloatingIp& f) {
    if (r.description) f.description = *r.description;
  }, association);
  if (!updated) return send_core_error(res, call, updated.error());
  Json doc;
  send_one(req, res, call, 200, "floatingip", doc, floating_ip_view(updated.value(), viewer(call), doc.GetAllocator()));
}

void Service::delete_floating_ip(const httplib::Request& req, httplib::Response& res, Call& call) {
  if (auto done = networks_.delete_floating_ip(call.caller, req.matches[1].str()); !done)
    return send_core_error(res, call, done.error());
  send(res, call, 204, "");
}

}  // namespace openstack::neutron
