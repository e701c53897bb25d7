// Glance v2, the part clients of a compute cloud use: version discovery,
// the image list (Glance's filters, property filters, sort and paging),
// show, create (a record: status queued), the upload (counted and
// checksummed, not kept: status active) and delete. Errors have Glance's
// JSON shape. Not journaled, as Keystone's calls are not.
#include "adapters/openstack/glance/glance.h"

#include <algorithm>
#include <set>

#include <fmt/format.h>
#include <httplib.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "adapters/openstack/glance/images.h"
#include "adapters/openstack/keystone/keystone.h"
#include "adapters/openstack/nova/faults.h"
#include "adapters/openstack/shared/wire.h"
#include "core/ids.h"
#include "core/text.h"
#include "secret/secret.h"

namespace openstack {
namespace {

constexpr std::size_t kDefaultLimit = 25;  // Glance's limit_param_default
constexpr std::size_t kMaxLimit = 1000;    // api_limit_max

void glance_error(httplib::Response& res, int status, std::string_view title, const std::string& message) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  w.Key("code");
  w.Int(status);
  field(w, "title", title);
  field(w, "message", message);
  w.EndObject();
  send_json(res, status, buffer.GetString());
}

void bad(httplib::Response& res, const std::string& message) { glance_error(res, 400, "Bad Request", message); }

void write_image(Writer& w, const Image& img) {
  const auto nullable = [&](const char* key, const std::optional<std::string>& v) {
    w.Key(key);
    if (v) w.String(v->c_str(), static_cast<rapidjson::SizeType>(v->size()));
    else w.Null();
  };
  w.StartObject();
  field(w, "id", img.id);
  field(w, "name", img.name);
  field(w, "status", img.status);
  field(w, "visibility", img.visibility);
  w.Key("protected");
  w.Bool(img.protected_);
  w.Key("os_hidden");
  w.Bool(false);
  nullable("checksum", img.checksum);
  nullable("os_hash_algo", img.os_hash ? std::optional<std::string>("sha512") : std::nullopt);
  nullable("os_hash_value", img.os_hash);
  if (!img.owner.empty()) field(w, "owner", img.owner);
  w.Key("size");
  if (img.size) w.Int64(*img.size);
  else w.Null();
  w.Key("virtual_size");
  w.Null();
  w.Key("min_disk");
  w.Int(img.min_disk);
  w.Key("min_ram");
  w.Int(img.min_ram);
  field(w, "disk_format", img.disk_format);
  field(w, "container_format", img.container_format);
  w.Key("tags");
  w.StartArray();
  for (const auto& t : img.tags) w.String(t.c_str(), static_cast<rapidjson::SizeType>(t.size()));
  w.EndArray();
  for (const auto& [k, v] : img.properties) field(w, k.c_str(), v);
  field(w, "created_at", iso8601(img.created_ms ? img.created_ms : 1704067200000));
  field(w, "updated_at", iso8601(img.updated_ms ? img.updated_ms : 1704067200000));
  field(w, "self", "/v2/images/" + img.id);
  field(w, "file", "/v2/images/" + img.id + "/file");
  field(w, "schema", "/v2/schemas/image");
  w.EndObject();
}

std::string image_json(const Image& img) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  write_image(w, img);
  return buffer.GetString();
}

// An image's value for a list filter or a sort key, as Glance compares them.
std::optional<std::string> value_of(const Image& i, const std::string& key) {
  if (key == "id") return i.id;
  if (key == "name") return i.name;
  if (key == "status") return i.status;
  if (key == "visibility") return i.visibility;
  if (key == "owner") return i.owner;
  if (key == "container_format") return i.container_format;
  if (key == "disk_format") return i.disk_format;
  if (key == "protected") return std::string(i.protected_ ? "true" : "false");
  if (key == "min_ram") return std::to_string(i.min_ram);
  if (key == "min_disk") return std::to_string(i.min_disk);
  if (auto p = core::find_pair(i.properties, key)) return std::string(*p);
  return std::nullopt;
}

