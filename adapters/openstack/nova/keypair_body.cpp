// POST /os-keypairs's body: Nova's schema per microversion (type from 2.2,
// user_id from 2.10), then the compute API's check of the name.
#include <algorithm>

#include <fmt/format.h>

#include "adapters/openstack/nova/json_body.h"
#include "adapters/openstack/nova/json_fields.h"

namespace openstack {

std::variant<KeypairRequest, Fault> parse_keypair(std::string_view body, const Version& version) {
  using namespace fields;
  rapidjson::Document doc;
  if (!parse_json(body, doc)) return bad_request("Malformed request body");
  if (!doc.IsObject()) return bad_request(fmt::format("{} is not of type 'object'", show(doc)));
  for (const auto& m : doc.GetObject())
    if (text_of(m.name) != "keypair")
      return bad_request(fmt::format("Additional properties are not allowed ('{}' was unexpected)", text_of(m.name)));
  if (!doc.HasMember("keypair")) return bad_request("'keypair' is a required property");
  const auto& k = doc["keypair"];
  if (auto fault = object_with("keypair", k, {"name"})) return *fault;
  for (const auto& m : k.GetObject()) {
    const auto key = text_of(m.name);
    if (key != "name" && key != "public_key" && !(key == "type" && version.at_least(2)) &&
        !(key == "user_id" && version.at_least(10)))
      return unexpected("keypair", k, key);
  }
  KeypairRequest request;
  std::optional<std::string> name;
  if (auto fault = read_name(k, "name", name)) return *fault;
  request.name = *name;
  if (auto fault = read_string(k, "public_key", request.public_key)) return *fault;
  std::optional<std::string> type;
  if (auto fault = read_string(k, "type", type)) return *fault;
  if (type && *type != "ssh" && *type != "x509") return invalid("type", k["type"], "is not one of ['ssh', 'x509']");
  if (type) request.type = *type;
  if (auto fault = read_string(k, "user_id", request.user)) return *fault;
  // The compute API's own check: letters, digits, '_', '-' and spaces only.
  if (!std::all_of(request.name.begin(), request.name.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == ' ';
      }))
    return bad_request("Keypair data is invalid: Keypair name contains unsafe characters");
  return request;
}

}  // namespace openstack
