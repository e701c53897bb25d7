// AWS Signature Version 4, as the Transfer API checks it: parse the
// Authorization header, rebuild the canonical request, compute the signature.
// Pure functions of their inputs, so known-answer tests can pin them. It
// knows nothing of HTTP servers, the fleet or Transfer's operations.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace transfer::sigv4 {

// The parts of an Authorization header. Views into the header text: the
// header must outlive it. Parsing allocates nothing (scope mode reads only
// access_key and region, on every request).
struct Authorization {
  std::string_view access_key;
  std::string_view date;     // yyyymmdd from the credential scope
  std::string_view region;
  std::string_view service;
  std::string_view signed_headers;  // "host;x-amz-date;...", as sent
  std::string_view signature;       // hex, as sent
};

// Parses "AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/service/aws4_request,
// SignedHeaders=host;x-amz-date, Signature=...". Nothing when it is malformed.
std::optional<Authorization> parse_authorization(std::string_view header);

// The signed header names, lowercased, in the order listed.
std::vector<std::string> signed_header_names(const Authorization& auth);

struct Request {
  std::string_view method;
  std::string_view path;   // as sent, already percent-encoded
  std::vector<std::pair<std::string, std::string>> query;  // decoded names and values
  std::vector<std::pair<std::string_view, std::string_view>> headers;  // every header (any case)
  std::string payload_hash;  // lowercase hex SHA-256 of the body (or x-amz-content-sha256)
};

std::string canonical_request(const Request& request, const std::vector<std::string>& signed_headers);
std::string string_to_sign(std::string_view amz_date, const Authorization& auth, std::string_view canonical_request);
// Lowercase hex.
std::string signature(std::string_view secret, const Authorization& auth, std::string_view string_to_sign);
// Whether two hex signatures are equal, in time that does not depend on where
// they differ (and in any letter case).
bool same_signature(std::string_view expected, std::string_view given);

std::string sha256_hex(std::string_view data);

// Whether an X-Amz-Date (yyyymmddThhmmssZ) is within `window_s` of now_s (Unix seconds).
bool within_skew(std::string_view amz_date, long long now_s, long long window_s);

}  // namespace transfer::sigv4
