// Keystone's identity API beyond tokens: projects, domains, users, roles,
// role assignments, application credentials, and what a token may see
// (/v3/auth/projects). Every call is journaled (api "keystone", operation
// Keystone's policy name without "identity:"); changes are kept before they
// are answered; an admin-only call refuses others with Keystone's 403.
//
// identity_call.cpp is the pipeline every route shares; projects_api.cpp,
// users_api.cpp, roles_api.cpp, role_assignments_api.cpp and
// app_credentials_api.cpp the routes.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "adapters/openstack/keystone/keystone.h"
#include "core/journal.h"

namespace httplib {
class Server;
struct Request;
struct Response;
}  // namespace httplib

namespace openstack {

void mount_identity_api(httplib::Server& server, Keystone& keystone);

// One call of the identity API, as its handler sees it.
struct IdentityCall {
  const httplib::Request& req;
  httplib::Response& res;
  Keystone& keystone;
  std::shared_ptr<const Identity> caller;
  core::JournalEntry& entry;
  std::string base;  // "http://HOST/identity/v3": where links point

  bool admin() const { return caller->admin(); }
  // The path's n-th capture.
  std::string arg(std::size_t n) const;

  void send(int status, std::string body);
  void no_content();
  void bad_request(const std::string& message);
  // 403, naming the call's policy (identity:<operation>).
  void forbidden();
  void forbidden(const std::string& message);
  // 404 "Could not find <what>: <id>."
  void not_found(std::string_view what, std::string_view id);
  // 409 "Conflict occurred attempting to store <type> - <details>."
  void conflict(std::string_view type, const std::string& details);
  // 409 for a name taken in the default domain (a project's, a user's).
  void duplicate_in_domain(std::string_view type, const std::string& name);
  void unavailable();
};

enum class Policy {
  Admin,          // an admin's token only
  Authenticated,  // any valid token (the handler checks the rest: its own user, its project)
};
using IdentityHandler = std::function<void(IdentityCall&)>;
// The handler behind the shared pipeline: request ids, the token (401), the
// policy (403), the journal entry and the access log's description.
std::function<void(const httplib::Request&, httplib::Response&)> identity_route(Keystone& keystone,
                                                                                std::string operation,
                                                                                Policy policy,
                                                                                IdentityHandler handler);

// Each part's routes.
void mount_projects(httplib::Server& server, Keystone& keystone);
void mount_users(httplib::Server& server, Keystone& keystone);
void mount_roles(httplib::Server& server, Keystone& keystone);  // with mount_role_assignments
void mount_role_assignments(httplib::Server& server, Keystone& keystone);
void mount_app_credentials(httplib::Server& server, Keystone& keystone);

}  // namespace openstack
