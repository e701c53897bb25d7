// AWS Signature Version 4, as the Transfer API checks it: parse the
// Authorization header, rebuild the canonical request, compute the signature.
// Pure functions of their inputs, so known-answer tests can pin them.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace transfer::sigv4 {

struct Authorization {
  std::string access_key;
  std::string date;     // yyyymmdd from the credential scope
  std::string region;
  std::string service;
  std::vector<std::string> signed_headers;  // lowercase, as listed
  std::string signature;                    // lowercase hex
};

// Parses "AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/service/aws4_request,
// SignedHeaders=host;x-amz-date, Signature=...". Nothing when it is malformed.
std::optional<Authorization> parse_authorization(std::string_view header);

struct Request {
  std::string method;
  std::string path;   // as sent, already percent-encoded
  std::vector<std::pair<std::string, std::string>> query;  // decoded names and values
  std::vector<std::pair<std::string, std::string>> headers;  // every header (any case)
  std::string payload_hash;  // lowercase hex SHA-256 of the body (or x-amz-content-sha256)
};

std::string canonical_request(const Request& request, const std::vector<std::string>& signed_headers);
std::string string_to_sign(const std::string& amz_date, const Authorization& auth,
                           const std::string& canonical_request);
std::string signature(const std::string& secret, const Authorization& auth, const std::string& string_to_sign);

std::string sha256_hex(std::string_view data);

// Whether an X-Amz-Date (yyyymmddThhmmssZ) is within `window_s` of now_s (Unix seconds).
bool within_skew(std::string_view amz_date, long long now_s, long long window_s);

}  // namespace transfer::sigv4
