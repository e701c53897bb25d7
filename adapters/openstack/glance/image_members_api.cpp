// Image members: the owner shares a "shared" image with projects, each
// member accepts or rejects it (an accepted image is in its image list),
// the owner lists and removes them. Glance's rules and words: only shared
// images have members; the owner may not set a member's status; a member
// sees its own membership only.
#include "adapters/openstack/glance/image_members.h"

#include <algorithm>

#include <fmt/format.h>
#include <httplib.h>
#include <rapidjson/document.h>

#include "adapters/openstack/glance/glance.h"
#include "adapters/openstack/glance/glance_call.h"
#include "adapters/openstack/glance/image_view.h"
#include "adapters/openstack/shared/wire.h"
#include "core/text.h"

namespace openstack {
namespace {

constexpr std::size_t kMemberQuota = 128;  // Glance's image_member_quota


std::vector<ImageMember>::iterator member_of(Image& image, const std::string& project) {
  return std::find_if(image.members.begin(), image.members.end(),
                      [&](const ImageMember& m) { return m.project == project; });
}

void answer(GlanceCall& call, const std::variant<Image, GlanceRefusal, core::Error>& outcome, const std::string& id,
            const std::function<void(const Image&)>& done) {
  if (const auto* refused = std::get_if<GlanceRefusal>(&outcome))
    return call.refused(refused->message.empty() ? GlanceRefusal{404, fmt::format("Image {} not found.", id)}
                                                 : *refused);
  if (std::holds_alternative<core::Error>(outcome)) return call.unavailable();
  done(std::get<Image>(outcome));
}

void add_member(GlanceCall& call, ImageCatalog& images) {
  const auto id = call.arg(1);
  auto parsed = parse_member_body(call.req.body);
  if (auto* refused = std::get_if<GlanceRefusal>(&parsed)) return call.refused(*refused);
  const auto& project = std::get<std::string>(parsed);
  ImageMember added;
  added.created_ms = added.updated_ms = images.now();
  answer(call, images.update(id, call.viewer, [&](Image& image) -> std::optional<GlanceRefusal> {
           if (image.visibility != "shared" || !call.owns(image))
             return GlanceRefusal{403, fmt::format("Not allowed to create members for image {}.", id)};
           if (member_of(image, project) != image.members.end())
             return GlanceRefusal{409, fmt::format("Member {} is duplicated for image {}", project, id)};
           if (image.members.size() >= kMemberQuota)
             return GlanceRefusal{413, fmt::format("Image member limit exceeded for image {}: The limit has been "
                                                   "exceeded: {}.:", id, kMemberQuota)};
           added.project = project;
           image.members.push_back(added);
           return std::nullopt;
         }),
         id, [&](const Image& image) {
           const auto it = std::find_if(image.members.begin(), image.members.end(),
                                        [&](const ImageMember& m) { return m.project == project; });
           call.send(200, member_json(id, *it));
         });
}

void update_member(GlanceCall& call, ImageCatalog& images) {
  const auto id = call.arg(1), project = call.arg(2);
  auto parsed = parse_member_status(call.req.body);
  if (auto* refused = std::get_if<GlanceRefusal>(&parsed)) return call.refused(*refused);
  const auto& status = std::get<std::string>(parsed);
  answer(call, images.update(id, call.viewer, [&](Image& image) -> std::optional<GlanceRefusal> {
           // The owner may not decide for its members; only a member (or an admin) sets its status.
           if (image.visibility != "shared" || (!call.viewer.admin && call.viewer.project != project))
             return GlanceRefusal{403, fmt::format("Not allowed to update members for image {}.", id)};
           const auto it = member_of(image, project);
           if (it == image.members.end())
             return GlanceRefusal{404, fmt::format("{} not found in the member list of the image {}.", project, id)};
           it->status = status;
           it->updated_ms = images.now();
           return std::nullopt;
         }),
         id, [&](const Image& image) {
           const auto it = std::find_if(image.members.begin(), image.members.end(),
                                        [&](const ImageMember& m) { return m.project == project; });
           call.send(200, member_json(id, *it));
         });
}

void list_members(GlanceCall& call, ImageCatalog& images) {
  const auto id = call.arg(1);
  auto image = images.find(id, call.viewer);
  if (!image) return call.error(404, fmt::format("Image {} not found.", id));
  if (image->visibility != "shared")
    return call.error(403, fmt::format("Not allowed to list members for image {}: Only shared images have members.", id));
  // A member sees its own membership; the owner (and an admin) every one.
  if (!call.owns(*image))
    std::erase_if(image->members, [&](const ImageMember& m) { return m.project != call.viewer.project; });
  call.send(200, members_json(*image));
}

void show_member(GlanceCall& call, ImageCatalog& images) {
  const auto id = call.arg(1), project = call.arg(2);
  auto image = images.find(id, call.viewer);
  if (!image) return call.error(404, fmt::format("Image {} not found.", id));
  if (image->visibility != "shared") return call.error(404, "Only shared images have members.");
  const auto it = member_of(*image, project);
  if (it == image->members.end() || (!call.owns(*image) && project != call.viewer.project))
    return call.error(404, fmt::format("{} not found in the member list of the image {}.", project, id));
  call.send(200, member_json(id, *it));
}

void delete_member(GlanceCall& call, ImageCatalog& images) {
  const auto id = call.arg(1), project = call.arg(2);
  answer(call, images.update(id, call.viewer, [&](Image& image) -> std::optional<GlanceRefusal> {
           if (image.visibility != "shared" || !call.owns(image))
             return GlanceRefusal{403, fmt::format("Not allowed to delete members for image {}.", id)};
           const auto it = member_of(image, project);
           if (it == image.members.end())
             return GlanceRefusal{404, fmt::format("{} not found in the member list of the image {}.", project, id)};
           image.members.erase(it);
           return std::nullopt;
         }),
         id, [&](const Image&) { call.res.status = 204; });
}

GlanceRefusal bad(std::string message) { return GlanceRefusal{400, std::move(message)}; }

}  // namespace

std::variant<std::string, GlanceRefusal> parse_member_body(std::string_view body) {
  rapidjson::Document doc;
  if (!parse_json(body, doc)) return bad("Malformed JSON in request body.");
  if (!doc.IsObject()) return bad("Expected a member in the form: {\"member\": \"image_id\"}");
  const auto it = doc.FindMember("member");
  if (it == doc.MemberEnd()) return bad("Member to be added not specified");
  const auto& v = it->value;
  if (v.IsNull() || (v.IsString() && v.GetStringLength() == 0)) return bad("Member can't be empty");
  if (!v.IsString()) return bad("Expected a member in the form: {\"member\": \"image_id\"}");
  if (v.GetStringLength() > 255) return bad("Member is longer than 255 characters");
  return core::valid_utf8({v.GetString(), v.GetStringLength()});
}

std::variant<std::string, GlanceRefusal> parse_member_status(std::string_view body) {
  rapidjson::Document doc;
  if (!parse_json(body, doc)) return bad("Malformed JSON in request body.");
  if (!doc.IsObject()) return bad("Expected a status in the form: {\"status\": \"status\"}");
  const auto it = doc.FindMember("status");
  if (it == doc.MemberEnd()) return bad("Status not specified");
  const auto& v = it->value;
  const std::string status = v.IsString() ? std::string(v.GetString(), v.GetStringLength()) : "";
  if (status != "pending" && status != "accepted" && status != "rejected")
    return bad("Incorrect request: Status must be \"pending\", \"accepted\" or \"rejected\".");
  return status;
}

void mount_image_members(httplib::Server& server, Keystone& keystone, ImageCatalog& images) {
  const auto route = [&](const char* operation, bool change, void (*handler)(GlanceCall&, ImageCatalog&)) {
    return glance_route(keystone, operation, change, [&images, handler](GlanceCall& call) { handler(call, images); });
  };
  constexpr const char* kMembers = R"(/image/v2/images/([^/]+)/members/?)";
  constexpr const char* kMember = R"(/image/v2/images/([^/]+)/members/([^/]+))";
  server.Get(kMembers, route("get_members", false, list_members));
  server.Post(kMembers, route("add_member", true, add_member));
  server.Get(kMember, route("get_member", false, show_member));
  server.Put(kMember, route("modify_member", true, update_member));
  server.Delete(kMember, route("delete_member", true, delete_member));
}

}  // namespace openstack
