#include "adapters/transfer/logins_support.h"

#include <fmt/format.h>

#include "adapters/transfer/views.h"
#include "core/text.h"
#include "secret/ssh_keys.h"

namespace transfer {

core::LoginCall login_call(Context& c, std::string_view provider) {
  core::LoginCall how;
  how.call = c.options.call;
  if (!provider.empty())
    how.admit = [provider](const core::ServerInfo& s) -> std::optional<core::Error> {
      const auto type = core::find_pair(s.attributes, kIdentityProviderType).value_or("SERVICE_MANAGED");
      if (type == provider) return std::nullopt;
      return core::invalid_argument(
          "IdentityProviderType",
          fmt::format("Server {} uses the {} identity provider; this operation needs {}", s.transfer_id, type, provider));
    };
  return how;
}

std::variant<core::PublicKey, WireError> public_key(std::string_view body) {
  auto parsed = secret::parse_ssh_public_key(body);
  if (auto* why = std::get_if<std::string>(&parsed))
    return invalid_request("Unsupported or invalid SSH public key format: " + *why);
  const auto& key = std::get<secret::SshPublicKey>(parsed);
  core::PublicKey out;
  out.type = key.type;
  out.body = core::valid_utf8(key.line);  // the comment is the client's bytes, and answers show it
  out.fingerprint = key.fingerprint;
  return out;
}

std::variant<core::HostKey, WireError> host_key(std::string_view body) {
  auto parsed = secret::parse_host_key(body);
  if (auto* why = std::get_if<std::string>(&parsed)) return invalid_request("Unsupported or invalid host key: " + *why);
  auto& key = std::get<secret::HostKey>(parsed);
  core::HostKey out;
  out.type = key.type;
  out.fingerprint = key.fingerprint;
  out.public_line = key.public_line;
  out.private_pem = std::move(key.private_pem);
  return out;
}

}  // namespace transfer
