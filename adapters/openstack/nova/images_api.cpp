// Compute's image API (to 2.35; from 2.36 a 404, as Nova): /images,
// /images/detail, /images/{id} and its metadata, a proxy over the Glance
// records, viewed as Nova views them (statuses in capitals, progress, the
// properties as metadata, the server a snapshot was made from).
#include <algorithm>

#include <fmt/format.h>
#include <httplib.h>

#include "adapters/openstack/nova/service.h"
#include "adapters/openstack/nova/views.h"
#include "adapters/openstack/shared/iso_time.h"

namespace openstack {
namespace {

constexpr int kLastProxyVersion = 35;

Fault image_not_found() { return not_found("Image not found."); }

// Glance's status in Nova's words, and how far an upload is.
std::string_view nova_status(std::string_view s) {
  if (s == "active") return "ACTIVE";
  if (s == "queued" || s == "saving" || s == "importing" || s == "uploading") return "SAVING";
  if (s == "deleted" || s == "pending_delete") return "DELETED";
  if (s == "killed") return "ERROR";
  return "UNKNOWN";
}

int progress(std::string_view s) {
  if (s == "active") return 100;
  if (s == "saving") return 50;
  if (s == "queued") return 25;
  return 0;
}

void write_image(Writer& w, const Call& call, const Image& i, bool detail) {
  w.StartObject();
  field(w, "id", i.id);
  field(w, "name", i.name);
  write_links(w, call.base, "images", i.id, true);
  if (detail) {
    w.Key("minRam");
    w.Int(i.min_ram);
    w.Key("minDisk");
    w.Int(i.min_disk);
    field(w, "created", iso8601(i.created_ms));
    field(w, "updated", iso8601(i.updated_ms));
    field(w, "status", nova_status(i.status));
    w.Key("progress");
    w.Int(progress(i.status));
    w.Key("OS-EXT-IMG-SIZE:size");
    if (i.size) w.Int64(*i.size);
    else w.Null();
    w.Key("metadata");
    w.StartObject();
    for (const auto& [k, v] : i.properties) field(w, k.c_str(), v);
    w.EndObject();
    if (const auto server = core::find_pair(i.properties, kInstanceUuid)) {
      w.Key("server");
      w.StartObject();
      field(w, "id", *server);
      write_links(w, call.base, "servers", *server, true);
      w.EndObject();
    }
  }
  w.EndObject();
}

std::string metadata_body(const char* key, const core::Pairs& pairs) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  w.Key(key);
  w.StartObject();
  for (const auto& [k, v] : pairs) field(w, k.c_str(), v);
  w.EndObject();
  w.EndObject();
  return {buffer.GetString(), buffer.GetSize()};
}

// Nova's filters of the image list, on the image: name, status, server,
// type, minRam, minDisk and changes-since.
bool matches(const httplib::Request& req, const Image& i) {
  const auto param = [&](const char* name) -> std::optional<std::string> {
    if (!req.has_param(name)) return std::nullopt;
    return req.get_param_value(name);
  };
  if (auto v = param("name"); v && *v != i.name) return false;
  if (auto v = param("status"); v && *v != nova_status(i.status)) return false;
  if (auto v = param("server"); v) {
    const auto server = core::find_pair(i.properties, kInstanceUuid);
    if (!server || v->find(std::string(*server)) == std::string::npos) return false;
  }
  if (auto v = param("type"); v) {
    const auto type = core::find_pair(i.properties, kImageType);
    if (!type || *v != *type) return false;
  }
  const auto at_least = [&](const char* name, int have) {
    auto v = param(name);
    if (!v) return true;
    try {
      return have >= std::stoi(*v);
    } catch (const std::exception&) {
      return true;  // Nova passes an unparsable bound to Glance, which ignores it
    }
  };
  if (!at_least("minRam", i.min_ram) || !at_least("minDisk", i.min_disk)) return false;
  if (auto v = param("changes-since"); v) {
    if (auto since = parse_iso8601(*v); since && i.updated_ms < *since) return false;
  }
  return true;
}

}  // namespace

bool Service::images_gone(httplib::Response& res, const Call& call) {
  if (!call.version.at_least(kLastProxyVersion + 1)) return false;
  send_fault(res, call, not_found("The resource could not be found."));
  return true;
}

void Service::list_images(const httplib::Request& req, httplib::Response& res, const Call& call, bool detail) {
  if (images_gone(res, call)) return;
  auto all = images.list(image_viewer(call));
  std::vector<Image> shown;
  for (auto& i : all)
    if (matches(req, i)) shown.push_back(std::move(i));
  // Paging as Nova passes it to Glance: after `marker`, at most `limit`.
  std::size_t from = 0;
  if (req.has_param("marker")) {
    const auto marker = req.get_param_value("marker");
    auto it = std::find_if(shown.begin(), shown.end(), [&](const Image& i) { return i.id == marker; });
    if (it == shown.end()) return send_fault(res, call, bad_request(fmt::format("marker [{}] not found", marker)));
    from = static_cast<std::size_t>(it - shown.begin()) + 1;
  }
  std::size_t limit = shown.size();
  if (req.has_param("limit")) {
    try {
      const auto l = std::stoll(req.get_param_value("limit"));
      if (l < 0) throw std::invalid_argument("negative");
      limit = static_cast<std::size_t>(l);
    } catch (const std::exception&) {
      return send_fault(res, call, bad_request("limit param must be an integer"));
    }
  }
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  w.Key("images");
  w.StartArray();
  for (std::size_t k = from; k < shown.size() && k - from < limit; ++k) write_image(w, call, shown[k], detail);
  w.EndArray();
  w.EndObject();
  send_json(res, 200, {buffer.GetString(), buffer.GetSize()});
}

