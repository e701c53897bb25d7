#include "secret/ssh_wire.h"

#include <array>
#include <cstring>

#include <openssl/core_names.h>

namespace secret::wire {

std::optional<std::uint32_t> Reader::u32() {
  if (data_.size() < 4) return std::nullopt;
  std::uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v = (v << 8) | static_cast<unsigned char>(data_[static_cast<std::size_t>(i)]);
  data_.remove_prefix(4);
  return v;
}

std::optional<std::string_view> Reader::string() {
  const auto size = u32();
  if (!size || data_.size() < *size) return std::nullopt;
  const auto s = data_.substr(0, *size);
  data_.remove_prefix(*size);
  return s;
}

std::optional<std::string_view> Reader::positive_mpint() {
  auto s = string();
  if (!s || s->empty()) return std::nullopt;
  const auto first = static_cast<unsigned char>((*s)[0]);
  if (first & 0x80) return std::nullopt;  // negative
  if (first == 0) {
    // A zero byte is only there to keep a leading 1 bit from reading as negative.
    if (s->size() == 1 || !(static_cast<unsigned char>((*s)[1]) & 0x80)) return std::nullopt;
    s->remove_prefix(1);
  }
  return s;
}

void put_u32(std::string& out, std::uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out += static_cast<char>((v >> shift) & 0xff);
}

void put_string(std::string& out, std::string_view s) {
  put_u32(out, static_cast<std::uint32_t>(s.size()));
  out.append(s);
}

void put_mpint(std::string& out, std::string_view magnitude) {
  while (!magnitude.empty() && magnitude[0] == 0) magnitude.remove_prefix(1);
  const bool pad = !magnitude.empty() && (static_cast<unsigned char>(magnitude[0]) & 0x80);
  put_u32(out, static_cast<std::uint32_t>(magnitude.size() + (pad ? 1 : 0)));
  if (pad) out += '\0';
  out.append(magnitude);
}

namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int value_of(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

}  // namespace

std::string_view trim(std::string_view s) {
  const auto white = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!s.empty() && white(s.front())) s.remove_prefix(1);
  while (!s.empty() && white(s.back())) s.remove_suffix(1);
  return s;
}

std::string base64(std::string_view raw) {
  std::string out;
  out.reserve((raw.size() + 2) / 3 * 4);
  for (std::size_t i = 0; i < raw.size(); i += 3) {
    const std::size_t n = std::min<std::size_t>(3, raw.size() - i);
    std::uint32_t v = 0;
    for (std::size_t j = 0; j < 3; ++j) v = (v << 8) | (j < n ? static_cast<unsigned char>(raw[i + j]) : 0u);
    for (std::size_t j = 0; j < 4; ++j) out += j <= n ? kAlphabet[(v >> (18 - 6 * j)) & 0x3f] : '=';
  }
  return out;
}

std::optional<std::string> unbase64(std::string_view text) {
  if (text.empty() || text.size() % 4 != 0) return std::nullopt;
  std::size_t padding = 0;
  while (padding < 2 && text[text.size() - 1 - padding] == '=') ++padding;
  std::string out;
  out.reserve(text.size() / 4 * 3);
  std::uint32_t v = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const bool pad = i >= text.size() - padding;
    const int d = pad ? 0 : value_of(text[i]);
    if (d < 0) return std::nullopt;
    v = (v << 6) | static_cast<std::uint32_t>(d);
    if (i % 4 == 3) {
      out += static_cast<char>((v >> 16) & 0xff);
      out += static_cast<char>((v >> 8) & 0xff);
      out += static_cast<char>(v & 0xff);
      v = 0;
    }
  }
  out.resize(out.size() - padding);
  return out;
}

std::string sha256_fingerprint(std::string_view blob) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned length = 0;
  EVP_Digest(blob.data(), blob.size(), digest, &length, EVP_sha256(), nullptr);
  return "SHA256:" + base64({reinterpret_cast<const char*>(digest), length});
}

std::optional<const char*> curve_of(std::string_view ssh_curve) {
  if (ssh_curve == "nistp256") return "P-256";
  if (ssh_curve == "nistp384") return "P-384";
  if (ssh_curve == "nistp521") return "P-521";
  return std::nullopt;
}

Bignum bignum(std::string_view magnitude) {
  return Bignum(BN_bin2bn(bytes(magnitude), static_cast<int>(magnitude.size()), nullptr));
}

std::optional<std::string> ssh_type(EVP_PKEY* key) {
  if (EVP_PKEY_is_a(key, "RSA")) return "ssh-rsa";
  if (EVP_PKEY_is_a(key, "ED25519")) return "ssh-ed25519";
  if (EVP_PKEY_is_a(key, "EC")) {
    char group[64] = {};
    std::size_t size = 0;
    if (EVP_PKEY_get_group_name(key, group, sizeof group, &size) != 1) return std::nullopt;
    const std::string_view name(group, size);
    if (name == "prime256v1" || name == "P-256") return "ecdsa-sha2-nistp256";
    if (name == "secp384r1" || name == "P-384") return "ecdsa-sha2-nistp384";
    if (name == "secp521r1" || name == "P-521") return "ecdsa-sha2-nistp521";
  }
  return std::nullopt;
}

namespace {

std::optional<std::string> bn_param(EVP_PKEY* key, const char* name) {
  BIGNUM* raw = nullptr;
  if (EVP_PKEY_get_bn_param(key, name, &raw) != 1) return std::nullopt;
  Bignum n(raw);
  std::string out(static_cast<std::size_t>(BN_num_bytes(n.get())), '\0');
  BN_bn2bin(n.get(), reinterpret_cast<unsigned char*>(out.data()));
  return out;
}

}  // namespace

std::optional<std::string> public_blob(EVP_PKEY* key, const std::string& type) {
  std::string blob;
  put_string(blob, type);
  if (type == "ssh-rsa") {
    const auto e = bn_param(key, OSSL_PKEY_PARAM_RSA_E);
    const auto n = bn_param(key, OSSL_PKEY_PARAM_RSA_N);
    if (!e || !n) return std::nullopt;
    put_mpint(blob, *e);
    put_mpint(blob, *n);
  } else if (type == "ssh-ed25519") {
    std::array<unsigned char, 32> raw{};
    std::size_t size = raw.size();
    if (EVP_PKEY_get_raw_public_key(key, raw.data(), &size) != 1 || size != raw.size()) return std::nullopt;
    put_string(blob, {reinterpret_cast<const char*>(raw.data()), size});
  } else {
    // The point uncompressed (0x04 || x || y), as OpenSSH writes it.
    EVP_PKEY_set_utf8_string_param(key, OSSL_PKEY_PARAM_EC_POINT_CONVERSION_FORMAT, "uncompressed");
    std::array<unsigned char, 256> point{};
    std::size_t size = 0;
    if (EVP_PKEY_get_octet_string_param(key, OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size(), &size) != 1 ||
        size == 0 || point[0] != 0x04)
      return std::nullopt;
    put_string(blob, type.substr(std::strlen("ecdsa-sha2-")));
    put_string(blob, {reinterpret_cast<const char*>(point.data()), size});
  }
  return blob;
}

int key_bits(EVP_PKEY* key) { return EVP_PKEY_get_bits(key); }

}  // namespace secret::wire
