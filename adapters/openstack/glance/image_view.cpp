#include "adapters/openstack/glance/image_view.h"
#include "adapters/openstack/glance/images.h"

namespace openstack {
namespace {

void nullable(Writer& w, const char* key, const std::optional<std::string>& v) {
  w.Key(key);
  if (v) w.String(v->c_str(), static_cast<rapidjson::SizeType>(v->size()));
  else w.Null();
}

}  // namespace

void write_image(Writer& w, const Image& img) {
  w.StartObject();
  // Additional properties first: an attribute of the same name (refused at
  // creation) could never shadow one Glance always sends.
  for (const auto& [k, v] : img.properties) field(w, k.c_str(), v);
  field(w, "id", img.id);
  nullable(w, "name", img.name.empty() && img.status == "queued" ? std::nullopt : std::optional(img.name));
  field(w, "status", img.status);
  field(w, "visibility", img.visibility);
  w.Key("protected");
  w.Bool(img.protected_);
  w.Key("os_hidden");
  w.Bool(img.os_hidden);
  nullable(w, "checksum", img.checksum);
  nullable(w, "os_hash_algo", img.os_hash ? std::optional<std::string>("sha512") : std::nullopt);
  nullable(w, "os_hash_value", img.os_hash);
  // Glance always sends the owner: null for the cloud's own (configured) images.
  nullable(w, "owner", img.owner.empty() ? std::nullopt : std::optional(img.owner));
  w.Key("size");
  if (img.size) w.Int64(*img.size);
  else w.Null();
  w.Key("virtual_size");
  w.Null();
  w.Key("min_disk");
  w.Int(img.min_disk);
  w.Key("min_ram");
  w.Int(img.min_ram);
  nullable(w, "disk_format", img.disk_format.empty() ? std::nullopt : std::optional(img.disk_format));
  nullable(w, "container_format", img.container_format.empty() ? std::nullopt : std::optional(img.container_format));
  w.Key("tags");
  w.StartArray();
  for (const auto& t : img.tags) w.String(t.c_str(), static_cast<rapidjson::SizeType>(t.size()));
  w.EndArray();
  field(w, "created_at", iso8601(created_of(img)));
  field(w, "updated_at", iso8601(updated_of(img)));
  field(w, "self", "/v2/images/" + img.id);
  field(w, "file", "/v2/images/" + img.id + "/file");
  field(w, "schema", "/v2/schemas/image");
  w.EndObject();
}

std::string image_json(const Image& img) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  write_image(w, img);
  return {buffer.GetString(), buffer.GetSize()};
}

void write_member(Writer& w, const std::string& image_id, const ImageMember& m) {
  w.StartObject();
  field(w, "member_id", m.project);
  field(w, "image_id", image_id);
  field(w, "status", m.status);
  field(w, "created_at", iso8601(m.created_ms));
  field(w, "updated_at", iso8601(m.updated_ms));
  field(w, "schema", "/v2/schemas/member");
  w.EndObject();
}

std::string member_json(const std::string& image_id, const ImageMember& member) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  write_member(w, image_id, member);
  return {buffer.GetString(), buffer.GetSize()};
}

std::string members_json(const Image& image) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  w.Key("members");
  w.StartArray();
  for (const auto& m : image.members) write_member(w, image.id, m);
  w.EndArray();
  field(w, "schema", "/v2/schemas/members");
  w.EndObject();
  return {buffer.GetString(), buffer.GetSize()};
}

}  // namespace openstack
