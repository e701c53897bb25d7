// Servers: list, show, create, delete and the actions (os-stop, os-start,
// lock, unlock), with Nova's validation and Nova's order of checks.
#include <chrono>
#include <regex>
#include <set>
#include <thread>

#include <fmt/format.h>
#include <httplib.h>
#include <rapidjson/document.h>

#include "adapters/nova/service.h"
#include "adapters/nova/views.h"
#include "core/ids.h"

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

std::string server_id(const httplib::Request& req) { return req.matches[1].str(); }

bool parse_body(const httplib::Request& req, httplib::Response& res, rapidjson::Document& doc) {
  doc.Parse<rapidjson::kParseIterativeFlag | rapidjson::kParseValidateEncodingFlag>(req.body.data(),
                                                                                    req.body.size());
  if (doc.HasParseError()) {
    send_fault(res, bad_request("Malformed request body"));
    return false;
  }
  return true;
}

// A fault rule's verdict on this call: an injected error, latency, or a failed transition.
std::optional<core::ActOptions> apply_faults(core::Fleet& fleet, httplib::Response& res, const Call& call,
                                             std::string_view operation, std::string_view server) {
  const auto plan = fleet.faults().decide("nova", operation, server, call.caller.tenant);
  if (plan.latency_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(plan.latency_ms));
  if (plan.error) {
    send_fault(res, from_core(*plan.error));
    return std::nullopt;
  }
  core::ActOptions options;
  options.fail_transition = plan.fail_transition;
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
      return send_fault(res, bad_request(fmt::format(
                                 "Invalid input for query parameters {}. Value: {}. Additional properties are not "
                                 "allowed ('{}' was unexpected)",
                                 k, v, k)));
  }
  core::ListQuery query;
  query.tenant = call.caller.tenant;
  if (req.has_param("all_tenants")) {
    if (!call.caller.admin)
      return send_fault(res, Fault{403, "forbidden",
                                   "Policy doesn't allow os_compute_api:servers:index:get_all_tenants to be performed.",
                                   -1});
    query.tenant.reset();
  }
  std::size_t limit = 1000;
  if (req.has_param("limit")) {
    const auto text = req.get_param_value("limit");
    if (text.empty() || text.size() > 9 || text.find_first_not_of("0123456789") != std::string::npos)
      return send_fault(res, bad_request(fmt::format(
                                 "Invalid input for query parameters limit. Value: {}. '{}' does not match '^[0-9]*$'",
                                 text, text)));
    limit = std::min<std::size_t>(std::stoul(text), 1000);
  }
  query.limit = limit;
  if (req.has_param("marker")) {
    const auto marker = req.get_param_value("marker");
    auto found = fleet.get(call.caller, marker);
    if (!found) return send_fault(res, bad_request(fmt::format("marker [{}] not found", marker)));
    query.after_seq = found->seq;
  }
  std::optional<std::regex> name;
  if (req.has_param("name")) {
    try {
      name.emplace(req.get_param_value("name"), std::regex::ECMAScript | std::regex::optimize);
    } catch (const std::regex_error&) {
      return send_fault(res, bad_request(fmt::format("Invalid regular expression for name: {}",
                                                     req.get_param_value("name"))));
    }
  }
  std::string status;
  if (req.has_param("status")) {
    status = req.get_param_value("status");
    for (auto& ch : status) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  }
  if (name || !status.empty()) {
    query.filter = [&](const core::ServerInfo& s) {
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
  if (!found) return send_fault(res, from_core(found.error()));
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  w.Key("server");
  write_server_detail(w, found.value(), view_context(call, settings, fleet, found.value()), true);
  w.EndObject();
  send_json(res, 200, buffer.GetString());
}

void Service::create_server(const httplib::Request& req, httplib::Response& res, const Call& call) {
  rapidjson::Document doc;
  if (!parse_body(req, res, doc)) return;
  const auto invalid = [&](const std::string& detail) {
    send_fault(res, bad_request(fmt::format("Invalid input for field/attribute server. {}", detail)));
  };
  if (!doc.IsObject() || !doc.HasMember("server") || !doc["server"].IsObject())
    return invalid("'server' is a required property");
  const auto& s = doc["server"];
  if (!s.HasMember("name") || !s["name"].IsString()) return invalid("'name' is a required property");
  const std::string name = s["name"].GetString();
  if (name.empty() || name.size() > 255 || name.find_first_not_of(' ') == std::string::npos)
    return invalid(fmt::format("Value: {}. '{}' is too short or too long (1 to 255 characters)", name, name));
  if (!s.HasMember("flavorRef") || !(s["flavorRef"].IsString() || s["flavorRef"].IsInt()))
    return invalid("'flavorRef' is a required property");
  std::string flavor_ref = s["flavorRef"].IsString() ? s["flavorRef"].GetString() : std::to_string(s["flavorRef"].GetInt());
  if (auto slash = flavor_ref.rfind('/'); slash != std::string::npos) flavor_ref = flavor_ref.substr(slash + 1);
  if (!find_flavor(settings, flavor_ref)) return send_fault(res, bad_request("Invalid flavorRef provided."));
  std::string image_ref;
  if (s.HasMember("imageRef")) {
    if (!s["imageRef"].IsString()) return invalid("'imageRef' must be a string");
    image_ref = s["imageRef"].GetString();
    if (auto slash = image_ref.rfind('/'); slash != std::string::npos) image_ref = image_ref.substr(slash + 1);
    if (!image_ref.empty() && !find_image(settings, image_ref))
      return send_fault(res, bad_request(fmt::format("Image {} could not be found.", image_ref)));
  }
  if (s.HasMember("networks")) {
    const auto& n = s["networks"];
    const bool word = n.IsString() && (std::string_view(n.GetString()) == "auto" || std::string_view(n.GetString()) == "none");
    if (!word && !n.IsArray()) return invalid("'networks' must be 'auto', 'none' or a list");
  } else if (call.version.at_least(37)) {
    return invalid("'networks' is a required property");
  }
  core::CreateSpec spec;
  spec.name = name;
  if (s.HasMember("metadata")) {
    if (!s["metadata"].IsObject()) return invalid("'metadata' must be an object");
    for (const auto& m : s["metadata"].GetObject()) {
      if (!m.value.IsString()) return invalid("metadata values must be strings");
      spec.metadata.emplace_back(m.name.GetString(), m.value.GetString());
    }
  }
  if (s.HasMember("description") && s["description"].IsString())
    core::set_pair(spec.attributes, std::string(kDescriptionAttr), s["description"].GetString());
  core::set_pair(spec.attributes, std::string(kFlavorAttr), flavor_ref);
  core::set_pair(spec.attributes, std::string(kImageAttr), image_ref);
  core::set_pair(spec.attributes, std::string(kUserAttr), call.identity.user);

  const auto options = apply_faults(fleet, res, call, "create", "");
  if (!options) return;
  auto created = fleet.create(call.caller, std::move(spec), *options);
  if (!created) return send_fault(res, from_core(created.error()));

  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  w.Key("server");
  w.StartObject();
  field(w, "id", created->uuid);
  write_links(w, call.base, "servers", created->uuid, true);
  field(w, "OS-DCF:diskConfig", "MANUAL");
  write_security_groups(w);
  field(w, "adminPass", core::request_uuid().substr(0, 12));
  w.EndObject();
  w.EndObject();
  res.set_header("Location", fmt::format("{}/compute/v2.1/servers/{}", call.base, created->uuid));
  send_json(res, 202, buffer.GetString());
}

void Service::delete_server(const httplib::Request& req, httplib::Response& res, const Call& call) {
  const auto id = server_id(req);
  if (!apply_faults(fleet, res, call, "delete", id)) return;
  auto removed = fleet.remove(call.caller, id);
  if (!removed) return send_fault(res, from_core(removed.error()));
  res.status = 204;
}

void Service::server_action(const httplib::Request& req, httplib::Response& res, const Call& call) {
  const auto id = server_id(req);
  rapidjson::Document doc;
  if (!parse_body(req, res, doc)) return;
  if (!doc.IsObject() || doc.MemberCount() != 1) return send_fault(res, bad_request("Malformed request body"));
  const std::string action = doc.MemberBegin()->name.GetString();
  const auto& value = doc.MemberBegin()->value;
  if (action != "os-stop" && action != "os-start" && action != "lock" && action != "unlock")
    return send_fault(res, bad_request(fmt::format("There is no such action: {}", action)));

  std::string reason;
  if (action == "lock" && !value.IsNull()) {
    // {"lock": null}, or from 2.73 {"lock": {"locked_reason": "..."}} of 1..255 characters.
    const bool object = value.IsObject() && call.version.at_least(73);
    const bool valid = object && (value.MemberCount() == 0 ||
                                  (value.MemberCount() == 1 && value.HasMember("locked_reason") &&
                                   value["locked_reason"].IsString() && value["locked_reason"].GetStringLength() >= 1 &&
                                   value["locked_reason"].GetStringLength() <= 255));
    if (!valid && !(value.IsObject() && value.MemberCount() == 0))
      return send_fault(res, bad_request("Invalid input for field/attribute lock. Value: " +
                                         std::string(value.IsString() ? value.GetString() : "(not null)") +
                                         ". It must be null or an object with a locked_reason of 1 to 255 characters"));
    if (valid && value.HasMember("locked_reason")) reason = value["locked_reason"].GetString();
  }
  // The value of os-stop and os-start is not checked: null, {} and "null" all pass.

  const auto options = apply_faults(fleet, res, call, action, id);
  if (!options) return;
  core::Result<core::ServerInfo> result = core::internal("unreached");
  if (action == "os-stop") {
    auto stopped = fleet.stop(call.caller, id, *options);
    if (stopped) res.set_header("Billing-Note", std::string(stopped->billing_note));
    result = stopped ? core::Result<core::ServerInfo>(stopped->server) : core::Result<core::ServerInfo>(stopped.error());
  } else if (action == "os-start") {
    result = fleet.start(call.caller, id, *options);
  } else if (action == "lock") {
    result = fleet.lock(call.caller, id, reason);
  } else {
    result = fleet.unlock(call.caller, id);
  }
  if (!result) return send_fault(res, from_core(result.error()));
  res.status = 202;
}

}  // namespace nova
