// /servers/{id}/metadata[/key]: a server's metadata, read from any state,
// changed (a set_metadata action of the core's table) only while the server
// is ACTIVE, PAUSED, SUSPENDED or SHUTOFF and not locked, as Nova allows.
#include <fmt/format.h>
#include <httplib.h>

#include "adapters/openstack/nova/service.h"

namespace openstack {
namespace {

void write_pairs(Writer& w, const char* key, const core::Pairs& pairs) {
  w.Key(key);
  w.StartObject();
  for (const auto& [k, v] : pairs) field(w, k.c_str(), v);
  w.EndObject();
}

std::string wrapped(const char* key, const core::Pairs& pairs) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  write_pairs(w, key, pairs);
  w.EndObject();
  return buffer.GetString();
}

// Nova's 409 names the metadata call, not the action.
Fault refused(const core::Error& e, std::string_view words) {
  auto fault = from_core(e);
  if (e.code != core::ErrorCode::InvalidState) return fault;
  const auto view = status_view(e.state);
  const bool task = !view.task_state.empty();
  fault.message = fmt::format("Cannot '{}' instance {} while it is in {} {}", words, e.subject,
                              task ? "task_state" : "vm_state", task ? view.task_state : view.vm_state);
  return fault;
}

}  // namespace

// Nova checks the metadata the server would have against metadata_items.
std::optional<core::Error> Service::over_limit(const Call& call, const core::Pairs& metadata) {
  if (auto fault = metadata_over(call, metadata.size())) return core::over_quota("metadata_items", fault->message);
  return std::nullopt;
}

void Service::list_metadata(const httplib::Request& req, httplib::Response& res, const Call& call) {
  const auto server = server_of(res, call, req.matches[1].str());
  if (!server) return;
  send_json(res, 200, wrapped("metadata", server->metadata));
}

void Service::show_metadata_item(const httplib::Request& req, httplib::Response& res, const Call& call) {
  const auto server = server_of(res, call, req.matches[1].str());
  if (!server) return;
  const auto key = req.matches[2].str();
  const auto value = core::find_pair(server->metadata, key);
  if (!value) return send_fault(res, call, not_found("Metadata item was not found"));
  send_json(res, 200, wrapped("meta", {{key, std::string(*value)}}));
}

void Service::set_metadata(const httplib::Request& req, httplib::Response& res, const Call& call, bool replace) {
  const auto id = req.matches[1].str();
  auto parsed = parse_metadata(req.body, std::nullopt);
  if (auto* fault = std::get_if<Fault>(&parsed)) return send_fault(res, call, *fault);
  const auto& pairs = std::get<core::Pairs>(parsed);
  const auto options = apply_faults(res, call, replace ? "metadata-replace" : "metadata-update", id);
  if (!options) return;
  auto act = *options;
  act.edit = [&](core::Editable& e) -> std::optional<core::Error> {
    if (replace) e.metadata.clear();
    for (const auto& [k, v] : pairs) core::set_pair(e.metadata, k, v);
    return over_limit(call, e.metadata);
  };
  call.entry->status = 200;
  auto updated = fleet.perform(call.caller, id, core::Action::SetMetadata, act);
  if (!updated) return send_fault(res, call, refused(updated.error(), "update metadata"));
  send_json(res, 200, wrapped("metadata", updated->metadata));
}

void Service::set_metadata_item(const httplib::Request& req, httplib::Response& res, const Call& call) {
  const auto id = req.matches[1].str();
  const auto key = req.matches[2].str();
  auto parsed = parse_metadata(req.body, key);
  if (auto* fault = std::get_if<Fault>(&parsed)) return send_fault(res, call, *fault);
  const auto pairs = std::get<core::Pairs>(parsed);
  const auto options = apply_faults(res, call, "metadata-item", id);
  if (!options) return;
  auto act = *options;
  act.edit = [&](core::Editable& e) -> std::optional<core::Error> {
    core::set_pair(e.metadata, pairs.front().first, pairs.front().second);
    return over_limit(call, e.metadata);
  };
  call.entry->status = 200;
  auto updated = fleet.perform(call.caller, id, core::Action::SetMetadata, act);
  if (!updated) return send_fault(res, call, refused(updated.error(), "update metadata"));
  send_json(res, 200, wrapped("meta", pairs));
}

void Service::delete_metadata_item(const httplib::Request& req, httplib::Response& res, const Call& call) {
  const auto id = req.matches[1].str();
  const auto key = req.matches[2].str();
  const auto server = server_of(res, call, id);
  if (!server) return;
  if (!core::find_pair(server->metadata, key)) return send_fault(res, call, not_found("Metadata item was not found"));
  const auto options = apply_faults(res, call, "metadata-item-delete", id);
  if (!options) return;
  auto act = *options;
  act.edit = [&](core::Editable& e) -> std::optional<core::Error> {
    std::erase_if(e.metadata, [&](const auto& p) { return p.first == key; });
    return std::nullopt;
  };
  call.entry->status = 204;
  auto updated = fleet.perform(call.caller, id, core::Action::SetMetadata, act);
  if (!updated) return send_fault(res, call, refused(updated.error(), "delete metadata"));
  res.status = 204;
}

}  // namespace openstack
