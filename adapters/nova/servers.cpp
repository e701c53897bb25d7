// Servers: list, show, create, delete and the actions (os-stop, os-start,
// lock, unlock), with Nova's validation and Nova's order of checks.
#include <chrono>
#include <optional>
#include <thread>

#include <fmt/format.h>
#include <httplib.h>

#include "adapters/nova/json_body.h"
#include "adapters/nova/list_query.h"
#include "adapters/nova/service.h"
#include "adapters/nova/views.h"
#include "core/ids.h"

namespace nova {
namespace {

std::string server_id(const httplib::Request& req) { return req.matches[1].str(); }

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
  auto parsed = parse_list_query(req.params, call.version, call.caller.admin,
                                 [&](const std::string& marker) -> std::optional<std::uint64_t> {
                                   auto found = fleet.get(call.caller, marker);
                                   if (!found) return std::nullopt;
                                   return found->seq;
                                 });
  if (auto* fault = std::get_if<Fault>(&parsed)) return send_fault(res, call, *fault);
  const auto& params = std::get<ListParams>(parsed);
  core::ListQuery query;
  query.tenant = call.caller.tenant;
  if (params.all_tenants) query.tenant.reset();
  query.newest_first = true;  // Nova sorts by created_at, descending, unless told otherwise
  query.limit = params.limit;
  query.after_seq = params.after_seq;
  if (params.filters()) query.filter = [&](const core::ServerInfo& s) { return params.matches(s); };
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
  const auto limit = params.limit;
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
  // Nova's default policy lets only admins offload a shelved server; the
  // server is looked up first (404 before 403, as Nova's order of checks).
  if (request.action == core::Action::ShelveOffload && !call.caller.admin) {
    auto found = fleet.get(call.caller, id);
    return send_fault(res, call, from_core(found ? core::forbidden(id, request.action) : found.error()));
  }
  std::optional<core::Error> error;
  switch (request.action) {
    case core::Action::Stop: {
      auto stopped = fleet.stop(call.caller, id, *options);
      if (!stopped) error = stopped.error();
      else res.set_header("Billing-Note", std::string(stopped->billing_note));
      break;
    }
    case core::Action::Lock:
      if (auto r = fleet.lock(call.caller, id, std::move(request.locked_reason), *options); !r) error = r.error();
      break;
    case core::Action::Unlock:
      if (auto r = fleet.unlock(call.caller, id, *options); !r) error = r.error();
      break;
    default:
      if (auto r = fleet.perform(call.caller, id, request.action, *options); !r) error = r.error();
  }
  if (error) return send_fault(res, call, from_core(*error));
  res.status = 202;
}

}  // namespace nova
