// os-hypervisors: the one compute host (gateway-host) as Nova's hypervisor
// API shows it, per microversion (an integer id to 2.52, a UUID from 2.53;
// paging from 2.33; search, servers and statistics routes to 2.52 / 2.87;
// with_servers and hypervisor_hostname_pattern from 2.53), its usage summed
// from the flavors of the servers on it. Admins only, as Nova's policy.
#include <algorithm>
#include <charconv>

#include <fmt/format.h>
#include <httplib.h>

#include "adapters/openstack/nova/service.h"
#include "core/text.h"

namespace openstack {
namespace {

constexpr std::string_view kHypervisorUuid = "d3a8f3ef-7bd3-4d11-9a57-0c2a0b7f6e01";
constexpr std::string_view kCpuInfo =
    R"({"arch": "x86_64", "model": "EPYC-Rome", "vendor": "AMD", "topology": {"cells": 1, "sockets": 1, "cores": 32, "threads": 2}, "features": ["avx", "avx2", "sse4.2", "svm"]})";

std::optional<bool> strict_boolean(std::string_view text) {
  for (std::string_view yes : {"True", "TRUE", "true", "1", "ON", "On", "on", "YES", "Yes", "yes"})
    if (text == yes) return true;
  for (std::string_view no : {"False", "FALSE", "false", "0", "OFF", "Off", "off", "NO", "No", "no"})
    if (text == no) return false;
  return std::nullopt;
}

Fault bad_query(const std::string& key, const std::string& value, const std::string& why) {
  return bad_request(fmt::format("Invalid input for query parameters {}. Value: {}. {}", key, value, why));
}

// The hypervisor's id at a microversion.
void write_id(Writer& w, const Version& v, int integer, std::string_view uuid) {
  w.Key("id");
  if (v.at_least(53)) w.String(uuid.data(), static_cast<rapidjson::SizeType>(uuid.size()));
  else w.Int(integer);
}

// Whether `id` names the hypervisor (or, with a fault, why it cannot name one).
std::variant<bool, Fault> names_hypervisor(const std::string& id, const Version& v) {
  if (v.at_least(53)) {
    const bool uuid = id.size() == 36 && std::count(id.begin(), id.end(), '-') == 4 &&
                      std::all_of(id.begin(), id.end(), [](char c) { return std::isxdigit(static_cast<unsigned char>(c)) || c == '-'; });
    if (!uuid) return bad_request(fmt::format("Invalid uuid {}", id));
    return core::ascii_lower(id) == kHypervisorUuid;
  }
  int n = 0;
  const auto* end = id.data() + id.size();
  if (id.empty() || std::from_chars(id.data(), end, n).ptr != end)
    return not_found(fmt::format("Hypervisor with ID '{}' could not be found.", id));
  return n == 1;
}

}  // namespace

HostUsage Service::host_usage() {
  HostUsage u;
  core::ListQuery query;  // every tenant's servers
  for (;;) {
    const auto page = fleet.list(query);
    for (const auto& s : page.servers) {
      if (s.state == core::State::ShelvedOffloaded) continue;  // its host's resources were given back
      const auto flavor = flavor_of(settings, s);
      const auto project = fleet.tenants().info(s.tenant).project;
      u.servers.push_back({s.uuid, s.name, project});
      u.vcpus += flavor.vcpus;
      u.memory_mb += flavor.ram_mb;
      u.disk_gb += flavor.disk_gb + flavor.ephemeral_gb;
      if (!status_view(s.state, s.transition_from).task_state.empty()) ++u.busy;
      auto& p = u.by_project[project];
      p.vcpus += flavor.vcpus;
      p.memory_mb += flavor.ram_mb;
      p.disk_gb += flavor.disk_gb + flavor.ephemeral_gb;
    }
    if (!page.more || page.servers.empty()) break;
    query.after_seq = page.servers.back().seq;
  }
  return u;
}

namespace {

void write_hypervisor(Writer& w, const Version& v, const ComputeService& compute, const HostUsage* usage,
                      bool detail, bool with_servers) {
  w.StartObject();
  write_id(w, v, 1, kHypervisorUuid);
  field(w, "hypervisor_hostname", kHost);
  field(w, "state", compute.forced_down ? "down" : "up");
  field(w, "status", compute.disabled ? "disabled" : "enabled");
  if (detail && usage) {
    field(w, "hypervisor_type", "QEMU");
    w.Key("hypervisor_version");
    w.Int(8002000);
    field(w, "host_ip", "127.0.0.1");
    w.Key("service");
    w.StartObject();
    write_id(w, v, compute.id, compute.uuid);
    field(w, "host", kHost);
    if (compute.disabled_reason) {
      field(w, "disabled_reason", *compute.disabled_reason);
    } else {
      w.Key("disabled_reason");
      w.Null();
    }
    w.EndObject();
    const long long memory_used = usage->memory_mb + kReservedHostMemoryMb;
    const std::pair<const char*, long long> figures[] = {
        {"vcpus", kHostVcpus},           {"memory_mb", kHostMemoryMb},
        {"local_gb", kHostDiskGb},       {"vcpus_used", usage->vcpus},
        {"memory_mb_used", memory_used}, {"local_gb_used", usage->disk_gb},
        {"free_ram_mb", kHostMemoryMb - memory_used}, {"free_disk_gb", kHostDiskGb - usage->disk_gb},
        {"current_workload", usage->busy}, {"running_vms", static_cast<long long>(usage->servers.size())},
        {"disk_available_least", kHostDiskGb - usage->disk_gb}};
    for (const auto& [key, value] : figures) {
      w.Key(key);
      w.Int64(value);
    }
    w.Key("cpu_info");
    if (v.at_least(28)) w.RawValue(kCpuInfo.data(), kCpuInfo.size(), rapidjson::kObjectType);
    else w.String(kCpuInfo.data(), static_cast<rapidjson::SizeType>(kCpuInfo.size()));
  }
  if (usage && with_servers && (!usage->servers.empty() || v.at_least(75))) {
    w.Key("servers");
    w.StartArray();
    for (const auto& s : usage->servers) {
      w.StartObject();
      field(w, "name", s.name);
      field(w, "uuid", s.uuid);
      w.EndObject();
    }
    w.EndArray();
  }
  w.EndObject();
}

}  // namespace

void Service::list_hypervisors(const httplib::Request& req, httplib::Response& res, const Call& call, bool detail) {
  if (!allowed(res, call, detail ? "os_compute_api:os-hypervisors:list-detail" : "os_compute_api:os-hypervisors:list"))
    return;
  const auto& v = call.version;
  std::optional<std::string> pattern;
  bool with_servers = false;
  if (v.at_least(53)) {
    for (const auto& [key, value] : req.params)
      if (key != "limit" && key != "marker" && key != "hypervisor_hostname_pattern" && key != "with_servers")
        return send_fault(res, call,
                          bad_query(key, value, fmt::format("Additional properties are not allowed ('{}' was unexpected)", key)));
    if (req.has_param("hypervisor_hostname_pattern")) pattern = req.get_param_value("hypervisor_hostname_pattern");
    if (req.has_param("with_servers")) {
      const auto text = req.get_param_value("with_servers");
      const auto value = strict_boolean(text);
      if (!value) return send_fault(res, call, bad_query("with_servers", text, fmt::format("'{}' is not one of the allowed boolean values", text)));
      with_servers = *value;
    }
  }
  // Paging from 2.33: a limit, and a marker naming the hypervisor to start after.
  std::optional<std::size_t> limit;
  bool after_marker = false;
  if (v.at_least(33)) {
    if (req.has_param("limit")) {
      const auto text = req.get_param_value("limit");
      std::size_t n = 0;
      const auto* end = text.data() + text.size();
      if (text.empty() || std::from_chars(text.data(), end, n).ptr != end)
        return send_fault(res, call, bad_query("limit", text, fmt::format("'{}' does not match '^[0-9]*$'", text)));
      limit = std::min<std::size_t>(n, 1000);
    }
    if (req.has_param("marker")) {
      const auto marker = req.get_param_value("marker");
      const auto named = names_hypervisor(marker, v);
      if (std::holds_alternative<Fault>(named) || !std::get<bool>(named))
        return send_fault(res, call, bad_request(fmt::format("marker [{}] not found", marker)));
      after_marker = true;
    }
  }
  if (pattern && (limit || after_marker))
    return send_fault(res, call, bad_request("Paging over hypervisors with the hypervisor_hostname_pattern query "
                                             "parameter is not supported."));
  const auto compute = host.service("nova-compute");
  bool shown = compute && !after_marker && limit.value_or(1) > 0;
  if (pattern) {
    if (!compute || std::string_view(kHost).find(*pattern) == std::string_view::npos)
      return send_fault(res, call, not_found(fmt::format("No hypervisor matching '{}' could be found.", *pattern)));
    shown = true;
  }
  const auto usage = host_usage();
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  w.Key("hypervisors");
  w.StartArray();
  if (shown) write_hypervisor(w, v, *compute, &usage, detail, with_servers);
  w.EndArray();
  if (shown && limit && *limit == 1) {
    w.Key("hypervisors_links");
    w.StartArray();
    w.StartObject();
    field(w, "rel", "next");
    field(w, "href", fmt::format("{}/compute/v2.1/os-hypervisors{}?limit=1&marker={}", call.base,
                                 detail ? "/detail" : "", v.at_least(53) ? std::string(kHypervisorUuid) : "1"));
    w.EndObject();
    w.EndArray();
  }
  w.EndObject();
  send_json(res, 200, buffer.GetString());
}

void Service::show_hypervisor(const httplib::Request& req, httplib::Response& res, const Call& call) {
  if (!allowed(res, call, "os_compute_api:os-hypervisors:show")) return;
  const auto id = req.matches[1].str();
  const auto& v = call.version;
  bool with_servers = false;
  if (v.at_least(53) && req.has_param("with_servers")) {
    const auto text = req.get_param_value("with_servers");
    const auto value = strict_boolean(text);
    if (!value) return send_fault(res, call, bad_query("with_servers", text, fmt::format("'{}' is not one of the allowed boolean values", text)));
    with_servers = *value;
  }
  const auto named = names_hypervisor(id, v);
  if (auto* fault = std::get_if<Fault>(&named)) return send_fault(res, call, *fault);
  const auto compute = host.service("nova-compute");
  if (!std::get<bool>(named) || !compute)
    return send_fault(res, call, not_found(fmt::format("Hypervisor with ID '{}' could not be found.", id)));
  const auto usage = host_usage();
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  w.Key("hypervisor");
  write_hypervisor(w, v, *compute, &usage, true, with_servers);
  w.EndObject();
  send_json(res, 200, buffer.GetString());
}

void Service::hypervisor_uptime(const httplib::Request& req, httplib::Response& res, const Call& call) {
  if (!allowed(res, call, "os_compute_api:os-hypervisors:uptime")) return;
  const auto id = req.matches[1].str();
  const auto named = names_hypervisor(id, call.version);
  if (auto* fault = std::get_if<Fault>(&named)) return send_fault(res, call, *fault);
  const auto compute = host.service("nova-compute");
  if (!std::get<bool>(named) || !compute)
    return send_fault(res, call, not_found(fmt::format("Hypervisor with ID '{}' could not be found.", id)));
  // What `uptime` prints on the host, as libvirt's driver reports it.
  const auto now = fleet.clock().now_ms();
  const auto up_minutes = std::max<core::Millis>(now - host.started_ms(), 0) / 60000;
  const auto days = up_minutes / (24 * 60), hours = (up_minutes / 60) % 24, minutes = up_minutes % 60;
  const auto clock = iso8601(now).substr(11, 8);
  const auto text = fmt::format(" {} up {}{:2}:{:02},  1 user,  load average: 0.00, 0.00, 0.00", clock,
                                days ? fmt::format("{} day{}, ", days, days == 1 ? "" : "s") : "", hours, minutes);
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  w.Key("hypervisor");
  w.StartObject();
  write_id(w, call.version, 1, kHypervisorUuid);
  field(w, "hypervisor_hostname", kHost);
  field(w, "state", compute->forced_down ? "down" : "up");
  field(w, "status", compute->disabled ? "disabled" : "enabled");
  field(w, "uptime", text);
  w.EndObject();
  w.EndObject();
  send_json(res, 200, buffer.GetString());
}

void Service::hypervisor_statistics(const httplib::Request&, httplib::Response& res, const Call& call) {
  if (!allowed(res, call, "os_compute_api:os-hypervisors:statistics")) return;
  const bool up = host.service("nova-compute").has_value();
  const auto usage = host_usage();
  const long long memory_used = up ? usage.memory_mb + kReservedHostMemoryMb : 0;
  const long long disk_used = up ? usage.disk_gb : 0;
  const std::pair<const char*, long long> figures[] = {
      {"count", up ? 1 : 0},
      {"vcpus", up ? kHostVcpus : 0},
      {"memory_mb", up ? kHostMemoryMb : 0},
      {"local_gb", up ? kHostDiskGb : 0},
      {"vcpus_used", up ? usage.vcpus : 0},
      {"memory_mb_used", memory_used},
      {"local_gb_used", disk_used},
      {"free_ram_mb", up ? kHostMemoryMb - memory_used : 0},
      {"free_disk_gb", up ? kHostDiskGb - disk_used : 0},
      {"current_workload", up ? usage.busy : 0},
      {"running_vms", up ? static_cast<long long>(usage.servers.size()) : 0},
      {"disk_available_least", up ? kHostDiskGb - disk_used : 0}};
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  w.Key("hypervisor_statistics");
  w.StartObject();
  for (const auto& [key, value] : figures) {
    w.Key(key);
    w.Int64(value);
  }
  w.EndObject();
  w.EndObject();
  send_json(res, 200, buffer.GetString());
}

void Service::search_hypervisors(const httplib::Request& req, httplib::Response& res, const Call& call, bool servers) {
  if (!allowed(res, call, servers ? "os_compute_api:os-hypervisors:servers" : "os_compute_api:os-hypervisors:search"))
    return;
  const auto pattern = req.matches[1].str();
  const auto compute = host.service("nova-compute");
  if (!compute || std::string_view(kHost).find(pattern) == std::string_view::npos)
    return send_fault(res, call, not_found(fmt::format("No hypervisor matching '{}' could be found.", pattern)));
  const auto usage = host_usage();
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  w.Key("hypervisors");
  w.StartArray();
  write_hypervisor(w, call.version, *compute, &usage, false, servers);
  w.EndArray();
  w.EndObject();
  send_json(res, 200, buffer.GetString());
}

}  // namespace openstack
