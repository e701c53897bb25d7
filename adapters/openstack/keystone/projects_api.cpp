// Projects (create, list, show, update, delete), the one domain, and what
// a token may see (/v3/auth/projects, /v3/auth/domains). A project made
// here is a tenant of the core at once (accounts.h).
#include <fmt/format.h>
#include <httplib.h>

#include "adapters/openstack/keystone/accounts.h"
#include "adapters/openstack/keystone/identity_api.h"
#include "adapters/openstack/keystone/identity_bodies.h"
#include "adapters/openstack/keystone/identity_views.h"
#include "core/text.h"
#include "secret/secret.h"

namespace openstack {
namespace {

constexpr const char* kProjects = R"(/identity/v3/projects/?)";
constexpr const char* kProject = R"(/identity/v3/projects/([^/]+))";

// Keystone's boolean query filters: "0" and "false" (any case) are false.
bool truthy(const std::string& v) { return !(v == "0" || core::iequals(v, "false")); }

bool in_domain(const httplib::Request& req) {
  return !req.has_param("domain_id") || req.get_param_value("domain_id") == kDefaultDomain;
}

void send_project(IdentityCall& call, int status, const Project& p) {
  call.send(status, member_body("project", [&](Writer& w) { write_project(w, p, call.base); }));
}

void list_projects(IdentityCall& call) {
  const auto& q = call.req;
  const auto dir = call.keystone.directory().reader();
  call.send(200, collection_body("projects", call.base + "/projects", [&](Writer& w) {
    if (!in_domain(q) || (q.has_param("is_domain") && truthy(q.get_param_value("is_domain")))) return;
    for (const auto& [id, p] : dir->projects) {
      if (q.has_param("name") && q.get_param_value("name") != p.name) continue;
      if (q.has_param("enabled") && truthy(q.get_param_value("enabled")) != p.enabled) continue;
      write_project(w, p, call.base);
    }
  }));
}

void create_project(IdentityCall& call) {
  auto parsed = parse_project_body(call.req.body, true);
  if (auto* problem = std::get_if<std::string>(&parsed)) return call.bad_request(*problem);
  auto& body = std::get<ProjectBody>(parsed);
  if (body.domain_id && !body.domain_id->empty() && *body.domain_id != kDefaultDomain)
    return call.not_found("domain", *body.domain_id);
  auto& keystone = call.keystone;
  auto writer = keystone.directory().writer();
  if (writer->project_named(*body.name)) return call.duplicate_in_domain("project", *body.name);
  Project p;
  p.id = secret::random_hex(16);
  p.name = *body.name;
  p.description = body.description.value_or("");
  p.enabled = body.enabled.value_or(true);
  p.tags = body.tags.value_or(std::vector<std::string>{});
  p.extra = std::move(body.extra);
  std::tie(p.account, p.region) =
      account_for(p.id, p.name, keystone.settings().project_accounts, keystone.fleet().tenants());
  DirectoryEdit edit;
  edit.put_projects.push_back(p);
  if (!writer.commit(std::move(edit))) return call.unavailable();
  send_project(call, 201, p);
}

void show_project(IdentityCall& call) {
  const auto id = call.arg(1);
  // A member may read its own project; anything else is an admin's.
  if (!call.admin() && call.caller->project != id) return call.forbidden();
  const auto dir = call.keystone.directory().reader();
  const auto* p = dir->project(id);
  if (!p) return call.not_found("project", id);
  send_project(call, 200, *p);
}

void update_project(IdentityCall& call) {
  const auto id = call.arg(1);
  auto parsed = parse_project_body(call.req.body, false);
  if (auto* problem = std::get_if<std::string>(&parsed)) return call.bad_request(*problem);
  auto& body = std::get<ProjectBody>(parsed);
  auto writer = call.keystone.directory().writer();
  const auto* found = writer->project(id);
  if (!found) return call.not_found("project", id);
  Project p = *found;
  if (body.name && *body.name != p.name) {
    if (writer->project_named(*body.name)) return call.duplicate_in_domain("project", *body.name);
    p.name = *body.name;
  }
  if (body.description) p.description = *body.description;
  if (body.tags) p.tags = *body.tags;
  for (auto& [key, json] : body.extra) core::set_pair(p.extra, key, json);
  DirectoryEdit edit;
  // Disabling a project takes back its tokens, as Keystone's revocation event does.
  if (body.enabled && !*body.enabled && p.enabled) edit.revocations.push_back(Revocation{{}, p.id, {}});
  if (body.enabled) p.enabled = *body.enabled;
  edit.put_projects.push_back(p);
  if (!writer.commit(std::move(edit))) return call.unavailable();
  send_project(call, 200, p);
}

void delete_project(IdentityCall& call) {
  const auto id = call.arg(1);
  auto writer = call.keystone.directory().writer();
  if (!writer->project(id)) return call.not_found("project", id);
  DirectoryEdit edit;
  edit.removed_projects.push_back(id);
  if (!writer.commit(std::move(edit))) return call.unavailable();
  call.no_content();
}

void list_domains(IdentityCall& call) {
  const auto& q = call.req;
  call.send(200, collection_body("domains", call.base + "/domains", [&](Writer& w) {
    if (q.has_param("name") && q.get_param_value("name") != kDefaultDomainName) return;
    if (q.has_param("enabled") && !truthy(q.get_param_value("enabled"))) return;
    write_default_domain(w, call.base);
  }));
}

void show_domain(IdentityCall& call) {
  if (call.arg(1) != kDefaultDomain) return call.not_found("domain", call.arg(1));
  call.send(200, member_body("domain", [&](Writer& w) { write_default_domain(w, call.base); }));
}

// The projects the token's user has a role on (enabled ones), whatever the token's scope.
void auth_projects(IdentityCall& call) {
  const auto dir = call.keystone.directory().reader();
  call.send(200, collection_body("projects", call.base + "/auth/projects", [&](Writer& w) {
    auto mine = dir->projects_of(call.caller->user);
    if (mine.empty() && !dir->user(call.caller->user))
      if (const auto* p = dir->project(call.caller->project)) mine.push_back(p);  // the dashboard's own
    for (const auto* p : mine)
      if (p->enabled) write_project(w, *p, call.base);
  }));
}

void auth_domains(IdentityCall& call) {
  const auto dir = call.keystone.directory().reader();
  call.send(200, collection_body("domains", call.base + "/auth/domains", [&](Writer& w) {
    if (!dir->effective_roles(call.caller->user, "domain:" + std::string(kDefaultDomain)).empty())
      write_default_domain(w, call.base);
  }));
}

}  // namespace

void mount_projects(httplib::Server& server, Keystone& keystone) {
  const auto route = [&](const char* operation, Policy policy, void (*handler)(IdentityCall&)) {
    return identity_route(keystone, operation, policy, handler);
  };
  server.Get(kProjects, route("list_projects", Policy::Admin, list_projects));
  server.Post(kProjects, route("create_project", Policy::Admin, create_project));
  server.Get(kProject, route("get_project", Policy::Authenticated, show_project));
  server.Patch(kProject, route("update_project", Policy::Admin, update_project));
  server.Delete(kProject, route("delete_project", Policy::Admin, delete_project));
  server.Get(R"(/identity/v3/domains/?)", route("list_domains", Policy::Admin, list_domains));
  server.Get(R"(/identity/v3/domains/([^/]+))", route("get_domain", Policy::Authenticated, show_domain));
  server.Get(R"(/identity/v3/auth/projects/?)", route("list_user_projects", Policy::Authenticated, auth_projects));
  server.Get(R"(/identity/v3/auth/domains/?)", route("list_user_domains", Policy::Authenticated, auth_domains));
}

}  // namespace openstack
