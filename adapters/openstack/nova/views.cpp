// The pieces every Nova view is made of (links, version documents, times,
// security groups) and the flavor view; the server view is server_view.cpp.
#include "adapters/openstack/nova/views.h"

#include <algorithm>
#include <chrono>

#include <fmt/chrono.h>
#include <fmt/format.h>

namespace openstack {

void write_links(Writer& w, const std::string& base, std::string_view kind, std::string_view id, bool self) {
  w.Key("links");
  w.StartArray();
  if (self) {
    w.StartObject();
    field(w, "rel", "self");
    field(w, "href", fmt::format("{}/compute/v2.1/{}/{}", base, kind, id));
    w.EndObject();
  }
  w.StartObject();
  field(w, "rel", "bookmark");
  field(w, "href", fmt::format("{}/compute/{}/{}", base, kind, id));
  w.EndObject();
  w.EndArray();
}

std::vector<std::string> requested_security_groups(const core::ServerInfo& s) {
  const auto listed = core::find_pair(s.attributes, kSecurityGroupsAttr);
  if (!listed) return {"default"};
  std::vector<std::string> out;
  for (std::size_t start = 0; start < listed->size();) {
    auto end = listed->find('\n', start);
    if (end == std::string_view::npos) end = listed->size();
    if (end > start) out.emplace_back(listed->substr(start, end - start));
    start = end + 1;
  }
  return out;
}

void write_security_groups(Writer& w, const std::vector<std::string>& groups) {
  w.Key("security_groups");
  w.StartArray();
  for (const auto& name : groups) {
    w.StartObject();
    field(w, "name", name);
    w.EndObject();
  }
  w.EndArray();
}

std::string host_id(std::string_view project) {
  return fmt::format("{:056x}", std::hash<std::string>{}(std::string(project) + "gateway-host"));
}

std::optional<Flavor> find_flavor(const Settings& settings, std::string_view id, bool deleted_too) {
  if (settings.flavor_source) return settings.flavor_source->flavor(id, deleted_too);
  for (const auto& f : settings.flavors)
    if (f.id == id) return f;
  return std::nullopt;
}

Flavor flavor_of(const Settings& settings, const core::ServerInfo& s) {
  const auto& first = settings.flavors.front();
  return find_flavor(settings, flavor_id(s).value_or(first.id), true).value_or(first);
}

void write_server_brief(Writer& w, const core::ServerInfo& s, const ViewContext& c) {
  w.StartObject();
  field(w, "id", s.uuid);
  field(w, "name", s.name);
  write_links(w, c.base, "servers", s.uuid, true);
  w.EndObject();
}

void write_extra_specs(Writer& w, const core::Pairs& specs) {
  w.StartObject();
  for (const auto& [k, v] : specs) {
    w.Key(k.c_str(), static_cast<rapidjson::SizeType>(k.size()));
    w.String(v.c_str(), static_cast<rapidjson::SizeType>(v.size()));
  }
  w.EndObject();
}

void write_flavor(Writer& w, const Flavor& f, const std::string& base, const Version& v, bool detail) {
  w.StartObject();
  field(w, "id", f.id);
  field(w, "name", f.name);
  write_links(w, base, "flavors", f.id, true);
  if (v.at_least(55)) {
    w.Key("description");
    if (f.description) w.String(f.description->c_str(), static_cast<rapidjson::SizeType>(f.description->size()));
    else w.Null();
  }
  if (detail) {
    if (v.at_least(61)) {
      w.Key("extra_specs");
      write_extra_specs(w, f.extra_specs);
    }
    w.Key("vcpus");
    w.Int(f.vcpus);
    w.Key("ram");
    w.Int(f.ram_mb);
    w.Key("disk");
    w.Int(f.disk_gb);
    w.Key("OS-FLV-EXT-DATA:ephemeral");
    w.Int(f.ephemeral_gb);
    w.Key("OS-FLV-DISABLED:disabled");
    w.Bool(false);
    w.Key("swap");
    if (v.at_least(75) || f.swap_mb) w.Int(f.swap_mb);  // no swap is "" before 2.75, as Nova shows it
    else w.String("");
    w.Key("rxtx_factor");
    w.Double(f.rxtx_factor);
    w.Key("os-flavor-access:is_public");
    w.Bool(f.is_public);
  }
  w.EndObject();
}

void write_addresses(Writer& w, const std::vector<core::net::ServerAddress>& addresses, bool extended) {
  // Grouped by network name, in the order the networks first appear (the ports' order).
  std::vector<std::string> names;
  for (const auto& a : addresses)
    if (std::find(names.begin(), names.end(), a.network_name) == names.end()) names.push_back(a.network_name);
  w.StartObject();
  for (const auto& name : names) {
    w.Key(name.c_str(), static_cast<rapidjson::SizeType>(name.size()));
    w.StartArray();
    for (const auto& a : addresses) {
      if (a.network_name != name) continue;
      w.StartObject();
      w.Key("version");
      w.Int(a.address.version);
      field(w, "addr", core::net::to_string(a.address));
      if (extended) {
        field(w, "OS-EXT-IPS:type", a.floating ? "floating" : "fixed");
        field(w, "OS-EXT-IPS-MAC:mac_addr", a.mac);
      }
      w.EndObject();
    }
    w.EndArray();
  }
  w.EndObject();
}

}  // namespace openstack
