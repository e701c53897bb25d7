// os-server-groups as Nova serves it: list (the caller's project's, or an
// admin's all_projects, with limit and offset), show, create (within the
// server_groups quota), delete, each view per microversion (policies and
// metadata to 2.63, project and user from 2.13, policy and rules from 2.64).
#include <algorithm>
#include <charconv>

#include <fmt/format.h>
#include <httplib.h>

#include "adapters/openstack/nova/admin_body.h"
#include "adapters/openstack/nova/service.h"

namespace openstack {
namespace {

void write_server_group(Writer& w, const ServerGroup& g, const Version& v) {
  w.StartObject();
  field(w, "id", g.id);
  field(w, "name", g.name);
  if (v.at_least(64)) {
    field(w, "policy", g.policy);
    w.Key("rules");
    w.StartObject();
    if (g.max_server_per_host) {
      w.Key("max_server_per_host");
      w.Int64(*g.max_server_per_host);
    }
    w.EndObject();
  } else {
    w.Key("policies");
    w.StartArray();
    w.String(g.policy.c_str(), static_cast<rapidjson::SizeType>(g.policy.size()));
    w.EndArray();
    w.Key("metadata");
    w.StartObject();
    w.EndObject();
  }
  w.Key("members");
  w.StartArray();
  for (const auto& m : g.members) w.String(m.c_str(), static_cast<rapidjson::SizeType>(m.size()));
  w.EndArray();
  if (v.at_least(13)) {
    field(w, "project_id", g.project);
    field(w, "user_id", g.user);
  }
  w.EndObject();
}

void send_server_group(httplib::Response& res, int status, const ServerGroup& g, const Version& v) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  w.Key("server_group");
  write_server_group(w, g, v);
  w.EndObject();
  send_json(res, status, buffer.GetString());
}

// A non-negative integer query parameter (Nova's non_negative_integer), or its 400.
std::variant<std::optional<std::size_t>, Fault> count_param(const httplib::Request& req, const char* key) {
  if (!req.has_param(key)) return std::optional<std::size_t>();
  const auto text = req.get_param_value(key);
  std::size_t n = 0;
  const auto* end = text.data() + text.size();
  if (text.empty() || std::from_chars(text.data(), end, n).ptr != end)
    return bad_request(fmt::format("Invalid input for query parameters {}. Value: {}. '{}' does not match '^[0-9]*$'",
                                   key, text, text));
  return std::optional<std::size_t>(n);
}

}  // namespace

std::optional<ServerGroup> Service::group_of(httplib::Response& res, const Call& call, const std::string& id,
                                             std::string_view policy) {
  const auto group = groups.find(id);
  if (!group) {
    send_fault(res, call, not_found(fmt::format("Instance group {} could not be found.", id)));
    return std::nullopt;
  }
  if (!call.caller.admin && group->project != call.identity->project) {
    send_fault(res, call, policy_refused(policy));
    return std::nullopt;
  }
  return group;
}

void Service::list_server_groups(const httplib::Request& req, httplib::Response& res, const Call& call) {
  if (call.version.at_least(75))
    for (const auto& [key, value] : req.params)
      if (key != "all_projects" && key != "limit" && key != "offset")
        return send_fault(res, call, bad_request(fmt::format("Invalid input for query parameters {}. Value: {}. "
                                                             "Additional properties are not allowed ('{}' was "
                                                             "unexpected)",
                                                             key, value, key)));
  const auto limit = count_param(req, "limit");
  if (auto* fault = std::get_if<Fault>(&limit)) return send_fault(res, call, *fault);
  const auto offset = count_param(req, "offset");
  if (auto* fault = std::get_if<Fault>(&offset)) return send_fault(res, call, *fault);
  // As Nova: all_projects is an admin's; anyone else gets their own project's.
  const bool all = call.caller.admin && req.has_param("all_projects");
  auto found = groups.list(all ? std::nullopt : std::optional<std::string>(call.identity->project));
  const auto skip = std::min(std::get<std::optional<std::size_t>>(offset).value_or(0), found.size());
  found.erase(found.begin(), found.begin() + static_cast<std::ptrdiff_t>(skip));
  const auto max = std::min<std::size_t>(std::get<std::optional<std::size_t>>(limit).value_or(1000), 1000);
  if (found.size() > max) found.resize(max);
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  w.Key("server_groups");
  w.StartArray();
  for (const auto& g : found) write_server_group(w, g, call.version);
  w.EndArray();
  w.EndObject();
  send_json(res, 200, buffer.GetString());
}

void Service::show_server_group(const httplib::Request& req, httplib::Response& res, const Call& call) {
  const auto group = group_of(res, call, req.matches[1].str(), "os_compute_api:os-server-groups:show");
  if (!group) return;
  send_server_group(res, 200, *group, call.version);
}

void Service::create_server_group(const httplib::Request& req, httplib::Response& res, const Call& call) {
  auto parsed = parse_server_group(req.body, call.version);
  if (auto* fault = std::get_if<Fault>(&parsed)) return send_fault(res, call, *fault);
  if (!call.caller.may_act) return send_fault(res, call, policy_refused("os_compute_api:os-server-groups:create"));
  auto& request = std::get<ServerGroupRequest>(parsed);
  const auto& project = call.identity->project;
  const auto& user = call.identity->user;
  call.entry->status = 200;
  // Counted and made under the project's admission: two creates cannot both take the last place.
  const auto admission = quotas.hold(project);
  const auto [in_project, of_user] = groups.count(project, user);
  if (quotas.check(project, user, "server_groups", in_project + 1, of_user + 1))
    return send_fault(res, call, Fault{403, "forbidden", "Quota exceeded, too many server groups.", -1, "over_quota"});
  ServerGroup group;
  group.name = std::move(request.name);
  group.policy = std::move(request.policy);
  group.max_server_per_host = request.max_server_per_host;
  group.project = project;
  group.user = user;
  auto made = groups.create(std::move(group));
  if (!made) return send_fault(res, call, from_core(made.error()));
  send_server_group(res, 200, made.value(), call.version);
}

void Service::delete_server_group(const httplib::Request& req, httplib::Response& res, const Call& call) {
  const auto id = req.matches[1].str();
  const auto group = group_of(res, call, id, "os_compute_api:os-server-groups:delete");
  if (!group) return;
  if (!call.caller.may_act) return send_fault(res, call, policy_refused("os_compute_api:os-server-groups:delete"));
  call.entry->status = 204;
  auto removed = groups.remove(id);
  if (!removed) {
    if (removed.error().code == core::ErrorCode::NotFound)
      return send_fault(res, call, not_found(fmt::format("Instance group {} could not be found.", id)));
    return send_fault(res, call, from_core(removed.error()));
  }
  res.status = 204;
}

}  // namespace openstack
