// The console proxy's request heads (console/http_head.h): whole or not yet,
// refused when malformed, and the token wherever noVNC clients put it.
#include <doctest/doctest.h>

#include <string>

#include "console/http_head.h"

using namespace console;

TEST_CASE("a head parses once its blank line has come; fields are lowercased and trimmed") {
  const std::string text =
      "GET /websockify?a=1 HTTP/1.1\r\nHost: x:1\r\nUpgrade:  websocket \r\nConnection: keep-alive, Upgrade\r\n\r\nrest";
  for (std::size_t cut = 0; cut < text.size() - 4; ++cut)
    REQUIRE(parse_head(std::string_view(text).substr(0, cut)).status == HeadStatus::Incomplete);
  const auto p = parse_head(text);
  REQUIRE(p.status == HeadStatus::Complete);
  CHECK(p.consumed == text.size() - 4);
  CHECK(p.head.method == "GET");
  CHECK(p.head.path == "/websockify");
  CHECK(p.head.query == "a=1");
  CHECK(p.head.field("upgrade") == "websocket");
  CHECK(p.head.lists("connection", "upgrade"));
  CHECK(p.head.lists("upgrade", "WebSocket"));
  CHECK_FALSE(p.head.lists("connection", "close"));
  CHECK_FALSE(p.head.field("cookie"));
}

TEST_CASE("malformed heads are refused, with what is wrong") {
  for (const char* bad : {"GET\r\n\r\n", "GET / HTTP/1.1 x\r\n\r\n", "GET x HTTP/1.1\r\n\r\n", "GET / HTTP/2\r\n\r\n",
                          "G(T / HTTP/1.1\r\n\r\n", "GET / HTTP/1.1\r\nNoColon\r\n\r\n", "GET / HTTP/1.1\r\nA B: c\r\n\r\n",
                          "GET / HTTP/1.1\r\n folded: x\r\n\r\n", "GET /\x01 HTTP/1.1\r\n\r\n"}) {
    const auto p = parse_head(bad);
    CHECK_MESSAGE(p.status == HeadStatus::Invalid, bad);
    CHECK(!p.problem.empty());
  }
  CHECK(parse_head(std::string("GET / HTTP/1.1\r\nA: \x01\r\n\r\n")).status == HeadStatus::Invalid);
}

TEST_CASE("a head longer than 8 KiB, or with more than 64 fields, is refused") {
  CHECK(parse_head("GET /" + std::string(kMaxHeadBytes, 'a')).status == HeadStatus::Invalid);
  std::string many = "GET / HTTP/1.1\r\n";
  for (int i = 0; i <= 64; ++i) many += "X: y\r\n";
  CHECK(parse_head(many + "\r\n").status == HeadStatus::Invalid);
}

TEST_CASE("query values and cookies, decoded") {
  CHECK(query_value("a=1&token=abc&b", "token") == "abc");
  CHECK(query_value("path=%3Ftoken%3Dxyz", "path") == "?token=xyz");
  CHECK(query_value("x=a+b", "x") == "a b");
  CHECK_FALSE(query_value("x=%zz", "x"));
  CHECK_FALSE(query_value("x=%4", "x"));
  CHECK_FALSE(query_value("", "x"));
  CHECK(cookie_value("a=1; token=t0k; b=2", "token") == "t0k");
  CHECK_FALSE(cookie_value("tokens=1", "token"));
}

TEST_CASE("the token wherever noVNC puts it: ?token=, ?path=?token=, or the cookie") {
  const auto token_of = [](const std::string& text) {
    const auto p = parse_head(text);
    REQUIRE(p.status == HeadStatus::Complete);
    return request_token(p.head);
  };
  CHECK(token_of("GET /?token=abc HTTP/1.1\r\n\r\n") == "abc");
  CHECK(token_of("GET /vnc_lite.html?path=%3Ftoken%3Dabc HTTP/1.1\r\n\r\n") == "abc");
  CHECK(token_of("GET /websockify HTTP/1.1\r\nCookie: token=abc\r\n\r\n") == "abc");
  CHECK(token_of("GET /websockify HTTP/1.1\r\nCookie: path=%3Ftoken%3Dabc\r\n\r\n") == std::nullopt);
  CHECK(token_of("GET / HTTP/1.1\r\n\r\n") == std::nullopt);
}
