// SSH keys (secret/ssh_keys.h): every accepted type read from what
// ssh-keygen writes, fingerprints as ssh-keygen computes them (plus AWS's
// padding), and keys that are not what they say refused with a reason.
#include <doctest/doctest.h>

#include <string>

#include "secret/ssh_keys.h"
#include "secret/ssh_wire.h"
#include "test_keys.h"

namespace {

secret::SshPublicKey public_key(std::string_view line) {
  auto parsed = secret::parse_ssh_public_key(line);
  if (auto* why = std::get_if<std::string>(&parsed)) FAIL_CHECK("refused: " << *why);
  REQUIRE(std::holds_alternative<secret::SshPublicKey>(parsed));
  return std::get<secret::SshPublicKey>(parsed);
}

std::string refusal(std::string_view line) {
  auto parsed = secret::parse_ssh_public_key(line);
  REQUIRE(std::holds_alternative<std::string>(parsed));
  return std::get<std::string>(parsed);
}

secret::HostKey host_key(std::string_view text) {
  auto parsed = secret::parse_host_key(text);
  if (auto* why = std::get_if<std::string>(&parsed)) FAIL_CHECK("refused: " << *why);
  REQUIRE(std::holds_alternative<secret::HostKey>(parsed));
  return std::get<secret::HostKey>(parsed);
}

std::string host_refusal(std::string_view text) {
  auto parsed = secret::parse_host_key(text);
  REQUIRE(std::holds_alternative<std::string>(parsed));
  return std::get<std::string>(parsed);
}

// The public line's blob, edited by `edit` and put back.
template <typename F>
std::string edited(std::string_view line, F edit) {
  const auto space = line.find(' ');
  const auto end = line.find(' ', space + 1);
  auto blob = *secret::wire::unbase64(line.substr(space + 1, end - space - 1));
  edit(blob);
  return std::string(line.substr(0, space)) + " " + secret::wire::base64(blob);
}

}  // namespace

TEST_CASE("public keys of every accepted type, with ssh-keygen's fingerprints padded as AWS writes them") {
  const auto ed = public_key(test_keys::kEd25519Public);
  CHECK(ed.type == "ssh-ed25519");
  CHECK(ed.fingerprint == test_keys::kEd25519Fingerprint);
  CHECK(ed.bits == 256);
  CHECK(ed.line == std::string(test_keys::kEd25519Public).substr(0, std::string(test_keys::kEd25519Public).size() - 1));
  CHECK(public_key(test_keys::kEcdsa256Public).fingerprint == test_keys::kEcdsa256Fingerprint);
  CHECK(public_key(test_keys::kEcdsa384Public).type == "ecdsa-sha2-nistp384");
  const auto rsa = public_key(test_keys::kRsa2048Public);
  CHECK(rsa.fingerprint == test_keys::kRsa2048Fingerprint);
  CHECK(rsa.bits == 2048);
  // The comment is not the key: the same blob is the same key.
  const std::string line = test_keys::kEd25519Public;
  CHECK(public_key(line.substr(0, line.find(' ', 12)) + " another comment").blob == ed.blob);
  CHECK(public_key("  " + line + "\r\n").blob == ed.blob);
  CHECK(public_key(test_keys::kRsa1024Public).bits == 1024);
}

TEST_CASE("public keys that are not what they say are refused, with the reason") {
  const std::string ed = test_keys::kEd25519Public;
  CHECK(refusal("") == "the key is empty");
  CHECK(refusal("ssh-dss AAAAB3NzaC1kc3MAAACBAP").find("does not begin with one of the types") != std::string::npos);
  CHECK(refusal("from=\"10.0.0.1\" " + ed).find("does not begin with one of the types") != std::string::npos);
  CHECK(refusal("ssh-ed25519 not*base64") == "the key's second field is not base64");
  CHECK(refusal("ssh-ed25519") == "the key's second field is not base64");
  CHECK(refusal(ed + ed) == "an SSH public key is one line");
  CHECK(refusal("ssh-rsa" + ed.substr(11)) == "the key's data is not an ssh-rsa key");
  CHECK(refusal(edited(ed, [](std::string& b) { b += '\0'; })) == "the ssh-ed25519 key's data goes on after the key");
  CHECK(refusal(edited(ed, [](std::string& b) { b.resize(b.size() - 1); })).find("is 32 bytes") != std::string::npos);
  // A point moved off its curve, an even modulus: OpenSSL's checks refuse them.
  CHECK(refusal(edited(test_keys::kEcdsa256Public, [](std::string& b) { b[b.size() - 3] ^= 1; })) ==
        "the ecdsa-sha2-nistp256 key is not valid: OpenSSL cannot load it as a key");
  CHECK(refusal(edited(test_keys::kRsa2048Public, [](std::string& b) { b.back() ^= 1; })) ==
        "the ssh-rsa key is not valid: its modulus is even");
  // An exponent of 1, and one as large as the modulus.
  for (const std::string& exponent : {std::string("\x01"), std::string(256, '\xc3')}) {
    std::string blob;
    secret::wire::put_string(blob, "ssh-rsa");
    secret::wire::put_mpint(blob, exponent);
    secret::wire::put_mpint(blob, std::string(256, '\xc3'));
    CHECK(refusal("ssh-rsa " + secret::wire::base64(blob)).find("its exponent is not an odd number") !=
          std::string::npos);
  }
  // An ECDSA key whose blob names another curve than its type.
  CHECK(refusal("ecdsa-sha2-nistp384" + std::string(test_keys::kEcdsa256Public).substr(19, 200))
            .find("key's data is not an ecdsa-sha2-nistp384 key") != std::string::npos);
  // A modulus too small for OpenSSH.
  std::string small;
  secret::wire::put_string(small, "ssh-rsa");
  secret::wire::put_mpint(small, "\x01\x00\x01");
  secret::wire::put_mpint(small, std::string(64, '\xc3'));
  CHECK(refusal("ssh-rsa " + secret::wire::base64(small)).find("has 512 bits") != std::string::npos);
}

