// The admin side's bodies other than flavors': quota sets and classes,
// server groups, aggregates, services and hosts, as Nova's schemas check
// them (flavor_body.cpp has the flavors').
#include <algorithm>
#include <array>

#include <fmt/format.h>

#include "adapters/openstack/nova/admin_body.h"
#include "adapters/openstack/nova/json_fields.h"

namespace openstack {
namespace {

using namespace fields;

const Value* member(const Value& object, const char* key) {
  const auto it = object.FindMember(key);
  return it == object.MemberEnd() ? nullptr : &it->value;
}

// The top level: an object whose one allowed member is `key`, present and an object.
std::variant<const Value*, Fault> wrapped(const rapidjson::Document& doc, const char* key) {
  if (!doc.IsObject()) return bad_request(fmt::format("{} is not of type 'object'", show(doc)));
  for (const auto& m : doc.GetObject())
    if (text_of(m.name) != key)
      return bad_request(fmt::format("Additional properties are not allowed ('{}' was unexpected)", text_of(m.name)));
  if (!doc.HasMember(key)) return bad_request(fmt::format("'{}' is a required property", key));
  const auto& v = doc[key];
  if (!v.IsObject()) return invalid(key, v, "is not of type 'object'");
  return &v;
}

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

// A string of 1 to 255 characters.
std::optional<Fault> read_text(const Value& object, const char* key, std::optional<std::string>& out) {
  const auto* v = member(object, key);
  if (!v) return std::nullopt;
  if (!v->IsString()) return invalid(key, *v, "is not of type 'string'");
  if (v->GetStringLength() == 0) return invalid(key, *v, "'' is too short");
  if (v->GetStringLength() > 255) return invalid(key, *v, "is too long");
  out = kept(*v);
  return std::nullopt;
}

// parameter_types.fqdn: a host name (letters, digits, '-', '.', '_'), 1 to 255.
std::optional<Fault> read_host(const Value& object, const char* key, std::string& out) {
  std::optional<std::string> host;
  if (auto fault = read_text(object, key, host)) return fault;
  if (!host) return std::nullopt;
  if (!std::all_of(host->begin(), host->end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_';
      }))
    return bad_request(fmt::format("Invalid input for field/attribute {}. Value: {}. '{}' does not match "
                                   "'^[a-zA-Z0-9-._]*$'",
                                   key, *host, *host));
  out = *host;
  return std::nullopt;
}

constexpr std::array<std::string_view, 14> kQuotaResources = {
    "cores",          "fixed_ips", "floating_ips",        "injected_file_content_bytes", "injected_file_path_bytes",
    "injected_files", "instances", "key_pairs",           "metadata_items",              "ram",
    "security_group_rules", "security_groups", "server_group_members", "server_groups"};

bool network_resource(std::string_view r) {
  return r == "fixed_ips" || r == "floating_ips" || r == "security_group_rules" || r == "security_groups";
}
bool file_resource(std::string_view r) {
  return r == "injected_files" || r == "injected_file_content_bytes" || r == "injected_file_path_bytes";
}

// Nova's availability zone name: printable, no ':' (it separates a zone from a host).
std::optional<Fault> read_zone(const Value& object, std::optional<std::optional<std::string>>& out) {
  const auto* v = member(object, "availability_zone");
  if (!v) return std::nullopt;
  if (v->IsNull()) {
    out = std::optional<std::string>();
    return std::nullopt;
  }
  constexpr std::string_view kOneOf = "is not valid under any of the given schemas";
  if (!v->IsString() || v->GetStringLength() == 0 || v->GetStringLength() > 255)
    return invalid("availability_zone", *v, kOneOf);
  std::optional<std::string> name;
  if (read_name(object, "availability_zone", name) || text_of(*v).find(':') != std::string_view::npos)
    return invalid("availability_zone", *v, kOneOf);
  out = name;
  return std::nullopt;
}

}  // namespace

std::vector<std::string_view> quota_resources(const Version& version, bool quota_class) {
  std::vector<std::string_view> out;
  for (const auto r : kQuotaResources) {
    if (network_resource(r) && version.at_least(quota_class ? 50 : 36)) continue;
    if (file_resource(r) && version.at_least(57)) continue;
    // Nova's quota classes left the server group quotas out until 2.50.
    if (quota_class && !version.at_least(50) && (r == "server_groups" || r == "server_group_members")) continue;
    out.push_back(r);
  }
  return out;
}

