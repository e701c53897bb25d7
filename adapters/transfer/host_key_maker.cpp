#include "adapters/transfer/host_key_maker.h"

#include "secret/secret.h"
#include "secret/ssh_keys.h"

namespace transfer {

std::string DerivedHostKeys::new_secret() const { return secret::random_hex(32); }

core::HostKey DerivedHostKeys::generate(std::string_view secret, std::string_view server) const {
  auto key = secret::derive_host_key(secret, server);
  core::HostKey out;
  out.type = key.type;
  out.fingerprint = key.fingerprint;
  out.public_line = key.public_line;
  out.private_pem = std::move(key.private_pem);
  return out;
}

}  // namespace transfer
