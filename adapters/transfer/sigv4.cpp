// SigV4 as AWS documents it ("Create a canonical request for Signature
// Version 4"). SHA-256 and HMAC come from OpenSSL's libcrypto, which Debian's
// cpp-httplib already links. Parsing works on views of the header, because
// scope mode runs it on every request and needs no copies.
#include "adapters/transfer/sigv4.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <ctime>

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include "core/text.h"

namespace transfer::sigv4 {
namespace {

using Digest = std::array<unsigned char, SHA256_DIGEST_LENGTH>;

std::string hex(const unsigned char* data, std::size_t size) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(size * 2, '0');
  for (std::size_t i = 0; i < size; ++i) {
    out[2 * i] = kDigits[data[i] >> 4];
    out[2 * i + 1] = kDigits[data[i] & 0xf];
  }
  return out;
}

Digest hmac(std::string_view key, std::string_view data) {
  Digest out{};
  unsigned int size = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(data.data()),
       data.size(), out.data(), &size);
  return out;
}

std::string_view view(const Digest& d) { return {reinterpret_cast<const char*>(d.data()), d.size()}; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Cuts `s` at the first `sep`: returns the part before, leaves the rest in `s`.
std::string_view cut(std::string_view& s, char sep) {
  const auto at = s.find(sep);
  const auto head = s.substr(0, at);
  s = at == std::string_view::npos ? std::string_view{} : s.substr(at + 1);
  return head;
}

// Header values: trimmed, inner runs of spaces collapsed to one.
void append_canonical_value(std::string& out, std::string_view v) {
  bool space = false;
  for (char c : trim(v)) {
    if (c == ' ' || c == '\t') {
      space = true;
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
  }
}

std::string uri_encode(std::string_view s) {
  static constexpr char kDigits[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kDigits[c >> 4];
      out += kDigits[c & 0xf];
    }
  }
  return out;
}

}  // namespace

std::string sha256_hex(std::string_view data) {
  Digest out{};
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), out.data());
  return hex(out.data(), out.size());
}

std::optional<Authorization> parse_authorization(std::string_view header) {
  constexpr std::string_view kScheme = "AWS4-HMAC-SHA256 ";
  if (header.substr(0, kScheme.size()) != kScheme) return std::nullopt;
  header.remove_prefix(kScheme.size());
  Authorization a;
  std::string_view credential;
  while (!header.empty()) {
    auto part = trim(cut(header, ','));
    const auto key = cut(part, '=');
    if (part.empty()) return std::nullopt;  // no '=' or no value
    if (key == "Credential") credential = part;
    else if (key == "SignedHeaders") a.signed_headers = part;
    else if (key == "Signature") a.signature = part;
  }
  // AKID/date/region/service/aws4_request; the key itself has no slash.
  a.access_key = cut(credential, '/');
  a.date = cut(credential, '/');
  a.region = cut(credential, '/');
  a.service = cut(credential, '/');
  const bool date_ok = a.date.size() == 8 && std::all_of(a.date.begin(), a.date.end(), [](char c) {
                         return std::isdigit(static_cast<unsigned char>(c));
                       });
  if (a.access_key.empty() || !date_ok || a.region.empty() || a.service.empty() || credential != "aws4_request" ||
      a.signed_headers.empty() || a.signature.empty())
    return std::nullopt;
  return a;
}

std::vector<std::string> signed_header_names(const Authorization& auth) {
  std::vector<std::string> names;
  for (auto rest = auth.signed_headers; !rest.empty();) names.push_back(core::ascii_lower(cut(rest, ';')));
  return names;
}

std::string canonical_request(const Request& r, const std::vector<std::string>& signed_headers) {
  std::string out;
  out.reserve(256);
  out.append(r.method).append("\n").append(r.path.empty() ? std::string_view("/") : r.path).append("\n");
  std::vector<std::pair<std::string, std::string>> encoded;
  for (const auto& [k, v] : r.query) encoded.emplace_back(uri_encode(k), uri_encode(v));
  std::sort(encoded.begin(), encoded.end());
  for (std::size_t i = 0; i < encoded.size(); ++i)
    out.append(i ? "&" : "").append(encoded[i].first).append("=").append(encoded[i].second);
  out += '\n';
  // A header sent more than once: its values joined with commas, in the order received.
  for (const auto& name : signed_headers) {
    out.append(name).append(":");
    bool first = true;
    for (const auto& [header, value] : r.headers) {
      if (!core::iequals(header, name)) continue;
      if (!first) out += ',';
      first = false;
      append_canonical_value(out, value);
    }
    out += '\n';
  }
  out += '\n';
  for (std::size_t i = 0; i < signed_headers.size(); ++i) out.append(i ? ";" : "").append(signed_headers[i]);
  out.append("\n").append(r.payload_hash);
  return out;
}

std::string string_to_sign(std::string_view amz_date, const Authorization& a, std::string_view canonical) {
  std::string out = "AWS4-HMAC-SHA256\n";
  out.append(amz_date).append("\n");
  out.append(a.date).append("/").append(a.region).append("/").append(a.service).append("/aws4_request\n");
  out.append(sha256_hex(canonical));
  return out;
}

std::string signature(std::string_view secret, const Authorization& a, std::string_view to_sign) {
  std::string secret_key = "AWS4";
  secret_key.append(secret);
  const auto k_date = hmac(secret_key, a.date);
  const auto k_region = hmac(view(k_date), a.region);
  const auto k_service = hmac(view(k_region), a.service);
  const auto k_signing = hmac(view(k_service), "aws4_request");
  const auto sig = hmac(view(k_signing), to_sign);
  return hex(sig.data(), sig.size());
}

bool same_signature(std::string_view expected, std::string_view given) {
  if (expected.size() != given.size()) return false;
  unsigned char differ = 0;
  for (std::size_t i = 0; i < expected.size(); ++i)
    differ |= static_cast<unsigned char>(expected[i] ^ core::ascii_lower(given[i]));
  return differ == 0;
}

bool within_skew(std::string_view amz_date, long long now_s, long long window_s) {
  if (amz_date.size() != 16 || amz_date[8] != 'T' || amz_date[15] != 'Z') return false;
  auto num = [&](std::size_t pos, std::size_t len) {
    int v = 0;
    for (std::size_t i = pos; i < pos + len; ++i) {
      if (!std::isdigit(static_cast<unsigned char>(amz_date[i]))) return -1;
      v = v * 10 + (amz_date[i] - '0');
    }
    return v;
  };
  std::tm t{};
  t.tm_year = num(0, 4) - 1900;
  t.tm_mon = num(4, 2) - 1;
  t.tm_mday = num(6, 2);
  t.tm_hour = num(9, 2);
  t.tm_min = num(11, 2);
  t.tm_sec = num(13, 2);
  if (t.tm_year < 0 || t.tm_mon < 0 || t.tm_mon > 11 || t.tm_mday < 1 || t.tm_mday > 31 || t.tm_hour < 0 ||
      t.tm_hour > 23 || t.tm_min < 0 || t.tm_min > 59 || t.tm_sec < 0 || t.tm_sec > 60)
    return false;
  const long long when = timegm(&t);
  return when >= now_s - window_s && when <= now_s + window_s;
}

}  // namespace transfer::sigv4
