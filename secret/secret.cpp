#include "secret/secret.h"

#include <cstdio>
#include <cstdlib>
#include <vector>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

namespace secret {

namespace {

std::vector<unsigned char> random_bytes(std::size_t bytes) {
  std::vector<unsigned char> raw(bytes);
  if (RAND_bytes(raw.data(), static_cast<int>(raw.size())) != 1) {
    std::fputs("lifecycle-gateway: the system's random source failed (RAND_bytes); refusing to issue a secret\n",
               stderr);
    std::abort();
  }
  return raw;
}

}  // namespace

std::string random_hex(std::size_t bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  const auto raw = random_bytes(bytes);
  std::string out(bytes * 2, '0');
  for (std::size_t i = 0; i < bytes; ++i) {
    out[2 * i] = kDigits[raw[i] >> 4];
    out[2 * i + 1] = kDigits[raw[i] & 0xf];
  }
  return out;
}

std::string random_base64url(std::size_t bytes) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  const auto raw = random_bytes(bytes);
  std::string out;
  out.reserve((bytes * 4 + 2) / 3);
  unsigned bits = 0;
  int pending = 0;  // bits in `bits` not yet written
  for (const unsigned char byte : raw) {
    bits = (bits << 8) | byte;
    pending += 8;
    while (pending >= 6) {
      pending -= 6;
      out += kAlphabet[(bits >> pending) & 0x3f];
    }
  }
  if (pending > 0) out += kAlphabet[(bits << (6 - pending)) & 0x3f];
  return out;
}

bool equal(std::string_view a, std::string_view b) {
  // CRYPTO_memcmp reads every byte whatever it finds; only the lengths,
  // which are not secret (every token of a kind has the same), decide early.
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string digest_hex(const char* algorithm, std::string_view data) {
  static constexpr char kDigits[] = "0123456789abcdef";
  const EVP_MD* md = EVP_get_digestbyname(algorithm);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned length = 0;
  if (!md || EVP_Digest(data.data(), data.size(), digest, &length, md, nullptr) != 1) {
    std::fprintf(stderr, "lifecycle-gateway: OpenSSL has no digest %s\n", algorithm);
    std::abort();
  }
  std::string out;
  for (unsigned i = 0; i < length; ++i) {
    out += kDigits[digest[i] >> 4];
    out += kDigits[digest[i] & 0xf];
  }
  return out;
}

namespace {

// Enough to make a stolen state file slow to attack, cheap enough that a
// test suite creating hundreds of users and tokens does not notice.
constexpr int kIterations = 10000;
constexpr std::size_t kSaltBytes = 16;
constexpr std::size_t kHashBytes = 32;

std::string pbkdf2_hex(std::string_view password, std::string_view salt, int iterations) {
  static constexpr char kDigits[] = "0123456789abcdef";
  unsigned char out[kHashBytes];
  if (PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()),
                        reinterpret_cast<const unsigned char*>(salt.data()), static_cast<int>(salt.size()),
                        iterations, EVP_sha256(), sizeof(out), out) != 1) {
    std::fputs("lifecycle-gateway: OpenSSL's PBKDF2 failed\n", stderr);
    std::abort();
  }
  std::string hex;
  for (const unsigned char byte : out) {
    hex += kDigits[byte >> 4];
    hex += kDigits[byte & 0xf];
  }
  return hex;
}

}  // namespace

std::string hash_password(std::string_view password) {
  const auto salt = random_hex(kSaltBytes);
  return "pbkdf2-sha256$" + std::to_string(kIterations) + "$" + salt + "$" + pbkdf2_hex(password, salt, kIterations);
}

bool password_matches(std::string_view password, std::string_view hashed) {
  constexpr std::string_view kScheme = "pbkdf2-sha256$";
  if (hashed.substr(0, kScheme.size()) != kScheme) return false;
  hashed.remove_prefix(kScheme.size());
  const auto a = hashed.find('$');
  const auto b = a == std::string_view::npos ? a : hashed.find('$', a + 1);
  if (b == std::string_view::npos || a == 0 || a > 7) return false;
  int iterations = 0;
  for (const char c : hashed.substr(0, a)) {
    if (c < '0' || c > '9') return false;
    iterations = iterations * 10 + (c - '0');
  }
  if (iterations < 1 || iterations > 1000000) return false;
  return equal(pbkdf2_hex(password, hashed.substr(a + 1, b - a - 1), iterations), hashed.substr(b + 1));
}

}  // namespace secret
