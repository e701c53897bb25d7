// Servers: list, show, create, delete and the actions (os-stop, os-start,
// lock, unlock), with Nova's validation and Nova's order of checks.
#include <algorithm>
#include <array>
#include <chrono>
#include <optional>
#include <regex>
#include <set>
#include <thread>

#include <fmt/format.h>
#include <httplib.h>

#include "adapters/nova/json_body.h"
#include "adapters/nova/service.h"
#include "adapters/nova/views.h"
#include "core/ids.h"
#include "core/text.h"

namespace nova {
namespace {

// Query parameters Nova's server list accepts (schemas/servers.py); from
// 2.75 any other is a 400, before it they are ignored.
const std::set<std::string, std::less<>> kListParams = {
    "name", "status", "all_tenants", "limit", "marker", "changes-since", "changes-before", "sort_key", "sort_dir",
    "image", "flavor", "ip", "ip6", "host", "node", "tenant_id", "project_id", "user_id", "deleted",
    "reservation_id", "locked", "tags", "tags-any", "not-tags", "not-tags-any", "availability_zone",
    "launched_at", "terminated_at", "created_at", "updated_at", "key_name", "config_drive", "uuid",
    "power_state", "task_state", "vm_state", "description", "hostname", "display_name", "display_description",
    "access_ip_v4", "access_ip_v6", "kernel_id", "ramdisk_id", "progress", "launch_index", "root_device_name",
    "image_ref", "flavor_id", "soft_deleted", "instance_type_id", "sort_by"};

constexpr int kMaxRegexDepth = 64;

std::string server_id(const httplib::Request& req) { return req.matches[1].str(); }

// Nova's query schema checks name as a Python regex. Ours is ECMAScript,
// compiled in libstdc++'s polynomial mode (no back-references) so no pattern
// can make a listing backtrack exponentially, and with bounded nesting so no
// pattern can exhaust the stack while compiling.
std::variant<std::regex, Fault> name_filter(const std::string& pattern) {
  const auto not_regex = [&] {
    return bad_request(fmt::format("Invalid input for query parameters name. Value: {}. '{}' is not a 'regex'",
                                   pattern, pattern));
  };
  if (pattern.empty()) return not_regex();
  int depth = 0, deepest = 0;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] == '\\') ++i;
    else if (pattern[i] == '(') deepest = std::max(deepest, ++depth);
    else if (pattern[i] == ')') --depth;
  }
  if (deepest > kMaxRegexDepth) return not_regex();
  try {
    return std::regex(pattern, std::regex::ECMAScript | std::regex_constants::__polynomial);
  } catch (const std::regex_error&) {
    return not_regex();
  }
}

// Nova's server statuses; a status filter with any other is invalid.
bool known_status(std::string_view status) {
  static constexpr std::array<std::string_view, 20> kStatuses = {
      "ACTIVE", "BUILD", "DELETED", "ERROR", "HARD_REBOOT", "MIGRATING", "PASSWORD", "PAUSED", "REBOOT", "REBUILD",
      "RESCUE", "RESIZE", "REVERT_RESIZE", "SHELVED", "SHELVED_OFFLOADED", "SHUTOFF", "SOFT_DELETED", "SUSPENDED",
      "UNKNOWN", "VERIFY_RESIZE"};
  return std::find(kStatuses.begin(), kStatuses.end(), status) != kStatuses.end();
}

// all_tenants as Nova reads it (oslo's strict bool_from_string); present
// but empty means true.
std::variant<bool, Fault> all_tenants_flag(const httplib::Request& req) {
  if (!req.has_param("all_tenants")) return false;
  const auto value = core::ascii_lower(req.get_param_value("all_tenants"));
  for (std::string_view yes : {"", "1", "t", "true", "on", "y", "yes"})
    if (value == yes) return true;
  for (std::string_view no : {"0", "f", "false", "off", "n", "no"})
    if (value == no) return false;
  return bad_request(fmt::format("Unrecognized value '{}', acceptable values are: '0', '1', 'f', 'false', 'n', "
                                 "'no', 'off', 'on', 't', 'true', 'y', 'yes'",
                                 req.get_param_value("all_tenants")));
}

