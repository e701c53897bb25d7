// Secrets: tokens drawn from OpenSSL's CSPRNG, and comparisons whose time
// does not depend on where two values differ. For Keystone tokens, the
// control token and passwords; digests for Glance's checksums. Knows
// nothing of HTTP, JSON or the core.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace secret {

// `bytes` random bytes from RAND_bytes, as 2 * bytes lowercase hex digits.
// Aborts if the CSPRNG cannot be seeded: a gateway must never hand out a
// guessable secret.
std::string random_hex(std::size_t bytes);

// `bytes` random bytes as unpadded base64url (A-Z a-z 0-9 - _): 4 characters
// per 3 bytes, so a token carries its entropy in fewer bytes on the wire.
std::string random_base64url(std::size_t bytes);

// Whether a and b are equal, in time that depends on their lengths only.
bool equal(std::string_view a, std::string_view b);

// The lowercase hex digest of `data` by an OpenSSL digest name ("md5",
// "sha512"): Glance's checksums of an upload.
std::string digest_hex(const char* algorithm, std::string_view data);

// A password as kept at rest: "pbkdf2-sha256$<iterations>$<salt hex>$<hash hex>"
// (PBKDF2-HMAC-SHA256, a random 16-byte salt). Keystone's passwords of the
// users clients create; the password itself is never kept.
std::string hash_password(std::string_view password);
// Whether `password` is the one `hashed` was made from (compared in constant
// time); false for anything hash_password did not make.
bool password_matches(std::string_view password, std::string_view hashed);

}  // namespace secret
