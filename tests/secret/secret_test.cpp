// Secrets: random hex of the asked length from the CSPRNG, never repeated,
// and equality that is exact (the constant time itself is OpenSSL's
// CRYPTO_memcmp; here we check it compares what it should).
#include <doctest/doctest.h>

#include <set>

#include "secret/secret.h"

TEST_CASE("random_hex: 2 hex digits per byte, lowercase, different every time") {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    const auto token = secret::random_hex(16);
    REQUIRE(token.size() == 32);
    CHECK(token.find_first_not_of("0123456789abcdef") == std::string::npos);
    seen.insert(token);
  }
  CHECK(seen.size() == 1000);
  CHECK(secret::random_hex(0).empty());
  CHECK(secret::random_hex(33).size() == 66);
}

TEST_CASE("random_hex: every digit shows up, in every position's high and low half") {
  // A generator stuck on a few values, or a broken hex table, fails this.
  std::set<char> first, last;
  for (int i = 0; i < 400; ++i) {
    const auto token = secret::random_hex(1);
    first.insert(token[0]);
    last.insert(token[1]);
  }
  CHECK(first.size() == 16);
  CHECK(last.size() == 16);
}

TEST_CASE("random_base64url: 4 characters per 3 bytes, from the URL-safe alphabet, every one in use") {
  constexpr std::string_view kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  CHECK(secret::random_base64url(24).size() == 32);
  CHECK(secret::random_base64url(1).size() == 2);
  CHECK(secret::random_base64url(2).size() == 3);
  CHECK(secret::random_base64url(0).empty());
  std::set<std::string> seen;
  std::set<char> used;
  for (int i = 0; i < 1000; ++i) {
    const auto token = secret::random_base64url(24);
    REQUIRE(token.find_first_not_of(kAlphabet) == std::string::npos);
    seen.insert(token);
    used.insert(token.begin(), token.end());
  }
  CHECK(seen.size() == 1000);
  CHECK(used.size() == 64);
  // One byte: its 2 low bits pad the second character, which is then one of 4.
  std::set<char> last;
  for (int i = 0; i < 200; ++i) last.insert(secret::random_base64url(1)[1]);
  CHECK(last == std::set<char>{'A', 'Q', 'g', 'w'});
}

TEST_CASE("equal: exact, byte for byte, lengths included") {
  CHECK(secret::equal("s3cret", "s3cret"));
  CHECK(secret::equal("", ""));
  CHECK_FALSE(secret::equal("s3cret", "s3creT"));
  CHECK_FALSE(secret::equal("s3cret", "x3cret"));
  CHECK_FALSE(secret::equal("s3cret", "s3cre"));
  CHECK_FALSE(secret::equal("s3cre", "s3cret"));
  CHECK_FALSE(secret::equal("", "x"));
  CHECK_FALSE(secret::equal(std::string_view("a\0b", 3), std::string_view("a\0c", 3)));
}
