// The flavor API's changes, as Nova's flavor-manage, flavor-access and
// flavor-extra-specs controllers make them: create, update (2.55), delete,
// access lists of private flavors, extra specs. Changes are an admin's
// (Nova's policy names in the 403s); every reader may read extra specs.
#include <algorithm>

#include <fmt/format.h>
#include <httplib.h>

#include "adapters/openstack/nova/admin_body.h"
#include "adapters/openstack/nova/service.h"

namespace openstack {
namespace {

Fault flavor_missing(const std::string& id) { return not_found(fmt::format("Flavor {} could not be found.", id)); }

void send_flavor(httplib::Response& res, const Call& call, const Flavor& f) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  w.Key("flavor");
  write_flavor(w, f, call.base, call.version, true);
  w.EndObject();
  send_json(res, 200, buffer.GetString());
}

void send_access(httplib::Response& res, const Flavor& f) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  w.Key("flavor_access");
  w.StartArray();
  for (const auto& project : f.projects) {
    w.StartObject();
    field(w, "flavor_id", f.id);
    field(w, "tenant_id", project);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  send_json(res, 200, buffer.GetString());
}

void send_specs(httplib::Response& res, const core::Pairs& specs, bool wrapped) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  if (wrapped) {
    w.StartObject();
    w.Key("extra_specs");
  }
  write_extra_specs(w, specs);
  if (wrapped) w.EndObject();
  send_json(res, 200, buffer.GetString());
}

}  // namespace

FlavorViewer Service::flavor_viewer(const Call& call) const {
  return FlavorViewer{call.identity->project, call.caller.admin};
}

bool Service::allowed(httplib::Response& res, const Call& call, std::string_view policy) {
  if (call.caller.admin) return true;
  send_fault(res, call, policy_refused(policy));
  return false;
}

void Service::create_flavor(const httplib::Request& req, httplib::Response& res, const Call& call) {
  if (!allowed(res, call, "os_compute_api:os-flavor-manage:create")) return;
  auto parsed = parse_flavor_create(req.body, call.version);
  if (auto* fault = std::get_if<Fault>(&parsed)) return send_fault(res, call, *fault);
  call.entry->status = 200;
  auto made = flavors.create(std::move(std::get<Flavor>(parsed)));
  if (!made) return send_fault(res, call, from_core(made.error()));
  send_flavor(res, call, made.value());
}

void Service::update_flavor(const httplib::Request& req, httplib::Response& res, const Call& call) {
  const auto id = req.matches[1].str();
  if (!call.version.at_least(55)) return send_fault(res, call, Fault{405, "badMethod", "The method specified is not allowed for this resource.", -1});
  if (!allowed(res, call, "os_compute_api:os-flavor-manage:update")) return;
  auto parsed = parse_flavor_update(req.body);
  if (auto* fault = std::get_if<Fault>(&parsed)) return send_fault(res, call, *fault);
  call.entry->status = 200;
  const auto description = std::get<std::optional<std::string>>(parsed);
  auto changed = flavors.change(id, [&](Flavor& f) -> std::optional<core::Error> {
    f.description = description;
    return std::nullopt;
  });
  if (!changed) return send_fault(res, call, changed.error().code == core::ErrorCode::NotFound
                                                 ? flavor_missing(id)
                                                 : from_core(changed.error()));
  send_flavor(res, call, changed.value());
}

void Service::delete_flavor(const httplib::Request& req, httplib::Response& res, const Call& call) {
  const auto id = req.matches[1].str();
  if (!allowed(res, call, "os_compute_api:os-flavor-manage:delete")) return;
  auto removed = flavors.remove(id);
  if (!removed) return send_fault(res, call, removed.error().code == core::ErrorCode::NotFound
                                                 ? flavor_missing(id)
                                                 : from_core(removed.error()));
  res.status = 202;
}

void Service::list_flavor_access(const httplib::Request& req, httplib::Response& res, const Call& call) {
  const auto id = req.matches[1].str();
  if (!allowed(res, call, "os_compute_api:os-flavor-access")) return;
  const auto flavor = flavors.flavor(id, false);
  if (!flavor) return send_fault(res, call, flavor_missing(id));
  if (flavor->is_public) return send_fault(res, call, not_found("Access list not available for public flavors."));
  send_access(res, *flavor);
}