std::variant<QuotaUpdate, Fault> parse_quota_update(std::string_view body, const Version& version, bool quota_class) {
  rapidjson::Document doc;
  if (!parse_json(body, doc)) return bad_request("Malformed request body");
  const char* key = quota_class ? "quota_class_set" : "quota_set";
  auto outer = wrapped(doc, key);
  if (auto* fault = std::get_if<Fault>(&outer)) return *fault;
  const auto& set = *std::get<const Value*>(outer);
  QuotaUpdate update;
  // The update schema: every resource (classes before 2.50 included the server group ones too).
  auto allowed = quota_resources(version, quota_class);
  if (quota_class && !version.at_least(50)) allowed.insert(allowed.end(), {"server_groups", "server_group_members"});
  for (const auto& m : set.GetObject()) {
    const auto name = text_of(m.name);
    const auto& v = m.value;
    if (name == "force" && !quota_class) {
      const auto value = boolean(v);
      if (!value) return invalid("force", v, "is not one of the allowed boolean values");
      update.force = *value;
      continue;
    }
    if (std::find(allowed.begin(), allowed.end(), name) == allowed.end()) return unexpected(key, set, name);
    long long n = 0;
    if (v.IsInt64()) {
      n = v.GetInt64();
    } else if (v.IsString()) {
      const auto t = text_of(v);
      const auto digits = t.substr(!t.empty() && t[0] == '-' ? 1 : 0);
      if (digits.empty() || digits.size() > 12 ||
          !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; }))
        return bad_request(fmt::format("Invalid input for field/attribute {}. Value: {}. '{}' does not match "
                                       "'^-?[0-9]+$'",
                                       name, t, t));
      n = std::stoll(std::string(t));
    } else {
      return invalid(name, v, "is not of type 'integer', 'string'");
    }
    if (v.IsInt64() && n < -1) return invalid(name, v, "is less than the minimum of -1");
    if (v.IsInt64() && n > 0x7FFFFFFF) return invalid(name, v, "is greater than the maximum of 2147483647");
    // A string passes the schema's bounds; Nova's int() then keeps it as is.
    if (n < -1) n = -1;
    if (n > 0x7FFFFFFF) return bad_request(fmt::format("Quota limit {} for {} must be less than or equal to 2147483647.", n, name));
    update.limits[std::string(name)] = n;
  }
  return update;
}

