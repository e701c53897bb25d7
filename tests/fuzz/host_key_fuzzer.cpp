// A private host key, as ImportHostKey hands HostKeyBody to
// secret::parse_host_key (PEM through OpenSSL's reader, or OpenSSH's own
// format field by field). A key accepted must be usable as the server's:
// the PKCS#8 PEM kept parses back to the same key, and its public line
// parses as a public key with the same fingerprint.
// Input: the text as a client sends it; or, after a first byte 0, the
// decoded content of an OpenSSH key ("openssh-key-v1\0..."), which the
// target wraps in base64 and the BEGIN/END lines, so the fuzzer reaches the
// binary fields directly.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "secret/ssh_keys.h"
#include "secret/ssh_wire.h"
#include "tests/fuzz/fuzz_world.h"

namespace {

void require(bool ok, const char* what, const std::string& text) {
  if (ok) return;
  std::fprintf(stderr, "%s:\n%s\n", what, text.c_str());
  std::abort();
}

std::string openssh_of(std::string_view content) {
  const auto encoded = secret::wire::base64(content);
  std::string out = "-----BEGIN OPENSSH PRIVATE KEY-----\n";
  for (std::size_t i = 0; i < encoded.size(); i += 70) out += encoded.substr(i, 70) + "\n";
  return out + "-----END OPENSSH PRIVATE KEY-----\n";
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto input = fuzz::as_text(data, size);
  const std::string text = !input.empty() && input[0] == '\0' ? openssh_of(input.substr(1)) : std::string(input);
  if (text.size() > 4096) return 0;  // the model's bound on HostKeyBody
  auto parsed = secret::parse_host_key(text);
  if (auto* why = std::get_if<std::string>(&parsed)) {
    fuzz::require_utf8(*why, "a refusal");
    return 0;
  }
  const auto& key = std::get<secret::HostKey>(parsed);
  require(key.fingerprint == secret::sha256_fingerprint(key.public_blob), "a fingerprint not of the public blob", text);
  const auto again = secret::parse_host_key(key.private_pem);
  const auto* same = std::get_if<secret::HostKey>(&again);
  require(same && same->fingerprint == key.fingerprint && same->type == key.type,
          "a kept private key that does not parse back the same", text);
  const auto public_half = secret::parse_ssh_public_key(key.public_line);
  const auto* pub = std::get_if<secret::SshPublicKey>(&public_half);
  require(pub && pub->fingerprint == key.fingerprint, "a public half that is not the same key", text);
  return 0;
}
