// POST /identity/v3/auth/tokens, as read from its body before any user,
// token or credential is looked up: the methods (password, token,
// application_credential) and the scope (a project by id or by name in a
// domain; a domain or the system, which are refused later). Pure, so the
// fuzzer calls exactly what the handler calls.
#pragma once

#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace openstack {

// Something named by id, or by name within a domain (itself by id or name).
struct NamedRef {
  std::string id;
  std::string name;
  std::string domain_id;
  std::string domain_name;
  bool given() const { return !id.empty() || !name.empty(); }
};

struct AuthRequest {
  std::vector<std::string> methods;  // identity.methods, as sent
  NamedRef user;                     // password (and an application credential named by name)
  std::string password;
  std::string token;                 // token: the token's id
  NamedRef app_credential;           // application_credential: by id, or by name with `user`
  std::string secret;
  enum class Scope { None, Project, Domain, System } scope = Scope::None;
  NamedRef project;                  // Scope::Project

  bool has(std::string_view method) const;
};

// Checks the body's shape; Keystone's 400 message when it is wrong.
std::variant<AuthRequest, std::string> parse_auth_request(std::string_view body);

}  // namespace openstack
