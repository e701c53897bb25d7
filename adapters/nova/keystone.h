// The Keystone v3 subset real clients need: discovery, password (and token)
// authentication scoped to a project, token validation and revocation.
// Tokens are random, expire by the wall clock, and live in memory.
#pragma once

#include <chrono>
#include <optional>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "adapters/nova/api.h"

namespace httplib {
class Server;
struct Request;
}  // namespace httplib

namespace nova {

struct Identity {
  std::string user;
  std::string project;
  std::vector<std::string> roles;
  std::chrono::system_clock::time_point issued;
  std::chrono::system_clock::time_point expires;
  std::string audit_id;
  bool has_role(std::string_view role) const;
};

// The scheme and host the client used, for URLs in answers: "http://127.0.0.1:8780".
std::string base_url(const httplib::Request& req);

class Keystone {
 public:
  explicit Keystone(const Settings& settings);
  void mount(httplib::Server& server);
  // The identity behind a token, if it is valid now. With --auth noauth a
  // token "user:project" is taken at its word, as Nova's noauth2 does.
  std::optional<Identity> check(const std::string& token) const;

 private:
  const Settings& settings_;
  mutable std::shared_mutex mutex_;
  std::unordered_map<std::string, Identity> tokens_;
};

}  // namespace nova
