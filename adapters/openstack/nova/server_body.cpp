// The bodies that change a server's own fields: PUT /servers/{id}, the
// rebuild action's value and the metadata API's, per microversion, with
// Nova's schema words.
#include <fmt/format.h>

#include "adapters/openstack/nova/json_body.h"
#include "adapters/openstack/nova/json_fields.h"

namespace openstack {
namespace {

using namespace fields;

// The fields update and rebuild share.
std::optional<Fault> read_fields(const Value& object, const Version& version, ServerFields& out) {
  if (auto fault = read_name(object, "name", out.name)) return fault;
  if (auto fault = read_ipv4(object, "accessIPv4", out.access_ipv4)) return fault;
  if (auto fault = read_ipv6(object, "accessIPv6", out.access_ipv6)) return fault;
  if (auto fault = read_disk_config(object, out.disk_config)) return fault;
  if (version.at_least(19))
    if (auto fault = read_nullable(object, "description", 255, false, out.description)) return fault;
  return std::nullopt;
}

// The single top-level key a body must have ("server", "metadata", "meta").
std::optional<Fault> wrapped(const rapidjson::Document& doc, const char* key) {
  if (!doc.IsObject()) return bad_request(fmt::format("{} is not of type 'object'", show(doc)));
  for (const auto& m : doc.GetObject())
    if (text_of(m.name) != key)
      return bad_request(fmt::format("Additional properties are not allowed ('{}' was unexpected)", text_of(m.name)));
  if (!doc.HasMember(key)) return bad_request(fmt::format("'{}' is a required property", key));
  return std::nullopt;
}

}  // namespace

namespace fields {

std::optional<Fault> read_rebuild(const Value& value, const Version& version, RebuildRequest& out) {
  if (auto fault = object_with("rebuild", value, {})) return fault;
  for (const auto& m : value.GetObject()) {
    const auto key = text_of(m.name);
    const bool known =
        key == "name" || key == "imageRef" || key == "adminPass" || key == "metadata" || key == "preserve_ephemeral" ||
        key == "OS-DCF:diskConfig" || key == "accessIPv4" || key == "accessIPv6" ||
        (key == "personality" && !version.at_least(57)) || (key == "description" && version.at_least(19)) ||
        (key == "key_name" && version.at_least(54)) || (key == "user_data" && version.at_least(57)) ||
        (key == "trusted_image_certificates" && version.at_least(63));
    if (!known) return unexpected("rebuild", value, key);
  }
  if (!value.HasMember("imageRef")) return invalid("rebuild", value, "'imageRef' is a required property");
  const auto& image = value["imageRef"];
  if (!image.IsString()) return invalid("imageRef", image, "is not of type 'string'");
  if (!uuid_like(text_of(image))) return invalid("imageRef", image, "is not a 'uuid'");
  out.image_id = std::string(text_of(image));
  if (auto fault = read_fields(value, version, out.fields)) return fault;
  if (auto fault = read_string(value, "adminPass", out.admin_pass)) return fault;
  if (auto fault = read_metadata(value, "metadata", out.metadata)) return fault;
  if (value.HasMember("preserve_ephemeral") && !value["preserve_ephemeral"].IsBool() &&
      !value["preserve_ephemeral"].IsString())
    return invalid("preserve_ephemeral", value["preserve_ephemeral"], "is not one of the allowed boolean values");
  if (auto fault = read_personality(value, out.personality)) return fault;
  if (version.at_least(54))
    if (auto fault = read_nullable(value, "key_name", 255, true, out.key_name)) return fault;
  if (version.at_least(57))
    if (auto fault = read_user_data(value, true, out.user_data)) return fault;
  if (version.at_least(63))
    if (auto fault = read_trusted_certs(value, out.trusted_certs)) return fault;
  return std::nullopt;
}

}  // namespace fields

std::variant<ServerFields, Fault> parse_update(std::string_view body, const Version& version) {
  rapidjson::Document doc;
  if (!parse_json(body, doc)) return bad_request("Malformed request body");
  if (auto fault = wrapped(doc, "server")) return *fault;
  const auto& server = doc["server"];
  if (!server.IsObject()) return invalid("server", server, "is not of type 'object'");
  for (const auto& m : server.GetObject()) {
    const auto key = text_of(m.name);
    if (key != "name" && key != "accessIPv4" && key != "accessIPv6" && key != "OS-DCF:diskConfig" &&
        !(key == "description" && version.at_least(19)))
      return unexpected("server", server, key);
  }
  ServerFields fields;
  if (auto fault = read_fields(server, version, fields)) return *fault;
  return fields;
}

std::variant<core::Pairs, Fault> parse_metadata(std::string_view body, const std::optional<std::string>& item) {
  rapidjson::Document doc;
  if (!parse_json(body, doc)) return bad_request("Malformed request body");
  const char* key = item ? "meta" : "metadata";
  if (auto fault = wrapped(doc, key)) return *fault;
  std::optional<core::Pairs> pairs;
  if (auto fault = read_metadata(doc, key, pairs)) return *fault;
  if (item) {
    const auto& meta = doc["meta"];
    if (pairs->empty()) return invalid("meta", meta, "{} does not have enough properties");
    if (pairs->size() > 1) return invalid("meta", meta, "has too many properties");
    if (pairs->front().first != *item) return bad_request("Request body and URI mismatch");
  }
  return std::move(*pairs);
}

}  // namespace openstack
