// Glance v2, the part clients of a compute cloud use: version discovery,
// the image list (Glance's filters and operators, property filters, sort
// and paging), show, create (a record: status queued), the upload (counted
// and checksummed, not kept: status active), the download (no bytes are
// kept: 204, as Glance answers for an image without data) and delete. The
// edits (PATCH, tags, deactivate) are in image_edit_api.cpp, members in
// image_members_api.cpp, schemas in schemas.cpp.
#include "adapters/openstack/glance/glance.h"

#include <algorithm>
#include <set>

#include <fmt/format.h>
#include <httplib.h>
#include <rapidjson/document.h>

#include "adapters/openstack/glance/glance_call.h"
#include "adapters/openstack/glance/image_query.h"
#include "adapters/openstack/glance/image_view.h"
#include "adapters/openstack/glance/images.h"
#include "adapters/openstack/keystone/keystone.h"
#include "adapters/openstack/shared/wire.h"
#include "core/ids.h"
#include "core/text.h"
#include "secret/secret.h"

namespace openstack {
namespace {

void discovery(const httplib::Request& req, httplib::Response& res) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  w.Key("versions");
  w.StartArray();
  w.StartObject();
  field(w, "id", "v2.9");
  field(w, "status", "CURRENT");
  w.Key("links");
  w.StartArray();
  w.StartObject();
  field(w, "rel", "self");
  field(w, "href", base_url(req) + "/image/v2/");
  w.EndObject();
  w.EndArray();
  w.EndObject();
  w.EndArray();
  w.EndObject();
  send_json(res, 300, buffer.GetString());
}

void list_images(GlanceCall& call, ImageCatalog& images) {
  std::vector<std::pair<std::string, std::string>> params(call.req.params.begin(), call.req.params.end());
  auto parsed = parse_image_query(params);
  if (auto* problem = std::get_if<std::string>(&parsed)) return call.error(400, *problem);
  const auto& q = std::get<ImageQuery>(parsed);
  auto found = images.list(call.viewer, q.member_status);
  std::erase_if(found, [&](const Image& i) {
    if (q.visibility) {
      if (*q.visibility != "all" && i.visibility != *q.visibility) return true;
    } else if (i.visibility == "community" && i.owner != call.viewer.project) {
      return true;  // without a visibility filter Glance lists only the caller's own community images
    }
    return !matches(i, q);
  });
  std::stable_sort(found.begin(), found.end(), [&](const Image& a, const Image& b) { return before(a, b, q); });
  auto first = found.begin();
  if (!q.marker.empty()) {
    first = std::find_if(found.begin(), found.end(), [&](const Image& i) { return i.id == q.marker; });
    if (first == found.end()) return call.error(400, fmt::format("No image found with ID {}", q.marker));
    ++first;
  }
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  w.Key("images");
  w.StartArray();
  std::size_t shown = 0;
  const Image* last = nullptr;
  for (auto it = first; it != found.end() && shown < q.limit; ++it, ++shown) {
    write_image(w, *it);
    last = &*it;
  }
  w.EndArray();
  const auto query = query_string(q.params);
  field(w, "first", query.empty() ? "/v2/images" : "/v2/images?" + query);
  field(w, "schema", "/v2/schemas/images");
  // Glance links a next page whenever this one is full.
  if (last && shown == q.limit) {
    auto next = q.params;
    next.emplace_back("marker", last->id);
    field(w, "next", "/v2/images?" + query_string(next));
  }
  w.EndObject();
  call.send(200, buffer.GetString());
}

void show_image(GlanceCall& call, ImageCatalog& images) {
  const auto id = call.arg(1);
  const auto image = images.find(id, call.viewer);
  if (!image) return call.error(404, fmt::format("No image found with ID {}", id));
  call.send(200, image_json(*image));
}

void create_image(GlanceCall& call, ImageCatalog& images) {
  auto parsed = parse_image(call.req.body, call.viewer.project);
  if (auto* error = std::get_if<std::string>(&parsed))
    return call.error(error->rfind("Attribute", 0) == 0 ? 403 : 400, *error);
  auto& image = std::get<Image>(parsed);
  if (image.owner != call.viewer.project && !call.viewer.admin)
    return call.error(403, fmt::format("You are not permitted to create images owned by '{}'.", image.owner));
  if (image.visibility == "public" && !call.viewer.admin)
    return call.error(403, "You are not authorized to complete publicize_image action.");
  if (!image.id.empty() && images.find(image.id, ImageViewer{{}, true}))
    return call.error(409, fmt::format("Image with identifier {} already exists!", image.id));
  auto created = images.create(std::move(image));
  if (!created) return call.unavailable();
  call.res.set_header("Location", base_url(call.req) + "/image/v2/images/" + created->id);
  call.send(201, image_json(*created));
}

// The upload: its size and checksums are kept, its bytes are not.
void upload(GlanceCall& call, ImageCatalog& images) {
  const auto id = call.arg(1);
  const auto& body = call.req.body;
  auto updated = images.update(id, call.viewer, [&](Image& image) -> std::optional<GlanceRefusal> {
    if (image.owner != call.viewer.project && !call.viewer.admin)
      return GlanceRefusal{403, "You are not permitted to upload data for this image."};
    if (image.status != "queued")
      return GlanceRefusal{409, fmt::format("Image status transition from {} to saving is not allowed", image.status)};
    image.size = static_cast<long long>(body.size());
    image.checksum = secret::digest_hex("md5", body);
    image.os_hash = secret::digest_hex("sha512", body);
    image.status = "active";
    return std::nullopt;
  });
  if (auto* refused = std::get_if<GlanceRefusal>(&updated))
    return call.refused(refused->message.empty() ? GlanceRefusal{404, fmt::format("No image found with ID {}", id)}
                                                 : *refused);
  if (std::holds_alternative<core::Error>(updated)) return call.unavailable();
  call.res.status = 204;
}

// No bytes are kept: every image answers as Glance's does for one without data.
void download(GlanceCall& call, ImageCatalog& images) {
  const auto id = call.arg(1);
  const auto image = images.find(id, call.viewer);
  if (!image) return call.error(404, fmt::format("No image found with ID {}", id));
  if (image->status == "deactivated" && !call.viewer.admin)
    return call.error(403, "The requested image has been deactivated. Image data download is forbidden.");
  call.res.status = 204;
}

void delete_image(GlanceCall& call, ImageCatalog& images) {
  const auto id = call.arg(1);
  const auto image = images.find(id, call.viewer);
  if (!image) return call.error(404, fmt::format("Failed to find image {} to delete", id));
  if (image->owner != call.viewer.project && !call.viewer.admin)
    return call.error(403, "You are not permitted to delete this image.");
  if (image->protected_) return call.error(403, fmt::format("Image {} is protected and cannot be deleted.", id));
  if (!images.remove(id)) return call.unavailable();
  call.res.status = 204;
}

}  // namespace

