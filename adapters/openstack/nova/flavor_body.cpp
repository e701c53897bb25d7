// The flavor API's bodies (flavor-manage, flavor-access, extra specs), as
// Nova's schemas and flavors.create() check them.
#include <algorithm>
#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "adapters/openstack/nova/admin_body.h"
#include "adapters/openstack/nova/json_fields.h"

namespace openstack {
namespace {

using namespace fields;

constexpr long long kMaxInt = 0x7FFFFFFF;

const Value* member(const Value& object, const char* key) {
  const auto it = object.FindMember(key);
  return it == object.MemberEnd() ? nullptr : &it->value;
}

// The top level: an object whose one allowed member is `key`, present.
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

// flavor_param_positive / _non_negative: an integer, or a string of digits
// (the schema's bounds apply to numbers; flavors.create() checks a string's).
std::optional<Fault> read_size(const Value& flavor, const char* key, const char* name, long long minimum, int& out) {
  const auto* v = member(flavor, key);
  if (!v) return std::nullopt;
  long long n = 0;
  if (v->IsInt64()) {
    n = v->GetInt64();
    if (n < minimum) return invalid(key, *v, fmt::format("is less than the minimum of {}", minimum));
    if (n > kMaxInt) return invalid(key, *v, fmt::format("is greater than the maximum of {}", kMaxInt));
  } else if (v->IsString()) {
    const auto t = text_of(*v);
    if (t.empty() || !std::all_of(t.begin(), t.end(), [](char c) { return c >= '0' && c <= '9'; }))
      return bad_request(fmt::format("Invalid input for field/attribute {}. Value: {}. '{}' does not match '^[0-9]+$'",
                                     key, t, t));
    const auto digits = t.substr(std::min(t.find_first_not_of('0'), t.size()));
    n = digits.size() > 10 ? kMaxInt + 1 : (digits.empty() ? 0 : std::stoll(std::string(digits)));
    if (n < minimum) return bad_request(fmt::format("Invalid input received: {} must be >= {}", name, minimum));
    if (n > kMaxInt) return bad_request(fmt::format("Invalid input received: {} must be <= {}", name, kMaxInt));
  } else {
    return invalid(key, *v, "is not of type 'integer', 'string'");
  }
  out = static_cast<int>(n);
  return std::nullopt;
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

// A flavor id: a string of [a-zA-Z0-9. _-] with no space at either end, or a number.
std::optional<Fault> read_flavor_id(const Value& flavor, std::string& out) {
  const auto* v = member(flavor, "id");
  if (!v || v->IsNull()) return std::nullopt;
  if (v->IsNumber()) {
    // str() of the number, as Nova stores it.
    if (v->IsInt64()) out = std::to_string(v->GetInt64());
    else if (v->IsUint64()) out = std::to_string(v->GetUint64());
    else out = show(*v);
    return std::nullopt;
  }
  if (!v->IsString()) return invalid("id", *v, "is not of type 'string', 'number', 'null'");
  const auto t = text_of(*v);
  if (t.empty()) return invalid("id", *v, "is too short");
  if (t.size() > 255) return invalid("id", *v, "is too long");
  const bool chars = std::all_of(t.begin(), t.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == ' ' || c == '_' || c == '-';
  });
  if (!chars || t.front() == ' ' || t.back() == ' ')
    return bad_request(fmt::format("Invalid input for field/attribute id. Value: {}. '{}' does not match "
                                   "'^(?! )[a-zA-Z0-9. _-]+(?<! )$'",
                                   t, t));
  out = std::string(t);
  return std::nullopt;
}

// A flavor's description (2.55): printable text up to 65535 characters, or null.
std::optional<Fault> read_description(const Value& v, std::optional<std::string>& out) {
  if (v.IsNull()) {
    out.reset();
    return std::nullopt;
  }
  if (!v.IsString()) return invalid("description", v, "is not of type 'string', 'null'");
  const auto t = text_of(v);
  if (t.size() > 65535) return invalid("description", v, "is too long");
  if (std::any_of(t.begin(), t.end(), [](char c) {
        const auto u = static_cast<unsigned char>(c);
        return (u < 0x20 && c != '\t' && c != '\n' && c != '\r') || u == 0x7f;
      }))
    return bad_request(fmt::format("Invalid input for field/attribute description. Value: {}. '{}' does not match "
                                   "the description pattern",
                                   t, t));
  out = kept(v);
  return std::nullopt;
}

}  // namespace

std::variant<Flavor, Fault> parse_flavor_create(std::string_view body, const Version& version) {
  rapidjson::Document doc;
  if (!parse_json(body, doc)) return bad_request("Malformed request body");
  auto outer = wrapped(doc, "flavor");
  if (auto* fault = std::get_if<Fault>(&outer)) return *fault;
  const auto& f = *std::get<const Value*>(outer);
  for (const auto& m : f.GetObject()) {
    const auto key = text_of(m.name);
    const bool known = key == "name" || key == "id" || key == "ram" || key == "vcpus" || key == "disk" ||
                       key == "OS-FLV-EXT-DATA:ephemeral" || key == "swap" || key == "rxtx_factor" ||
                       key == "os-flavor-access:is_public" || (key == "description" && version.at_least(55));
    if (!known) return unexpected("flavor", f, key);
  }
  for (const char* key : {"name", "ram", "vcpus", "disk"})
    if (!f.HasMember(key)) return invalid("flavor", f, fmt::format("'{}' is a required property", key));
  Flavor flavor;
  std::optional<std::string> name;
  if (auto fault = read_name(f, "name", name)) return *fault;
  flavor.name = *name;
  if (auto fault = read_flavor_id(f, flavor.id)) return *fault;
  if (auto fault = read_size(f, "ram", "ram", 1, flavor.ram_mb)) return *fault;
  if (auto fault = read_size(f, "vcpus", "vcpus", 1, flavor.vcpus)) return *fault;
  if (auto fault = read_size(f, "disk", "disk", 0, flavor.disk_gb)) return *fault;
  if (auto fault = read_size(f, "OS-FLV-EXT-DATA:ephemeral", "ephemeral", 0, flavor.ephemeral_gb)) return *fault;
  if (auto fault = read_size(f, "swap", "swap", 0, flavor.swap_mb)) return *fault;
  if (const auto* rxtx = member(f, "rxtx_factor")) {
    double factor = 0;
    if (rxtx->IsNumber()) {
      factor = rxtx->GetDouble();
    } else if (rxtx->IsString()) {
      const auto t = std::string(text_of(*rxtx));
      const auto dot = t.find('.');
      const auto digits = [](std::string_view s) {
        return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
      };
      if (!digits(t.substr(0, dot)) || (dot != std::string::npos && !digits(t.substr(dot + 1))))
        return bad_request(fmt::format("Invalid input for field/attribute rxtx_factor. Value: {}. '{}' does not "
                                       "match '^[0-9]+(\\.[0-9]+)?$'",
                                       t, t));
      factor = std::strtod(t.c_str(), nullptr);
    } else {
      return invalid("rxtx_factor", *rxtx, "is not of type 'number', 'string'");
    }
    if (!(factor > 0) || !std::isfinite(factor) || factor > 3.40282e+38)
      return bad_request("Invalid input received: 'rxtx_factor' argument must be a float between 0 and 3.40282e+38");
    flavor.rxtx_factor = factor;
  }
  if (const auto* is_public = member(f, "os-flavor-access:is_public")) {
    const auto value = boolean(*is_public);
    if (!value)
      return invalid("os-flavor-access:is_public", *is_public, "is not one of the allowed boolean values");
    flavor.is_public = *value;
  }
  if (const auto* description = member(f, "description"))
    if (auto fault = read_description(*description, flavor.description)) return *fault;
  return flavor;
}

std::variant<std::optional<std::string>, Fault> parse_flavor_update(std::string_view body) {
  rapidjson::Document doc;
  if (!parse_json(body, doc)) return bad_request("Malformed request body");
  auto outer = wrapped(doc, "flavor");
  if (auto* fault = std::get_if<Fault>(&outer)) return *fault;
  const auto& f = *std::get<const Value*>(outer);
  if (auto fault = only("flavor", f, {"description"})) return *fault;
  if (!f.HasMember("description")) return invalid("flavor", f, "'description' is a required property");
  std::optional<std::string> description;
  if (auto fault = read_description(f["description"], description)) return *fault;
  return description;
}

std::variant<FlavorAccessRequest, Fault> parse_flavor_action(std::string_view body) {
  rapidjson::Document doc;
  if (!parse_json(body, doc)) return bad_request("Malformed request body");
  if (!doc.IsObject() || doc.MemberCount() != 1) return bad_request("Malformed request body");
  const auto& m = *doc.MemberBegin();
  const auto name = text_of(m.name);
  if (name != "addTenantAccess" && name != "removeTenantAccess")
    return bad_request(fmt::format("There is no such action: {}", name));
  FlavorAccessRequest r;
  r.add = name == "addTenantAccess";
  const auto& v = m.value;
  if (!v.IsObject()) return invalid(name, v, "is not of type 'object'");
  if (auto fault = only(name, v, {"tenant"})) return *fault;
  if (!v.HasMember("tenant")) return invalid(name, v, "'tenant' is a required property");
  const auto& tenant = v["tenant"];
  if (!tenant.IsString()) return invalid("tenant", tenant, "is not of type 'string'");
  if (tenant.GetStringLength() == 0) return invalid("tenant", tenant, "is too short");
  if (tenant.GetStringLength() > 255) return invalid("tenant", tenant, "is too long");
  r.tenant = kept(tenant);
  return r;
}

std::variant<core::Pairs, Fault> parse_extra_specs(std::string_view body, const std::optional<std::string>& key) {
  rapidjson::Document doc;
  if (!parse_json(body, doc)) return bad_request("Malformed request body");
  const Value* specs = &doc;
  const char* field = "extra_specs";
  if (!key) {
    auto outer = wrapped(doc, "extra_specs");
    if (auto* fault = std::get_if<Fault>(&outer)) return *fault;
    specs = std::get<const Value*>(outer);
  } else if (!doc.IsObject()) {
    return bad_request(fmt::format("{} is not of type 'object'", show(doc)));
  }
  core::Pairs out;
  for (const auto& m : specs->GetObject()) {
    const auto name = text_of(m.name);
    const bool good_key = !name.empty() && name.size() <= 255 && std::all_of(name.begin(), name.end(), [](char c) {
      return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == ':' || c == '.' || c == ' ';
    });
    if (!good_key)
      return key ? bad_request(fmt::format("Additional properties are not allowed ('{}' was unexpected)", name))
                 : unexpected(field, *specs, name);
    const auto& v = m.value;
    std::string value;
    if (v.IsString()) {
      if (v.GetStringLength() > 255) return invalid(kept(m.name), v, "is too long");
      value = kept(v);
    } else if (v.IsNumber()) {
      value = show(v);  // Nova keeps str(value), at most 255 characters
      if (value.size() > 255)
        return bad_request("Invalid input for extra_specs value. It must be a string of at most 255 characters.");
    } else {
      return invalid(kept(m.name), v, "is not of type 'string', 'number'");
    }
    out.emplace_back(kept(m.name), std::move(value));
  }
  if (key) {
    if (out.empty()) return bad_request(fmt::format("{} does not have enough properties", show(doc)));
    if (out.size() > 1) return bad_request(fmt::format("{} has too many properties", show(doc)));
    if (out.front().first != *key) return bad_request("Request body and URI mismatch");
  }
  return out;
}

}  // namespace openstack
