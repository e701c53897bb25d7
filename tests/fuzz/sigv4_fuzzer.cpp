// SigV4 as --sigv4 verify reads a request: the Authorization header parsed
// (sigv4::parse_authorization, which scope mode also runs on every request),
// its signed header names, the canonical request over the request's method,
// path, query and headers, the string to sign and the signature, and the
// X-Amz-Date clock-skew check.
// Input, one field a line: Authorization, X-Amz-Date, "METHOD PATH[?QUERY]",
// then "Name: value" header lines up to an empty line, then the body.
#include <cstddef>
#include <cstdint>
#include <string>

#include <httplib.h>

#include "adapters/transfer/sigv4.h"
#include "tests/fuzz/fuzz_world.h"

namespace sigv4 = transfer::sigv4;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto rest = fuzz::as_text(data, size);
  const auto authorization = fuzz::take_line(rest);
  const auto amz_date = fuzz::take_line(rest);
  const auto request_line = fuzz::take_line(rest);

  // The clock-skew window around a fixed "now" (2026-11-18, when the seeds were signed).
  (void)sigv4::within_skew(amz_date, 1'795'000'000, 15 * 60);
  const auto auth = sigv4::parse_authorization(authorization);
  if (!auth) return 0;

  // The request line as cpp-httplib splits it: method, path, query parameters.
  sigv4::Request r;
  const auto space = request_line.find(' ');
  r.method = request_line.substr(0, space);
  const auto target = space == std::string_view::npos ? std::string_view{} : request_line.substr(space + 1);
  const auto question = target.find('?');
  r.path = target.substr(0, question);
  if (question != std::string_view::npos) {
    httplib::Params params;
    httplib::detail::parse_query_text(std::string(target.substr(question + 1)), params);
    for (const auto& [k, v] : params) r.query.emplace_back(k, v);
  }
  while (!rest.empty()) {
    const auto line = fuzz::take_line(rest);
    if (line.empty()) break;
    const auto colon = line.find(':');
    auto value = colon == std::string_view::npos ? std::string_view{} : line.substr(colon + 1);
    if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    r.headers.emplace_back(line.substr(0, colon), value);
  }
  r.payload_hash = sigv4::sha256_hex(rest);

  const auto names = sigv4::signed_header_names(*auth);
  const auto canonical = sigv4::canonical_request(r, names);
  const auto to_sign = sigv4::string_to_sign(amz_date, *auth, canonical);
  const auto signature = sigv4::signature("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", *auth, to_sign);
  // The signature we compute always equals itself, in either letter case.
  if (!sigv4::same_signature(signature, signature)) std::abort();
  (void)sigv4::same_signature(signature, auth->signature);
  return 0;
}