void Service::show_image(const httplib::Request& req, httplib::Response& res, const Call& call) {
  if (images_gone(res, call)) return;
  const auto image = images.find(req.matches[1].str(), image_viewer(call));
  if (!image) return send_fault(res, call, image_not_found());
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  w.Key("image");
  write_image(w, call, *image, true);
  w.EndObject();
  send_json(res, 200, {buffer.GetString(), buffer.GetSize()});
}

void Service::delete_image(const httplib::Request& req, httplib::Response& res, const Call& call) {
  if (images_gone(res, call)) return;
  const auto id = req.matches[1].str();
  const auto image = images.find(id, image_viewer(call));
  if (!image) return send_fault(res, call, image_not_found());
  if (image->protected_ || (!call.caller.admin && image->owner != image_viewer(call).project))
    return send_fault(res, call, Fault{403, "forbidden", "You are not allowed to delete the image.", -1});
  if (auto done = images.remove(id); !done) return send_fault(res, call, from_core(done.error()));
  res.status = 204;
}

void Service::list_image_metadata(const httplib::Request& req, httplib::Response& res, const Call& call) {
  if (images_gone(res, call)) return;
  const auto image = images.find(req.matches[1].str(), image_viewer(call));
  if (!image) return send_fault(res, call, image_not_found());
  send_json(res, 200, metadata_body("metadata", image->properties));
}

void Service::show_image_metadata_item(const httplib::Request& req, httplib::Response& res, const Call& call) {
  if (images_gone(res, call)) return;
  const auto image = images.find(req.matches[1].str(), image_viewer(call));
  if (!image) return send_fault(res, call, image_not_found());
  const auto key = req.matches[2].str();
  const auto value = core::find_pair(image->properties, key);
  if (!value) return send_fault(res, call, not_found(fmt::format("Image {} has no metadata item {}", image->id, key)));
  send_json(res, 200, metadata_body("meta", {{key, std::string(*value)}}));
}

// POST merges, PUT replaces, PUT .../{key} sets one and DELETE .../{key} removes one.
void Service::set_image_metadata(const httplib::Request& req, httplib::Response& res, const Call& call,
                                 MetadataEdit how) {
  if (images_gone(res, call)) return;
  const auto id = req.matches[1].str();
  std::optional<std::string> item;
  if (how == MetadataEdit::Item || how == MetadataEdit::Remove) item = req.matches[2].str();
  core::Pairs pairs;
  if (how != MetadataEdit::Remove) {
    auto parsed = parse_metadata(req.body, item);
    if (auto* fault = std::get_if<Fault>(&parsed)) return send_fault(res, call, *fault);
    pairs = std::get<core::Pairs>(std::move(parsed));
  }
  std::optional<Fault> refused;
  auto edited = images.update(id, image_viewer(call), [&](Image& image) -> std::optional<GlanceRefusal> {
    if (!call.caller.admin && image.owner != image_viewer(call).project) {
      refused = Fault{403, "forbidden", "You are not authorized to access the image.", -1};
      return GlanceRefusal{403, refused->message};
    }
    if (how == MetadataEdit::Replace) image.properties.clear();
    if (how == MetadataEdit::Remove) {
      if (!core::find_pair(image.properties, *item)) {
        refused = not_found("Image not found.");
        return GlanceRefusal{404, refused->message};
      }
      std::erase_if(image.properties, [&item](const auto& pair) { return pair.first == *item; });
    }
    for (const auto& [k, v] : pairs) core::set_pair(image.properties, k, v);
    if (auto over = metadata_over(call, image.properties.size())) {
      refused = *over;
      return GlanceRefusal{over->status, over->message};
    }
    image.updated_ms = images.now();
    return std::nullopt;
  });
  if (refused) return send_fault(res, call, *refused);
  if (auto* r = std::get_if<GlanceRefusal>(&edited)) {
    if (r->status == 404) return send_fault(res, call, image_not_found());
    return send_fault(res, call, Fault{r->status, r->status == 403 ? "forbidden" : "badRequest", r->message, -1});
  }
  if (auto* e = std::get_if<core::Error>(&edited)) return send_fault(res, call, from_core(*e));
  const auto& image = std::get<Image>(edited);
  if (how == MetadataEdit::Remove) {
    res.status = 204;
    return;
  }
  if (how == MetadataEdit::Item) return send_json(res, 200, metadata_body("meta", pairs));
  send_json(res, 200, metadata_body("metadata", image.properties));
}

}  // namespace openstack
