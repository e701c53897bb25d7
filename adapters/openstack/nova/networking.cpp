// Nova's network-facing API over the network model (core/net): what a
// create asks for, a server's addresses (/ips), its interfaces
// (os-interface), and the proxies Nova kept to 2.35 (os-tenant-networks,
// os-networks, os-floating-ips, os-floating-ip-pools) with
// addFloatingIp/removeFloatingIp to 2.43. Messages are Nova's.
#include <algorithm>

#include <fmt/format.h>
#include <httplib.h>
#include <rapidjson/document.h>

#include "adapters/openstack/nova/service.h"
#include "core/ids.h"
#include "core/text.h"

namespace openstack {
namespace {

namespace net = core::net;

constexpr int kLastProxyVersion = 35;

bool gone(const Call& call) { return call.version.at_least(kLastProxyVersion + 1); }
Fault gone_fault() { return not_found("The resource could not be found."); }
Fault removed_feature() { return Fault{410, "HTTPGone", "This API has been removed (nova-network is gone).", -1}; }

// The states an interface may be attached or detached in (Nova's check_instance_state).
bool takes_interfaces(core::State s) {
  using enum core::State;
  return s == Running || s == Paused || s == Stopped || s == Suspended || s == Shelved || s == ShelvedOffloaded;
}

void write_attachment(Writer& w, const net::Port& p) {
  w.StartObject();
  field(w, "port_state", !p.device_id.empty() && p.admin_up ? "ACTIVE" : "DOWN");
  w.Key("fixed_ips");
  w.StartArray();
  for (const auto& ip : p.fixed_ips) {
    w.StartObject();
    field(w, "subnet_id", ip.subnet_id);
    field(w, "ip_address", net::to_string(ip.address));
    w.EndObject();
  }
  w.EndArray();
  field(w, "port_id", p.id);
  field(w, "net_id", p.network_id);
  field(w, "mac_addr", p.mac);
  w.EndObject();
}

}  // namespace

std::variant<std::vector<core::NicRequest>, Fault> Service::resolve_networks(const Call& call,
                                                                              const CreateRequest& request) {
  if (request.networks) {
    for (const auto& nic : *request.networks) {
      if (!nic.port.empty()) {
        if (request.count > 1)
          return bad_request("Unable to launch multiple instances with a single configured port ID. Please launch "
                             "your instance one by one with different ports.");
        auto port = networks.port(call.caller, nic.port);
        if (!port) return bad_request(fmt::format("Port id {} could not be found.", nic.port));
        if (!port->device_id.empty()) return conflicting_request(fmt::format("Port {} is still in use.", nic.port));
        continue;
      }
      auto network = networks.network(call.caller, nic.network);
      if (!network) return bad_request(fmt::format("Network {} could not be found.", nic.network));
    }
    return *request.networks;
  }
  // Nothing asked (or "auto"): the project's own network, as Nova picks
  // it; more than one is ambiguous.
  std::vector<net::Network> owned;
  bool any_usable = false;  // a network of its own or a shared one
  for (auto& n : networks.networks(call.caller)) {
    if (n.external) continue;
    any_usable = true;
    if (n.tenant == call.caller.tenant) owned.push_back(std::move(n));
  }
  // A project with no network at all (one made through Keystone's API):
  // Nova boots the server with no interface, as a cloud whose Neutron has
  // no auto-allocated topology does.
  if (!any_usable) return std::vector<core::NicRequest>{};
  if (owned.size() > 1)
    return conflicting_request("Multiple possible networks found, use a Network ID to be more specific.");
  if (owned.size() == 1) return std::vector<core::NicRequest>{core::NicRequest{owned.front().id, "", ""}};
  return std::vector<core::NicRequest>{core::NicRequest{}};
}

// --- /servers/{id}/ips ------------------------------------------------------

void Service::list_ips(const httplib::Request& req, httplib::Response& res, const Call& call) {
  const auto server = server_of(res, call, req.matches[1].str());
  if (!server) return;
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  w.Key("addresses");
  write_addresses(w, networks.addresses_of(server->uuid), false);
  w.EndObject();
  send_json(res, 200, buffer.GetString());
}

void Service::show_ips(const httplib::Request& req, httplib::Response& res, const Call& call) {
  const auto server = server_of(res, call, req.matches[1].str());
  if (!server) return;
  const auto label = req.matches[2].str();
  std::vector<net::ServerAddress> on_network;
  for (auto& a : networks.addresses_of(server->uuid))
    if (a.network_name == label) on_network.push_back(std::move(a));
  if (on_network.empty()) return send_fault(res, call, not_found("Instance is not a member of specified network"));
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  write_addresses(w, on_network, false);
  send_json(res, 200, buffer.GetString());
}

// --- os-interface -----------------------------------------------------------

void Service::list_interfaces(const httplib::Request& req, httplib::Response& res, const Call& call) {
  const auto server = server_of(res, call, req.matches[1].str());
  if (!server) return;
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  w.Key("interfaceAttachments");
  w.StartArray();
  for (const auto& p : networks.ports_of(server->uuid)) write_attachment(w, p);
  w.EndArray();
  w.EndObject();
  send_json(res, 200, buffer.GetString());
}

void Service::show_interface(const httplib::Request& req, httplib::Response& res, const Call& call) {
  const auto server = server_of(res, call, req.matches[1].str());
  if (!server) return;
  const auto port_id = req.matches[2].str();
  for (const auto& p : networks.ports_of(server->uuid)) {
    if (p.id != port_id) continue;
    rapidjson::StringBuffer buffer;
    Writer w(buffer);
    w.StartObject();
    w.Key("interfaceAttachment");
    write_attachment(w, p);
    w.EndObject();
    return send_json(res, 200, buffer.GetString());
  }
  send_fault(res, call, not_found(fmt::format("Port {} is not attached", port_id)));
}

void Service::attach_interface(const httplib::Request& req, httplib::Response& res, const Call& call) {
  const auto server = server_of(res, call, req.matches[1].str());
  if (!server) return;
  rapidjson::Document doc;
  core::NicRequest nic;
  if (!req.body.empty()) {
    if (!parse_json(req.body, doc) || !doc.IsObject()) return send_fault(res, call, bad_request("Malformed request body"));
    const auto it = doc.FindMember("interfaceAttachment");
    if (it == doc.MemberEnd() || !it->value.IsObject())
      return send_fault(res, call, bad_request("'interfaceAttachment' is a required property"));
    for (auto m = it->value.MemberBegin(); m != it->value.MemberEnd(); ++m) {
      const std::string_view key(m->name.GetString(), m->name.GetStringLength());
      if (key == "port_id" && m->value.IsString()) nic.port = core::ascii_lower(m->value.GetString());
      else if (key == "net_id" && m->value.IsString()) nic.network = core::ascii_lower(m->value.GetString());
      else if (key == "fixed_ips" && m->value.IsArray() && m->value.Size() == 1 && m->value[0].IsObject() &&
               m->value[0].HasMember("ip_address") && m->value[0]["ip_address"].IsString())
        nic.fixed_ip = m->value[0]["ip_address"].GetString();
      else if (key == "tag" && call.version.at_least(49) && m->value.IsString()) continue;
      else
        return send_fault(res, call, bad_request(fmt::format("Invalid input for field/attribute {}.", key)));
    }
    if (!nic.port.empty() && !nic.network.empty())
      return send_fault(res, call, bad_request("Must not input both network_id and port_id"));
    if (!nic.fixed_ip.empty() && nic.network.empty())
      return send_fault(res, call, bad_request("Must input network_id when request IP address"));
    if ((!nic.port.empty() && !core::is_uuid(nic.port)) || (!nic.network.empty() && !core::is_uuid(nic.network)))
      return send_fault(res, call, bad_request("Invalid input for field/attribute interfaceAttachment."));
  }
  if (server->lock.locked && !call.caller.admin)
    return send_fault(res, call, conflicting_request(fmt::format("Instance {} is locked", server->uuid)));
  if (!takes_interfaces(server->state)) {
    const auto view = status_view(server->state, server->transition_from);
    return send_fault(res, call, conflicting_request(fmt::format("Cannot 'attach_interface' instance {} while it is in vm_state {}",
                                                      server->uuid, view.vm_state)));
  }
  if (!nic.port.empty()) {
    auto port = networks.port(call.caller, nic.port);
    if (!port) return send_fault(res, call, not_found(fmt::format("Port {} could not be found.", nic.port)));
    if (!port->device_id.empty()) return send_fault(res, call, conflicting_request(fmt::format("Port {} is still in use.", nic.port)));
  } else if (!nic.network.empty()) {
    if (!networks.network(call.caller, nic.network))
      return send_fault(res, call, not_found(fmt::format("Network {} could not be found.", nic.network)));
  } else {
    auto resolved = resolve_networks(call, CreateRequest{});
    if (auto* fault = std::get_if<Fault>(&resolved)) return send_fault(res, call, *fault);
    nic = std::get<std::vector<core::NicRequest>>(resolved).front();
  }
  auto port = networks.attach(*server, nic);
  if (!port) {
    const auto& e = port.error();
    if (e.code == core::ErrorCode::Unavailable) return send_fault(res, call, from_core(e));
    if (e.code == core::ErrorCode::Conflict || e.code == core::ErrorCode::OverQuota)
      return send_fault(res, call, Fault{e.reason == "address_in_use" || e.reason == "no_address_free" ? 400 : 409,
                                         e.reason == "address_in_use" || e.reason == "no_address_free" ? "badRequest"
                                                                                                       : "conflictingRequest",
                                         e.detail, -1});
    return send_fault(res, call, bad_request(e.detail.empty() ? "Failed to attach network adapter device" : e.detail));
  }
  call.entry->result = core::kAccepted;
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  w.Key("interfaceAttachment");
  write_attachment(w, port.value());
  w.EndObject();
  send_json(res, 200, buffer.GetString());
}

void Service::detach_interface(const httplib::Request& req, httplib::Response& res, const Call& call) {
  const auto server = server_of(res, call, req.matches[1].str());
  if (!server) return;
  const auto port_id = req.matches[2].str();
  if (server->lock.locked && !call.caller.admin)
    return send_fault(res, call, conflicting_request(fmt::format("Instance {} is locked", server->uuid)));
  if (!takes_interfaces(server->state)) {
    const auto view = status_view(server->state, server->transition_from);
    return send_fault(res, call, conflicting_request(fmt::format("Cannot 'detach_interface' instance {} while it is in vm_state {}",
                                                      server->uuid, view.vm_state)));
  }
  call.entry->status = 202;
  if (auto done = networks.detach(*server, port_id); !done) {
    if (done.error().code == core::ErrorCode::Unavailable) return send_fault(res, call, from_core(done.error()));
    return send_fault(res, call, not_found(fmt::format("Port {} is not attached", port_id)));
  }
  res.status = 202;
}

// --- os-tenant-networks, os-networks ----------------------------------------

namespace {

std::optional<std::string> first_cidr(const std::vector<net::Subnet>& subnets, const std::string& network_id) {
  for (const auto& s : subnets)
    if (s.network_id == network_id && s.cidr.network.version == 4) return net::to_string(s.cidr);
  return std::nullopt;
}

}  // namespace

void Service::list_tenant_networks(const httplib::Request& req, httplib::Response& res, const Call& call) {
  if (gone(call)) return send_fault(res, call, gone_fault());
  if (req.method == "POST") return send_fault(res, call, removed_feature());
  const bool full = req.path.find("os-networks") != std::string::npos;
  const auto subnets = networks.subnets(call.caller);
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  w.Key("networks");
  w.StartArray();
  for (const auto& n : networks.networks(call.caller)) {
    if (n.external && !full) continue;  // os-tenant-networks: the project's own and shared ones
    write_network_proxy(w, n, first_cidr(subnets, n.id), full);
  }
  w.EndArray();
  w.EndObject();
  send_json(res, 200, buffer.GetString());
}

void Service::show_tenant_network(const httplib::Request& req, httplib::Response& res, const Call& call) {
  if (gone(call)) return send_fault(res, call, gone_fault());
  if (req.method == "DELETE") return send_fault(res, call, removed_feature());
  const bool full = req.path.find("os-networks") != std::string::npos;
  const auto id = req.matches[1].str();
  auto network = networks.network(call.caller, id);
  if (!network) return send_fault(res, call, not_found(fmt::format("Network {} could not be found.", id)));
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  w.Key("network");
  write_network_proxy(w, network.value(), first_cidr(networks.subnets(call.caller), network->id), full);
  w.EndObject();
  send_json(res, 200, buffer.GetString());
}

void Service::write_network_proxy(Writer& w, const net::Network& n, const std::optional<std::string>& cidr, bool full) {
  w.StartObject();
  field(w, "id", n.id);
  field(w, "label", n.name);
  w.Key("cidr");
  if (cidr) w.String(cidr->c_str(), static_cast<rapidjson::SizeType>(cidr->size()));
  else w.Null();
  if (full) {
    // os-networks' nova-network fields, which Neutron has no value for.
    for (const char* key : {"bridge", "bridge_interface", "broadcast", "cidr_v6", "dhcp_server", "dhcp_start", "dns1",
                            "dns2", "gateway", "gateway_v6", "host", "injected", "multi_host", "netmask",
                            "netmask_v6", "priority", "project_id", "rxtx_base", "share_address", "vlan", "vpn_private_address",
                            "vpn_public_address", "vpn_public_port", "mtu", "enable_dhcp", "created_at", "updated_at",
                            "deleted", "deleted_at"}) {
      w.Key(key);
      w.Null();
    }
  }
  w.EndObject();
}

// --- os-floating-ips, os-floating-ip-pools ----------------------------------

void Service::write_floating_ip(Writer& w, const Call& call, const net::FloatingIp& f) {
  w.StartObject();
  field(w, "id", f.id);
  field(w, "ip", net::to_string(f.address));
  std::string pool;
  if (auto n = networks.network(core::Caller{call.caller.tenant, true, false, true}, f.network_id)) pool = n->name;
  field(w, "pool", pool);
  w.Key("fixed_ip");
  if (f.fixed_address) {
    const auto text = net::to_string(*f.fixed_address);
    w.String(text.c_str(), static_cast<rapidjson::SizeType>(text.size()));
  } else {
    w.Null();
  }
  w.Key("instance_id");
  std::string device;
  if (!f.port_id.empty())
    if (auto p = networks.port(core::Caller{call.caller.tenant, true, false, true}, f.port_id)) device = p->device_id;
  if (device.empty()) w.Null();
  else w.String(device.c_str(), static_cast<rapidjson::SizeType>(device.size()));
  w.EndObject();
}

void Service::list_floating_ips(const httplib::Request&, httplib::Response& res, const Call& call) {
  if (gone(call)) return send_fault(res, call, gone_fault());
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  w.Key("floating_ips");
  w.StartArray();
  const core::Caller own{call.caller.tenant, false, call.caller.may_act, false};
  for (const auto& f : networks.floating_ips(own)) write_floating_ip(w, call, f);
  w.EndArray();
  w.EndObject();
  send_json(res, 200, buffer.GetString());
}

void Service::show_floating_ip(const httplib::Request& req, httplib::Response& res, const Call& call) {
  if (gone(call)) return send_fault(res, call, gone_fault());
  const auto id = req.matches[1].str();
  auto f = networks.floating_ip(call.caller, id);
  if (!f) return send_fault(res, call, not_found(fmt::format("Floating IP not found for ID {}", id)));
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  w.Key("floating_ip");
  write_floating_ip(w, call, f.value());
  w.EndObject();
  send_json(res, 200, buffer.GetString());
}

void Service::create_floating_ip(const httplib::Request& req, httplib::Response& res, const Call& call) {
  if (gone(call)) return send_fault(res, call, gone_fault());
  std::string pool;
  if (!req.body.empty()) {
    rapidjson::Document doc;
    if (!parse_json(req.body, doc) || !doc.IsObject()) return send_fault(res, call, bad_request("Malformed request body"));
    if (auto it = doc.FindMember("pool"); it != doc.MemberEnd() && !it->value.IsNull()) {
      if (!it->value.IsString()) return send_fault(res, call, bad_request("Invalid input for field/attribute pool."));
      pool = it->value.GetString();
    }
  }
  std::optional<net::Network> external;
  for (auto& n : networks.networks(call.caller))
    if (n.external && (pool.empty() ? !external : n.name == pool || n.id == pool)) external = std::move(n);
  if (!external)
    return send_fault(res, call, not_found(pool.empty() ? std::string("No default floating IP pool found.")
                                                        : fmt::format("Floating IP pool not found.")));
  net::FloatingIp draft;
  draft.network_id = external->id;
  draft.tenant = call.caller.tenant;
  auto made = networks.create_floating_ip(call.caller, draft, std::nullopt, std::nullopt);
  if (!made) {
    const auto& e = made.error();
    if (e.code == core::ErrorCode::OverQuota)
      return send_fault(res, call, Fault{403, "forbidden", "Quota exceeded for floating ips.", -1});
    if (e.reason == "no_address_free")
      return send_fault(res, call, not_found(fmt::format("No more floating IPs in pool {}.", external->name)));
    return send_fault(res, call, from_core(e));
  }
  call.entry->result = core::kAccepted;
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  w.Key("floating_ip");
  write_floating_ip(w, call, made.value());
  w.EndObject();
  send_json(res, 200, buffer.GetString());
}

void Service::delete_floating_ip(const httplib::Request& req, httplib::Response& res, const Call& call) {
  if (gone(call)) return send_fault(res, call, gone_fault());
  const auto id = req.matches[1].str();
  call.entry->status = 202;
  if (auto done = networks.delete_floating_ip(call.caller, id); !done) {
    if (done.error().code == core::ErrorCode::NotFound)
      return send_fault(res, call, not_found(fmt::format("Floating IP not found for ID {}", id)));
    return send_fault(res, call, from_core(done.error()));
  }
  res.status = 202;
}

void Service::list_floating_ip_pools(const httplib::Request&, httplib::Response& res, const Call& call) {
  if (gone(call)) return send_fault(res, call, gone_fault());
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  w.Key("floating_ip_pools");
  w.StartArray();
  for (const auto& n : networks.networks(call.caller)) {
    if (!n.external) continue;
    w.StartObject();
    field(w, "name", n.name);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  send_json(res, 200, buffer.GetString());
}

std::optional<net::FloatingIp> Service::floating_by_address(const Call& call, const std::string& address) {
  for (auto& f : networks.floating_ips(call.caller))
    if (net::to_string(f.address) == address) return std::move(f);
  return std::nullopt;
}

void Service::add_floating_ip(httplib::Response& res, const Call& call, const core::ServerInfo& server,
                              const std::string& address, const std::string& fixed_address) {
  auto f = floating_by_address(call, address);
  if (!f) return send_fault(res, call, not_found(fmt::format("floating IP not found")));
  const auto ports = networks.ports_of(server.uuid);
  if (ports.empty()) return send_fault(res, call, bad_request("No nw_info cache associated with instance"));
  // The port holding the fixed address asked for, or the first with an IPv4 one.
  const net::Port* chosen = nullptr;
  std::optional<net::Address> fixed;
  for (const auto& p : ports)
    for (const auto& ip : p.fixed_ips) {
      const bool wanted = fixed_address.empty() ? ip.address.version == 4 : net::to_string(ip.address) == fixed_address;
      if (!chosen && wanted) {
        chosen = &p;
        fixed = ip.address;
      }
    }
  if (!chosen)
    return send_fault(res, call, bad_request(fixed_address.empty() ? "No fixed IPs associated to instance"
                                                                   : "Specified fixed address not assigned to instance"));
  auto associated = networks.update_floating_ip(call.caller, f->id, [](net::FloatingIp&) {},
                                                net::Networks::Association{chosen->id, fixed});
  if (!associated) {
    const auto& e = associated.error();
    if (e.code == core::ErrorCode::Unavailable) return send_fault(res, call, from_core(e));
    return send_fault(res, call, bad_request(fmt::format("Unable to associate floating IP {} to fixed IP {} for "
                                                         "instance {}. Error: {}", address,
                                                         net::to_string(*fixed), server.uuid,
                                                         e.detail.empty() ? e.subject : e.detail)));
  }
  res.status = 202;
}

void Service::remove_floating_ip(httplib::Response& res, const Call& call, const core::ServerInfo& server,
                                 const std::string& address) {
  auto f = floating_by_address(call, address);
  if (!f) return send_fault(res, call, not_found(fmt::format("floating IP not found")));
  const auto ports = networks.ports_of(server.uuid);
  const bool ours = std::any_of(ports.begin(), ports.end(), [&](const net::Port& p) { return p.id == f->port_id; });
  if (!ours)
    return send_fault(res, call, conflicting_request(fmt::format("Floating IP {} is not associated with instance {}.", address,
                                                      server.uuid)));
  auto freed = networks.update_floating_ip(call.caller, f->id, [](net::FloatingIp&) {}, net::Networks::Association{});
  if (!freed) return send_fault(res, call, from_core(freed.error()));
  res.status = 202;
}

}  // namespace openstack