// Glance's sort keys are ordered as their type: sizes and times as numbers.
bool before(const Image& a, const Image& b, const std::string& key, bool asc) {
  const auto ordered = [asc](const auto& x, const auto& y) { return asc ? x < y : y < x; };
  if (key == "created_at") return ordered(a.created_ms, b.created_ms);
  if (key == "updated_at") return ordered(a.updated_ms, b.updated_ms);
  if (key == "size") return ordered(a.size.value_or(0), b.size.value_or(0));
  if (key == "min_ram") return ordered(a.min_ram, b.min_ram);
  if (key == "min_disk") return ordered(a.min_disk, b.min_disk);
  return ordered(value_of(a, key).value_or(""), value_of(b, key).value_or(""));
}

const std::set<std::string, std::less<>> kSortKeys = {"name",  "status",  "container_format", "disk_format", "size",
                                                      "id",    "created_at", "updated_at",    "visibility",
                                                      "owner", "min_ram", "min_disk"};

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
      "self", "file", "schema", "direct_url", "locations", "owner"};
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
    } else {
      // Any other property is Glance's additional property: a string.
      if (!v.IsString()) return schema(fmt::format("{} is not of type 'string'", key));
      core::set_pair(image.properties, key, text());
    }
  }
  return image;
}

void mount_glance(httplib::Server& server, const Keystone& keystone, ImageCatalog& images) {
  // The caller, or a 401 in Keystone's shape.
  const auto viewer = [&keystone](const httplib::Request& req, httplib::Response& res) -> std::optional<ImageViewer> {
    const auto identity = keystone.check(req.get_header_value("X-Auth-Token"));
    if (!identity) {
      send_json(res, 401, fault_body(unauthorized()));
      return std::nullopt;
    }
    return ImageViewer{identity->project, identity->has_role("admin")};
  };

  // Glance's version discovery, which keystoneauth reads before the image list.
  server.Get(R"(/image/?)", [](const httplib::Request& req, httplib::Response& res) {
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
  });

  server.Get(R"(/image/v2/images/?)", [&images, viewer](const httplib::Request& req, httplib::Response& res) {
    const auto who = viewer(req, res);
    if (!who) return;
    std::size_t limit = kDefaultLimit;
    std::string sort_key = "created_at", sort_dir = "desc", marker;
    std::vector<std::pair<std::string, std::string>> filters;
    for (const auto& [key, value] : req.params) {
      if (key == "limit") {
        if (value.empty() || value.size() > 9 || value.find_first_not_of("0123456789") != std::string::npos)
          return bad(res, "limit param must be an integer");
        limit = std::min<std::size_t>(std::stoul(value), kMaxLimit);
      } else if (key == "marker") {
        marker = value;
      } else if (key == "sort_key" || key == "sort") {
        sort_key = value.substr(0, value.find(':'));
        if (key == "sort" && value.find(':') != std::string::npos) sort_dir = value.substr(value.find(':') + 1);
        if (!kSortKeys.count(sort_key)) return bad(res, fmt::format("Invalid sort key: {}.", sort_key));
      } else if (key == "sort_dir") {
        sort_dir = value;
      } else if (key != "member_status") {
        filters.emplace_back(key, value);
      }
    }
    if (sort_dir != "asc" && sort_dir != "desc")
      return bad(res, fmt::format("Invalid sort direction: {}", sort_dir));
    auto found = images.list(*who);
    // Without a visibility filter Glance leaves out community images.
    const bool any_visibility =
        std::any_of(filters.begin(), filters.end(), [](const auto& f) { return f.first == "visibility"; });
    std::erase_if(found, [&](const Image& i) {
      if (!any_visibility && i.visibility == "community") return true;
      for (const auto& [key, value] : filters) {
        if (key == "visibility" && value == "all") continue;
        if (key == "tag") {
          if (std::find(i.tags.begin(), i.tags.end(), value) == i.tags.end()) return true;
        } else if (value_of(i, key) != value) {
          return true;
        }
      }
      return false;
    });
    std::stable_sort(found.begin(), found.end(),
                     [&](const Image& a, const Image& b) { return before(a, b, sort_key, sort_dir == "asc"); });
    auto first = found.begin();
    if (!marker.empty()) {
      first = std::find_if(found.begin(), found.end(), [&](const Image& i) { return i.id == marker; });
      if (first == found.end()) return bad(res, fmt::format("marker [{}] not found", marker));
      ++first;
    }
    rapidjson::StringBuffer buffer;
    Writer w(buffer);
    w.StartObject();
    w.Key("images");
    w.StartArray();
    std::size_t shown = 0;
    const Image* last = nullptr;
    for (auto it = first; it != found.end() && shown < limit; ++it, ++shown) {
      write_image(w, *it);
      last = &*it;
    }
    w.EndArray();
    field(w, "first", "/v2/images");
    field(w, "schema", "/v2/schemas/images");
    if (last && first + static_cast<std::ptrdiff_t>(shown) != found.end())
      field(w, "next", fmt::format("/v2/images?marker={}&limit={}", last->id, limit));
    w.EndObject();
    send_json(res, 200, buffer.GetString());
  });

  server.Get(R"(/image/v2/images/([^/]+))", [&images, viewer](const httplib::Request& req, httplib::Response& res) {
    const auto who = viewer(req, res);
    if (!who) return;
    const auto id = req.matches[1].str();
    const auto image = images.find(id, *who);
    if (!image) return glance_error(res, 404, "Not Found", fmt::format("No image found with ID {}", id));
    send_json(res, 200, image_json(*image));
  });

  server.Post(R"(/image/v2/images/?)", [&images, viewer](const httplib::Request& req, httplib::Response& res) {
    const auto who = viewer(req, res);
    if (!who) return;
    auto parsed = parse_image(req.body, who->project);
    if (auto* error = std::get_if<std::string>(&parsed))
      return error->rfind("Attribute", 0) == 0 ? glance_error(res, 403, "Forbidden", *error) : bad(res, *error);
    auto& image = std::get<Image>(parsed);
    if (image.visibility == "public" && !who->admin)
      return glance_error(res, 403, "Forbidden", "You are not authorized to complete publicize_image action.");
    if (!image.id.empty() && images.find(image.id, ImageViewer{{}, true}))
      return glance_error(res, 409, "Conflict", fmt::format("Image with identifier {} already exists!", image.id));
    auto created = images.create(std::move(image));
    if (!created) return glance_error(res, 503, "Service Unavailable", "The image store cannot take changes now.");
    res.set_header("Location", base_url(req) + "/image/v2/images/" + created->id);
    send_json(res, 201, image_json(*created));
  });

  // The upload: its size and checksums are kept, its bytes are not.
  server.Put(R"(/image/v2/images/([^/]+)/file)", [&images, viewer](const httplib::Request& req, httplib::Response& res) {
    const auto who = viewer(req, res);
    if (!who) return;
    const auto id = req.matches[1].str();
    auto image = images.find(id, *who);
    if (!image) return glance_error(res, 404, "Not Found", fmt::format("No image found with ID {}", id));
    if (image->owner != who->project && !who->admin)
      return glance_error(res, 403, "Forbidden", "You are not permitted to upload data for this image.");
    if (image->status != "queued")
      return glance_error(res, 409, "Conflict",
                          fmt::format("Image status transition from {} to saving is not allowed", image->status));
    image->size = static_cast<long long>(req.body.size());
    image->checksum = secret::digest_hex("md5", req.body);
    image->os_hash = secret::digest_hex("sha512", req.body);
    image->status = "active";
    if (!images.save(*image)) return glance_error(res, 503, "Service Unavailable", "The image store cannot take changes now.");
    res.status = 204;
  });

  server.Delete(R"(/image/v2/images/([^/]+))", [&images, viewer](const httplib::Request& req, httplib::Response& res) {
    const auto who = viewer(req, res);
    if (!who) return;
    const auto id = req.matches[1].str();
    const auto image = images.find(id, *who);
    if (!image) return glance_error(res, 404, "Not Found", fmt::format("Failed to find image {} to delete", id));
    if (image->owner != who->project && !who->admin)
      return glance_error(res, 403, "Forbidden", "You are not permitted to delete this image.");
    if (image->protected_)
      return glance_error(res, 403, "Forbidden", fmt::format("Image {} is protected and cannot be deleted.", id));
    if (!images.remove(id)) return glance_error(res, 503, "Service Unavailable", "The image store cannot take changes now.");
    res.status = 204;
  });
}

}  // namespace openstack
