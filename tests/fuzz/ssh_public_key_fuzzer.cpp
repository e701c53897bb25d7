// An SSH public key line, as ImportSshPublicKey and CreateUser's
// SshPublicKeyBody hand it to secret::parse_ssh_public_key. A key accepted
// must be what it says: its line rebuilt from type and blob parses to the
// same key and fingerprint, and the fingerprint is "SHA256:" and 44
// characters of padded base64.
// Input: a line as a client sends it; or, after a first byte 0, the key's
// raw blob, which the target base64-encodes under the type the blob names,
// so the fuzzer reaches the binary fields directly.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "secret/ssh_keys.h"
#include "secret/ssh_wire.h"
#include "tests/fuzz/fuzz_world.h"

namespace {

void require(bool ok, const char* what, const std::string& line) {
  if (ok) return;
  std::fprintf(stderr, "%s: %s\n", what, line.c_str());
  std::abort();
}

std::string line_of_blob(std::string_view blob) {
  secret::wire::Reader r(blob);
  const auto named = r.string();
  std::string type = "ssh-rsa";
  if (named && !named->empty() && named->size() < 32 && named->find_first_of(" \t\r\n") == std::string_view::npos)
    type = std::string(*named);
  return type + " " + secret::wire::base64(blob) + " fuzz";
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto text = fuzz::as_text(data, size);
  if (text.size() > 2048) return 0;  // the model's bound on SshPublicKeyBody
  const std::string line = !text.empty() && text[0] == '\0' ? line_of_blob(text.substr(1)) : std::string(text);
  auto parsed = secret::parse_ssh_public_key(line);
  if (auto* why = std::get_if<std::string>(&parsed)) {
    fuzz::require_utf8(*why, "a refusal");
    return 0;
  }
  const auto& key = std::get<secret::SshPublicKey>(parsed);
  require(key.fingerprint.size() == 7 + 44 && key.fingerprint.rfind("SHA256:", 0) == 0 && key.fingerprint.back() == '=',
          "a fingerprint not as AWS writes them", line);
  require(key.fingerprint == secret::sha256_fingerprint(key.blob), "a fingerprint not of the blob", line);
  const auto again = secret::parse_ssh_public_key(key.type + " " + secret::wire::base64(key.blob));
  const auto* same = std::get_if<secret::SshPublicKey>(&again);
  require(same && same->blob == key.blob && same->fingerprint == key.fingerprint,
          "a key that does not parse back the same", line);
  return 0;
}
