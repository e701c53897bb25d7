#include "adapters/transfer/sigv4.h"

#include <algorithm>
#include <cctype>
#include <ctime>
#include <map>

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

namespace transfer::sigv4 {
namespace {

std::string hex(const unsigned char* data, std::size_t size) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(size * 2, '0');
  for (std::size_t i = 0; i < size; ++i) {
    out[2 * i] = kDigits[data[i] >> 4];
    out[2 * i + 1] = kDigits[data[i] & 0xf];
  }
  return out;
}

std::string hmac(std::string_view key, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(data.data()),
       data.size(), out, &size);
  return std::string(reinterpret_cast<char*>(out), size);
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Header values: trimmed, inner runs of spaces collapsed to one.
std::string canonical_value(std::string_view v) {
  std::string out;
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
  return out;
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
  unsigned char out[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), out);
  return hex(out, sizeof(out));
}

std::optional<Authorization> parse_authorization(std::string_view header) {
  constexpr std::string_view kScheme = "AWS4-HMAC-SHA256 ";
  if (header.substr(0, kScheme.size()) != kScheme) return std::nullopt;
  header.remove_prefix(kScheme.size());
  Authorization a;
  std::string credential, signed_headers;
  while (!header.empty()) {
    auto comma = header.find(',');
    auto part = trim(header.substr(0, comma));
    header = comma == std::string_view::npos ? std::string_view{} : header.substr(comma + 1);
    auto eq = part.find('=');
    if (eq == std::string_view::npos) return std::nullopt;
    auto key = part.substr(0, eq), value = part.substr(eq + 1);
    if (key == "Credential") credential = value;
    else if (key == "SignedHeaders") signed_headers = value;
    else if (key == "Signature") a.signature = lower(value);
  }
  // AKID/date/region/service/aws4_request; the key itself has no slash.
  std::vector<std::string> scope;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= credential.size(); ++i) {
    if (i == credential.size() || credential[i] == '/') {
      scope.push_back(credential.substr(start, i - start));
      start = i + 1;
    }
  }
  if (scope.size() != 5 || scope[0].empty() || scope[1].size() != 8 || scope[2].empty() ||
      scope[4] != "aws4_request" || signed_headers.empty() || a.signature.empty())
    return std::nullopt;
  a.access_key = scope[0];
  a.date = scope[1];
  a.region = scope[2];
  a.service = scope[3];
  start = 0;
  for (std::size_t i = 0; i <= signed_headers.size(); ++i) {
    if (i == signed_headers.size() || signed_headers[i] == ';') {
      a.signed_headers.push_back(lower(signed_headers.substr(start, i - start)));
      start = i + 1;
    }
  }
  return a;
}

std::string canonical_request(const Request& r, const std::vector<std::string>& signed_headers) {
  std::string out = r.method + "\n" + (r.path.empty() ? "/" : r.path) + "\n";
  auto query = r.query;
  std::vector<std::pair<std::string, std::string>> encoded;
  for (const auto& [k, v] : query) encoded.emplace_back(uri_encode(k), uri_encode(v));
  std::sort(encoded.begin(), encoded.end());
  for (std::size_t i = 0; i < encoded.size(); ++i)
    out += (i ? "&" : "") + encoded[i].first + "=" + encoded[i].second;
  out += "\n";
  // Repeated headers join with commas, in the order received.
  std::map<std::string, std::string> values;
  for (const auto& [name, value] : r.headers) {
    auto& v = values[lower(name)];
    v += (v.empty() ? "" : ",") + canonical_value(value);
  }
  for (const auto& name : signed_headers) out += name + ":" + values[name] + "\n";
  out += "\n";
  for (std::size_t i = 0; i < signed_headers.size(); ++i) out += (i ? ";" : "") + signed_headers[i];
  out += "\n" + r.payload_hash;
  return out;
}

std::string string_to_sign(const std::string& amz_date, const Authorization& a, const std::string& canonical) {
  return "AWS4-HMAC-SHA256\n" + amz_date + "\n" + a.date + "/" + a.region + "/" + a.service + "/aws4_request\n" +
         sha256_hex(canonical);
}

std::string signature(const std::string& secret, const Authorization& a, const std::string& to_sign) {
  const auto k_date = hmac("AWS4" + secret, a.date);
  const auto k_region = hmac(k_date, a.region);
  const auto k_service = hmac(k_region, a.service);
  const auto k_signing = hmac(k_service, "aws4_request");
  const auto sig = hmac(k_signing, to_sign);
  return hex(reinterpret_cast<const unsigned char*>(sig.data()), sig.size());
}

bool within_skew(std::string_view amz_date, long long now_s, long long window_s) {
  if (amz_date.size() != 16 || amz_date[8] != 'T' || amz_date[15] != 'Z') return false;
  std::tm t{};
  auto num = [&](std::size_t pos, std::size_t len) {
    int v = 0;
    for (std::size_t i = pos; i < pos + len; ++i) {
      if (!std::isdigit(static_cast<unsigned char>(amz_date[i]))) return -1;
      v = v * 10 + (amz_date[i] - '0');
    }
    return v;
  };
  t.tm_year = num(0, 4) - 1900;
  t.tm_mon = num(4, 2) - 1;
  t.tm_mday = num(6, 2);
  t.tm_hour = num(9, 2);
  t.tm_min = num(11, 2);
  t.tm_sec = num(13, 2);
  if (t.tm_year < 0 || t.tm_mon < 0 || t.tm_mday < 0 || t.tm_hour < 0 || t.tm_min < 0 || t.tm_sec < 0) return false;
  const long long when = timegm(&t);
  return when >= now_s - window_s && when <= now_s + window_s;
}

}  // namespace transfer::sigv4
