// Application credentials: a user makes them for the project its token is
// scoped to, with some or all of its roles there; the secret is shown once
// and kept only as its SHA-256 (it is 64 random bytes, so no slow hash is
// needed). Deleting one revokes the tokens issued through it.
#include <chrono>

#include <fmt/format.h>
#include <httplib.h>

#include "adapters/openstack/keystone/identity_api.h"
#include "adapters/openstack/keystone/identity_bodies.h"
#include "adapters/openstack/keystone/identity_views.h"
#include "secret/secret.h"

namespace openstack {
namespace {

constexpr const char* kCredentials = R"(/identity/v3/users/([^/]+)/application_credentials/?)";
constexpr const char* kCredential = R"(/identity/v3/users/([^/]+)/application_credentials/([^/]+))";

// An application credential's token may not manage others, unless it was made unrestricted.
bool restricted(IdentityCall& call) {
  if (call.caller->app_credential.empty() || call.caller->app_credential_unrestricted) return false;
  call.forbidden("You are not authorized to perform the requested action: Using method 'application_credential' is "
                 "not allowed for managing additional application credentials.");
  return true;
}

bool admin_or_self(IdentityCall& call, const std::string& user_id) {
  if (call.admin() || call.caller->user == user_id) return true;
  call.forbidden();
  return false;
}

core::Millis now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void create_credential(IdentityCall& call) {
  const auto user_id = call.arg(1);
  if (restricted(call)) return;
  if (call.caller->user != user_id)
    return call.forbidden("You are not authorized to perform the requested action: Cannot create an application "
                          "credential for another user.");
  auto parsed = parse_app_credential_body(call.req.body);
  if (auto* problem = std::get_if<std::string>(&parsed)) return call.bad_request(*problem);
  auto& body = std::get<AppCredentialBody>(parsed);
  if (body.expires_ms && *body.expires_ms <= now_ms())
    return call.bad_request("The 'expires_at' must not be before now. The server could not comply with the request "
                            "since it is either malformed or otherwise incorrect. The client is assumed to be in error.");
  if (call.caller->project.empty())
    return call.bad_request("Invalid application credential: an application credential is made with a token scoped "
                            "to its project.");
  const auto& token = *call.caller;
  AppCredential cred;
  cred.id = secret::random_hex(16);
  cred.name = body.name;
  cred.description = body.description;
  cred.user = user_id;
  cred.project = token.project;
  cred.expires_ms = body.expires_ms;
  cred.unrestricted = body.unrestricted;
  const auto secret = body.secret.value_or(secret::random_base64url(64));
  cred.secret_hash = secret::digest_hex("sha256", secret);
  auto writer = call.keystone.directory().writer();
  if (body.roles.empty()) {
    cred.roles = token.role_ids;
  } else {
    for (const auto& ref : body.roles) {
      const auto* role = ref.id.empty() ? writer->role_named(ref.name) : writer->role(ref.id);
      if (!role) return call.not_found("role", ref.id.empty() ? ref.name : ref.id);
      if (std::find(token.role_ids.begin(), token.role_ids.end(), role->id) == token.role_ids.end())
        return call.bad_request("Invalid application credential: Cannot create an application credential with "
                                "unassigned role");
      if (std::find(cred.roles.begin(), cred.roles.end(), role->id) == cred.roles.end()) cred.roles.push_back(role->id);
    }
  }
  if (!writer->user(user_id)) return call.not_found("user", user_id);
  for (const auto& [id, other] : writer->app_credentials)
    if (other.user == user_id && other.name == cred.name)
      return call.conflict("application_credential", fmt::format("Duplicate entry found with name {}", cred.name));
  DirectoryEdit edit;
  edit.put_app_credentials.push_back(cred);
  if (!writer.commit(std::move(edit))) return call.unavailable();
  call.send(201, member_body("application_credential",
                             [&](Writer& w) { write_app_credential(w, cred, *writer, call.base, &secret); }));
}

void list_credentials(IdentityCall& call) {
  const auto user_id = call.arg(1);
  if (!admin_or_self(call, user_id)) return;
  const auto& q = call.req;
  const auto dir = call.keystone.directory().reader();
  call.send(200, collection_body("application_credentials", call.base + "/users/" + user_id + "/application_credentials",
                                 [&](Writer& w) {
                                   for (const auto& [id, a] : dir->app_credentials) {
                                     if (a.user != user_id) continue;
                                     if (q.has_param("name") && q.get_param_value("name") != a.name) continue;
                                     write_app_credential(w, a, *dir, call.base);
                                   }
                                 }));
}

void show_credential(IdentityCall& call) {
  const auto user_id = call.arg(1), id = call.arg(2);
  if (!admin_or_self(call, user_id)) return;
  const auto dir = call.keystone.directory().reader();
  const auto it = dir->app_credentials.find(id);
  if (it == dir->app_credentials.end() || it->second.user != user_id)
    return call.not_found("application credential", id);
  call.send(200, member_body("application_credential",
                             [&](Writer& w) { write_app_credential(w, it->second, *dir, call.base); }));
}

void delete_credential(IdentityCall& call) {
  const auto user_id = call.arg(1), id = call.arg(2);
  if (!admin_or_self(call, user_id) || restricted(call)) return;
  auto writer = call.keystone.directory().writer();
  const auto it = writer->app_credentials.find(id);
  if (it == writer->app_credentials.end() || it->second.user != user_id)
    return call.not_found("application credential", id);
  DirectoryEdit edit;
  edit.removed_app_credentials.push_back(id);
  if (!writer.commit(std::move(edit))) return call.unavailable();
  call.no_content();
}

}  // namespace

void mount_app_credentials(httplib::Server& server, Keystone& keystone) {
  const auto route = [&](const char* operation, void (*handler)(IdentityCall&)) {
    return identity_route(keystone, operation, Policy::Authenticated, handler);
  };
  server.Get(kCredentials, route("list_application_credentials", list_credentials));
  server.Post(kCredentials, route("create_application_credential", create_credential));
  server.Get(kCredential, route("get_application_credential", show_credential));
  server.Delete(kCredential, route("delete_application_credential", delete_credential));
}

}  // namespace openstack
