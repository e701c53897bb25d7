// Users (create, list, show, update, delete) and a user's projects.
// Passwords are kept as secret::hash_password hashes only.
#include <fmt/format.h>
#include <httplib.h>

#include "adapters/openstack/keystone/identity_api.h"
#include "adapters/openstack/keystone/identity_bodies.h"
#include "adapters/openstack/keystone/identity_views.h"
#include "core/text.h"
#include "secret/secret.h"

namespace openstack {
namespace {

constexpr const char* kUsers = R"(/identity/v3/users/?)";
constexpr const char* kUser = R"(/identity/v3/users/([^/]+))";

bool truthy(const std::string& v) { return !(v == "0" || core::iequals(v, "false")); }

void send_user(IdentityCall& call, int status, const DirectoryUser& u) {
  call.send(status, member_body("user", [&](Writer& w) { write_user(w, u, call.base); }));
}

bool admin_or_self(IdentityCall& call, const std::string& user_id) {
  if (call.admin() || call.caller->user == user_id) return true;
  call.forbidden();
  return false;
}

void list_users(IdentityCall& call) {
  const auto& q = call.req;
  const auto dir = call.keystone.directory().reader();
  call.send(200, collection_body("users", call.base + "/users", [&](Writer& w) {
    if (q.has_param("domain_id") && q.get_param_value("domain_id") != kDefaultDomain) return;
    for (const auto& [id, u] : dir->users) {
      if (q.has_param("name") && q.get_param_value("name") != u.name) continue;
      if (q.has_param("enabled") && truthy(q.get_param_value("enabled")) != u.enabled) continue;
      write_user(w, u, call.base);
    }
  }));
}

void create_user(IdentityCall& call) {
  auto parsed = parse_user_body(call.req.body, true);
  if (auto* problem = std::get_if<std::string>(&parsed)) return call.bad_request(*problem);
  auto& body = std::get<UserBody>(parsed);
  if (body.domain_id && *body.domain_id != kDefaultDomain) return call.not_found("domain", *body.domain_id);
  DirectoryUser u;
  u.id = secret::random_hex(16);
  u.name = *body.name;
  u.description = body.description.value_or("");
  u.default_project = body.default_project_id.value_or("");
  u.enabled = body.enabled.value_or(true);
  u.extra = std::move(body.extra);
  // Hashed before the writer lock: the hash is the slow part.
  if (body.password && !body.password->empty()) u.password_hash = secret::hash_password(*body.password);
  auto writer = call.keystone.directory().writer();
  if (writer->user_named(u.name)) return call.duplicate_in_domain("user", u.name);
  DirectoryEdit edit;
  edit.put_users.push_back(u);
  if (!writer.commit(std::move(edit))) return call.unavailable();
  send_user(call, 201, u);
}

void show_user(IdentityCall& call) {
  const auto id = call.arg(1);
  if (!admin_or_self(call, id)) return;
  const auto dir = call.keystone.directory().reader();
  const auto* u = dir->user(id);
  if (!u) return call.not_found("user", id);
  send_user(call, 200, *u);
}

void update_user(IdentityCall& call) {
  const auto id = call.arg(1);
  auto parsed = parse_user_body(call.req.body, false);
  if (auto* problem = std::get_if<std::string>(&parsed)) return call.bad_request(*problem);
  auto& body = std::get<UserBody>(parsed);
  std::string new_hash;
  if (body.password && !body.password->empty()) new_hash = secret::hash_password(*body.password);
  auto writer = call.keystone.directory().writer();
  const auto* found = writer->user(id);
  if (!found) return call.not_found("user", id);
  if (body.domain_id && *body.domain_id != kDefaultDomain) return call.not_found("domain", *body.domain_id);
  DirectoryUser u = *found;
  if (body.name && *body.name != u.name) {
    if (writer->user_named(*body.name)) return call.duplicate_in_domain("user", *body.name);
    u.name = *body.name;
  }
  if (body.description) u.description = *body.description;
  if (body.default_project_id) u.default_project = *body.default_project_id;
  for (auto& [key, json] : body.extra) core::set_pair(u.extra, key, json);
  DirectoryEdit edit;
  if (body.password) {
    // A new password (or none) ends the sessions of the old one, as Keystone does.
    u.password.clear();
    u.password_hash = new_hash;
    edit.revocations.push_back(Revocation{u.id, {}, {}});
  }
  if (body.enabled && !*body.enabled && u.enabled) edit.revocations.push_back(Revocation{u.id, {}, {}});
  if (body.enabled) u.enabled = *body.enabled;
  edit.put_users.push_back(u);
  if (!writer.commit(std::move(edit))) return call.unavailable();
  send_user(call, 200, u);
}

void delete_user(IdentityCall& call) {
  const auto id = call.arg(1);
  auto writer = call.keystone.directory().writer();
  if (!writer->user(id)) return call.not_found("user", id);
  DirectoryEdit edit;
  edit.removed_users.push_back(id);
  if (!writer.commit(std::move(edit))) return call.unavailable();
  call.no_content();
}

void user_projects(IdentityCall& call) {
  const auto id = call.arg(1);
  if (!admin_or_self(call, id)) return;
  const auto dir = call.keystone.directory().reader();
  if (!dir->user(id)) return call.not_found("user", id);
  call.send(200, collection_body("projects", call.base + "/users/" + id + "/projects", [&](Writer& w) {
    for (const auto* p : dir->projects_of(id)) write_project(w, *p, call.base);
  }));
}

}  // namespace

void mount_users(httplib::Server& server, Keystone& keystone) {
  const auto route = [&](const char* operation, Policy policy, void (*handler)(IdentityCall&)) {
    return identity_route(keystone, operation, policy, handler);
  };
  server.Get(kUsers, route("list_users", Policy::Admin, list_users));
  server.Post(kUsers, route("create_user", Policy::Admin, create_user));
  server.Get(kUser, route("get_user", Policy::Authenticated, show_user));
  server.Patch(kUser, route("update_user", Policy::Admin, update_user));
  server.Delete(kUser, route("delete_user", Policy::Admin, delete_user));
  server.Get(R"(/identity/v3/users/([^/]+)/projects/?)",
             route("list_user_projects", Policy::Authenticated, user_projects));
}

}  // namespace openstack
