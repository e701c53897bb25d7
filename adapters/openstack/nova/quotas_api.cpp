// Quotas as Nova's API shows and sets them: os-quota-sets (a project's, a
// user's, the defaults, the detail with usage; admins update and delete),
// os-quota-class-sets (admins; the class "default" is every project's
// defaults) and /limits (the caller's project's absolute limits and usage),
// each per microversion. The model is core/quotas.h's.
#include <algorithm>

#include <fmt/format.h>
#include <httplib.h>

#include "adapters/openstack/nova/admin_body.h"
#include "adapters/openstack/nova/service.h"

namespace openstack {
namespace {

// What Nova counts in a quota view's in_use: the servers' resources and
// server groups; key pairs, a group's members and the rest show 0.
bool counted(std::string_view resource) {
  return resource == core::kInstances || resource == core::kCores || resource == core::kRam ||
         resource == "server_groups";
}

std::int64_t value_of(const core::QuotaLimits& m, std::string_view key) {
  const auto it = m.find(key);
  return it == m.end() ? 0 : it->second;
}

void write_quota_set(Writer& w, const char* wrapper, const std::optional<std::string>& id,
                     const std::vector<std::string_view>& resources, const core::QuotaLimits& limits,
                     const core::QuotaLimits* usage) {
  w.StartObject();
  w.Key(wrapper);
  w.StartObject();
  if (id) field(w, "id", *id);
  for (const auto r : resources) {
    w.Key(r.data(), static_cast<rapidjson::SizeType>(r.size()));
    if (!usage) {
      w.Int64(value_of(limits, r));
      continue;
    }
    w.StartObject();
    w.Key("in_use");
    w.Int64(counted(r) ? value_of(*usage, r) : 0);
    w.Key("limit");
    w.Int64(value_of(limits, r));
    w.Key("reserved");
    w.Int(0);
    w.EndObject();
  }
  w.EndObject();
  w.EndObject();
}

// From 2.75 a query parameter other than those listed is a 400.
std::optional<Fault> strict_query(const httplib::Request& req, const Version& v,
                                  std::initializer_list<std::string_view> known) {
  if (!v.at_least(75)) return std::nullopt;
  for (const auto& [key, value] : req.params)
    if (std::find(known.begin(), known.end(), key) == known.end())
      return bad_request(fmt::format("Invalid input for query parameters {}. Value: {}. Additional properties are "
                                     "not allowed ('{}' was unexpected)",
                                     key, value, key));
  return std::nullopt;
}

}  // namespace

void Service::show_quota_set(const httplib::Request& req, httplib::Response& res, const Call& call, bool detail) {
  const auto project = req.matches[1].str();
  if (auto fault = strict_query(req, call.version, {"user_id"})) return send_fault(res, call, *fault);
  if (!call.caller.admin && project != call.identity->project)
    return send_fault(res, call, policy_refused(detail ? "os_compute_api:os-quota-sets:detail"
                                                       : "os_compute_api:os-quota-sets:show"));
  const auto user = req.has_param("user_id") ? req.get_param_value("user_id") : std::string();
  const auto limits = user.empty() ? quotas.project_limits(project) : quotas.user_limits(project, user);
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  const auto resources = quota_resources(call.version, false);
  if (detail) {
    const auto usage = quotas.usage(project, user);
    write_quota_set(w, "quota_set", project, resources, limits, &usage);
  } else {
    write_quota_set(w, "quota_set", project, resources, limits, nullptr);
  }
  send_json(res, 200, buffer.GetString());
}

void Service::show_quota_defaults(const httplib::Request& req, httplib::Response& res, const Call& call) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  write_quota_set(w, "quota_set", req.matches[1].str(), quota_resources(call.version, false), quotas.defaults(),
                  nullptr);
  send_json(res, 200, buffer.GetString());
}

void Service::update_quota_set(const httplib::Request& req, httplib::Response& res, const Call& call) {
  const auto project = req.matches[1].str();
  if (!allowed(res, call, "os_compute_api:os-quota-sets:update")) return;
  auto parsed = parse_quota_update(req.body, call.version, false);
  if (auto* fault = std::get_if<Fault>(&parsed)) return send_fault(res, call, *fault);
  if (auto fault = strict_query(req, call.version, {"user_id"})) return send_fault(res, call, *fault);
  const auto& update = std::get<QuotaUpdate>(parsed);
  const auto user = req.has_param("user_id") ? req.get_param_value("user_id") : std::string();
  call.entry->status = 200;
  if (!update.force) {
    // Nova's settable range: at least what is used (and, for a project,
    // what its users' limits add up to); a user at most what the project
    // has left to give plus what the user has now.
    const auto usage = quotas.usage(project, user);
    const auto project_limits = quotas.project_limits(project);
    const auto users_total = quotas.users_total(project);
    const auto mine = user.empty() ? core::QuotaLimits{} : quotas.user_overrides(project, user);
    for (const auto& [resource, limit] : update.limits) {
      const auto used = counted(resource) ? value_of(usage, resource) : 0;
      std::int64_t minimum = used, maximum = core::kUnlimited;
      const auto project_limit = value_of(project_limits, resource);
      if (user.empty()) {
        if (project_limit != core::kUnlimited) minimum = std::max(minimum, value_of(users_total, resource));
      } else if (project_limit != core::kUnlimited) {
        const auto given = value_of(users_total, resource);
        const auto current = value_of(mine, resource);
        maximum = (given < 0 || current < 0) ? core::kUnlimited : project_limit - given + current;
      }
      const auto inf = [](std::int64_t v) { return v == core::kUnlimited ? INT64_MAX : v; };
      if (inf(limit) < inf(minimum))
        return send_fault(res, call,
                          bad_request(fmt::format("Quota limit {} for {} must be greater than or equal to already "
                                                  "used and reserved {}.",
                                                  limit, resource, minimum)));
      if (inf(limit) > inf(maximum))
        return send_fault(res, call,
                          bad_request(fmt::format("Quota limit {} for {} must be less than or equal to {}.", limit,
                                                  resource, maximum)));
    }
  }
  if (!update.limits.empty()) {
    auto kept = quotas.set(user.empty() ? core::QuotaScope::Project : core::QuotaScope::User, project, user,
                           update.limits);
    if (!kept) return send_fault(res, call, from_core(kept.error()));
  }
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  write_quota_set(w, "quota_set", std::nullopt, quota_resources(call.version, false),
                  user.empty() ? quotas.project_limits(project) : quotas.user_limits(project, user), nullptr);
  send_json(res, 200, buffer.GetString());
}

