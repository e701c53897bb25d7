// Remote consoles: the actions os-getVNCConsole, os-getSPICEConsole and
// os-getSerialConsole (to 2.5), POST /servers/{id}/remote-consoles (from
// 2.6) and GET /os-console-auth-tokens/{token} (admin, from 2.31), in
// Nova's order of checks: the server, the policy, its host, the protocol
// and type, then the guest. Only noVNC is served (by the console proxy,
// console/proxy.h), as a cloud with [vnc] enabled and [spice],
// [serial_console] and [mks] off; a console opens while the guest runs.
#include <fmt/format.h>
#include <httplib.h>

#include "adapters/openstack/nova/service.h"

namespace openstack {
namespace {

constexpr std::string_view kPolicy = "os_compute_api:os-remote-consoles";

Fault forbidden(std::string_view policy) {
  return Fault{403, "forbidden", fmt::format("Policy doesn't allow {} to be performed.", policy), -1};
}


// Nova's ConsoleTypeUnavailable: a protocol the cloud has not enabled.
Fault unavailable(std::string_view type) { return bad_request(fmt::format("Unavailable console type {}.", type)); }

}  // namespace

std::optional<std::string> Service::console_url(httplib::Response& res, const Call& call,
                                                const core::ServerInfo& server, std::string_view protocol,
                                                std::string_view type) {
  // check_instance_host: no host yet (building) or none any more (offloaded).
  if (server.state == core::State::Provisioning || server.state == core::State::ShelvedOffloaded) {
    send_fault(res, call, conflicting_request(fmt::format("Instance {} is not ready", server.uuid)));
    return std::nullopt;
  }
  const auto proxy = consoles.proxy();
  if (protocol != "vnc" || proxy.empty()) {
    send_fault(res, call, unavailable(type));
    return std::nullopt;
  }
  if (type != "novnc") {  // xvpvnc went with XenServer; any other type is another protocol's
    send_fault(res, call, bad_request(fmt::format("Invalid console type {}", type)));
    return std::nullopt;
  }
  // A guest that does not run has no VNC server to reach.
  const auto view = status_view(server.state, server.transition_from);
  if (view.power_state != 1) {
    send_fault(res, call,
               conflicting_request(fmt::format("Cannot 'get_vnc_console' instance {} while it is in vm_state {}", server.uuid,
                                    view.vm_state)));
    return std::nullopt;
  }
  auto token = consoles.authorize(ConsoleAuth{server.uuid, std::string(type), std::string(kHost), 5900, 0});
  if (!token) {
    send_fault(res, call, from_core(token.error()));
    return std::nullopt;
  }
  // noVNC (from 1.1) takes its WebSocket's path, and the token in it, from "path" (Nova's access_url).
  return fmt::format("{}/vnc_lite.html?path=%3Ftoken%3D{}", proxy, *token);
}

void Service::remote_console_action(httplib::Response& res, const Call& call, const std::string& id,
                                    const ActionRequest& request) {
  // The policy comes first here (the action names no target), then the server.
  if (!call.caller.may_act) return send_fault(res, call, forbidden(kPolicy));
  const auto server = server_of(res, call, id);
  if (!server) return;
  const auto url = console_url(res, call, *server, request.console_protocol, request.console_type);
  if (!url) return;
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  w.Key("console");
  w.StartObject();
  field(w, "type", request.console_type);
  field(w, "url", *url);
  w.EndObject();
  w.EndObject();
  send_json(res, 200, buffer.GetString());
}

void Service::create_remote_console(const httplib::Request& req, httplib::Response& res, const Call& call) {
  if (!call.version.at_least(6)) return send_fault(res, call, not_found("The resource could not be found."));
  auto parsed = parse_remote_console(req.body, call.version);
  if (auto* fault = std::get_if<Fault>(&parsed)) return send_fault(res, call, *fault);
  const auto& request = std::get<RemoteConsoleRequest>(parsed);
  if (!apply_faults(res, call, "remote-consoles", req.matches[1].str())) return;
  const auto server = server_of(res, call, req.matches[1].str());
  if (!server) return;
  if (!call.caller.may_act) return send_fault(res, call, forbidden(kPolicy));
  if (request.protocol == "rdp") return send_fault(res, call, unavailable(request.protocol));
  const auto url = console_url(res, call, *server, request.protocol, request.type);
  if (!url) return;
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  w.Key("remote_console");
  w.StartObject();
  field(w, "protocol", request.protocol);
  field(w, "type", request.type);
  field(w, "url", *url);
  w.EndObject();
  w.EndObject();
  send_json(res, 200, buffer.GetString());
}

void Service::show_console_auth_token(const httplib::Request& req, httplib::Response& res, const Call& call) {
  // Before 2.31 the API served only RDP's tokens, and RDP is gone: a bare 400.
  if (!call.version.at_least(31))
    return send_fault(res, call,
                      bad_request("The server could not comply with the request since it is either malformed or "
                                  "otherwise incorrect."));
  if (!allowed(res, call, "os_compute_api:os-console-auth-tokens")) return;
  const auto auth = consoles.validate(req.matches[1].str());
  if (!auth) return send_fault(res, call, not_found("Token not found"));
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  w.Key("console");
  w.StartObject();
  field(w, "instance_uuid", auth->instance_uuid);
  field(w, "host", auth->host);
  w.Key("port");
  w.Int(auth->port);
  w.Key("internal_access_path");
  w.Null();
  w.EndObject();
  w.EndObject();
  send_json(res, 200, buffer.GetString());
}

}  // namespace openstack