std::variant<ServerGroupRequest, Fault> parse_server_group(std::string_view body, const Version& version) {
  rapidjson::Document doc;
  if (!parse_json(body, doc)) return bad_request("Malformed request body");
  auto outer = wrapped(doc, "server_group");
  if (auto* fault = std::get_if<Fault>(&outer)) return *fault;
  const auto& g = *std::get<const Value*>(outer);
  const bool v264 = version.at_least(64);
  for (const auto& m : g.GetObject()) {
    const auto key = text_of(m.name);
    if (key != "name" && !(v264 ? key == "policy" || key == "rules" : key == "policies"))
      return unexpected("server_group", g, key);
  }
  for (const char* key : {"name", v264 ? "policy" : "policies"})
    if (!g.HasMember(key)) return invalid("server_group", g, fmt::format("'{}' is a required property", key));
  ServerGroupRequest r;
  std::optional<std::string> name;
  if (auto fault = read_name(g, "name", name)) return *fault;
  r.name = *name;
  std::vector<std::string_view> policies = {"anti-affinity", "affinity"};
  if (version.at_least(15)) policies.insert(policies.end(), {"soft-anti-affinity", "soft-affinity"});
  const auto allowed_list = [&] {
    std::string out = "[";
    for (const auto p : policies) out += fmt::format("{}'{}'", out.size() > 1 ? ", " : "", p);
    return out + "]";
  }();
  const auto known = [&](const Value& v) {
    return v.IsString() && std::find(policies.begin(), policies.end(), text_of(v)) != policies.end();
  };
  if (v264) {
    const auto& p = g["policy"];
    if (!p.IsString()) return invalid("policy", p, "is not of type 'string'");
    if (!known(p)) return invalid("policy", p, fmt::format("is not one of {}", allowed_list));
    r.policy = std::string(text_of(p));
    if (const auto* rules = member(g, "rules")) {
      if (!rules->IsObject()) return invalid("rules", *rules, "is not of type 'object'");
      if (auto fault = only("rules", *rules, {"max_server_per_host"})) return *fault;
      if (const auto* max = member(*rules, "max_server_per_host")) {
        long long n = 0;
        if (max->IsInt64()) n = max->GetInt64();
        else if (max->IsString() && max->GetStringLength() > 0 && max->GetStringLength() < 10 &&
                 std::all_of(max->GetString(), max->GetString() + max->GetStringLength(),
                             [](char c) { return c >= '0' && c <= '9'; }))
          n = std::stoll(max->GetString());
        else return invalid("max_server_per_host", *max, "is not of type 'integer', 'string'");
        if (n < 1) return invalid("max_server_per_host", *max, "is less than the minimum of 1");
        r.max_server_per_host = n;
      }
      if (!rules->ObjectEmpty() && r.policy != "anti-affinity")
        return bad_request("Only anti-affinity policy supports rules.");
    }
    return r;
  }
  const auto& p = g["policies"];
  if (!p.IsArray()) return invalid("policies", p, "is not of type 'array'");
  if (p.Empty()) return invalid("policies", p, "[] is too short");
  if (!known(p[0])) return invalid("policies", p[0], fmt::format("is not one of {}", allowed_list));
  if (p.Size() > 1) {
    if (p[1] == p[0]) return invalid("policies", p, "has non-unique elements");
    return invalid("policies", p, "is too long");
  }
  r.policy = std::string(text_of(p[0]));
  return r;
}

std::variant<AggregateFields, Fault> parse_aggregate(std::string_view body, bool update) {
  rapidjson::Document doc;
  if (!parse_json(body, doc)) return bad_request("Malformed request body");
  auto outer = wrapped(doc, "aggregate");
  if (auto* fault = std::get_if<Fault>(&outer)) return *fault;
  const auto& a = *std::get<const Value*>(outer);
  if (auto fault = only("aggregate", a, {"name", "availability_zone"})) return *fault;
  if (!update && !a.HasMember("name")) return invalid("aggregate", a, "'name' is a required property");
  if (update && a.ObjectEmpty()) return invalid("aggregate", a, "is not valid under any of the given schemas");
  AggregateFields out;
  if (auto fault = read_name(a, "name", out.name)) return *fault;
  if (auto fault = read_zone(a, out.availability_zone)) return *fault;
  return out;
}

std::variant<AggregateAction, Fault> parse_aggregate_action(std::string_view body) {
  rapidjson::Document doc;
  if (!parse_json(body, doc)) return bad_request("Malformed request body");
  if (!doc.IsObject() || doc.MemberCount() != 1) return bad_request("Malformed request body");
  const auto& m = *doc.MemberBegin();
  const auto name = text_of(m.name);
  AggregateAction r;
  const auto& v = m.value;
  if (name == "add_host" || name == "remove_host") {
    r.kind = name == "add_host" ? AggregateAction::Kind::AddHost : AggregateAction::Kind::RemoveHost;
    if (!v.IsObject()) return invalid(name, v, "is not of type 'object'");
    if (auto fault = only(name, v, {"host"})) return *fault;
    if (!v.HasMember("host")) return invalid(name, v, "'host' is a required property");
    if (auto fault = read_host(v, "host", r.host)) return *fault;
    return r;
  }
  if (name != "set_metadata") return bad_request(fmt::format("There is no such action: {}", name));
  r.kind = AggregateAction::Kind::SetMetadata;
  if (!v.IsObject()) return invalid(name, v, "is not of type 'object'");
  if (auto fault = only(name, v, {"metadata"})) return *fault;
  if (!v.HasMember("metadata")) return invalid(name, v, "'metadata' is a required property");
  const auto& meta = v["metadata"];
  if (!meta.IsObject()) return invalid("metadata", meta, "is not of type 'object'");
  for (const auto& e : meta.GetObject()) {
    const auto key = text_of(e.name);
    const bool good = !key.empty() && key.size() <= 255 && std::all_of(key.begin(), key.end(), [](char c) {
      return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == ':' || c == '.' || c == ' ';
    });
    if (!good) return unexpected("metadata", meta, key);
    if (e.value.IsNull()) {
      r.metadata.emplace_back(kept(e.name), std::nullopt);
      continue;
    }
    if (!e.value.IsString()) return invalid(kept(e.name), e.value, "is not of type 'string', 'null'");
    if (e.value.GetStringLength() > 255) return invalid(kept(e.name), e.value, "is too long");
    r.metadata.emplace_back(kept(e.name), kept(e.value));
  }
  return r;
}

