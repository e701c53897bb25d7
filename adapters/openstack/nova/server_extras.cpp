// The small per-server APIs around a server that has no guest to ask:
// diagnostics (what the host knows: its power state, flavor and ports; the
// guest's counters are null, as a driver that cannot read them reports),
// os-server-password (no guest ever posts one, so it is always empty) and
// os-server-external-events (Neutron's and Cinder's notices, accepted for
// servers that exist and are placed on the host).
#include <fmt/format.h>
#include <httplib.h>
#include <rapidjson/document.h>

#include "adapters/openstack/nova/service.h"

namespace openstack {
namespace {

// The power state Nova's 2.48 diagnostics name for a server's state.
std::string_view diagnostics_state(core::State s) {
  switch (s) {
    case core::State::Provisioning:
      return "pending";
    case core::State::Paused:
      return "paused";
    case core::State::Suspended:
      return "suspended";
    case core::State::Running:
    case core::State::Rebooting:
    case core::State::RebootingHard:
    case core::State::Pausing:
    case core::State::Suspending:
    case core::State::Stopping:
    case core::State::Rescued:
    case core::State::Unrescuing:
      return "running";
    default:
      return "shutdown";
  }
}

void null_field(Writer& w, const char* key) {
  w.Key(key);
  w.Null();
}

// The event names Nova's schema accepts (os-server-external-events, 2.1 to 2.93).
bool known_event(std::string_view name) {
  for (std::string_view known : {"network-changed", "network-vif-plugged", "network-vif-unplugged",
                                 "network-vif-deleted", "volume-extended", "power-update", "accelerator-request-bound",
                                 "volume-reimaged"})
    if (name == known) return true;
  return false;
}

}  // namespace

void Service::show_diagnostics(const httplib::Request& req, httplib::Response& res, const Call& call) {
  if (!allowed(res, call, "os_compute_api:os-server-diagnostics")) return;
  const auto server = server_of(res, call, req.matches[1].str());
  if (!server) return;
  if (server->state == core::State::Provisioning) {
    return send_fault(res, call,
                      Fault{409, "conflictingRequest",
                            fmt::format("Cannot 'get_diagnostics' instance {} while it is in vm_state building",
                                        server->uuid)});
  }
  const auto use = server_use(*server);
  const auto ports = networks.ports_of(server->uuid);
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  if (call.version.at_least(48)) {
    field(w, "state", diagnostics_state(server->state));
    field(w, "driver", "libvirt");
    field(w, "hypervisor", "qemu");
    field(w, "hypervisor_os", "linux");
    w.Key("uptime");
    if (const auto now = fleet.clock().now_ms(); server->launched_ms && now >= *server->launched_ms)
      w.Int64((now - *server->launched_ms) / 1000);
    else
      w.Null();
    w.Key("config_drive");
    w.Bool(false);
    w.Key("num_cpus");
    w.Int64(use.cores);
    w.Key("num_nics");
    w.Uint64(ports.size());
    w.Key("num_disks");
    w.Int(1);
    w.Key("memory_details");
    w.StartObject();
    w.Key("maximum");
    w.Int64(use.ram);
    null_field(w, "used");
    w.EndObject();
    w.Key("cpu_details");
    w.StartArray();
    for (std::int64_t i = 0; i < use.cores; ++i) {
      w.StartObject();
      w.Key("id");
      w.Int64(i);
      null_field(w, "time");
      null_field(w, "utilisation");
      w.EndObject();
    }
    w.EndArray();
    w.Key("nic_details");
    w.StartArray();
    for (const auto& port : ports) {
      w.StartObject();
      field(w, "mac_address", port.mac);
      for (const char* key : {"rx_octets", "rx_errors", "rx_drop", "rx_packets", "rx_rate", "tx_octets", "tx_errors",
                              "tx_drop", "tx_packets", "tx_rate"})
        null_field(w, key);
      w.EndObject();
    }
    w.EndArray();
    w.Key("disk_details");
    w.StartArray();
    w.StartObject();
    for (const char* key : {"read_bytes", "read_requests", "write_bytes", "write_requests", "errors_count"})
      null_field(w, key);
    w.EndObject();
    w.EndArray();
  } else {
    // Before 2.48 the body is the driver's own; libvirt's names its counters by device.
    w.Key("memory");
    w.Int64(use.ram * 1024);
    for (std::int64_t i = 0; i < use.cores; ++i) {
      w.Key(fmt::format("cpu{}_time", i).c_str());
      w.Int(0);
    }
  }
  w.EndObject();
  send_json(res, 200, {buffer.GetString(), buffer.GetSize()});
}

void Service::show_server_password(const httplib::Request& req, httplib::Response& res, const Call& call) {
  const auto server = server_of(res, call, req.matches[1].str());
  if (!server) return;
  send_json(res, 200, R"({"password":""})");
}

void Service::clear_server_password(const httplib::Request& req, httplib::Response& res, const Call& call) {
  const auto server = server_of(res, call, req.matches[1].str());
  if (!server) return;
  res.status = 204;
}

void Service::create_external_events(const httplib::Request& req, httplib::Response& res, const Call& call) {
  if (!allowed(res, call, "os_compute_api:os-server-external-events:create")) return;
  rapidjson::Document doc;
  doc.Parse(req.body.data(), req.body.size());
  if (doc.HasParseError() || !doc.IsObject())
    return send_fault(res, call, bad_request("Malformed request body"));
  // Through a const view: a MemberIterator's == is ambiguous to clang in C++20, a ConstMemberIterator's is not.
  const rapidjson::Value& body = doc;
  const auto events = body.FindMember("events");
  if (events == body.MemberEnd() || !events->value.IsArray() || events->value.Empty())
    return send_fault(res, call, bad_request("Invalid input for field/attribute events."));
  for (const auto& e : events->value.GetArray()) {
    if (!e.IsObject()) return send_fault(res, call, bad_request("Invalid input for field/attribute events."));
    const auto name = e.FindMember("name");
    const auto uuid = e.FindMember("server_uuid");
    if (name == e.MemberEnd() || !name->value.IsString() || !known_event(name->value.GetString()))
      return send_fault(res, call, bad_request("Invalid input for field/attribute name."));
    if (uuid == e.MemberEnd() || !uuid->value.IsString())
      return send_fault(res, call, bad_request("Invalid input for field/attribute server_uuid."));
    for (const auto& m : e.GetObject()) {
      const std::string_view key = m.name.GetString();
      if (key != "name" && key != "server_uuid" && key != "tag" && key != "status")
        return send_fault(res, call, bad_request(fmt::format("Additional properties are not allowed ('{}' was unexpected)", key)));
    }
  }
  // Each event answered on its own; the call is 404 only when no server was found (Nova's rule).
  bool any_found = false;
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  w.Key("events");
  w.StartArray();
  for (const auto& e : events->value.GetArray()) {
    const std::string uuid = e["server_uuid"].GetString();
    const bool found = static_cast<bool>(fleet.get(call.caller, uuid));
    any_found = any_found || found;
    w.StartObject();
    field(w, "name", e["name"].GetString());
    field(w, "server_uuid", uuid);
    if (const auto tag = e.FindMember("tag"); tag != e.MemberEnd() && tag->value.IsString())
      field(w, "tag", tag->value.GetString());
    field(w, "status", found ? "completed" : "failed");
    w.Key("code");
    w.Int(found ? 200 : 404);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  if (!any_found) return send_fault(res, call, not_found("No instances found for any event"));
  send_json(res, 200, {buffer.GetString(), buffer.GetSize()});
}

}  // namespace openstack
