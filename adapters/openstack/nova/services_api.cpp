// os-services and os-hosts: the host's three services (nova-compute,
// nova-scheduler, nova-conductor) as Nova lists and changes them (enable,
// disable with a reason, force down: nova-compute only, by host and binary
// to 2.52 and by UUID from 2.53; delete), and the deprecated os-hosts view
// of the same (to 2.42), whose host actions the libvirt driver Nova runs
// here would not implement (501).
#include <algorithm>
#include <charconv>

#include <fmt/format.h>
#include <httplib.h>

#include "adapters/openstack/nova/admin_body.h"
#include "adapters/openstack/nova/service.h"
#include "core/text.h"

namespace openstack {
namespace {

bool uuid_like(std::string_view id) {
  return id.size() == 36 && std::count(id.begin(), id.end(), '-') == 4 &&
         std::all_of(id.begin(), id.end(), [](char c) { return std::isxdigit(static_cast<unsigned char>(c)) || c == '-'; });
}

Fault not_implemented() {
  return Fault{501, "notImplemented", "The requested functionality is not supported.", -1, "unknown_operation"};
}

void write_service(Writer& w, const ComputeService& s, const Version& v, const std::string& zone, core::Millis now) {
  w.StartObject();
  field(w, "binary", s.binary);
  field(w, "host", kHost);
  w.Key("id");
  if (v.at_least(53)) w.String(s.uuid.c_str(), static_cast<rapidjson::SizeType>(s.uuid.size()));
  else w.Int(s.id);
  field(w, "zone", s.topic == "compute" ? zone : std::string(kInternalZone));
  field(w, "status", s.disabled ? "disabled" : "enabled");
  field(w, "state", s.forced_down ? "down" : "up");
  // A live service's heartbeat is recent: now, as Nova's servicegroup reports it.
  field(w, "updated_at", iso8601(now, true));
  if (s.disabled_reason) {
    field(w, "disabled_reason", *s.disabled_reason);
  } else {
    w.Key("disabled_reason");
    w.Null();
  }
  if (v.at_least(11)) {
    w.Key("forced_down");
    w.Bool(s.forced_down);
  }
  w.EndObject();
}

}  // namespace

void Service::list_services(const httplib::Request& req, httplib::Response& res, const Call& call) {
  if (!allowed(res, call, "os_compute_api:os-services:list")) return;
  if (call.version.at_least(75))
    for (const auto& [key, value] : req.params)
      if (key != "host" && key != "binary")
        return send_fault(res, call, bad_request(fmt::format("Invalid input for query parameters {}. Value: {}. "
                                                             "Additional properties are not allowed ('{}' was "
                                                             "unexpected)",
                                                             key, value, key)));
  const auto by_host = req.has_param("host") ? req.get_param_value("host") : std::string();
  const auto by_binary = req.has_param("binary") ? req.get_param_value("binary") : std::string();
  const auto zone = host.zone();
  const auto now = fleet.clock().now_ms();
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  w.Key("services");
  w.StartArray();
  for (const auto& s : host.services()) {
    if ((!by_host.empty() && by_host != kHost) || (!by_binary.empty() && by_binary != s.binary)) continue;
    write_service(w, s, call.version, zone, now);
  }
  w.EndArray();
  w.EndObject();
  send_json(res, 200, buffer.GetString());
}

void Service::update_service(const httplib::Request& req, httplib::Response& res, const Call& call) {
  const auto id = req.matches[1].str();
  const auto& v = call.version;
  if (!v.at_least(53)) {
    const bool known = id == "enable" || id == "disable" || id == "disable-log-reason" ||
                       (id == "force-down" && v.at_least(11));
    if (!allowed(res, call, "os_compute_api:os-services:update")) return;
    auto parsed = parse_service_update(req.body, v, id);
    if (auto* fault = std::get_if<Fault>(&parsed)) return send_fault(res, call, *fault);
    if (!known) return send_fault(res, call, not_found("Unknown action"));
    const auto& u = std::get<ServiceUpdate>(parsed);
    if (id == "disable-log-reason" && !u.disabled_reason)
      return send_fault(res, call, bad_request("Missing disabled reason field"));
    if (id == "force-down" && !u.forced_down) return send_fault(res, call, bad_request("Missing forced_down field"));
    if (u.binary != "nova-compute")
      return send_fault(res, call, bad_request(fmt::format("Updating a {} service is not supported. Only "
                                                           "nova-compute services can be updated.",
                                                           u.binary)));
    if (u.host != kHost || !host.service(u.binary))
      return send_fault(res, call, not_found(fmt::format("Compute host {} with binary {} could not be found.",
                                                         u.host, u.binary)));
    call.entry->status = 200;
    auto changed = host.change(u.binary, [&](ComputeService& s) {
      if (id == "force-down") {
        s.forced_down = *u.forced_down;
        return;
      }
      s.disabled = id != "enable";
      s.disabled_reason = id == "disable-log-reason" ? u.disabled_reason : std::nullopt;
    });
    if (!changed) return send_fault(res, call, from_core(changed.error()));
    rapidjson::StringBuffer buffer;
    Writer w(buffer);
    w.StartObject();
    w.Key("service");
    w.StartObject();
    field(w, "host", u.host);
    field(w, "binary", u.binary);
    if (id == "force-down") {
      w.Key("forced_down");
      w.Bool(changed->forced_down);
    } else {
      field(w, "status", changed->disabled ? "disabled" : "enabled");
      if (changed->disabled_reason) field(w, "disabled_reason", *changed->disabled_reason);
    }
    w.EndObject();
    w.EndObject();
    return send_json(res, 200, buffer.GetString());
  }
  auto parsed = parse_service_update(req.body, v, "");
  if (auto* fault = std::get_if<Fault>(&parsed)) return send_fault(res, call, *fault);
  if (!uuid_like(id)) return send_fault(res, call, bad_request(fmt::format("Invalid uuid {}", id)));
  if (!allowed(res, call, "os_compute_api:os-services:update")) return;
  const auto services = host.services();
  const auto it = std::find_if(services.begin(), services.end(), [&](const auto& s) { return s.uuid == core::ascii_lower(id); });
  if (it == services.end()) return send_fault(res, call, not_found(fmt::format("Service {} could not be found.", id)));
  if (it->binary != "nova-compute")
    return send_fault(res, call, bad_request(fmt::format("Updating a {} service is not supported. Only nova-compute "
                                                         "services can be updated.",
                                                         it->binary)));
  const auto& u = std::get<ServiceUpdate>(parsed);
  if (u.disabled && !*u.disabled && u.disabled_reason)
    return send_fault(res, call, bad_request("Specifying 'disabled_reason' with status 'enabled' is invalid."));
  if (!u.disabled && !u.forced_down)
    return send_fault(res, call, bad_request("No updates were requested. Fields 'status' or 'forced_down' should "
                                             "be specified."));
  call.entry->status = 200;
  auto changed = host.change(it->binary, [&](ComputeService& s) {
    if (u.disabled) {
      s.disabled = *u.disabled;
      s.disabled_reason = *u.disabled ? u.disabled_reason : std::nullopt;
    }
    if (u.forced_down) s.forced_down = *u.forced_down;
  });
  if (!changed) return send_fault(res, call, from_core(changed.error()));
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  w.Key("service");
  write_service(w, changed.value(), v, host.zone(), fleet.clock().now_ms());
  w.EndObject();
  send_json(res, 200, buffer.GetString());
}

void Service::delete_service(const httplib::Request& req, httplib::Response& res, const Call& call) {
  const auto id = req.matches[1].str();
  if (!allowed(res, call, "os_compute_api:os-services:delete")) return;
  const auto services = host.services();
  auto it = services.end();
  if (call.version.at_least(53)) {
    if (!uuid_like(id)) return send_fault(res, call, bad_request(fmt::format("Invalid uuid {}", id)));
    it = std::find_if(services.begin(), services.end(), [&](const auto& s) { return s.uuid == core::ascii_lower(id); });
  } else {
    int n = 0;
    const auto* end = id.data() + id.size();
    if (id.empty() || std::from_chars(id.data(), end, n).ptr != end)
      return send_fault(res, call, bad_request("Invalid input received: id must be an integer"));
    it = std::find_if(services.begin(), services.end(), [&](const auto& s) { return s.id == n; });
  }
  if (it == services.end()) return send_fault(res, call, not_found(fmt::format("Service {} not found.", id)));
  if (it->binary == "nova-compute" && !host_usage().servers.empty())
    return send_fault(res, call, Fault{409, "conflictingRequest",
                                       "Unable to delete compute service that is hosting instances. Migrate or "
                                       "delete the instances first.",
                                       -1});
  call.entry->status = 204;
  auto changed = host.change(it->binary, [](ComputeService& s) { s.deleted = true; });
  if (!changed) return send_fault(res, call, from_core(changed.error()));
  res.status = 204;
}

void Service::list_hosts(const httplib::Request& req, httplib::Response& res, const Call& call) {
  if (!allowed(res, call, "os_compute_api:os-hosts:list")) return;
  const auto zone = req.has_param("zone") ? req.get_param_value("zone") : std::string();
  const auto host_zone = host.zone();
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  w.Key("hosts");
  w.StartArray();
  for (const auto& s : host.services()) {
    if (s.disabled) continue;  // Nova lists the enabled services' hosts
    const std::string service_zone = s.topic == "compute" ? host_zone : std::string(kInternalZone);
    if (!zone.empty() && zone != service_zone) continue;
    w.StartObject();
    field(w, "host_name", kHost);
    field(w, "service", s.topic);
    field(w, "zone", service_zone);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  send_json(res, 200, buffer.GetString());
}

void Service::show_host(const httplib::Request& req, httplib::Response& res, const Call& call) {
  if (!allowed(res, call, "os_compute_api:os-hosts:show")) return;
  const auto name = req.matches[1].str();
  if (name != kHost || !host.service("nova-compute"))
    return send_fault(res, call, not_found(fmt::format("Compute host {} could not be found.", name)));
  const auto usage = host_usage();
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  const auto resource = [&](std::string_view project, long long cpu, long long memory, long long disk) {
    w.StartObject();
    w.Key("resource");
    w.StartObject();
    field(w, "host", kHost);
    field(w, "project", project);
    w.Key("cpu");
    w.Int64(cpu);
    w.Key("memory_mb");
    w.Int64(memory);
    w.Key("disk_gb");
    w.Int64(disk);
    w.EndObject();
    w.EndObject();
  };
  w.StartObject();
  w.Key("host");
  w.StartArray();
  resource("(total)", kHostVcpus, kHostMemoryMb, kHostDiskGb);
  resource("(used_now)", usage.vcpus, usage.memory_mb + kReservedHostMemoryMb, usage.disk_gb);
  resource("(used_max)", usage.vcpus, usage.memory_mb, usage.disk_gb);
  for (const auto& [project, p] : usage.by_project) resource(project, p.vcpus, p.memory_mb, p.disk_gb);
  w.EndArray();
  w.EndObject();
  send_json(res, 200, buffer.GetString());
}

void Service::update_host(const httplib::Request& req, httplib::Response& res, const Call& call) {
  if (!allowed(res, call, "os_compute_api:os-hosts:update")) return;
  auto parsed = parse_host_update(req.body);
  if (auto* fault = std::get_if<Fault>(&parsed)) return send_fault(res, call, *fault);
  const auto name = req.matches[1].str();
  if (name != kHost || !host.service("nova-compute"))
    return send_fault(res, call, not_found(fmt::format("Host {} could not be found.", name)));
  send_fault(res, call, not_implemented());
}

void Service::host_power_action(const httplib::Request& req, httplib::Response& res, const Call& call) {
  const auto name = req.matches[1].str(), action = req.matches[2].str();
  if (!allowed(res, call, fmt::format("os_compute_api:os-hosts:{}", action == "startup" ? "start" : action))) return;
  if (name != kHost || !host.service("nova-compute"))
    return send_fault(res, call, not_found(fmt::format("Host {} could not be found.", name)));
  send_fault(res, call, not_implemented());
}

}  // namespace openstack
