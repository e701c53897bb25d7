// The image edits: PATCH (Glance's JSON patch, image_patch.h), tags one by
// one, and the deactivate / reactivate actions. Each is one atomic change
// of the catalog, written before it is answered.
#include <fmt/format.h>
#include <httplib.h>

#include "adapters/openstack/glance/glance.h"
#include "adapters/openstack/glance/glance_call.h"
#include "adapters/openstack/glance/image_view.h"

namespace openstack {
namespace {

constexpr std::size_t kTagQuota = 128;  // Glance's image_tag_quota

// Answers an update's outcome: the image (with `status`), a refusal (a
// missing image as `missing`), or the store's error.
void answer(GlanceCall& call, const std::variant<Image, GlanceRefusal, core::Error>& outcome, int status,
            const std::string& missing) {
  if (const auto* refused = std::get_if<GlanceRefusal>(&outcome))
    return call.refused(refused->message.empty() ? GlanceRefusal{404, missing} : *refused);
  if (std::holds_alternative<core::Error>(outcome)) return call.unavailable();
  if (status == 204) {
    call.res.status = 204;
    return;
  }
  call.send(status, image_json(std::get<Image>(outcome)));
}


void patch_image(GlanceCall& call, ImageCatalog& images) {
  const auto id = call.arg(1);
  auto parsed = parse_image_patch(call.req.get_header_value("Content-Type"), call.req.body);
  if (auto* refused = std::get_if<GlanceRefusal>(&parsed)) {
    if (refused->status == 415)
      call.res.set_header("Accept-Patch", "application/openstack-images-v2.0-json-patch, "
                                          "application/openstack-images-v2.1-json-patch");
    return call.refused(*refused);
  }
  const auto& ops = std::get<std::vector<ImagePatchOp>>(parsed);
  answer(call, images.update(id, call.viewer, [&](Image& image) -> std::optional<GlanceRefusal> {
           if (!call.owns(image)) return GlanceRefusal{403, "You are not authorized to complete modify_image action."};
           return apply_image_patch(image, ops, call.viewer.admin);
         }),
         200, fmt::format("No image found with ID {}", id));
}

void add_tag(GlanceCall& call, ImageCatalog& images) {
  const auto id = call.arg(1), tag = call.arg(2);
  answer(call, images.update(id, call.viewer, [&](Image& image) -> std::optional<GlanceRefusal> {
           if (!call.owns(image)) return GlanceRefusal{403, fmt::format("Not allowed to update tags for image {}.", id)};
           if (tag.size() > 255)
             return GlanceRefusal{400, fmt::format("Could not update image: Provided object does not match schema "
                                                   "'image': '{}' is too long", tag)};
           if (std::find(image.tags.begin(), image.tags.end(), tag) != image.tags.end()) return std::nullopt;
           if (image.tags.size() >= kTagQuota)
             return GlanceRefusal{413, fmt::format("Image tag limit exceeded for image {}: The limit has been "
                                                   "exceeded: {}.:", id, kTagQuota)};
           image.tags.push_back(tag);
           return std::nullopt;
         }),
         204, fmt::format("Image {} not found.", id));
}

void delete_tag(GlanceCall& call, ImageCatalog& images) {
  const auto id = call.arg(1), tag = call.arg(2);
  answer(call, images.update(id, call.viewer, [&](Image& image) -> std::optional<GlanceRefusal> {
           if (!call.owns(image)) return GlanceRefusal{403, fmt::format("Not allowed to delete tags for image {}.", id)};
           const auto it = std::find(image.tags.begin(), image.tags.end(), tag);
           if (it == image.tags.end()) return GlanceRefusal{404, "The resource could not be found."};
           image.tags.erase(it);
           return std::nullopt;
         }),
         204, fmt::format("Image {} not found.", id));
}

// deactivate and reactivate are an admin's (Glance's default policy).
void act(GlanceCall& call, ImageCatalog& images, bool deactivate) {
  const auto id = call.arg(1);
  const char* action = deactivate ? "deactivate" : "reactivate";
  answer(call, images.update(id, call.viewer, [&](Image& image) -> std::optional<GlanceRefusal> {
           if (!call.viewer.admin)
             return GlanceRefusal{403, fmt::format("You are not authorized to complete {} action.", action)};
           const char* from = deactivate ? "active" : "deactivated";
           const char* to = deactivate ? "deactivated" : "active";
           if (image.status == to) return std::nullopt;
           if (image.status != from)
             return GlanceRefusal{400, fmt::format("Not allowed to {} image in status '{}'", action, image.status)};
           image.status = to;
           return std::nullopt;
         }),
         204, fmt::format("No image found with ID {}", id));
}

}  // namespace

void mount_image_edits(httplib::Server& server, Keystone& keystone, ImageCatalog& images) {
  const auto route = [&](const char* operation, auto handler) {
    return glance_route(keystone, operation, true, [&images, handler](GlanceCall& call) { handler(call, images); });
  };
  server.Patch(R"(/image/v2/images/([^/]+))", route("modify_image", patch_image));
  server.Put(R"(/image/v2/images/([^/]+)/tags/([^/]+))", route("add_tag", add_tag));
  server.Delete(R"(/image/v2/images/([^/]+)/tags/([^/]+))", route("delete_tag", delete_tag));
  server.Post(R"(/image/v2/images/([^/]+)/actions/deactivate)",
              route("deactivate", [](GlanceCall& c, ImageCatalog& i) { act(c, i, true); }));
  server.Post(R"(/image/v2/images/([^/]+)/actions/reactivate)",
              route("reactivate", [](GlanceCall& c, ImageCatalog& i) { act(c, i, false); }));
}

}  // namespace openstack
