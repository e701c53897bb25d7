// SigV4 known answers: AWS's published get-vanilla case, and a Transfer POST
// signed by botocore (computed once with botocore's SigV4Auth, pinned here).
#include <doctest/doctest.h>

#include "adapters/transfer/sigv4.h"

using namespace transfer::sigv4;

namespace {
const std::string kSecret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
const std::string kEmptyHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
}  // namespace

TEST_CASE("AWS test suite: get-vanilla") {
  const auto auth = parse_authorization(
      "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
      "SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
  REQUIRE(auth);
  CHECK(auth->access_key == "AKIDEXAMPLE");
  CHECK(auth->region == "us-east-1");
  CHECK(auth->service == "service");
  CHECK(auth->signed_headers == "host;x-amz-date");
  CHECK(signed_header_names(*auth) == std::vector<std::string>{"host", "x-amz-date"});
  Request r{"GET", "/", {}, {{"Host", "example.amazonaws.com"}, {"X-Amz-Date", "20150830T123600Z"}}, kEmptyHash};
  const auto canonical = canonical_request(r, signed_header_names(*auth));
  CHECK(canonical ==
        "GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n" + kEmptyHash);
  CHECK(sha256_hex(canonical) == "bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63");
  const auto to_sign = string_to_sign("20150830T123600Z", *auth, canonical);
  CHECK(signature(kSecret, *auth, to_sign) == auth->signature);
  CHECK(same_signature(signature(kSecret, *auth, to_sign), auth->signature));
  CHECK(signature("wrong", *auth, to_sign) != auth->signature);
}

TEST_CASE("a Transfer StopServer signed by botocore") {
  const std::string body = R"({"ServerId": "s-0123456789abcde01"})";
  const auto auth = parse_authorization(
      "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261122/us-east-1/transfer/aws4_request, "
      "SignedHeaders=content-type;host;x-amz-date;x-amz-target, "
      "Signature=fb43b60f344e19645497ac39c0886ef0a35448c909c14c189a043a5d55c98ab4");
  REQUIRE(auth);
  // Header names in any case and order, values with stray spaces: the canonical form fixes both.
  Request r{"POST",
            "/",
            {},
            {{"x-amz-target", "TransferService.StopServer"},
             {"Content-Type", " application/x-amz-json-1.1 "},
             {"Host", "127.0.0.1:8780"},
             {"X-Amz-Date", "20261122T120000Z"},
             {"User-Agent", "not signed"}},
            sha256_hex(body)};
  const auto to_sign = string_to_sign("20261122T120000Z", *auth, canonical_request(r, signed_header_names(*auth)));
  CHECK(signature("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", *auth, to_sign) == auth->signature);
  r.payload_hash = sha256_hex(body + " ");  // one byte more in the body: another signature
  const auto tampered = string_to_sign("20261122T120000Z", *auth, canonical_request(r, signed_header_names(*auth)));
  CHECK(signature("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", *auth, tampered) != auth->signature);
}

TEST_CASE("malformed Authorization headers are refused") {
  CHECK_FALSE(parse_authorization(""));
  CHECK_FALSE(parse_authorization("Bearer abc"));
  CHECK_FALSE(parse_authorization("AWS4-HMAC-SHA256 Credential=AKID/2026/us-east-1/transfer/aws4_request, "
                                  "SignedHeaders=host, Signature=00"));  // date not 8 digits
  CHECK_FALSE(parse_authorization("AWS4-HMAC-SHA256 Credential=AKID/20261122/us-east-1/transfer/aws4_request"));
  CHECK_FALSE(parse_authorization("AWS4-HMAC-SHA256 garbage"));
}

TEST_CASE("the clock-skew window is 15 minutes either way") {
  const long long t = 1795348800;  // 2026-11-22T12:00:00Z
  CHECK(within_skew("20261122T120000Z", t, 900));
  CHECK(within_skew("20261122T121500Z", t, 900));
  CHECK_FALSE(within_skew("20261122T121501Z", t, 900));
  CHECK_FALSE(within_skew("20261122T114459Z", t, 900));
  CHECK_FALSE(within_skew("2026-11-22T12:00", t, 900));
}