// A fault rule's verdict on this call: an injected error, latency, or a failed transition.
std::optional<core::ActOptions> apply_faults(core::Fleet& fleet, httplib::Response& res, const Call& call,
                                             std::string_view operation, std::string_view server) {
  const auto plan = fleet.faults().decide("nova", operation, server, call.caller.tenant);
  if (plan.latency_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(plan.latency_ms));
  call.entry->injected = plan.error || plan.fail_transition;
  if (plan.error) {
    send_fault(res, call, from_core(*plan.error));
    return std::nullopt;
  }
  core::ActOptions options;
  options.fail_transition = plan.fail_transition;
  options.call = call.entry;
  return options;
}

ViewContext view_context(const Call& call, const Settings& settings, core::Fleet& fleet, const core::ServerInfo& s) {
  return ViewContext{call.base, call.version, settings, fleet.tenants().info(s.tenant).project};
}

}  // namespace

void Service::list_servers(const httplib::Request& req, httplib::Response& res, const Call& call, bool detail) {
  if (!apply_faults(fleet, res, call, "list", "")) return;
  for (const auto& [k, v] : req.params) {
    if (call.version.at_least(75) && !kListParams.count(k))
      return send_fault(res, call, bad_request(fmt::format(
                                 "Invalid input for query parameters {}. Value: {}. Additional properties are not "
                                 "allowed ('{}' was unexpected)",
                                 k, v, k)));
  }
  core::ListQuery query;
  query.tenant = call.caller.tenant;
  query.newest_first = true;  // Nova sorts by created_at, descending, unless told otherwise
  auto all_tenants = all_tenants_flag(req);
  if (auto* fault = std::get_if<Fault>(&all_tenants)) return send_fault(res, call, *fault);
  if (std::get<bool>(all_tenants)) {
    if (!call.caller.admin)
      return send_fault(res, call, Fault{403, "forbidden",
                                   "Policy doesn't allow os_compute_api:servers:index:get_all_tenants to be performed.",
                                   -1});
    query.tenant.reset();
  }
  std::size_t limit = 1000;
  if (req.has_param("limit")) {
    const auto text = req.get_param_value("limit");
    if (text.empty() || text.size() > 9 || text.find_first_not_of("0123456789") != std::string::npos)
      return send_fault(res, call, bad_request(fmt::format(
                                 "Invalid input for query parameters limit. Value: {}. '{}' does not match '^[0-9]*$'",
                                 text, text)));
    limit = std::min<std::size_t>(std::stoul(text), 1000);
  }
  query.limit = limit;
  if (req.has_param("marker")) {
    const auto marker = req.get_param_value("marker");
    auto found = fleet.get(call.caller, marker);
    if (!found) return send_fault(res, call, bad_request(fmt::format("marker [{}] not found", marker)));
    query.after_seq = found->seq;
  }
  std::optional<std::regex> name;
  if (req.has_param("name")) {
    auto filter = name_filter(req.get_param_value("name"));
    if (auto* fault = std::get_if<Fault>(&filter)) return send_fault(res, call, *fault);
    name.emplace(std::move(std::get<std::regex>(filter)));
  }
  std::string status;
  bool no_status_matches = false;
  if (req.has_param("status")) {
    status = req.get_param_value("status");
    for (auto& ch : status) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    // An unknown status matches nothing; from 2.38 Nova refuses it.
    if (!known_status(status)) {
      if (call.version.at_least(38)) return send_fault(res, call, bad_request("Invalid status value"));
      no_status_matches = true;
    }
  }
  if (name || !status.empty()) {
    query.filter = [&](const core::ServerInfo& s) {
      if (no_status_matches) return false;
      if (name && !std::regex_search(s.name, *name)) return false;
      return status.empty() || status_view(s.state).status == status;
    };
  }
  const auto page = fleet.list(query);

  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  w.Key("servers");
  w.StartArray();
  for (const auto& s : page.servers) {
    if (detail) write_server_detail(w, s, view_context(call, settings, fleet, s), false);
    else write_server_brief(w, s, ViewContext{call.base, call.version, settings, {}});
  }
  w.EndArray();
  // As Nova: a full page links to the next one, marked by its last server.
  if (req.has_param("limit") && page.servers.size() == limit && limit > 0) {
    w.Key("servers_links");
    w.StartArray();
    w.StartObject();
    field(w, "rel", "next");
    std::string query_string = fmt::format("limit={}&marker={}", limit, page.servers.back().uuid);
    for (const auto& key : {"name", "status", "all_tenants"})
      if (req.has_param(key)) query_string += fmt::format("&{}={}", key, httplib::detail::encode_query_param(req.get_param_value(key)));
    field(w, "href", fmt::format("{}/compute/v2.1/servers{}?{}", call.base, detail ? "/detail" : "", query_string));
    w.EndObject();
    w.EndArray();
  }
  w.EndObject();
  send_json(res, 200, buffer.GetString());
}

