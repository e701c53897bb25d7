// POST /servers's body: Nova's create schema up to 2.79 (the properties each
// microversion adds or drops), then the API's own checks in its order (the
// counts, the image, the networks, the flavor). What needs a catalog the
// handler holds (the image, the key pair, the security groups) comes after,
// in servers.cpp.
#include <algorithm>
#include <optional>
#include <vector>

#include <fmt/format.h>

#include "adapters/openstack/nova/json_body.h"
#include "adapters/openstack/nova/json_fields.h"
#include "adapters/openstack/nova/server_tags.h"
#include "adapters/openstack/nova/views.h"
#include "core/text.h"

namespace openstack {
namespace {

using namespace fields;

// The server's properties at a microversion (schemas/servers.py).
bool known_property(std::string_view key, const Version& v) {
  static constexpr std::string_view kBase[] = {
      "name", "imageRef", "flavorRef", "adminPass", "metadata", "networks", "OS-DCF:diskConfig", "accessIPv4",
      "accessIPv6", "availability_zone", "block_device_mapping", "block_device_mapping_v2", "config_drive",
      "key_name", "min_count", "max_count", "return_reservation_id", "security_groups", "user_data"};
  if (std::find(std::begin(kBase), std::end(kBase), key) != std::end(kBase)) return true;
  if (key == "personality") return !v.at_least(57);
  if (key == "description") return v.at_least(19);
  if (key == "tags") return v.at_least(52);
  if (key == "trusted_image_certificates") return v.at_least(63);
  if (key == "host" || key == "hypervisor_hostname") return v.at_least(74);
  return false;
}

// oslo's strict booleans, as Nova's schema lists them.
std::optional<bool> boolean(const Value& v) {
  if (v.IsBool()) return v.GetBool();
  if (!v.IsString()) return std::nullopt;
  const auto t = text_of(v);
  for (std::string_view yes : {"True", "TRUE", "true", "1", "ON", "On", "on", "YES", "Yes", "yes"})
    if (t == yes) return true;
  for (std::string_view no : {"False", "FALSE", "false", "0", "OFF", "Off", "off", "NO", "No", "no"})
    if (t == no) return false;
  return std::nullopt;
}

std::optional<Fault> read_count(const Value& server, const char* key, int& out) {
  if (!server.HasMember(key)) return std::nullopt;
  const auto& v = server[key];
  // Nova takes an integer or a string of digits, at least 1.
  long long n = 0;
  if (v.IsInt64()) {
    n = v.GetInt64();
  } else if (v.IsString() && v.GetStringLength() > 0 && v.GetStringLength() < 10 &&
             std::all_of(v.GetString(), v.GetString() + v.GetStringLength(), [](char c) { return c >= '0' && c <= '9'; })) {
    n = std::stoll(v.GetString());
  } else {
    return invalid(key, v, "is not of type 'integer', 'string'");
  }
  if (n < 1) return invalid(key, v, "is less than the minimum of 1");
  out = static_cast<int>(std::min<long long>(n, 1000));
  return std::nullopt;
}

// The schema's view of networks: before 2.37 a list of {fixed_ip, port,
// uuid}; from 2.37 such a list (uuid a UUID) or "auto" / "none".
std::optional<Fault> check_networks_schema(const Value& server, const Version& version) {
  if (!server.HasMember("networks")) {
    if (version.at_least(37)) return invalid("server", server, "'networks' is a required property");
    return std::nullopt;
  }
  const auto& n = server["networks"];
  const bool v237 = version.at_least(37);
  constexpr std::string_view kOneOf = "is not valid under any of the given schemas";
  if (n.IsString() && v237 && (text_of(n) == "auto" || text_of(n) == "none")) return std::nullopt;
  if (!n.IsArray()) return invalid("networks", n, v237 ? kOneOf : "is not of type 'array'");
  for (const auto& item : n.GetArray()) {
    if (!item.IsObject()) return invalid("networks", v237 ? n : item, v237 ? kOneOf : "is not of type 'object'");
    for (const auto& m : item.GetObject()) {
      const auto key = text_of(m.name);
      if (key != "fixed_ip" && key != "port" && key != "uuid" && !(key == "tag" && version.at_least(42)))
        return v237 ? invalid("networks", n, kOneOf) : unexpected("networks", item, key);
    }
    if (item.HasMember("fixed_ip")) {
      const auto& ip = item["fixed_ip"];
      if (!ip.IsString() || (!canonical_ipv4(text_of(ip)) && !canonical_ipv6(text_of(ip))))
        return invalid("fixed_ip", ip, kOneOf);
    }
    if (item.HasMember("port")) {
      const auto& port = item["port"];
      if (!port.IsNull() && !(port.IsString() && uuid_like(text_of(port)))) return invalid("port", port, kOneOf);
    }
    if (item.HasMember("uuid")) {
      const auto& uuid = item["uuid"];
      if (!uuid.IsString()) return invalid("uuid", uuid, "is not of type 'string'");
      if (v237 && !uuid_like(text_of(uuid))) return invalid("networks", n, kOneOf);
    }
  }
  return std::nullopt;
}

// The API's own look at each network, after the schema's (_get_requested_networks).
std::optional<Fault> check_requested_networks(const Value& server) {
  if (!server.HasMember("networks") || !server["networks"].IsArray()) return std::nullopt;
  for (const auto& item : server["networks"].GetArray()) {
    const bool port = item.HasMember("port") && !item["port"].IsNull();
    if (port) {
      if (item.HasMember("fixed_ip"))
        return bad_request(fmt::format("Specified Fixed IP '{}' cannot be used with port '{}': the two cannot be "
                                       "specified together.",
                                       show(item["fixed_ip"]), show(item["port"])));
      continue;
    }
    if (!item.HasMember("uuid")) return bad_request("Bad network format: missing 'uuid'");
    const auto id = text_of(item["uuid"]);
    // Neutron once allowed a "br-" prefix before the UUID; Nova still honours it.
    const auto dash = id.find('-');
    if (!uuid_like(id) && (dash == std::string_view::npos || !uuid_like(id.substr(dash + 1))))
      return bad_request(fmt::format("Bad networks format: network uuid is not in proper format ({})", id));
  }
  return std::nullopt;
}

// The networks asked for, once checked (see CreateRequest::networks).
std::optional<std::vector<core::NicRequest>> requested_networks(const Value& server) {
  if (!server.HasMember("networks")) return std::nullopt;
  const auto& n = server["networks"];
  if (n.IsString()) {
    if (text_of(n) == "none") return std::vector<core::NicRequest>{};
    return std::nullopt;
  }
  std::vector<core::NicRequest> out;
  for (const auto& item : n.GetArray()) {
    core::NicRequest nic;
    if (item.HasMember("port") && !item["port"].IsNull()) nic.port = core::ascii_lower(text_of(item["port"]));
    if (item.HasMember("uuid")) {
      auto id = text_of(item["uuid"]);
      if (!uuid_like(id)) id = id.substr(id.find('-') + 1);
      nic.network = core::ascii_lower(id);
    }
    if (item.HasMember("fixed_ip")) nic.fixed_ip = std::string(text_of(item["fixed_ip"]));
    out.push_back(std::move(nic));
  }
  return out;
}

std::optional<Fault> read_security_groups(const Value& server, std::vector<std::string>& out) {
  if (!server.HasMember("security_groups")) return std::nullopt;
  const auto& groups = server["security_groups"];
  if (!groups.IsArray()) return invalid("security_groups", groups, "is not of type 'array'");
  for (const auto& group : groups.GetArray()) {
    if (!group.IsObject()) return invalid("security_groups", group, "is not of type 'object'");
    if (auto fault = only("security_groups", group, {"name"})) return fault;
    std::optional<std::string> name;
    if (auto fault = read_name(group, "name", name)) return fault;
    // Nova keeps each named group once.
    if (name && std::find(out.begin(), out.end(), *name) == out.end()) out.push_back(*name);
  }
  return std::nullopt;
}

std::optional<Fault> read_description(const Value& s, CreateRequest& request) {
  Clearable description;
  if (auto fault = read_nullable(s, "description", 255, false, description)) return fault;
  if (description && *description) request.description = **description;
  return std::nullopt;
}

// The scheduler hints' "group": a UUID, or a list of them (the first is the group).
std::optional<Fault> read_group_hint(const rapidjson::Document& doc, std::optional<std::string>& out) {
  for (const char* key : {"os:scheduler_hints", "OS-SCH-HNT:scheduler_hints"}) {
    if (!doc.HasMember(key)) continue;
    const auto& hints = doc[key];
    if (!hints.IsObject()) return invalid(key, hints, "is not of type 'object'");
    if (!hints.HasMember("group")) continue;
    const auto& g = hints["group"];
    constexpr std::string_view kOneOf = "is not valid under any of the given schemas";
    if (g.IsString()) {
      if (!uuid_like(text_of(g))) return invalid("group", g, kOneOf);
      out = core::ascii_lower(text_of(g));
    } else if (g.IsArray()) {
      for (const auto& item : g.GetArray())
        if (!item.IsString() || !uuid_like(text_of(item))) return invalid("group", g, kOneOf);
      if (!g.Empty()) out = core::ascii_lower(text_of(g[0]));
    } else {
      return invalid("group", g, kOneOf);
    }
  }
  return std::nullopt;
}

}  // namespace

std::variant<CreateRequest, Fault> parse_create(std::string_view body, const Version& version,
                                                const Settings& settings, const std::vector<std::string>& zones) {
  rapidjson::Document doc;
  if (!parse_json(body, doc)) return bad_request("Malformed request body");
  if (!doc.IsObject()) return bad_request(fmt::format("{} is not of type 'object'", show(doc)));
  for (const auto& m : doc.GetObject()) {
    const auto key = text_of(m.name);
    if (key != "server" && key != "os:scheduler_hints" && key != "OS-SCH-HNT:scheduler_hints")
      return bad_request(fmt::format("Additional properties are not allowed ('{}' was unexpected)", key));
  }
  if (!doc.HasMember("server")) return bad_request("'server' is a required property");
  const auto& s = doc["server"];
  if (!s.IsObject()) return invalid("server", s, "is not of type 'object'");
  for (const auto& m : s.GetObject())
    if (!known_property(text_of(m.name), version)) return unexpected("server", s, text_of(m.name));

  CreateRequest request;
  if (auto fault = read_group_hint(doc, request.group)) return *fault;
  if (!s.HasMember("name")) return invalid("server", s, "'name' is a required property");
  std::optional<std::string> name;
  if (auto fault = read_name(s, "name", name)) return *fault;
  request.name = *name;

  if (!s.HasMember("flavorRef")) return invalid("server", s, "'flavorRef' is a required property");
  const auto& flavor = s["flavorRef"];
  if (flavor.IsInt64()) request.flavor_id = std::to_string(flavor.GetInt64());
  else if (flavor.IsString() && flavor.GetStringLength() > 0) request.flavor_id = last_segment(text_of(flavor));
  else return invalid("flavorRef", flavor, "is not valid under any of the given schemas");

  if (s.HasMember("imageRef")) {
    const auto& image = s["imageRef"];
    if (!image.IsString() || (image.GetStringLength() > 0 && !uuid_like(text_of(image))))
      return invalid("imageRef", image, "is not valid under any of the given schemas");
    request.image_id = std::string(text_of(image));
  }
  if (auto fault = check_networks_schema(s, version)) return *fault;
  std::optional<core::Pairs> metadata;
  if (auto fault = read_metadata(s, "metadata", metadata)) return *fault;
  request.metadata = metadata.value_or(core::Pairs{});
  if (auto fault = read_string(s, "adminPass", request.admin_pass)) return *fault;
  if (auto fault = read_ipv4(s, "accessIPv4", request.access_ipv4)) return *fault;
  if (auto fault = read_ipv6(s, "accessIPv6", request.access_ipv6)) return *fault;
  if (auto fault = read_disk_config(s, request.disk_config)) return *fault;
  if (auto fault = read_name(s, "key_name", request.key_name)) return *fault;
  if (auto fault = read_security_groups(s, request.security_groups)) return *fault;
  Clearable user_data;
  if (auto fault = read_user_data(s, false, user_data)) return *fault;
  if (user_data && *user_data) request.user_data = **user_data;
  if (auto fault = read_personality(s, request.personality)) return *fault;
  if (s.HasMember("config_drive")) {
    const auto value = boolean(s["config_drive"]);
    if (!value) return invalid("config_drive", s["config_drive"], "is not one of the allowed boolean values");
    request.config_drive = *value;
  }
  std::optional<std::string> zone;
  if (auto fault = read_name(s, "availability_zone", zone)) return *fault;
  if (auto fault = read_description(s, request)) return *fault;
  std::optional<std::optional<std::vector<std::string>>> certs;
  if (auto fault = read_trusted_certs(s, certs)) return *fault;
  if (certs && *certs) request.trusted_certs = **certs;
  if (auto fault = read_create_tags(s, request.tags)) return *fault;

  if (s.HasMember("return_reservation_id")) {
    const auto flag = boolean(s["return_reservation_id"]);
    if (!flag) return bad_request("Invalid input for field/attribute return_reservation_id.");
    request.return_reservation_id = *flag;
  }

  // The API's own checks, in its order.
  int min_count = 1, max_count = 0;
  if (auto fault = read_count(s, "min_count", min_count)) return *fault;
  if (auto fault = read_count(s, "max_count", max_count)) return *fault;
  if (max_count == 0) max_count = min_count;
  if (min_count > max_count) return bad_request("min_count must be <= max_count");
  request.count = max_count;
  request.min_count = min_count;
  if (zone && *zone != kAvailabilityZone && std::find(zones.begin(), zones.end(), *zone) == zones.end())
    return bad_request("The requested availability zone is not available");
  // Without an image Nova boots from a volume, and needs a block device mapping for it.
  const auto mapped = [&](const char* key) {
    return s.HasMember(key) && s[key].IsArray() && !s[key].Empty();
  };
  const bool volumes = mapped("block_device_mapping_v2") || mapped("block_device_mapping");
  if (request.image_id.empty() && !volumes) return bad_request("Missing imageRef attribute");
  if (auto fault = check_requested_networks(s)) return *fault;
  request.networks = requested_networks(s);
  if (!find_flavor(settings, request.flavor_id)) return bad_request("Invalid flavorRef provided.");
  return request;
}

}  // namespace openstack
