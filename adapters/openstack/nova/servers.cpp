// Servers: list, show, create, delete and update, with Nova's validation
// and Nova's order of checks. The actions are server_actions.cpp's.
#include <optional>

#include <fmt/format.h>
#include <httplib.h>

#include "adapters/openstack/nova/list_query.h"
#include "adapters/openstack/nova/server_tags.h"
#include "adapters/openstack/nova/service.h"
#include "core/ids.h"

namespace openstack {
namespace {

std::string server_id(const httplib::Request& req) { return req.matches[1].str(); }

std::string joined(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& line : lines) {
    if (!out.empty()) out += '\n';
    out += line;
  }
  return out;
}

}  // namespace

bool Service::addresses_match(const ListParams& params, const core::ServerInfo& s) {
  if (!params.ip && !params.ip6) return true;
  bool v4 = !params.ip, v6 = !params.ip6;
  for (const auto& a : networks.addresses_of(s.uuid)) {
    const auto text = core::net::to_string(a.address);
    if (a.address.version == 4 && params.ip && std::regex_search(text, *params.ip)) v4 = true;
    if (a.address.version == 6 && params.ip6 && std::regex_search(text, *params.ip6)) v6 = true;
  }
  return v4 && v6;
}

void Service::list_servers(const httplib::Request& req, httplib::Response& res, const Call& call, bool detail) {
  if (!apply_faults(res, call, "list", "")) return;
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
  if (params.filters() || params.project) {
    query.filter = [&](const core::ServerInfo& s) {
      return params.matches(s) && (!params.project || fleet.tenants().info(s.tenant).project == *params.project) &&
             addresses_match(params, s);
    };
  }
  const auto page = fleet.list(query);

  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  w.Key("servers");
  w.StartArray();
  for (const auto& s : page.servers) {
    if (detail) write_server(w, s, view_context(call, s), ServerView::Detail);
    else write_server_brief(w, s, ViewContext{call.base, call.version, settings, {}, false, {}, {}, {}, {}});
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
    for (const auto& [key, value] : req.params)
      if (key != "limit" && key != "marker")
        query_string += fmt::format("&{}={}", httplib::detail::encode_query_param(key),
                                    httplib::detail::encode_query_param(value));
    field(w, "href", fmt::format("{}/compute/v2.1/servers{}?{}", call.base, detail ? "/detail" : "", query_string));
    w.EndObject();
    w.EndArray();
  }
  w.EndObject();
  send_json(res, 200, buffer.GetString());
}

void Service::show_server(const httplib::Request& req, httplib::Response& res, const Call& call) {
  const auto id = server_id(req);
  if (!apply_faults(res, call, "show", id)) return;
  const auto found = server_of(res, call, id);
  if (!found) return;
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  w.Key("server");
  write_server(w, *found, view_context(call, *found), ServerView::Show);
  w.EndObject();
  send_json(res, 200, buffer.GetString());
}

