// Who a Keystone token speaks for: its user, its project scope, its roles
// (implied ones included) and how it was issued. What every service reads
// from a checked token.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace openstack {

// A token time as it is kept (the state file, revocation events):
// microseconds since the epoch.
inline std::int64_t epoch_micros(std::chrono::system_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count();
}

struct Identity {
  std::string user;          // the user's id (a configured user's equals its name)
  std::string user_name;
  std::string project;       // the project's id (a configured project's equals its name); empty: unscoped
  std::string project_name;
  std::vector<std::string> roles;     // names, as policies read them
  std::vector<std::string> role_ids;  // the same roles' ids, in the same order
  std::chrono::system_clock::time_point issued;
  std::chrono::system_clock::time_point expires;
  std::string audit_id;
  std::string method = "password";  // how it was issued: password, token, application_credential
  std::string app_credential;       // the application credential's id, when issued for one
  std::string app_credential_name;
  bool app_credential_unrestricted = false;

  bool has_role(std::string_view role) const { return std::find(roles.begin(), roles.end(), role) != roles.end(); }
  bool admin() const { return has_role("admin"); }
};

}  // namespace openstack
