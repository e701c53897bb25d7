// Key pairs as Nova hands them out: an RSA key generated for a user (the
// private key is returned once and never kept), or a public key a user
// imports; and the fingerprints Nova shows for them. OpenSSL only; knows
// nothing of HTTP, JSON or the core.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace secret {

struct GeneratedKeyPair {
  std::string private_key;  // PEM; for x509, base64 of a PKCS#12 bundle with an empty password
  std::string public_key;   // "ssh-rsa AAAA... Generated-by-Nova", or the PEM certificate
  std::string fingerprint;  // as ssh_fingerprint or x509_fingerprint give it
};

// A 2048-bit RSA key pair, as Nova's crypto.generate_key_pair makes it.
GeneratedKeyPair generate_ssh_key_pair();

// A self-signed client certificate for `user` (CN=user, 10 years), as
// Nova's crypto.generate_winrm_x509_cert makes it.
GeneratedKeyPair generate_x509_key_pair(std::string_view user);

// The MD5 fingerprint of an OpenSSH public key line ("aa:bb:..."), or
// nothing when the line is not a well-formed key of a known type.
std::optional<std::string> ssh_fingerprint(std::string_view public_key);

// The SHA-1 fingerprint of a PEM certificate, or nothing when it is not one.
std::optional<std::string> x509_fingerprint(std::string_view pem);

}  // namespace secret