void Service::flavor_action(const httplib::Request& req, httplib::Response& res, const Call& call) {
  const auto id = req.matches[1].str();
  auto parsed = parse_flavor_action(req.body);
  if (auto* fault = std::get_if<Fault>(&parsed)) return send_fault(res, call, *fault);
  const auto& r = std::get<FlavorAccessRequest>(parsed);
  call.entry->operation = r.add ? "addTenantAccess" : "removeTenantAccess";
  if (!allowed(res, call, r.add ? "os_compute_api:os-flavor-access:add_tenant_access"
                                : "os_compute_api:os-flavor-access:remove_tenant_access"))
    return;
  call.entry->status = 200;
  std::optional<Fault> refused;
  auto changed = flavors.change(id, [&](Flavor& f) -> std::optional<core::Error> {
    const auto it = std::find(f.projects.begin(), f.projects.end(), r.tenant);
    if (r.add && call.version.at_least(7) && f.is_public)
      refused = Fault{409, "conflictingRequest", "Can not add access to a public flavor.", -1};
    else if (r.add && it != f.projects.end())
      refused = Fault{409, "conflictingRequest",
                      fmt::format("Flavor access already exists for flavor {} and project {} combination.", f.id,
                                  r.tenant),
                      -1};
    else if (!r.add && it == f.projects.end())
      refused = not_found(fmt::format("Flavor access not found for {} / {} combination.", f.id, r.tenant));
    if (refused) return core::invalid_argument("tenant", refused->message);
    if (r.add) f.projects.push_back(r.tenant);
    else f.projects.erase(it);
    return std::nullopt;
  });
  if (refused) return send_fault(res, call, *refused);
  if (!changed) return send_fault(res, call, changed.error().code == core::ErrorCode::NotFound
                                                 ? flavor_missing(id)
                                                 : from_core(changed.error()));
  send_access(res, changed.value());
}

void Service::list_extra_specs(const httplib::Request& req, httplib::Response& res, const Call& call) {
  const auto id = req.matches[1].str();
  const auto flavor = flavors.visible(id, flavor_viewer(call));
  if (!flavor) return send_fault(res, call, flavor_missing(id));
  send_specs(res, flavor->extra_specs, true);
}

void Service::show_extra_spec(const httplib::Request& req, httplib::Response& res, const Call& call) {
  const auto id = req.matches[1].str(), key = req.matches[2].str();
  const auto flavor = flavors.visible(id, flavor_viewer(call));
  if (!flavor) return send_fault(res, call, flavor_missing(id));
  const auto value = core::find_pair(flavor->extra_specs, key);
  if (!value)
    return send_fault(res, call, not_found(fmt::format("Flavor {} has no extra specs with key {}.", id, key)));
  send_specs(res, {{key, std::string(*value)}}, false);
}

void Service::set_extra_specs(const httplib::Request& req, httplib::Response& res, const Call& call) {
  const auto id = req.matches[1].str();
  const bool one = req.matches.size() > 2;
  std::optional<std::string> key;
  if (one) key = req.matches[2].str();
  if (!allowed(res, call, one ? "os_compute_api:os-flavor-extra-specs:update"
                              : "os_compute_api:os-flavor-extra-specs:create"))
    return;
  auto parsed = parse_extra_specs(req.body, key);
  if (auto* fault = std::get_if<Fault>(&parsed)) return send_fault(res, call, *fault);
  const auto& specs = std::get<core::Pairs>(parsed);
  call.entry->status = 200;
  auto changed = flavors.change(id, [&](Flavor& f) -> std::optional<core::Error> {
    for (const auto& [k, v] : specs) core::set_pair(f.extra_specs, k, v);
    return std::nullopt;
  });
  if (!changed) return send_fault(res, call, changed.error().code == core::ErrorCode::NotFound
                                                 ? flavor_missing(id)
                                                 : from_core(changed.error()));
  // Nova answers with the body it was given.
  send_json(res, 200, req.body);
}

void Service::delete_extra_spec(const httplib::Request& req, httplib::Response& res, const Call& call) {
  const auto id = req.matches[1].str(), key = req.matches[2].str();
  if (!allowed(res, call, "os_compute_api:os-flavor-extra-specs:delete")) return;
  bool had = false;
  auto changed = flavors.change(id, [&](Flavor& f) -> std::optional<core::Error> {
    had = std::erase_if(f.extra_specs, [&](const auto& p) { return p.first == key; }) > 0;
    if (!had) return core::invalid_argument("key", key);
    return std::nullopt;
  });
  if (!changed && changed.error().code == core::ErrorCode::NotFound) return send_fault(res, call, flavor_missing(id));
  if (!had) return send_fault(res, call, not_found(fmt::format("Flavor {} has no extra specs with key {}.", id, key)));
  if (!changed) return send_fault(res, call, from_core(changed.error()));
  call.entry->status = 200;
  res.status = 200;
}

}  // namespace openstack
