// SSH keys checked for what they say they are: a user's public key as
// OpenSSH writes it (an authorized_keys line), a server's private host key
// (PEM, or OpenSSH's own format), and host keys derived from a secret. The
// key types are the ones OpenSSH and AWS Transfer Family share: ssh-rsa,
// ecdsa-sha2-nistp256/384/521 and ssh-ed25519. Every key is loaded by
// OpenSSL (an RSA modulus is checked, an EC point must be on its curve, a
// private key must match its public half), never matched by pattern alone.
// OpenSSL only; knows nothing of HTTP, JSON or the core.
#pragma once

#include <string>
#include <string_view>
#include <variant>

namespace secret {

// The key types accepted, in the order messages list them.
inline constexpr std::string_view kSshKeyTypes =
    "ssh-rsa, ecdsa-sha2-nistp256, ecdsa-sha2-nistp384, ecdsa-sha2-nistp521, ssh-ed25519";

struct SshPublicKey {
  std::string type;         // "ssh-rsa", "ecdsa-sha2-nistp256", ..., "ssh-ed25519"
  std::string blob;         // the key in SSH's wire encoding: equal blobs are the same key, whatever the comment
  std::string line;         // the line as given, without surrounding white space
  std::string fingerprint;  // "SHA256:" and the padded base64 of the blob's SHA-256 digest
  int bits = 0;             // the RSA modulus's size, or the curve's
};

// "<type> <base64 blob>[ <comment>]", one line; the blob must name the same
// type and hold a valid key of it, and nothing more. What is wrong otherwise,
// in a sentence.
std::variant<SshPublicKey, std::string> parse_ssh_public_key(std::string_view line);

struct HostKey {
  std::string type;         // as SshPublicKey::type
  std::string public_blob;  // the public half in SSH's wire encoding
  std::string public_line;  // "<type> <base64 blob>": what ssh-keyscan shows of it
  std::string fingerprint;  // "SHA256:" and the padded base64 of the public blob's SHA-256 digest
  std::string private_pem;  // the private key as unencrypted PKCS#8 PEM ("BEGIN PRIVATE KEY")
  int bits = 0;
};

// A server's private key: PEM (PKCS#1 "RSA PRIVATE KEY", SEC1 "EC PRIVATE
// KEY", PKCS#8 "PRIVATE KEY") or OpenSSH's "OPENSSH PRIVATE KEY", without a
// passphrase, one key. What is wrong otherwise, in a sentence.
std::variant<HostKey, std::string> parse_host_key(std::string_view text);

// An ssh-ed25519 host key made from `secret` and `name` (its seed is their
// HMAC-SHA256): the same secret and name give the same key, every time.
HostKey derive_host_key(std::string_view secret, std::string_view name);

// "SHA256:" and the padded base64 of the SHA-256 digest of `blob`.
std::string sha256_fingerprint(std::string_view blob);

}  // namespace secret
