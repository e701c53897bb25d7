// The bodies of Keystone's identity API (projects, users, roles,
// application credentials), checked as Keystone's JSON schemas check them:
// what a client may set, or Keystone's 400 message. Pure, so the fuzzer
// calls exactly what the handlers call.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/clock.h"
#include "core/server.h"

namespace openstack {

// POST /v3/projects ({"project": {...}}) and PATCH /v3/projects/{id}.
struct ProjectBody {
  std::optional<std::string> name;
  std::optional<std::string> description;  // null: ""
  std::optional<std::string> domain_id;    // null: the default domain
  std::optional<bool> enabled;
  std::optional<std::vector<std::string>> tags;
  core::Pairs extra;  // other attributes, each as JSON text
};
std::variant<ProjectBody, std::string> parse_project_body(std::string_view body, bool create);

// POST /v3/users and PATCH /v3/users/{id}.
struct UserBody {
  std::optional<std::string> name;
  std::optional<std::string> description;
  std::optional<std::string> domain_id;
  std::optional<std::string> default_project_id;  // null: ""
  std::optional<std::string> password;            // null: no password
  std::optional<bool> enabled;
  core::Pairs extra;  // email and other attributes, each as JSON text
};
std::variant<UserBody, std::string> parse_user_body(std::string_view body, bool create);

// POST /v3/roles and PATCH /v3/roles/{id}.
struct RoleBody {
  std::optional<std::string> name;
  std::optional<std::string> description;
  std::optional<std::string> domain_id;  // a domain-specific role: refused by the handler
};
std::variant<RoleBody, std::string> parse_role_body(std::string_view body, bool create);

// POST /v3/users/{id}/application_credentials.
struct AppCredentialBody {
  std::string name;
  std::string description;
  std::optional<std::string> secret;  // absent or null: one is generated
  std::optional<core::Millis> expires_ms;
  struct RoleRef {
    std::string id;
    std::string name;
  };
  std::vector<RoleRef> roles;  // empty: the token's roles
  bool unrestricted = false;
};
std::variant<AppCredentialBody, std::string> parse_app_credential_body(std::string_view body);

}  // namespace openstack
