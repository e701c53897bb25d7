// The key a server presents when none was imported: an ed25519 key derived
// from a secret the logins keep (secret/ssh_keys.h), so it stays the same
// across restarts, resets and snapshots without being stored per server.
#pragma once

#include "core/logins.h"

namespace transfer {

class DerivedHostKeys final : public core::HostKeyMaker {
 public:
  // 32 bytes from OpenSSL's CSPRNG, as hex.
  std::string new_secret() const override;
  core::HostKey generate(std::string_view secret, std::string_view server) const override;
};

}  // namespace transfer
