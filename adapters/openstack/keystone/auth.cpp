// Keystone's discovery and /v3/auth/tokens: who a request proves to be
// (password, token, application credential), the scope it asks for, and
// the token issued, validated or revoked.
#include <fmt/format.h>
#include <httplib.h>

#include "adapters/openstack/keystone/identity_api.h"
#include "adapters/openstack/keystone/keystone.h"
#include "adapters/openstack/keystone/token_view.h"
#include "adapters/openstack/shared/wire.h"
#include "core/call_note.h"
#include "secret/secret.h"

namespace openstack {
namespace {

constexpr const char* kJson = "application/json";

// Describes a Keystone call, and its caller once known, for the access log
// (token calls are not journaled).
void note_call(std::string_view operation, const Identity* caller) {
  auto& call = core::this_call();
  call = core::JournalEntry{};
  call.api = "keystone";
  call.operation.assign(operation);
  if (!caller) return;
  call.caller.assign(caller->user);
  call.caller_scope.assign(caller->project);
}

void unauthorized(httplib::Response& res, const AuthRefusal& why = {}) {
  send_keystone_error(res, why.status, "Unauthorized", why.message);
}

void unavailable(httplib::Response& res) {
  send_keystone_error(res, 503, "Service Unavailable",
                      "The service is unavailable: its state cannot be written. Try again later.");
}

void write_version(Writer& w, const std::string& base) {
  write_version_doc(w, {"v3.14", "stable", "2020-04-07T00:00:00Z", base + "/identity/v3/",
                        "application/vnd.openstack.identity-v3+json", "", ""});
}

bool in_default_domain(const NamedRef& ref) {
  return (ref.domain_id.empty() || ref.domain_id == kDefaultDomain) &&
         (ref.domain_name.empty() || ref.domain_name == kDefaultDomainName);
}

const DirectoryUser* resolve_user(const DirectoryState& dir, const NamedRef& ref) {
  if (!ref.id.empty()) return dir.user(ref.id);
  if (ref.name.empty() || !in_default_domain(ref) || (ref.domain_id.empty() && ref.domain_name.empty()))
    return nullptr;  // a name means nothing without its domain
  return dir.user_named(ref.name);
}

const Project* resolve_project(const DirectoryState& dir, const NamedRef& ref) {
  if (!ref.id.empty()) return dir.project(ref.id);
  if (ref.name.empty() || !in_default_domain(ref) || (ref.domain_id.empty() && ref.domain_name.empty()))
    return nullptr;
  return dir.project_named(ref.name);
}

// Scopes `id` (its user set) to `project`: its roles there, or a refusal.
std::optional<AuthRefusal> scope_to(const DirectoryState& dir, const Project& project, Identity& id) {
  if (!project.enabled) return AuthRefusal{401, fmt::format("Project is disabled: {}", project.id)};
  id.project = project.id;
  id.project_name = project.name;
  id.roles.clear();
  id.role_ids.clear();
  for (const auto* role : dir.effective_roles(id.user, project_target(project.id))) {
    id.roles.push_back(role->name);
    id.role_ids.push_back(role->id);
  }
  if (id.roles.empty()) return AuthRefusal{};
  return std::nullopt;
}

}  // namespace

std::variant<Identity, AuthRefusal> Keystone::authenticate(const AuthRequest& request) const {
  const auto dir = directory_.reader();
  Identity id;
  const DirectoryUser* user = nullptr;
  if (request.has("password")) {
    user = resolve_user(*dir, request.user);
    const bool matches = user && (user->password_hash.empty()
                                      ? !user->password.empty() && secret::equal(user->password, request.password)
                                      : secret::password_matches(request.password, user->password_hash));
    if (!matches) return AuthRefusal{};
    id.method = "password";
  } else if (request.has("application_credential")) {
    const AppCredential* cred = nullptr;
    if (!request.app_credential.id.empty()) {
      const auto it = dir->app_credentials.find(request.app_credential.id);
      if (it != dir->app_credentials.end()) cred = &it->second;
    } else if (const auto* owner = resolve_user(*dir, request.user)) {
      for (const auto& [cid, c] : dir->app_credentials)
        if (c.user == owner->id && c.name == request.app_credential.name) cred = &c;
    }
    if (!cred || !secret::equal(secret::digest_hex("sha256", request.secret), cred->secret_hash))
      return AuthRefusal{401, "Error authenticating with application credential: Invalid application credential."};
    if (cred->expires_ms &&
        *cred->expires_ms <= std::chrono::duration_cast<std::chrono::milliseconds>(
                                 std::chrono::system_clock::now().time_since_epoch()).count())
      return AuthRefusal{401, "Error authenticating with application credential: Application credential has expired."};
    if (request.scope != AuthRequest::Scope::None)
      return AuthRefusal{401, "Error authenticating with application credential: Application credentials cannot "
                              "request a scope."};
    user = dir->user(cred->user);
    const auto* project = dir->project(cred->project);
    if (!user || !project) return AuthRefusal{};
    id.user = user->id;
    if (auto refused = scope_to(*dir, *project, id)) return *refused;
    // The credential's roles, each still held by its user.
    std::vector<std::string> names, ids;
    for (const auto& role_id : cred->roles) {
      const auto at = std::find(id.role_ids.begin(), id.role_ids.end(), role_id);
      if (at == id.role_ids.end())
        return AuthRefusal{401, "Error authenticating with application credential: The user no longer has the "
                                "roles of the application credential."};
      ids.push_back(role_id);
      names.push_back(id.roles[static_cast<std::size_t>(at - id.role_ids.begin())]);
    }
    id.roles = std::move(names);
    id.role_ids = std::move(ids);
    id.method = "application_credential";
    id.app_credential = cred->id;
    id.app_credential_name = cred->name;
    id.app_credential_unrestricted = cred->unrestricted;
    if (cred->expires_ms) id.expires = std::chrono::system_clock::time_point(std::chrono::milliseconds(*cred->expires_ms));
  } else if (request.has("token")) {
    const auto existing = check_any(request.token);
    if (!existing) return AuthRefusal{};
    id = *existing;
    id.method = "token";
    user = dir->user(id.user);
    if (!user) {
      // The dashboard's user is no directory's: it keeps its own scope only.
      if (request.scope != AuthRequest::Scope::None && resolve_project(*dir, request.project) &&
          resolve_project(*dir, request.project)->id != id.project)
        return AuthRefusal{};
      return id;
    }
    if (request.scope == AuthRequest::Scope::None) return id;
  } else {
    return AuthRefusal{401, "Attempted to authenticate with an unsupported method."};
  }
  if (!user) return AuthRefusal{};
  if (!user->enabled) return AuthRefusal{401, fmt::format("The account is disabled for user: {}.", user->id)};
  if (id.method == "application_credential") return id;
  id.user = user->id;
  id.user_name = user->name;
  id.app_credential.clear();
  switch (request.scope) {
    case AuthRequest::Scope::Project: {
      const auto* project = resolve_project(*dir, request.project);
      if (!project) return AuthRefusal{};
      if (auto refused = scope_to(*dir, *project, id)) return *refused;
      return id;
    }
    case AuthRequest::Scope::Domain:
    case AuthRequest::Scope::System:
      return AuthRefusal{401, "Only project-scoped and unscoped tokens are issued here."};
    case AuthRequest::Scope::None:
      break;
  }
  // Unscoped: the default project when the user has a role there, else no project.
  if (const auto* project = dir->project(user->default_project); project && project->enabled) {
    Identity scoped = id;
    if (!scope_to(*dir, *project, scoped)) return scoped;
  }
  id.project.clear();
  id.project_name.clear();
  id.roles.clear();
  id.role_ids.clear();
  return id;
}

void Keystone::mount(httplib::Server& server) {
  server.Get(R"(/identity/?)", [](const httplib::Request& req, httplib::Response& res) {
    rapidjson::StringBuffer buffer;
    Writer w(buffer);
    w.StartObject();
    w.Key("versions");
    w.StartObject();
    w.Key("values");
    w.StartArray();
    write_version(w, base_url(req));
    w.EndArray();
    w.EndObject();
    w.EndObject();
    res.status = 300;
    res.set_content(buffer.GetString(), kJson);
  });

  server.Get(R"(/identity/v3/?)", [](const httplib::Request& req, httplib::Response& res) {
    rapidjson::StringBuffer buffer;
    Writer w(buffer);
    w.StartObject();
    w.Key("version");
    write_version(w, base_url(req));
    w.EndObject();
    res.set_content(buffer.GetString(), kJson);
  });

  server.Post("/identity/v3/auth/tokens", [this](const httplib::Request& req, httplib::Response& res) {
    note_call("issue_token", nullptr);
    auto parsed = parse_auth_request(req.body);
    if (auto* problem = std::get_if<std::string>(&parsed)) return send_keystone_error(res, 400, "Bad Request", *problem);
    // No directory change commits between the check and the token's filing:
    // a user deleted meanwhile cannot end up with a live token.
    const auto hold = directory_.hold_for_issue();
    auto proved = authenticate(std::get<AuthRequest>(parsed));
    if (auto* refused = std::get_if<AuthRefusal>(&proved)) return unauthorized(res, *refused);
    auto& id = std::get<Identity>(proved);
    note_call("issue_token", &id);
    const auto token = issue(id);
    if (!token) return unavailable(res);
    res.status = 201;
    res.set_header("X-Subject-Token", *token);
    res.set_content(token_body(id, base_url(req)), kJson);
  });

  server.Get("/identity/v3/auth/tokens", [this](const httplib::Request& req, httplib::Response& res) {
    const auto caller = check_any(req.get_header_value("X-Auth-Token"));
    note_call("validate_token", caller.get());
    if (!caller) return unauthorized(res);
    const auto subject = req.get_header_value("X-Subject-Token");
    auto id = check_any(subject);
    if (!id) return send_keystone_error(res, 404, "Not Found", fmt::format("Could not find token: {}.", subject));
    res.set_header("X-Subject-Token", subject);
    res.set_content(token_body(*id, base_url(req)), kJson);
  });

  server.Delete("/identity/v3/auth/tokens", [this](const httplib::Request& req, httplib::Response& res) {
    const auto caller = check_any(req.get_header_value("X-Auth-Token"));
    note_call("revoke_token", caller.get());
    if (!caller) return unauthorized(res);
    const auto subject = req.get_header_value("X-Subject-Token");
    if (!check_any(subject)) return send_keystone_error(res, 404, "Not Found", fmt::format("Could not find token: {}.", subject));
    if (!revoke(subject)) return unavailable(res);
    res.status = 204;
  });

  mount_identity_api(server, *this);
}

}  // namespace openstack
