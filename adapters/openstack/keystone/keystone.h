// The Keystone v3 subset real clients need: discovery, tokens (password,
// token and application-credential methods, scoped to a project, or
// unscoped), validation and revocation, over a directory of projects, users,
// roles and role assignments that admins change through the identity API
// (identity_api.h). Tokens come from a CSPRNG and expire by the wall clock;
// with durable state they are kept (as core documents) and honoured after a
// restart, unless a revocation event (a deleted user, a role taken back, ...)
// took them back.
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
#include "adapters/openstack/keystone/auth_request.h"
#include "adapters/openstack/keystone/directory.h"
#include "adapters/openstack/keystone/identity.h"
#include "adapters/openstack/keystone/revocations.h"
#include "core/store.h"

namespace httplib {
class Server;
struct Request;
struct Response;
}  // namespace httplib

namespace openstack {

// Keystone's error body: {"error": {"code", "title", "message"}} (the message made UTF-8).
std::string keystone_error_body(int status, std::string_view title, const std::string& message);
void send_keystone_error(httplib::Response& res, int status, std::string_view title, const std::string& message);

// Why a token was not issued: Keystone's status and message.
struct AuthRefusal {
  int status = 401;
  std::string message = "The request you have made requires authentication.";
};

class Keystone final : public core::Keeper {
 public:
  // Registers itself (tokens, revocation events) and its directory as the
  // fleet's keepers.
  Keystone(const Settings& settings, core::Fleet& fleet);
  void mount(httplib::Server& server);
  // The identity behind a token scoped to a project, if it is valid now
  // (null otherwise): one hash lookup under a shared lock, no copy, and the
  // revocation events when there are any. With --auth noauth a token
  // "user:project" is taken at its word, as Nova's noauth2 does.
  std::shared_ptr<const Identity> check(std::string_view token) const;
  // The same, unscoped tokens included (what Keystone's own API takes).
  std::shared_ptr<const Identity> check_any(std::string_view token) const;
  // core::Keeper: tokens are documents of kind "keystone-token", kept until
  // they expire (expired ones are skipped at load), never in snapshots, and
  // a reset of the fleet leaves them be; so are revocation events.
  bool owns(std::string_view kind) const override;
  bool in_snapshots() const override { return false; }
  std::optional<std::string> verify(const std::vector<core::Document>& documents) const override;
  void load(const std::vector<core::Document>& documents) override;
  void reset() override;
  std::vector<core::Document> documents() const override;
  // A token for a member of `project` (the user "dashboard"), for the page to
  // act through the real API; nothing if it cannot be kept (--state unwritable).
  std::optional<std::string> issue_for_project(const std::string& project);

  // The identity a token request proves, or why not (auth.cpp).
  std::variant<Identity, AuthRefusal> authenticate(const AuthRequest& request) const;
  // Gives `id` its times (an expiry already set caps the new one: a
  // rescoped token's, an application credential's) and audit id, keeps and
  // files a new token for it.
  std::optional<std::string> issue(Identity& id);
  // Forgets one token (DELETE /auth/tokens); false if it cannot be written.
  bool revoke(const std::string& token);

  Directory& directory() { return directory_; }
  const Settings& settings() const { return settings_; }
  core::Fleet& fleet() { return fleet_; }

 private:
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
  Revocations revocations_;
  Directory directory_;
  mutable std::shared_mutex mutex_;
  std::unordered_map<std::string, Issued, SelectorHash, std::equal_to<>> tokens_;
  std::size_t sweep_at_ = 1024;  // guarded by mutex_
};

}  // namespace openstack
