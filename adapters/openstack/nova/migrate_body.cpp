// The values of the migrate and os-migrateLive actions, as Nova's schemas
// (schemas/migrate_server.py) check them at each microversion: migrate has
// no schema before 2.56, then null or {"host"}; os-migrateLive needs
// block_migration, disk_over_commit and host to 2.24, block_migration
// (or "auto") and host from 2.25, and takes force from 2.30 to 2.67.
#include <algorithm>
#include <array>
#include <cctype>

#include <fmt/format.h>

#include "adapters/openstack/nova/json_fields.h"

namespace openstack::fields {
namespace {

constexpr std::array<std::string_view, 10> kTrue = {"True", "TRUE", "true", "1", "ON", "On", "on", "YES", "Yes", "yes"};
constexpr std::array<std::string_view, 10> kFalse = {"False", "FALSE", "false", "0",  "OFF",
                                                      "Off",   "off",   "NO",    "No", "no"};

// parameter_types.boolean's enum as jsonschema shows it (with "auto" where allowed).
std::string boolean_enum(bool with_auto) {
  std::string out = "[True";
  for (const auto t : kTrue) out += fmt::format(", '{}'", t);
  out += ", False";
  for (const auto f : kFalse) out += fmt::format(", '{}'", f);
  return out + (with_auto ? ", 'auto']" : "]");
}

// A boolean of the schema (a JSON boolean or one of its strings); "auto" reads as nothing.
std::optional<Fault> read_boolean(const Value& object, const char* key, bool with_auto, std::optional<bool>& out) {
  if (!object.HasMember(key)) return std::nullopt;
  const auto& v = object[key];
  if (v.IsBool()) {
    out = v.GetBool();
    return std::nullopt;
  }
  if (!v.IsString()) return invalid(key, v, "is not of type 'boolean', 'string'");
  const auto text = text_of(v);
  if (with_auto && text == "auto") return std::nullopt;
  if (std::find(kTrue.begin(), kTrue.end(), text) != kTrue.end()) {
    out = true;
    return std::nullopt;
  }
  if (std::find(kFalse.begin(), kFalse.end(), text) != kFalse.end()) {
    out = false;
    return std::nullopt;
  }
  return invalid(key, v, fmt::format("is not one of {}", boolean_enum(with_auto)));
}

// host: parameter_types.fqdn, or null (nothing).
std::optional<Fault> read_host(const Value& object, std::optional<std::string>& out) {
  if (!object.HasMember("host")) return std::nullopt;
  const auto& host = object["host"];
  if (host.IsNull()) return std::nullopt;
  if (!host.IsString()) return invalid("host", host, "is not of type 'string', 'null'");
  const auto text = text_of(host);
  const bool fqdn = std::all_of(text.begin(), text.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_';
  });
  if (!fqdn) return invalid("host", host, fmt::format("'{}' does not match '^[a-zA-Z0-9-._]*$'", text));
  if (text.empty()) return invalid("host", host, "is too short");
  if (text.size() > 255) return invalid("host", host, "is too long");
  out = std::string(text);
  return std::nullopt;
}

}  // namespace

std::optional<Fault> read_migrate(const Value& value, const Version& version, ActionRequest& out) {
  if (!version.at_least(56) || value.IsNull()) return std::nullopt;
  if (!value.IsObject()) return invalid("migrate", value, "is not of type 'object', 'null'");
  // jsonschema's order: the properties' values, then what is not allowed.
  if (auto fault = read_host(value, out.migrate_host)) return fault;
  return only("migrate", value, {"host"});
}

std::optional<Fault> read_live_migrate(const Value& value, const Version& version, ActionRequest& out) {
  const char* field = "os-migrateLive";
  if (!value.IsObject()) return invalid(field, value, "is not of type 'object'");
  const bool v225 = version.at_least(25), takes_force = version.at_least(30) && !version.at_least(68);
  // jsonschema's order: the properties' values, the required ones, then what is not allowed.
  std::optional<bool> flag;
  if (auto fault = read_boolean(value, "block_migration", v225, flag)) return fault;
  if (!v225)
    if (auto fault = read_boolean(value, "disk_over_commit", false, flag)) return fault;
  if (auto fault = read_host(value, out.migrate_host)) return fault;
  if (takes_force) {
    std::optional<bool> forced;
    if (auto fault = read_boolean(value, "force", false, forced)) return fault;
    out.force = forced.value_or(false);
  }
  if (v225) {
    if (auto fault = object_with(field, value, {"block_migration", "host"})) return fault;
    if (auto fault = takes_force ? only(field, value, {"block_migration", "host", "force"})
                                 : only(field, value, {"block_migration", "host"}))
      return fault;
  } else {
    if (auto fault = object_with(field, value, {"block_migration", "disk_over_commit", "host"})) return fault;
    if (auto fault = only(field, value, {"block_migration", "disk_over_commit", "host"})) return fault;
  }
  // Nova's own check: forcing needs a destination.
  if (out.force && !out.migrate_host) return bad_request("Can't force to a non-provided destination");
  return std::nullopt;
}

}  // namespace openstack::fields
