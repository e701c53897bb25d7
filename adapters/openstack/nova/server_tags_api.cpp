// /servers/{id}/tags[/tag] (from 2.26; before, Nova's 404): list, check,
// add and delete one, replace or delete them all. In Nova's order: the
// server (looked up across projects, as Nova's instance mapping is), the
// policy (another project's server is a 403, a reader may only read), the
// state for a change (vm_state active, paused, suspended or stopped,
// whatever task runs; the lock does not apply), then the tag. A change is
// an update of the server (its attributes), journaled and kept as one.
#include <algorithm>
#include <cctype>

#include <fmt/format.h>
#include <httplib.h>

#include "adapters/openstack/nova/server_tags.h"
#include "adapters/openstack/nova/service.h"
#include "core/text.h"

namespace openstack {
namespace {

constexpr int kTagsVersion = 26;

// The tag in the path, as text a view may echo (a path carries any bytes).
std::string path_tag(const httplib::Request& req) { return core::valid_utf8(req.matches[2].str()); }

// A tag in a URL: what a client would send (every byte but the unreserved ones escaped).
std::string escaped(std::string_view tag) {
  std::string out;
  for (const char c : tag) {
    const auto b = static_cast<unsigned char>(c);
    if (std::isalnum(b) || c == '-' || c == '.' || c == '_' || c == '~') out += c;
    else out += fmt::format("%{:02X}", b);
  }
  return out;
}

std::string tags_body(const std::vector<std::string>& tags) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  w.Key("tags");
  w.StartArray();
  for (const auto& tag : tags) w.String(tag.c_str(), static_cast<rapidjson::SizeType>(tag.size()));
  w.EndArray();
  w.EndObject();
  return buffer.GetString();
}

}  // namespace

std::optional<core::ServerInfo> Service::tagged_server(const httplib::Request& req, httplib::Response& res,
                                                       const Call& call, std::string_view policy,
                                                       std::string_view change) {
  if (!call.version.at_least(kTagsVersion)) {
    send_fault(res, call, not_found("The resource could not be found."));
    return std::nullopt;
  }
  const auto id = req.matches[1].str();
  const core::Caller anyone{0, true, false, true};
  auto found = fleet.get(anyone, id);
  if (!found) {
    send_fault(res, call, not_found(fmt::format("Instance {} has no mapping to a cell.", id)));
    return std::nullopt;
  }
  core::note_server(call.entry, found->uuid, found->transfer_id);
  const bool own = found->tenant == call.caller.tenant || call.caller.admin;
  if (!own || (!change.empty() && !call.caller.may_act)) {
    send_fault(res, call, policy_refused(fmt::format("os_compute_api:os-server-tags:{}", policy)));
    return std::nullopt;
  }
  if (change.empty()) return std::move(found).value();
  const auto shown = status_view(found->state, found->transition_from);
  const auto& vm = shown.vm_state;
  if (vm != "active" && vm != "paused" && vm != "suspended" && vm != "stopped") {
    send_fault(res, call, Fault{409, "conflictingRequest",
                                fmt::format("Cannot '{}' instance {} while it is in vm_state {}", change, id, vm), -1});
    return std::nullopt;
  }
  return std::move(found).value();
}

std::optional<core::ServerInfo> Service::retag(httplib::Response& res, const Call& call, const core::ServerInfo& server,
                                               std::string_view operation,
                                               const std::function<void(std::vector<std::string>&)>& edit) {
  const auto options = apply_faults(res, call, operation, server.uuid);
  if (!options) return std::nullopt;
  auto updated = fleet.update(
      call.caller, server.uuid,
      [&](core::Editable& e) {
        auto tags = tags_of(e.attributes);
        edit(tags);
        set_tags(e.attributes, std::move(tags));
      },
      *options);
  if (!updated) {
    send_fault(res, call, from_core(updated.error()));
    return std::nullopt;
  }
  return std::move(updated).value();
}

void Service::list_tags(const httplib::Request& req, httplib::Response& res, const Call& call) {
  const auto server = tagged_server(req, res, call, "index", "");
  if (server) send_json(res, 200, tags_body(tags_of(*server)));
}

void Service::show_tag(const httplib::Request& req, httplib::Response& res, const Call& call) {
  const auto server = tagged_server(req, res, call, "show", "");
  if (!server) return;
  const auto tag = path_tag(req);
  const auto tags = tags_of(*server);
  if (std::find(tags.begin(), tags.end(), tag) == tags.end())
    return send_fault(res, call, not_found(fmt::format("Server {} has no tag '{}'", server->uuid, tag)));
  res.status = 204;
}

void Service::add_tag(const httplib::Request& req, httplib::Response& res, const Call& call) {
  if (auto fault = check_tag_body(req.body)) return send_fault(res, call, *fault);
  const auto server = tagged_server(req, res, call, "update", "update tag");
  if (!server) return;
  const auto tag = path_tag(req);
  if (auto fault = check_path_tag(tag)) return send_fault(res, call, *fault);
  const auto tags = tags_of(*server);
  if (tags.size() >= kMaxServerTags)
    return send_fault(res, call, bad_request(fmt::format("The number of tags exceeded the per-server limit {}",
                                                         kMaxServerTags)));
  // A tag the server has already: nothing to change.
  if (std::find(tags.begin(), tags.end(), tag) != tags.end()) {
    res.status = 204;
    return;
  }
  call.entry->status = 201;
  if (!retag(res, call, *server, "tag-add", [&](std::vector<std::string>& t) { t.push_back(tag); })) return;
  res.set_header("Location",
                 fmt::format("{}/compute/v2.1/servers/{}/tags/{}", call.base, server->uuid, escaped(tag)));
  res.status = 201;
}

void Service::replace_tags(const httplib::Request& req, httplib::Response& res, const Call& call) {
  auto parsed = parse_tags(req.body);
  if (auto* fault = std::get_if<Fault>(&parsed)) return send_fault(res, call, *fault);
  const auto server = tagged_server(req, res, call, "update_all", "update tags");
  if (!server) return;
  call.entry->status = 200;
  auto& wanted = std::get<std::vector<std::string>>(parsed);
  const auto updated = retag(res, call, *server, "tags-replace", [&](std::vector<std::string>& t) { t = wanted; });
  if (updated) send_json(res, 200, tags_body(tags_of(*updated)));
}

void Service::delete_tag(const httplib::Request& req, httplib::Response& res, const Call& call) {
  const auto server = tagged_server(req, res, call, "delete", "delete tag");
  if (!server) return;
  const auto tag = path_tag(req);
  const auto tags = tags_of(*server);
  if (std::find(tags.begin(), tags.end(), tag) == tags.end())
    return send_fault(res, call, not_found(fmt::format("Instance {} has no tag '{}'", server->uuid, tag)));
  call.entry->status = 204;
  if (retag(res, call, *server, "tag-delete", [&](std::vector<std::string>& t) { std::erase(t, tag); }))
    res.status = 204;
}

void Service::delete_tags(const httplib::Request& req, httplib::Response& res, const Call& call) {
  const auto server = tagged_server(req, res, call, "delete_all", "delete tags");
  if (!server) return;
  call.entry->status = 204;
  if (retag(res, call, *server, "tags-delete", [](std::vector<std::string>& t) { t.clear(); })) res.status = 204;
}

}  // namespace openstack