std::variant<Image, std::string> parse_image(std::string_view body, const std::string& project) {
  rapidjson::Document doc;
  if (!parse_json(body, doc) || !doc.IsObject()) return std::string("Body expected in request.");
  Image image;
  image.owner = project;
  image.visibility = "shared";
  image.status = "queued";
  image.size.reset();
  image.disk_format.clear();
  image.container_format.clear();
  static const std::set<std::string, std::less<>> kReadOnly = {
      "status", "size", "virtual_size", "checksum", "os_hash_algo", "os_hash_value", "created_at", "updated_at",
      "self", "file", "schema", "direct_url", "locations", "stores"};
  static const std::set<std::string, std::less<>> kContainers = {"ami", "ari", "aki", "bare", "ovf", "ova",
                                                                 "docker", "compressed"};
  static const std::set<std::string, std::less<>> kDisks = {"ami", "ari",  "aki", "vhd", "vhdx", "vmdk",
                                                            "raw", "qcow2", "vdi", "iso", "ploop"};
  const auto schema = [](const std::string& why) {
    return fmt::format("Provided object does not match schema 'image': {}", why);
  };
  for (const auto& m : doc.GetObject()) {
    // What is kept or echoed is UTF-8: a lone surrogate escape becomes U+FFFD (found by fuzzing).
    const std::string key = core::valid_utf8({m.name.GetString(), m.name.GetStringLength()});
    const auto& v = m.value;
    const auto text = [&]() { return core::valid_utf8({v.GetString(), v.GetStringLength()}); };
    if (kReadOnly.count(key)) return fmt::format("Attribute '{}' is read-only.", key);
    if (key == "location" || key == "deleted" || key == "deleted_at" || key.starts_with("os_glance"))
      return fmt::format("Attribute '{}' is reserved.", key);
    if (key == "name") {
      if (!v.IsString() && !v.IsNull()) return schema(fmt::format("{} is not of type 'null', 'string'", key));
      if (v.IsString() && v.GetStringLength() > 255) return schema("name is too long");
      image.name = v.IsString() ? text() : "";
    } else if (key == "id") {
      if (!v.IsString() || !core::is_uuid(text())) return schema("id does not match the UUID pattern");
      image.id = core::ascii_lower(text());
    } else if (key == "visibility") {
      const auto value = v.IsString() ? text() : "";
      if (value != "public" && value != "private" && value != "shared" && value != "community")
        return schema(fmt::format("'{}' is not one of ['community', 'public', 'private', 'shared']", value));
      image.visibility = value;
    } else if (key == "container_format" || key == "disk_format") {
      const auto& allowed = key == "disk_format" ? kDisks : kContainers;
      const auto value = v.IsString() ? text() : "";
      if (!v.IsNull() && !allowed.count(value)) return schema(fmt::format("'{}' is not one of the {} values", value, key));
      (key == "disk_format" ? image.disk_format : image.container_format) = value;
    } else if (key == "min_ram" || key == "min_disk") {
      if (!v.IsInt() || v.GetInt() < 0) return schema(fmt::format("{} must be an integer of at least 0", key));
      (key == "min_ram" ? image.min_ram : image.min_disk) = v.GetInt();
    } else if (key == "protected") {
      if (!v.IsBool()) return schema("protected is not of type 'boolean'");
      image.protected_ = v.GetBool();
    } else if (key == "tags") {
      if (!v.IsArray()) return schema("tags is not of type 'array'");
      for (const auto& t : v.GetArray()) {
        if (!t.IsString() || t.GetStringLength() > 255) return schema("a tag is not a string of at most 255 characters");
        image.tags.push_back(core::valid_utf8({t.GetString(), t.GetStringLength()}));
      }
    } else if (key == "os_hidden") {
      if (!v.IsBool()) return schema("os_hidden is not of type 'boolean'");
      image.os_hidden = v.GetBool();
    } else if (key == "owner") {
      // Checked by the handler: only an admin may give an image to another project.
      if (!v.IsString() && !v.IsNull()) return schema("owner is not of type 'null', 'string'");
      if (v.IsString() && v.GetStringLength() > 255) return schema("owner is too long");
      image.owner = v.IsString() ? text() : "";
    } else {
      // Any other property is Glance's additional property: a string.
      if (key.size() > 255) return std::string("Custom property should not be greater than 255 characters.");
      if (!v.IsString()) return schema(fmt::format("{} is not of type 'string'", key));
      core::set_pair(image.properties, key, text());
    }
  }
  return image;
}

void mount_glance(httplib::Server& server, Keystone& keystone, ImageCatalog& images) {
  const auto route = [&](const char* operation, bool change, void (*handler)(GlanceCall&, ImageCatalog&)) {
    return glance_route(keystone, operation, change, [&images, handler](GlanceCall& call) { handler(call, images); });
  };
  // Glance's version discovery, which keystoneauth reads before the image list.
  server.Get(R"(/image/?)", discovery);
  server.Get(R"(/image/v2/images/?)", route("list", false, list_images));
  server.Post(R"(/image/v2/images/?)", route("add_image", true, create_image));
  server.Get(R"(/image/v2/images/([^/]+))", route("get_image", false, show_image));
  server.Delete(R"(/image/v2/images/([^/]+))", route("delete_image", true, delete_image));
  server.Put(R"(/image/v2/images/([^/]+)/file)", route("upload_image", true, upload));
  server.Get(R"(/image/v2/images/([^/]+)/file)", route("download_image", false, download));
  mount_image_edits(server, keystone, images);
  mount_image_members(server, keystone, images);
  mount_image_schemas(server, keystone);
}

}  // namespace openstack