void Service::create_server(const httplib::Request& req, httplib::Response& res, const Call& call) {
  auto parsed = parse_create(req.body, call.version, settings, available_zones());
  if (auto* fault = std::get_if<Fault>(&parsed)) return send_fault(res, call, *fault);
  auto& request = std::get<CreateRequest>(parsed);

  // What the compute API checks after the body, in its order: the flavor
  // (a private one the project was not given is unknown), the image (and
  // whether it fits the flavor), the key pair, the security groups.
  const auto found_flavor = flavors.visible(request.flavor_id, flavor_viewer(call));
  if (!found_flavor) return send_fault(res, call, bad_request("Invalid flavorRef provided."));
  const auto& flavor = *found_flavor;
  if (!request.image_id.empty()) {
    const auto image = images.find(request.image_id, image_viewer(call));
    if (!image) return send_fault(res, call, bad_request("Can not find requested image"));
    if (auto fault = image_fits(*image, flavor)) return send_fault(res, call, *fault);
  }
  if (request.key_name && !keypairs.find(call.identity->user, *request.key_name))
    return send_fault(res, call, bad_request("Invalid key_name provided."));
  for (const auto& group : request.security_groups)
    if (!networks.security_group_named(call.caller, group))
      return send_fault(res, call, bad_request(fmt::format("Security group {} not found.", group)));
  auto nics = resolve_networks(call, request);
  if (auto* fault = std::get_if<Fault>(&nics)) return send_fault(res, call, *fault);
  if (auto fault = metadata_over(call, request.metadata.size())) return send_fault(res, call, *fault);
  if (auto fault = injected_files_over(call, request.personality)) return send_fault(res, call, *fault);
  if (request.group && !groups.find(*request.group))
    return send_fault(res, call, bad_request(fmt::format("Instance group {} could not be found.", *request.group)));

  const auto options = apply_faults(res, call, "create", "");
  if (!options) return;
  // The quotas: as many servers as fit between min_count and max_count,
  // counted and made under the project's admission.
  const auto admission = admit_create(res, call, flavor, request.min_count, request.count, request.group);
  if (!admission) return;
  request.count = admission->count;
  const auto groups = request.security_groups.empty() ? std::vector<std::string>{"default"} : request.security_groups;
  const auto reservation = fmt::format("r-{}", core::request_uuid().substr(0, 8));
  // With max_count above 1 Nova boots that many, named name-1, name-2, ...,
  // and answers with the first.
  std::optional<core::ServerInfo> first;
  for (int i = 1; i <= request.count; ++i) {
    core::CreateSpec spec;
    spec.name = request.count > 1 ? fmt::format("{}-{}", request.name, i) : request.name;
    spec.metadata = request.metadata;
    spec.nics = std::get<std::vector<core::NicRequest>>(nics);
    spec.security_groups = request.security_groups;
    auto& a = spec.attributes;
    const auto set = [&](std::string_view key, const std::string& value) { core::set_pair(a, std::string(key), value); };
    if (!request.description.empty()) set(kDescriptionAttr, request.description);
    set(kFlavorAttr, request.flavor_id);
    set(kImageAttr, request.image_id);
    set(kUserAttr, call.identity->user);
    if (request.access_ipv4) set(kAccessIpv4Attr, *request.access_ipv4);
    if (request.access_ipv6) set(kAccessIpv6Attr, *request.access_ipv6);
    if (request.disk_config) set(kDiskConfigAttr, *request.disk_config);
    if (request.key_name) set(kKeyNameAttr, *request.key_name);
    if (!request.security_groups.empty()) set(kSecurityGroupsAttr, joined(groups));
    if (request.user_data) set(kUserDataAttr, *request.user_data);
    if (request.config_drive) set(kConfigDriveAttr, "True");
    if (request.trusted_certs) set(kTrustedCertsAttr, joined(*request.trusted_certs));
    set(kReservationAttr, reservation);
    set(kLaunchIndexAttr, std::to_string(i - 1));
    if (request.group) set(kServerGroupAttr, *request.group);
    if (!request.tags.empty()) set_tags(a, request.tags);
    auto created = fleet.create(call.caller, std::move(spec), *options);
    if (!created) return send_fault(res, call, from_core(created.error()));
    if (!first) first = std::move(created).value();
  }

  if (request.return_reservation_id) {
    // Nova answers the reservation its servers share (the filter reservation_id lists them).
    send_json(res, 202, fmt::format(R"({{"reservation_id":"{}"}})", reservation));
    return;
  }
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  w.Key("server");
  w.StartObject();
  field(w, "id", first->uuid);
  write_links(w, call.base, "servers", first->uuid, true);
  field(w, "OS-DCF:diskConfig", request.disk_config.value_or("MANUAL"));
  write_security_groups(w, groups);
  field(w, "adminPass", request.admin_pass ? *request.admin_pass : generated_password());
  w.EndObject();
  w.EndObject();
  res.set_header("Location", fmt::format("{}/compute/v2.1/servers/{}", call.base, first->uuid));
  send_json(res, 202, buffer.GetString());
}

void Service::delete_server(const httplib::Request& req, httplib::Response& res, const Call& call) {
  const auto id = server_id(req);
  const auto options = apply_faults(res, call, "delete", id);
  if (!options) return;
  call.entry->status = 204;
  // With reclaim_instance_interval set, Nova soft-deletes a server that has
  // run (one that never did, or is soft-deleted already, goes for good).
  if (fleet.reclaim_ms() > 0) {
    auto found = fleet.get(call.caller, id);
    if (found && found->launched_ms && found->state != core::State::SoftDeleted) {
      auto soft = fleet.perform(call.caller, id, core::Action::SoftDelete, *options);
      if (!soft) return send_fault(res, call, from_core(soft.error()));
      res.status = 204;
      return;
    }
  }
  auto removed = fleet.remove(call.caller, id, *options);
  if (!removed) return send_fault(res, call, from_core(removed.error()));
  res.status = 204;
}

void Service::update_server(const httplib::Request& req, httplib::Response& res, const Call& call) {
  const auto id = server_id(req);
  // Nova looks the server up before it reads the body.
  if (!server_of(res, call, id)) return;
  auto parsed = parse_update(req.body, call.version);
  if (auto* fault = std::get_if<Fault>(&parsed)) return send_fault(res, call, *fault);
  const auto& fields = std::get<ServerFields>(parsed);
  const auto options = apply_faults(res, call, "update", id);
  if (!options) return;
  call.entry->status = 200;
  auto updated = fleet.update(
      call.caller, id,
      [&](core::Editable& e) {
        if (fields.name) e.name = *fields.name;
        if (fields.access_ipv4) core::set_pair(e.attributes, std::string(kAccessIpv4Attr), *fields.access_ipv4);
        if (fields.access_ipv6) core::set_pair(e.attributes, std::string(kAccessIpv6Attr), *fields.access_ipv6);
        if (fields.disk_config) core::set_pair(e.attributes, std::string(kDiskConfigAttr), *fields.disk_config);
        if (fields.description) {
          std::erase_if(e.attributes, [](const auto& p) { return p.first == kDescriptionAttr; });
          if (*fields.description) core::set_pair(e.attributes, std::string(kDescriptionAttr), **fields.description);
        }
      },
      *options);
  if (!updated) return send_fault(res, call, from_core(updated.error()));
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  w.Key("server");
  write_server(w, *updated, view_context(call, *updated), ServerView::Update);
  w.EndObject();
  send_json(res, 200, buffer.GetString());
}

}  // namespace openstack
