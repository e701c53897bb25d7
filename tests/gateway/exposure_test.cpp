// Exposure: which --listen hosts are loopback, and the control token each
// combination of flags leads to (GATEWAY.md, "Exposure").
#include <doctest/doctest.h>

#include "gateway/exposure.h"

namespace {

gateway::Options listening_on(std::string host) {
  gateway::Options o;
  o.host = std::move(host);
  return o;
}

}  // namespace

TEST_CASE("loopback hosts") {
  for (auto host : {"127.0.0.1", "127.1.2.3", "::1", "[::1]", "localhost", "LOCALHOST", "::ffff:127.0.0.1"})
    CHECK_MESSAGE(gateway::is_loopback(host), host);
  for (auto host : {"0.0.0.0", "::", "[::]", "", "10.0.0.1", "192.168.1.20", "::ffff:10.0.0.1", "fe80::1",
                    "no-such-host.invalid"})
    CHECK_MESSAGE(!gateway::is_loopback(host), host);
}

TEST_CASE("a loopback --listen without a token: open") {
  const auto access = gateway::control_access(listening_on("127.0.0.1"));
  CHECK_FALSE(access.token.has_value());
  CHECK_FALSE(access.generated);
}

TEST_CASE("a non-loopback --listen without a token: a fresh random one, every run") {
  const auto first = gateway::control_access(listening_on("0.0.0.0"));
  const auto second = gateway::control_access(listening_on("0.0.0.0"));
  REQUIRE(first.token.has_value());
  CHECK(first.generated);
  CHECK(first.token->size() == 32);
  CHECK(first.token->find_first_not_of("0123456789abcdef") == std::string::npos);
  CHECK(*first.token != *second.token);
}

TEST_CASE("--control-token none opens it off loopback; a given token is used as given") {
  auto open = listening_on("0.0.0.0");
  open.control_open = true;
  CHECK_FALSE(gateway::control_access(open).token.has_value());
  auto given = listening_on("0.0.0.0");
  given.control_token = "t0k";
  const auto access = gateway::control_access(given);
  CHECK(access.token == "t0k");
  CHECK_FALSE(access.generated);
}

TEST_CASE("the notice carries the token and the dashboard URL with it") {
  const auto notice = gateway::generated_token_notice("abc123", "https", "10.0.0.1", 8443);
  CHECK(notice.find("control token: abc123\n") != std::string::npos);
  CHECK(notice.find("dashboard: https://10.0.0.1:8443/_gateway/ui/?token=abc123\n") != std::string::npos);
  CHECK(notice.find("--control-token none") != std::string::npos);
  // A wildcard address is no place to point a browser at: the machine's name is.
  const auto wildcard = gateway::generated_token_notice("t", "http", "0.0.0.0", 80);
  CHECK(wildcard.find("dashboard: http://0.0.0.0:") == std::string::npos);
  CHECK(gateway::generated_token_notice("t", "http", "fd00::1", 80).find("http://[fd00::1]:80/") != std::string::npos);
}
