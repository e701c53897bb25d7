// Security groups: with no network there is one group per project,
// "default", which servers are in unless it is removed from them. Nova's
// proxy API lists and shows it (to 2.35, as Nova; the openstack CLI finds a
// group through it), and GET /servers/{id}/os-security-groups a server's.
#include <functional>

#include <fmt/format.h>
#include <httplib.h>

#include "adapters/openstack/nova/service.h"

namespace openstack {
namespace {

constexpr int kLastProxyVersion = 35;  // the proxy APIs answer 404 from 2.36

void write_group(Writer& w, std::string_view project) {
  w.StartObject();
  field(w, "id", default_security_group_id(project));
  field(w, "name", "default");
  field(w, "description", "Default security group");
  field(w, "tenant_id", project);
  w.Key("rules");
  w.StartArray();
  w.EndArray();
  w.EndObject();
}

void send_groups(httplib::Response& res, const std::vector<std::string_view>& projects) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  w.Key("security_groups");
  w.StartArray();
  for (auto project : projects) write_group(w, project);
  w.EndArray();
  w.EndObject();
  send_json(res, 200, buffer.GetString());
}

}  // namespace

std::string default_security_group_id(std::string_view project) {
  // Stable per project, shaped as a UUID.
  const auto a = std::hash<std::string>{}("security-group:" + std::string(project));
  const auto b = std::hash<std::string>{}(std::string(project) + ":default");
  return fmt::format("{:08x}-{:04x}-4{:03x}-8{:03x}-{:012x}", a >> 32, (a >> 16) & 0xffff, a & 0xfff, b >> 52,
                     b & 0xffffffffffffULL);
}

bool is_default_security_group(std::string_view name_or_id, std::string_view project) {
  return name_or_id == "default" || name_or_id == default_security_group_id(project);
}

void Service::list_security_groups(const httplib::Request& req, httplib::Response& res, const Call& call) {
  if (call.version.at_least(kLastProxyVersion + 1))
    return send_fault(res, call, not_found("The resource could not be found."));
  const auto& project = call.identity->project;
  const bool wanted = !req.has_param("name") || req.get_param_value("name") == "default";
  send_groups(res, wanted ? std::vector<std::string_view>{project} : std::vector<std::string_view>{});
}

void Service::show_security_group(const httplib::Request& req, httplib::Response& res, const Call& call) {
  if (call.version.at_least(kLastProxyVersion + 1))
    return send_fault(res, call, not_found("The resource could not be found."));
  const auto id = req.matches[1].str();
  const auto& project = call.identity->project;
  // Neutron finds a group by name or id; so does this.
  if (!is_default_security_group(id, project))
    return send_fault(res, call, not_found(fmt::format("Security group {} not found.", id)));
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  w.Key("security_group");
  write_group(w, project);
  w.EndObject();
  send_json(res, 200, buffer.GetString());
}

void Service::list_server_security_groups(const httplib::Request& req, httplib::Response& res, const Call& call) {
  const auto server = server_of(res, call, req.matches[1].str());
  if (!server) return;
  const auto project = fleet.tenants().info(server->tenant).project;
  std::vector<std::string_view> groups;
  if (!security_groups(*server).empty()) groups.push_back(project);
  send_groups(res, groups);
}

}  // namespace openstack
