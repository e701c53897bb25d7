// os-availability-zone: the zones as Nova lists them. The host's zone is
// its aggregate's (or "nova"), available while nova-compute is enabled;
// the detail (admins) adds "internal", the scheduler's and conductor's, and
// each zone's host with its services.
#include <algorithm>

#include <fmt/format.h>
#include <httplib.h>

#include "adapters/openstack/nova/service.h"

namespace openstack {

std::vector<std::string> Service::available_zones() const {
  std::vector<std::string> out;
  const auto compute = host.service("nova-compute");
  if (compute && !compute->disabled) out.push_back(host.zone());
  return out;
}

void Service::list_zones(const httplib::Request&, httplib::Response& res, const Call& call, bool detail) {
  if (detail && !allowed(res, call, "os_compute_api:os-availability-zone:detail")) return;
  const auto services = host.services();
  const auto zone = host.zone();
  const auto now = fleet.clock().now_ms();
  // A zone is available when an enabled service is in it (Nova's get_availability_zones).
  std::vector<std::pair<std::string, bool>> zones;  // name, available
  const auto add = [&](const std::string& name, bool enabled) {
    auto it = std::find_if(zones.begin(), zones.end(), [&](const auto& z) { return z.first == name; });
    if (it == zones.end()) zones.emplace_back(name, enabled);
    else it->second = it->second || enabled;
  };
  for (const auto& s : services) add(s.topic == "compute" ? zone : std::string(kInternalZone), !s.disabled);
  std::stable_partition(zones.begin(), zones.end(), [](const auto& z) { return z.second; });
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  w.Key("availabilityZoneInfo");
  w.StartArray();
  for (const auto& [name, available] : zones) {
    if (!detail && name == kInternalZone) continue;  // the summary hides the internal zone
    w.StartObject();
    field(w, "zoneName", name);
    w.Key("zoneState");
    w.StartObject();
    w.Key("available");
    w.Bool(available);
    w.EndObject();
    w.Key("hosts");
    if (!detail || !available) {
      w.Null();
    } else {
      w.StartObject();
      w.Key(kHost.data(), static_cast<rapidjson::SizeType>(kHost.size()));
      w.StartObject();
      for (const auto& s : services) {
        const auto service_zone = s.topic == "compute" ? zone : std::string(kInternalZone);
        if (service_zone != name || s.disabled) continue;
        w.Key(s.binary.c_str(), static_cast<rapidjson::SizeType>(s.binary.size()));
        w.StartObject();
        w.Key("available");
        w.Bool(!s.forced_down);
        w.Key("active");
        w.Bool(!s.disabled);
        field(w, "updated_at", iso8601(now, true));
        w.EndObject();
      }
      w.EndObject();
      w.EndObject();
    }
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  send_json(res, 200, buffer.GetString());
}

}  // namespace openstack