void Service::delete_quota_set(const httplib::Request& req, httplib::Response& res, const Call& call) {
  const auto project = req.matches[1].str();
  if (!allowed(res, call, "os_compute_api:os-quota-sets:delete")) return;
  if (auto fault = strict_query(req, call.version, {"user_id"})) return send_fault(res, call, *fault);
  const auto user = req.has_param("user_id") ? req.get_param_value("user_id") : std::string();
  auto cleared = quotas.clear(project, user);
  if (!cleared) return send_fault(res, call, from_core(cleared.error()));
  res.status = 202;
}

void Service::show_quota_class(const httplib::Request& req, httplib::Response& res, const Call& call) {
  if (!allowed(res, call, "os_compute_api:os-quota-class-sets:show")) return;
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  const auto name = req.matches[1].str();
  write_quota_set(w, "quota_class_set", name, quota_resources(call.version, true), quotas.class_limits(name), nullptr);
  send_json(res, 200, buffer.GetString());
}

void Service::update_quota_class(const httplib::Request& req, httplib::Response& res, const Call& call) {
  const auto name = req.matches[1].str();
  if (!allowed(res, call, "os_compute_api:os-quota-class-sets:update")) return;
  auto parsed = parse_quota_update(req.body, call.version, true);
  if (auto* fault = std::get_if<Fault>(&parsed)) return send_fault(res, call, *fault);
  if (name.empty() || name.size() > 255)
    return send_fault(res, call, bad_request("quota_class_name has a length of 1 to 255 characters."));
  call.entry->status = 200;
  const auto& update = std::get<QuotaUpdate>(parsed);
  if (!update.limits.empty()) {
    auto kept = quotas.set(core::QuotaScope::Class, name, "", update.limits);
    if (!kept) return send_fault(res, call, from_core(kept.error()));
  }
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  write_quota_set(w, "quota_class_set", std::nullopt, quota_resources(call.version, true), quotas.class_limits(name),
                  nullptr);
  send_json(res, 200, buffer.GetString());
}

void Service::show_limits(const httplib::Request& req, httplib::Response& res, const Call& call) {
  if (call.version.at_least(75)) {
    if (auto fault = strict_query(req, call.version, {"tenant_id"})) return send_fault(res, call, *fault);
  }
  auto project = call.identity->project;
  if (req.has_param("tenant_id")) {
    if (!call.caller.admin) return send_fault(res, call, policy_refused("os_compute_api:limits:other_project"));
    project = req.get_param_value("tenant_id");
  }
  const auto limits = quotas.project_limits(project);
  const auto usage = quotas.usage(project);
  // Nova's limits view: which quota each absolute limit shows, by microversion.
  struct Shown {
    const char* name;
    std::string_view resource;
    int until;  // shown below this microversion (0: always)
  };
  static constexpr Shown kMax[] = {
      {"maxTotalRAMSize", "ram", 0},          {"maxTotalInstances", "instances", 0},
      {"maxTotalCores", "cores", 0},          {"maxTotalKeypairs", "key_pairs", 0},
      {"maxTotalFloatingIps", "floating_ips", 36}, {"maxServerMeta", "metadata_items", 0},
      {"maxImageMeta", "metadata_items", 39}, {"maxPersonality", "injected_files", 57},
      {"maxPersonalitySize", "injected_file_content_bytes", 57}, {"maxSecurityGroups", "security_groups", 36},
      {"maxSecurityGroupRules", "security_group_rules", 36}, {"maxServerGroups", "server_groups", 0},
      {"maxServerGroupMembers", "server_group_members", 0}};
  static constexpr Shown kUsed[] = {{"totalRAMUsed", "ram", 0},
                                    {"totalCoresUsed", "cores", 0},
                                    {"totalInstancesUsed", "instances", 0},
                                    {"totalFloatingIpsUsed", "floating_ips", 36},
                                    {"totalSecurityGroupsUsed", "security_groups", 36},
                                    {"totalServerGroupsUsed", "server_groups", 0}};
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  w.Key("limits");
  w.StartObject();
  w.Key("rate");
  w.StartArray();
  w.EndArray();
  w.Key("absolute");
  w.StartObject();
  for (const auto& s : kMax) {
    if (s.until && call.version.at_least(s.until)) continue;
    w.Key(s.name);
    w.Int64(value_of(limits, s.resource));
  }
  for (const auto& s : kUsed) {
    if (s.until && call.version.at_least(s.until)) continue;
    w.Key(s.name);
    w.Int64(counted(s.resource) ? value_of(usage, s.resource) : 0);
  }
  w.EndObject();
  w.EndObject();
  w.EndObject();
  send_json(res, 200, buffer.GetString());
}

}  // namespace openstack