void Service::show_server(const httplib::Request& req, httplib::Response& res, const Call& call) {
  const auto id = server_id(req);
  if (!apply_faults(fleet, res, call, "show", id)) return;
  auto found = fleet.get(call.caller, id);
  if (!found) return send_fault(res, call, from_core(found.error()));
  core::note_server(call.entry, found->uuid, found->transfer_id);
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  w.Key("server");
  write_server_detail(w, found.value(), view_context(call, settings, fleet, found.value()), true);
  w.EndObject();
  send_json(res, 200, buffer.GetString());
}

void Service::create_server(const httplib::Request& req, httplib::Response& res, const Call& call) {
  auto parsed = parse_create(req.body, call.version, settings);
  if (auto* fault = std::get_if<Fault>(&parsed)) return send_fault(res, call, *fault);
  auto& request = std::get<CreateRequest>(parsed);

  const auto options = apply_faults(fleet, res, call, "create", "");
  if (!options) return;
  // With max_count above 1 Nova boots that many, named name-1, name-2, ...,
  // and answers with the first.
  std::optional<core::ServerInfo> first;
  for (int i = 1; i <= request.count; ++i) {
    core::CreateSpec spec;
    spec.name = request.count > 1 ? fmt::format("{}-{}", request.name, i) : request.name;
    spec.metadata = request.metadata;
    if (!request.description.empty())
      core::set_pair(spec.attributes, std::string(kDescriptionAttr), request.description);
    core::set_pair(spec.attributes, std::string(kFlavorAttr), request.flavor_id);
    core::set_pair(spec.attributes, std::string(kImageAttr), request.image_id);
    core::set_pair(spec.attributes, std::string(kUserAttr), call.identity->user);
    auto created = fleet.create(call.caller, std::move(spec), *options);
    if (!created) return send_fault(res, call, from_core(created.error()));
    if (!first) first = std::move(created).value();
  }

  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  w.Key("server");
  w.StartObject();
  field(w, "id", first->uuid);
  write_links(w, call.base, "servers", first->uuid, true);
  field(w, "OS-DCF:diskConfig", "MANUAL");
  write_security_groups(w);
  field(w, "adminPass", core::request_uuid().substr(0, 12));
  w.EndObject();
  w.EndObject();
  res.set_header("Location", fmt::format("{}/compute/v2.1/servers/{}", call.base, first->uuid));
  send_json(res, 202, buffer.GetString());
}

void Service::delete_server(const httplib::Request& req, httplib::Response& res, const Call& call) {
  const auto id = server_id(req);
  const auto options = apply_faults(fleet, res, call, "delete", id);
  if (!options) return;
  call.entry->status = 204;
  auto removed = fleet.remove(call.caller, id, *options);
  if (!removed) return send_fault(res, call, from_core(removed.error()));
  res.status = 204;
}

void Service::server_action(const httplib::Request& req, httplib::Response& res, const Call& call) {
  const auto id = server_id(req);
  auto parsed = parse_action(req.body, call.version, &call.entry->operation);
  if (auto* fault = std::get_if<Fault>(&parsed)) return send_fault(res, call, *fault);
  auto& request = std::get<ActionRequest>(parsed);

  const auto options = apply_faults(fleet, res, call, request.name, id);
  if (!options) return;
  std::optional<core::Error> error;
  switch (request.action) {
    case ServerAction::Stop: {
      auto stopped = fleet.stop(call.caller, id, *options);
      if (!stopped) error = stopped.error();
      else res.set_header("Billing-Note", std::string(stopped->billing_note));
      break;
    }
    case ServerAction::Start:
      if (auto r = fleet.start(call.caller, id, *options); !r) error = r.error();
      break;
    case ServerAction::Lock:
      if (auto r = fleet.lock(call.caller, id, std::move(request.locked_reason), *options); !r) error = r.error();
      break;
    case ServerAction::Unlock:
      if (auto r = fleet.unlock(call.caller, id, *options); !r) error = r.error();
      break;
  }
  if (error) return send_fault(res, call, from_core(*error));
  res.status = 202;
}

}  // namespace nova
