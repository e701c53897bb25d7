// os-instance-actions: Nova's record of what was done to a server, read from
// the action journal (so a stop through Transfer is listed too), with
// Nova's fields per microversion: 2.21 deleted servers, 2.51 events for
// owners, 2.58 updated_at, paging and changes-since, 2.62 event hostId,
// 2.66 changes-before.
#include <algorithm>
#include <set>

#include <fmt/format.h>
#include <httplib.h>

#include "adapters/openstack/nova/service.h"
#include "adapters/openstack/nova/views.h"
#include "adapters/openstack/shared/iso_time.h"

namespace openstack {
namespace {

constexpr std::size_t kMaxLimit = 1000;  // Nova's [api] max_limit

// Whether Nova records the action as an instance action (an update or a
// change of metadata is not one).
bool recorded(core::Action a) { return a != core::Action::Update && a != core::Action::SetMetadata; }

// The compute manager's function behind an action: its event's name. Lock,
// unlock and resetState are done by the API alone: no event.
std::optional<std::string_view> event_name(core::Action a) {
  using enum core::Action;
  switch (a) {
    case Create: return "compute__do_build_and_run_instance";
    case Delete: return "compute_terminate_instance";
    case Stop: return "compute_stop_instance";
    case Start: return "compute_start_instance";
    case Reboot:
    case RebootHard: return "compute_reboot_instance";
    case Pause: return "compute_pause_instance";
    case Unpause: return "compute_unpause_instance";
    case Suspend: return "compute_suspend_instance";
    case Resume: return "compute_resume_instance";
    case Shelve: return "compute_shelve_instance";
    case ShelveOffload: return "compute_shelve_offload_instance";
    case Unshelve: return "compute_unshelve_instance";
    case Rebuild: return "compute_rebuild_instance";
    case Resize: return "compute_resize_instance";
    case ConfirmResize: return "compute_confirm_resize";
    case RevertResize: return "compute_revert_resize";
    case SoftDelete: return "compute_soft_delete_instance";
    case Restore: return "compute_restore_instance";
    case CreateImage: return "compute_snapshot_instance";
    case CreateBackup: return "compute_backup_instance";
    case ChangePassword: return "compute_set_admin_password";
    case Rescue: return "compute_rescue_instance";
    case Unrescue: return "compute_unrescue_instance";
    default: return std::nullopt;  // lock, unlock and resetState are the API's alone
  }
}

// When the action last changed: its event's end, or its start.
core::Millis updated_at(const core::JournalEntry& e) { return e.settled_ms.value_or(e.finish_ms); }

struct Listing {
  std::size_t limit = kMaxLimit;
  bool limited = false;
  std::string marker;
  std::optional<core::Millis> since, before;
};

std::variant<Listing, Fault> parse_listing(const httplib::Request& req, const Version& v) {
  Listing l;
  if (!v.at_least(58)) return l;  // before 2.58 every parameter is ignored
  const auto invalid = [](const std::string& key, const std::string& value, const std::string& why) {
    return bad_request(fmt::format("Invalid input for query parameters {}. Value: {}. {}", key, value, why));
  };
  for (const auto& [key, value] : req.params) {
    const bool known = key == "limit" || key == "marker" || key == "changes-since" ||
                       (key == "changes-before" && v.at_least(66));
    if (!known)
      return invalid(key, value, fmt::format("Additional properties are not allowed ('{}' was unexpected)", key));
    if (key == "limit") {
      if (value.empty() || value.size() > 9 || value.find_first_not_of("0123456789") != std::string::npos)
        return invalid(key, value, fmt::format("'{}' does not match '^[0-9]*$'", value));
      l.limit = std::min<std::size_t>(std::stoul(value), kMaxLimit);
      l.limited = true;
    } else if (key == "marker") {
      l.marker = value;
    } else {
      const auto t = parse_iso8601(value);
      if (!t) return invalid(key, value, fmt::format("'{}' is not a 'date-time'", value));
      (key == "changes-since" ? l.since : l.before) = *t;
    }
  }
  if (l.since && l.before && *l.before < *l.since)
    return bad_request("The value of changes-since must be less than or equal to changes-before.");
  return l;
}

}  // namespace

// The journal's changes of one server that Nova records as actions, newest first.
std::vector<core::JournalEntry> Service::server_actions(const std::string& uuid) {
  core::JournalQuery q;
  q.server = uuid;
  q.changes_only = true;
  q.newest_first = true;
  q.limit = fleet.journal().max_entries();
  auto entries = fleet.journal().read(q);
  std::erase_if(entries, [](const core::JournalEntry& e) { return !recorded(*e.action); });
  return entries;
}

// The server whose actions are asked for: from 2.21 a deleted one too.
std::optional<core::ServerInfo> Service::action_server(httplib::Response& res, const Call& call,
                                                       const std::string& id) {
  bool deleted = false;
  auto found = call.version.at_least(21) ? fleet.get_even_deleted(call.caller, id, deleted)
                                         : fleet.get(call.caller, id);
  if (!found) {
    send_fault(res, call, from_core(found.error()));
    return std::nullopt;
  }
  core::note_server(call.entry, found->uuid, found->transfer_id);
  return found.value();
}

void Service::write_action(Writer& w, const core::JournalEntry& e, const Call& call) {
  field(w, "action", action_name(*e.action));
  field(w, "instance_uuid", e.server_uuid);
  field(w, "request_id", e.request_id);
  field(w, "user_id", e.caller);
  // A Transfer caller's project is its tenant's, when the tenant has one.
  std::string project = e.caller_scope;
  if (e.api != "nova" && e.tenant)
    if (auto p = fleet.tenants().info(*e.tenant).project; !p.empty()) project = p;
  field(w, "project_id", project);
  field(w, "start_time", iso8601(e.start_ms, true));
  w.Key("message");
  if (e.transition_failed) w.String("Error");
  else w.Null();
  if (call.version.at_least(58)) field(w, "updated_at", iso8601(updated_at(e), true));
}

void Service::list_instance_actions(const httplib::Request& req, httplib::Response& res, const Call& call) {
  const auto id = req.matches[1].str();
  auto listing = parse_listing(req, call.version);
  if (auto* fault = std::get_if<Fault>(&listing)) return send_fault(res, call, *fault);
  const auto& l = std::get<Listing>(listing);
  const auto server = action_server(res, call, id);
  if (!server) return;
  auto actions = server_actions(server->uuid);
  auto it = actions.begin();
  if (!l.marker.empty()) {
    it = std::find_if(actions.begin(), actions.end(), [&](const auto& e) { return e.request_id == l.marker; });
    if (it == actions.end()) return send_fault(res, call, bad_request(fmt::format("Marker {} could not be found.", l.marker)));
    ++it;
  }
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  w.Key("instanceActions");
  w.StartArray();
  std::size_t shown = 0;
  const core::JournalEntry* last = nullptr;
  for (; it != actions.end() && shown < l.limit; ++it) {
    if (l.since && updated_at(*it) < *l.since) continue;
    if (l.before && updated_at(*it) > *l.before) continue;
    w.StartObject();
    write_action(w, *it, call);
    w.EndObject();
    last = &*it;
    ++shown;
  }
  w.EndArray();
  // As Nova: a full page links to the next, marked by its last request id.
  if (call.version.at_least(58) && last && shown == l.limit) {
    w.Key("links");
    w.StartArray();
    w.StartObject();
    field(w, "rel", "next");
    field(w, "href", fmt::format("{}/compute/v2.1/servers/{}/os-instance-actions?limit={}&marker={}", call.base, id,
                                 l.limit, last->request_id));
    w.EndObject();
    w.EndArray();
  }
  w.EndObject();
  send_json(res, 200, buffer.GetString());
}

void Service::show_instance_action(const httplib::Request& req, httplib::Response& res, const Call& call) {
  const auto id = req.matches[1].str();
  const auto request_id = req.matches[2].str();
  const auto server = action_server(res, call, id);
  if (!server) return;
  const auto actions = server_actions(server->uuid);
  const auto found = std::find_if(actions.begin(), actions.end(), [&](const auto& e) { return e.request_id == request_id; });
  if (found == actions.end()) return send_fault(res, call, not_found(fmt::format("Action {} not found", request_id)));
  const auto& e = *found;
  // Events: admins always (with traceback); owners from 2.51 (without).
  const bool admin = call.caller.admin;
  const bool show_events = admin || call.version.at_least(51);

  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  w.Key("instanceAction");
  w.StartObject();
  write_action(w, e, call);
  if (show_events) {
    w.Key("events");
    w.StartArray();
    if (auto name = event_name(*e.action)) {
      // The event starts when the API hands the action over, and ends when its transition settles.
      // (A plain value and a flag: g++ 12 at -O2 sees an optional's copy as maybe uninitialized.)
      const bool has_finish = e.settled_ms.has_value() || e.action == core::Action::Delete;
      const core::Millis finish_ms = e.settled_ms.value_or(e.finish_ms);
      w.StartObject();
      field(w, "event", *name);
      field(w, "start_time", iso8601(e.finish_ms, true));
      w.Key("finish_time");
      if (has_finish) w.String(iso8601(finish_ms, true).c_str());
      else w.Null();
      w.Key("result");
      if (has_finish) w.String(e.transition_failed ? "Error" : "Success");
      else w.Null();
      if (admin) {
        w.Key("traceback");
        w.Null();
      }
      if (call.version.at_least(62)) {
        field(w, "hostId", host_id(fleet.tenants().info(server->tenant).project));
        if (admin) field(w, "host", kHost);
      }
      w.EndObject();
    }
    w.EndArray();
  }
  w.EndObject();
  w.EndObject();
  send_json(res, 200, buffer.GetString());
}

}  // namespace openstack