TEST_CASE("host keys in OpenSSH's format and in PEM; the public half and fingerprint match ssh-keygen's") {
  const auto ed = host_key(test_keys::kEd25519Private);
  CHECK(ed.type == "ssh-ed25519");
  CHECK(ed.fingerprint == test_keys::kEd25519Fingerprint);
  CHECK(std::string(test_keys::kEd25519Public).rfind(ed.public_line, 0) == 0);
  CHECK(ed.private_pem.rfind("-----BEGIN PRIVATE KEY-----", 0) == 0);
  CHECK(host_key(test_keys::kRsa2048Private).fingerprint == test_keys::kRsa2048Fingerprint);
  CHECK(host_key(test_keys::kEcdsa384Private).fingerprint == test_keys::kEcdsa384Fingerprint);
  CHECK(host_key(test_keys::kEcdsa256Pem).fingerprint == test_keys::kEcdsa256Fingerprint);
  const auto rsa = host_key(test_keys::kRsa2048Pem);
  CHECK(rsa.fingerprint == test_keys::kRsa2048PemFingerprint);
  CHECK(rsa.bits == 2048);
  // What it writes, it reads back as the same key.
  CHECK(host_key(rsa.private_pem).fingerprint == rsa.fingerprint);
  CHECK(host_key(ed.private_pem).fingerprint == ed.fingerprint);
}

TEST_CASE("host keys that are not usable are refused, with the reason") {
  CHECK(host_refusal("") == "the key is empty");
  CHECK(host_refusal(test_keys::kEd25519Public) == "the key is not PEM or OpenSSH's private key format");
  CHECK(host_refusal(test_keys::kEd25519Encrypted) == "the key is encrypted: import it without a passphrase");
  CHECK(host_refusal(test_keys::kSecp256k1Pem).find("is not of one of the types") != std::string::npos);
  CHECK(host_refusal(std::string(test_keys::kRsa2048Pem) + "more") == "the text goes on after the key");
  CHECK(host_refusal("-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n") ==
        "the key is not a PEM private key OpenSSL can read");
  std::string openssh = test_keys::kEd25519Private;
  CHECK(host_refusal(openssh.substr(0, openssh.size() - 10)) == "the OpenSSH key does not end with its END line");
  // A character of the private section changed: the halves no longer match.
  const auto body = openssh.find('\n') + 1;
  auto broken = openssh;
  broken[body + 300] = broken[body + 300] == 'A' ? 'B' : 'A';
  CHECK_FALSE(std::holds_alternative<secret::HostKey>(secret::parse_host_key(broken)));
}

TEST_CASE("derived host keys: the same secret and name give the same key; another of either, another key") {
  const auto a = secret::derive_host_key("secret", "s-00000000000000001");
  CHECK(a.type == "ssh-ed25519");
  CHECK(a.fingerprint.rfind("SHA256:", 0) == 0);
  CHECK(a.fingerprint.size() == 7 + 44);
  CHECK(a.fingerprint.back() == '=');
  CHECK(secret::derive_host_key("secret", "s-00000000000000001").private_pem == a.private_pem);
  CHECK(secret::derive_host_key("secret", "s-00000000000000002").fingerprint != a.fingerprint);
  CHECK(secret::derive_host_key("other", "s-00000000000000001").fingerprint != a.fingerprint);
  // The private half is a key like an imported one.
  CHECK(host_key(a.private_pem).fingerprint == a.fingerprint);
}
