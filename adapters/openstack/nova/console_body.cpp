// POST /servers/{id}/remote-consoles' body (2.6's schema, 2.8's additions),
// in Nova's words. (The older actions' bodies are json_body.cpp's.)
#include <algorithm>
#include <vector>

#include <fmt/format.h>

#include "adapters/openstack/nova/json_body.h"
#include "adapters/openstack/nova/json_fields.h"

namespace openstack {
namespace {

using namespace fields;

// "['a', 'b']", as jsonschema lists an enum.
std::string listed(const std::vector<std::string_view>& values) {
  std::string out = "[";
  for (const auto& v : values) out += fmt::format("{}'{}'", out.size() > 1 ? ", " : "", v);
  return out + "]";
}

std::optional<Fault> read_enum(const Value& object, const char* key, const std::vector<std::string_view>& allowed,
                               std::string& out) {
  const auto& value = object[key];
  if (!value.IsString()) return invalid(key, value, "is not of type 'string'");
  if (std::find(allowed.begin(), allowed.end(), text_of(value)) == allowed.end())
    return invalid(key, value, fmt::format("is not one of {}", listed(allowed)));
  out = std::string(text_of(value));
  return std::nullopt;
}

}  // namespace

std::variant<RemoteConsoleRequest, Fault> parse_remote_console(std::string_view body, const Version& version) {
  rapidjson::Document doc;
  if (!parse_json(body, doc)) return bad_request("Malformed request body");
  if (!doc.IsObject()) return bad_request(fmt::format("{} is not of type 'object'", show(doc)));
  if (!doc.HasMember("remote_console")) return bad_request("'remote_console' is a required property");
  for (const auto& m : doc.GetObject())
    if (text_of(m.name) != "remote_console")
      return bad_request(fmt::format("Additional properties are not allowed ('{}' was unexpected)", text_of(m.name)));
  const auto& console = doc["remote_console"];
  if (auto fault = object_with("remote_console", console, {"protocol", "type"})) return *fault;
  if (auto fault = only("remote_console", console, {"protocol", "type"})) return *fault;
  // rdp stays in the schema after Hyper-V's removal; the handler refuses it.
  std::vector<std::string_view> protocols{"vnc", "spice", "serial", "rdp"};
  std::vector<std::string_view> types{"novnc", "xvpvnc", "spice-html5", "serial", "rdp-html5"};
  if (version.at_least(8)) {
    protocols.push_back("mks");
    types.push_back("webmks");
  }
  RemoteConsoleRequest request;
  if (auto fault = read_enum(console, "protocol", protocols, request.protocol)) return *fault;
  if (auto fault = read_enum(console, "type", types, request.type)) return *fault;
  return request;
}

}  // namespace openstack
