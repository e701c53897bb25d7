// The Keystone v3 subset real clients need: discovery, password (and token)
// authentication scoped to a project, token validation and revocation.
// Tokens come from a CSPRNG and expire by the wall clock; with durable state
// they are kept (as core documents) and honoured after a restart.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <variant>
#include <vector>

#include "adapters/openstack/api.h"
#include "core/store.h"

namespace httplib {
class Server;
struct Request;
struct Response;
}  // namespace httplib

namespace openstack {

struct Identity {
  std::string user;
  std::string project;
  std::vector<std::string> roles;
  std::chrono::system_clock::time_point issued;
  std::chrono::system_clock::time_point expires;
  std::string audit_id;
  bool has_role(std::string_view role) const;
};

// POST /identity/v3/auth/tokens, as read from its body (before any user or
// token is looked up).
struct AuthRequest {
  std::string method;    // identity.methods[0]: "password", "token", or another (a 401)
  std::string user;      // password: the user's name, else its id
  std::string password;
  std::string token;     // token: the token's id
  bool scoped = false;   // a scope was given...
  std::optional<std::string> project;  // ...naming this project (name, else id; nothing: no project scope)
};

// Parses and checks the body's shape; Keystone's 400 message when it is wrong.
// Pure, so the fuzzer calls exactly what the handler calls.
std::variant<AuthRequest, std::string> parse_auth_request(std::string_view body);

// Keystone's (and Glance's) error body: {"error": {"code", "title", "message"}}.
void send_keystone_error(httplib::Response& res, int status, std::string_view title, const std::string& message);


class Keystone final : public core::Keeper {
 public:
  // Registers itself as the fleet's keeper of tokens.
  Keystone(const Settings& settings, core::Fleet& fleet);
  void mount(httplib::Server& server);
  // The identity behind a token, if it is valid now (null otherwise): one
  // hash lookup under a shared lock, no copy. With --auth noauth a token
  // "user:project" is taken at its word, as Nova's noauth2 does.
  std::shared_ptr<const Identity> check(std::string_view token) const;
  // core::Keeper: tokens are documents of kind "keystone-token", kept until
  // they expire (expired ones are skipped at load), never in snapshots, and
  // a reset of the fleet leaves them be.
  bool owns(std::string_view kind) const override;
  bool in_snapshots() const override { return false; }
  std::optional<std::string> verify(const std::vector<core::Document>& documents) const override;
  void load(const std::vector<core::Document>& documents) override;
  void reset() override;
  std::vector<core::Document> documents() const override;
  // A token for a member of `project` (the user "dashboard"), for the page to
  // act through the real API; nothing if it cannot be kept (--state unwritable).
  std::optional<std::string> issue_for_project(const std::string& project);

 private:
  // Gives `id` its times and audit id, keeps and files a new token for it.
  std::optional<std::string> issue(Identity& id);
  // A token is a selector (the table's key) and a verifier compared in
  // constant time, so the table's lookup never times a comparison of the
  // secret part (see keystone.cpp).
  struct Issued {
    std::string verifier;
    std::shared_ptr<const Identity> identity;
  };
  struct SelectorHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  // The entry of a token, if the token is well formed, issued and its verifier matches.
  const Issued* find(std::string_view token) const;
  static core::Document token_document(const std::string& token, const Identity& id);

  const Settings& settings_;
  core::Fleet& fleet_;
  mutable std::shared_mutex mutex_;
  std::unordered_map<std::string, Issued, SelectorHash, std::equal_to<>> tokens_;
  std::size_t sweep_at_ = 1024;  // guarded by mutex_
};

}  // namespace openstack