std::variant<ServiceUpdate, Fault> parse_service_update(std::string_view body, const Version& version,
                                                        std::string_view action) {
  rapidjson::Document doc;
  if (!parse_json(body, doc)) return bad_request("Malformed request body");
  if (!doc.IsObject()) return bad_request(fmt::format("{} is not of type 'object'", show(doc)));
  ServiceUpdate r;
  std::optional<std::string> reason;
  if (version.at_least(53)) {
    if (auto fault = only("", doc, {"status", "disabled_reason", "forced_down"})) {
      return bad_request(fault->message.substr(fault->message.find("Additional")));
    }
    if (const auto* status = member(doc, "status")) {
      if (!status->IsString() || (text_of(*status) != "enabled" && text_of(*status) != "disabled"))
        return invalid("status", *status, "is not one of ['enabled', 'disabled']");
      r.disabled = text_of(*status) == "disabled";
    }
  } else {
    std::initializer_list<std::string_view> keys = {"host", "binary", "disabled_reason"};
    std::initializer_list<std::string_view> keys_211 = {"host", "binary", "disabled_reason", "forced_down"};
    if (auto fault = only("", doc, version.at_least(11) ? keys_211 : keys))
      return bad_request(fault->message.substr(fault->message.find("Additional")));
    for (const char* key : {"host", "binary"})
      if (!doc.HasMember(key)) return bad_request(fmt::format("'{}' is a required property", key));
    if (auto fault = read_host(doc, "host", r.host)) return *fault;
    std::optional<std::string> binary;
    if (auto fault = read_text(doc, "binary", binary)) return *fault;
    r.binary = binary.value_or("");
    if (action == "enable") r.disabled = false;
    else if (action == "disable" || action == "disable-log-reason") r.disabled = true;
  }
  if (auto fault = read_text(doc, "disabled_reason", reason)) return *fault;
  r.disabled_reason = reason;
  if (const auto* forced = member(doc, "forced_down")) {
    const auto value = boolean(*forced);
    if (!value) return invalid("forced_down", *forced, "is not one of the allowed boolean values");
    r.forced_down = *value;
  }
  return r;
}

std::variant<HostUpdate, Fault> parse_host_update(std::string_view body) {
  rapidjson::Document doc;
  if (!parse_json(body, doc)) return bad_request("Malformed request body");
  if (!doc.IsObject()) return bad_request(fmt::format("{} is not of type 'object'", show(doc)));
  if (auto fault = only("", doc, {"status", "maintenance_mode"}))
    return bad_request(fault->message.substr(fault->message.find("Additional")));
  HostUpdate r;
  for (const char* key : {"status", "maintenance_mode"}) {
    const auto* v = member(doc, key);
    if (!v) continue;
    const auto t = v->IsString() ? text_of(*v) : std::string_view{};
    const bool ok = t == "enable" || t == "disable" || t == "Enable" || t == "Disable" || t == "ENABLE" ||
                    t == "DISABLE";
    if (!ok)
      return invalid(key, *v, "is not one of ['enable', 'disable', 'Enable', 'Disable', 'ENABLE', 'DISABLE']");
    std::string lower(t);
    for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    (std::string_view(key) == "status" ? r.status : r.maintenance_mode) = lower;
  }
  if (!r.status && !r.maintenance_mode)
    return bad_request(fmt::format("{} is not valid under any of the given schemas", show(doc)));
  return r;
}

}  // namespace openstack
