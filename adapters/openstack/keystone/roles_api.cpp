// Roles (create, list, show, update, delete), role assignments of users on
// projects, the domain and the system (grant, check, list, revoke), and
// /v3/role_assignments. A grant is idempotent, as Keystone's PUT is;
// revoking one takes back the user's tokens on that project.
#include <fmt/format.h>
#include <httplib.h>

#include "adapters/openstack/keystone/identity_api.h"
#include "adapters/openstack/keystone/identity_bodies.h"
#include "adapters/openstack/keystone/identity_views.h"
#include "core/text.h"
#include "secret/secret.h"

namespace openstack {
namespace {

constexpr const char* kRoles = R"(/identity/v3/roles/?)";
constexpr const char* kRole = R"(/identity/v3/roles/([^/]+))";

void send_role(IdentityCall& call, int status, const Role& r) {
  call.send(status, member_body("role", [&](Writer& w) { write_role(w, r, call.base); }));
}

std::string duplicate_role_name(const std::string& name) { return fmt::format("Duplicate entry found with name {}", name); }

void list_roles(IdentityCall& call) {
  const auto& q = call.req;
  const auto dir = call.keystone.directory().reader();
  call.send(200, collection_body("roles", call.base + "/roles", [&](Writer& w) {
    if (q.has_param("domain_id")) return;  // no domain-specific roles here
    for (const auto& [id, r] : dir->roles)
      if (!q.has_param("name") || q.get_param_value("name") == r.name) write_role(w, r, call.base);
  }));
}

void create_role(IdentityCall& call) {
  auto parsed = parse_role_body(call.req.body, true);
  if (auto* problem = std::get_if<std::string>(&parsed)) return call.bad_request(*problem);
  auto& body = std::get<RoleBody>(parsed);
  if (body.domain_id && !body.domain_id->empty())
    return call.bad_request("Invalid input for field/attribute role/domain_id. Domain-specific roles are not served here.");
  auto writer = call.keystone.directory().writer();
  if (writer->role_named(*body.name)) return call.conflict("role", duplicate_role_name(*body.name));
  Role r{secret::random_hex(16), *body.name, body.description.value_or("")};
  DirectoryEdit edit;
  edit.put_roles.push_back(r);
  if (!writer.commit(std::move(edit))) return call.unavailable();
  send_role(call, 201, r);
}

void show_role(IdentityCall& call) {
  const auto dir = call.keystone.directory().reader();
  const auto* r = dir->role(call.arg(1));
  if (!r) return call.not_found("role", call.arg(1));
  send_role(call, 200, *r);
}

void update_role(IdentityCall& call) {
  auto parsed = parse_role_body(call.req.body, false);
  if (auto* problem = std::get_if<std::string>(&parsed)) return call.bad_request(*problem);
  auto& body = std::get<RoleBody>(parsed);
  auto writer = call.keystone.directory().writer();
  const auto* found = writer->role(call.arg(1));
  if (!found) return call.not_found("role", call.arg(1));
  Role r = *found;
  if (body.name && !core::iequals(*body.name, r.name) && writer->role_named(*body.name))
    return call.conflict("role", duplicate_role_name(*body.name));
  if (body.name) r.name = *body.name;
  if (body.description) r.description = *body.description;
  DirectoryEdit edit;
  edit.put_roles.push_back(r);
  if (!writer.commit(std::move(edit))) return call.unavailable();
  send_role(call, 200, r);
}

void delete_role(IdentityCall& call) {
  auto writer = call.keystone.directory().writer();
  if (!writer->role(call.arg(1))) return call.not_found("role", call.arg(1));
  DirectoryEdit edit;
  edit.removed_roles.push_back(call.arg(1));
  if (!writer.commit(std::move(edit))) return call.unavailable();
  call.no_content();
}

// The target a grant route names: its kind from the route, its id from the path.
enum class Target { Project, Domain, System };

// Finds the target, the user and the role a grant route names (404 when
// one is missing); the grant's target key, or nothing once answered.
std::optional<std::string> resolve(IdentityCall& call, const DirectoryState& dir, Target kind, const std::string& target,
                                   const std::string& user, const std::string* role) {
  if (kind == Target::Project && !dir.project(target)) return call.not_found("project", target), std::nullopt;
  if (kind == Target::Domain && target != kDefaultDomain) return call.not_found("domain", target), std::nullopt;
  if (!dir.user(user)) return call.not_found("user", user), std::nullopt;
  if (role && !dir.role(*role)) return call.not_found("role", *role), std::nullopt;
  switch (kind) {
    case Target::Project: return project_target(target);
    case Target::Domain: return "domain:" + target;
    case Target::System: return std::string("system:all");
  }
  return std::nullopt;
}

// Path captures: (target, user, role) for projects and domains, (user, role) for the system.
struct GrantPath {
  std::string target, user, role;
};
GrantPath grant_path(IdentityCall& call, Target kind) {
  if (kind == Target::System) return {"all", call.arg(1), call.arg(2)};
  return {call.arg(1), call.arg(2), call.arg(3)};
}

void grant(IdentityCall& call, Target kind) {
  const auto path = grant_path(call, kind);
  auto writer = call.keystone.directory().writer();
  const auto target = resolve(call, *writer, kind, path.target, path.user, &path.role);
  if (!target) return;
  Grant g{path.user, *target, path.role};
  if (writer->grants.count(g)) return call.no_content();
  DirectoryEdit edit;
  edit.put_grants.push_back(std::move(g));
  if (!writer.commit(std::move(edit))) return call.unavailable();
  call.no_content();
}

void check_grant(IdentityCall& call, Target kind) {
  const auto path = grant_path(call, kind);
  const auto dir = call.keystone.directory().reader();
  const auto target = resolve(call, *dir, kind, path.target, path.user, &path.role);
  if (!target) return;
  if (!dir->grants.count(Grant{path.user, *target, path.role}))
    return send_keystone_error(call.res, 404, "Not Found",
                               fmt::format("Could not find role assignment with role: {}, user or group: {}, project, "
                                           "domain, or system: {}.", path.role, path.user, path.target));
  call.no_content();
}

void revoke_grant(IdentityCall& call, Target kind) {
  const auto path = grant_path(call, kind);
  auto writer = call.keystone.directory().writer();
  const auto target = resolve(call, *writer, kind, path.target, path.user, &path.role);
  if (!target) return;
  Grant g{path.user, *target, path.role};
  if (!writer->grants.count(g))
    return send_keystone_error(call.res, 404, "Not Found",
                               fmt::format("Could not find role assignment with role: {}, user or group: {}, project, "
                                           "domain, or system: {}.", path.role, path.user, path.target));
  DirectoryEdit edit;
  edit.removed_grants.push_back(std::move(g));
  if (!writer.commit(std::move(edit))) return call.unavailable();
  call.no_content();
}

void list_grants(IdentityCall& call, Target kind) {
  const auto target_id = kind == Target::System ? std::string("all") : call.arg(1);
  const auto user = kind == Target::System ? call.arg(1) : call.arg(2);
  const auto dir = call.keystone.directory().reader();
  const auto target = resolve(call, *dir, kind, target_id, user, nullptr);
  if (!target) return;
  call.send(200, collection_body("roles", call.base + call.req.path.substr(call.req.path.find("/v3") + 3), [&](Writer& w) {
    for (const auto& g : dir->grants)
      if (g.user == user && g.target == *target)
        if (const auto* r = dir->role(g.role)) write_role(w, *r, call.base);
  }));
}

}  // namespace

void mount_roles(httplib::Server& server, Keystone& keystone) {
  const auto route = [&](const char* operation, Policy policy, void (*handler)(IdentityCall&)) {
    return identity_route(keystone, operation, policy, handler);
  };
  server.Get(kRoles, route("list_roles", Policy::Admin, list_roles));
  server.Post(kRoles, route("create_role", Policy::Admin, create_role));
  server.Get(kRole, route("get_role", Policy::Admin, show_role));
  server.Patch(kRole, route("update_role", Policy::Admin, update_role));
  server.Delete(kRole, route("delete_role", Policy::Admin, delete_role));

  struct Kind {
    Target target;
    const char* one;   // .../roles/{role}
    const char* all;   // .../roles
  };
  for (const auto& k : {Kind{Target::Project, R"(/identity/v3/projects/([^/]+)/users/([^/]+)/roles/([^/]+))",
                             R"(/identity/v3/projects/([^/]+)/users/([^/]+)/roles/?)"},
                        Kind{Target::Domain, R"(/identity/v3/domains/([^/]+)/users/([^/]+)/roles/([^/]+))",
                             R"(/identity/v3/domains/([^/]+)/users/([^/]+)/roles/?)"},
                        Kind{Target::System, R"(/identity/v3/system/users/([^/]+)/roles/([^/]+))",
                             R"(/identity/v3/system/users/([^/]+)/roles/?)"}}) {
    const auto target = k.target;
    const bool system = target == Target::System;
    const auto name = [&](const char* verb) {
      return system ? fmt::format("{}_system_grant_for_user", verb) : fmt::format("{}_grant", verb);
    };
    server.Put(k.one, identity_route(keystone, system ? name("create") : "create_grant", Policy::Admin,
                                     [target](IdentityCall& c) { grant(c, target); }));
    server.Get(k.one, identity_route(keystone, system ? name("check") : "check_grant", Policy::Admin,
                                     [target](IdentityCall& c) { check_grant(c, target); }));
    server.Delete(k.one, identity_route(keystone, system ? name("revoke") : "revoke_grant", Policy::Admin,
                                        [target](IdentityCall& c) { revoke_grant(c, target); }));
    server.Get(k.all, identity_route(keystone, system ? "list_system_grants_for_user" : "list_grants", Policy::Admin,
                                     [target](IdentityCall& c) { list_grants(c, target); }));
  }
  mount_role_assignments(server, keystone);
}

}  // namespace openstack
