// Nova's console authorizations (ConsoleAuthToken): a token from the CSPRNG
// that opens one server's remote console through the console proxy until
// it expires (Nova's [consoleauth] token_ttl, 600 s, by the fleet's clock).
// As Nova keeps only a token's SHA-256, so does the state file (documents
// of kind "nova-console-token", keyed by the hash); never in snapshots. A
// server's tokens go with it when it is deleted, and a reset of the fleet
// forgets them all.
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "core/fleet.h"

namespace openstack {

inline constexpr core::Millis kConsoleTokenTtlMs = 600'000;

// What a token opens, as GET /os-console-auth-tokens/{token} shows it.
struct ConsoleAuth {
  std::string instance_uuid;
  std::string console_type;  // novnc
  std::string host;          // the compute host (the gateway's one)
  int port = 5900;           // the VNC server's port on that host
  core::Millis expires_ms = 0;
};

class ConsoleTokens final : public core::Keeper {
 public:
  // Registers itself as the fleet's keeper of console tokens.
  ConsoleTokens(core::Fleet& fleet, core::Millis ttl_ms = kConsoleTokenTtlMs);
  ConsoleTokens(const ConsoleTokens&) = delete;
  ConsoleTokens& operator=(const ConsoleTokens&) = delete;

  // Where console URLs point: the proxy's "http://HOST:PORT" (set once it
  // listens). Empty: no proxy, so no console is available.
  void set_proxy(std::string base_url);
  std::string proxy() const;

  // A new token for `auth` (its expiry set from now), kept before it is
  // given out; the store's error if it cannot be kept.
  core::Result<std::string> authorize(ConsoleAuth auth);
  // What `token` opens, if it was issued and has not expired.
  std::optional<ConsoleAuth> validate(std::string_view token);

  // core::Keeper
  bool owns(std::string_view kind) const override;
  bool in_snapshots() const override { return false; }
  std::optional<std::string> verify(const std::vector<core::Document>& documents) const override;
  void load(const std::vector<core::Document>& documents) override;
  void reset() override;
  std::vector<core::Document> documents() const override;
  core::Staged stage_delete(const core::ServerInfo& server, core::Millis now) override;

 private:
  std::optional<ConsoleAuth> find(const std::string& hash) const;

  core::Fleet& fleet_;
  const core::Millis ttl_ms_;
  mutable std::mutex mutex_;
  std::string proxy_;
  std::map<std::string, ConsoleAuth> by_hash_;  // SHA-256 of the token, hex
};

// The token's SHA-256 (hex), as it is kept.
std::string console_token_hash(std::string_view token);

}  // namespace openstack
