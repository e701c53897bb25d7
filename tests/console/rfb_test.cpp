// RFB's server side (console/rfb.h): the handshake of each version as RFC
// 6143 words it (what tempest's test_novnc checks), the framebuffer in the
// client's pixel format, one answer a message, and the end of a session
// that strays from the protocol.
#include <doctest/doctest.h>

#include <string>

#include "console/rfb.h"

using namespace console::rfb;

namespace {

std::string bytes(std::initializer_list<int> values) {
  std::string out;
  for (int v : values) out += static_cast<char>(v);
  return out;
}

// Feeds `in` and collects every answer it earns.
std::string exchange(Server& s, std::string_view in) {
  s.append(in);
  std::string out;
  while (auto answer = s.step()) out += *answer;
  return out;
}

Server initialised(const std::string& name = "web-1") {
  Server s(Desktop{640, 400, name});
  REQUIRE(exchange(s, "RFB 003.008\n") == bytes({1, 1}));
  REQUIRE(exchange(s, bytes({1})) == bytes({0, 0, 0, 0}));
  REQUIRE(exchange(s, bytes({1})).size() == 24 + name.size());
  REQUIRE(s.initialised());
  return s;
}

std::uint32_t u32(const std::string& s, std::size_t at) {
  return (static_cast<std::uint32_t>(static_cast<unsigned char>(s[at])) << 24) |
         (static_cast<std::uint32_t>(static_cast<unsigned char>(s[at + 1])) << 16) |
         (static_cast<std::uint32_t>(static_cast<unsigned char>(s[at + 2])) << 8) |
         static_cast<unsigned char>(s[at + 3]);
}

}  // namespace

TEST_CASE("3.8: version, the security type None, SecurityResult OK, then ServerInit named after the server") {
  CHECK(Server::greeting() == "RFB 003.008\n");
  Server s(Desktop{640, 400, "tempest-server"});
  CHECK_FALSE(s.step());
  CHECK(exchange(s, "RFB 003.008\n") == bytes({1, 1}));
  CHECK(s.minor_version() == 8);
  CHECK(exchange(s, bytes({1})) == bytes({0, 0, 0, 0}));
  const auto init = exchange(s, bytes({1}));
  // What tempest checks: bytes 20-24 are the name's length, and the rest the name.
  REQUIRE(init.size() == 24 + 14);
  CHECK(u32(init, 20) == 14);
  CHECK(init.substr(24) == "tempest-server");
  CHECK(init.substr(0, 4) == bytes({0x02, 0x80, 0x01, 0x90}));  // 640 x 400
  CHECK(init.substr(4, 4) == bytes({32, 24, 0, 1}));             // 32 bpp, depth 24, little-endian, true colour
  CHECK(s.initialised());
}

TEST_CASE("3.3 gets the security type as a word and no SecurityResult; 3.7 a list and no SecurityResult") {
  Server v33(Desktop{640, 400, "a"});
  CHECK(exchange(v33, "RFB 003.003\n") == bytes({0, 0, 0, 1}));
  CHECK(exchange(v33, bytes({0})).size() == 25);
  CHECK(v33.initialised());

  Server v37(Desktop{640, 400, "a"});
  CHECK(exchange(v37, "RFB 003.007\n") == bytes({1, 1}));
  CHECK(exchange(v37, bytes({1})).empty());
  CHECK(exchange(v37, bytes({1})).size() == 25);

  // Versions between, and Apple's 3.889, are 3.3; above 3.8, 3.8.
  Server v35(Desktop{});
  exchange(v35, "RFB 003.005\n");
  CHECK(v35.minor_version() == 3);
  Server apple(Desktop{});
  exchange(apple, "RFB 003.889\n");
  CHECK(apple.minor_version() == 3);
  Server v39(Desktop{});
  exchange(v39, "RFB 003.009\n");
  CHECK(v39.minor_version() == 8);
}

TEST_CASE("a version that is not RFB 3.x ends the session at once") {
  for (const char* bad : {"GET / HTTP/1.1", "RFB 004.000\n", "RFB 003,008\n", "RFB 003.0a8\n", "RFB 003.008x"}) {
    Server s(Desktop{});
    s.append(bad);
    while (s.step()) {
    }
    CHECK_MESSAGE(s.failed(), bad);
    CHECK(!s.problem().empty());
  }
}

TEST_CASE("a security type that was not offered: 3.8 says why, then the session ends") {
  Server s(Desktop{});
  exchange(s, "RFB 003.008\n");
  s.append(bytes({2}));
  const auto answer = s.step();
  REQUIRE(answer);
  CHECK(u32(*answer, 0) == 1);
  CHECK(answer->substr(8) == "only the security type None is offered");
  CHECK(s.failed());
  CHECK_FALSE(s.step());
}

TEST_CASE("a full update is the framebuffer raw, in the client's pixel format; incremental ones wait") {
  auto s = initialised();
  // FramebufferUpdateRequest, not incremental, 0,0 2x1.
  auto update = exchange(s, bytes({3, 0, 0, 0, 0, 0, 0, 2, 0, 1}));
  REQUIRE(update.size() == 4 + 12 + 2 * 4);
  CHECK(update.substr(0, 4) == bytes({0, 0, 0, 1}));
  CHECK(update.substr(4, 12) == bytes({0, 0, 0, 0, 0, 2, 0, 1, 0, 0, 0, 0}));
  CHECK(update.substr(16, 4) == bytes({0x30, 0x23, 0x1d, 0}));  // blue, green, red, padding (little-endian)
  CHECK(exchange(s, bytes({3, 1, 0, 0, 0, 0, 2, 0x80, 1, 0x90})).empty());

  // SetPixelFormat: 16 bpp big-endian RGB565.
  exchange(s, bytes({0, 0, 0, 0, 16, 16, 1, 1, 0, 31, 0, 63, 0, 31, 11, 5, 0, 0, 0, 0}));
  CHECK(s.pixel_format().bits_per_pixel == 16);
  update = exchange(s, bytes({3, 0, 0, 0, 0, 0, 0, 1, 0, 1}));
  REQUIRE(update.size() == 16 + 2);
  const unsigned value = (0x1du * 31 / 255) << 11 | (0x23u * 63 / 255) << 5 | (0x30u * 31 / 255);
  CHECK(update.substr(16) == bytes({static_cast<int>(value >> 8), static_cast<int>(value & 0xff)}));

  // A request past the framebuffer is clipped to it; one wholly outside gets no rectangle.
  update = exchange(s, bytes({3, 0, 0x02, 0x7f, 0x01, 0x8f, 0, 10, 0, 10}));
  CHECK(update.substr(4, 12) == bytes({0x02, 0x7f, 0x01, 0x8f, 0, 1, 0, 1, 0, 0, 0, 0}));
  CHECK(exchange(s, bytes({3, 0, 0x10, 0, 0x10, 0, 0, 1, 0, 1})) == bytes({0, 0, 0, 0}));
}

TEST_CASE("a flood of requests is answered one message at a time") {
  auto s = initialised();
  std::string requests;
  for (int i = 0; i < 100; ++i) requests += bytes({3, 0, 0, 0, 0, 0, 0x02, 0x80, 0x01, 0x90});
  s.append(requests);
  const auto first = s.step();
  REQUIRE(first);
  CHECK(first->size() == 16 + 640 * 400 * 4);
  CHECK(s.step());  // the next one, only when asked for
}

TEST_CASE("keys, pointer, cut text and encodings are read and change nothing; a message split anywhere waits") {
  auto s = initialised();
  const auto messages = bytes({2, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 1}) + bytes({4, 1, 0, 0, 0, 0, 0, 0x61}) +
                        bytes({5, 0, 0, 10, 0, 20}) + bytes({6, 0, 0, 0, 0, 0, 0, 3}) + "abc";
  for (char c : messages) CHECK(exchange(s, std::string(1, c)).empty());
  CHECK_FALSE(s.failed());
}

TEST_CASE("what RFB does not allow ends the session") {
  SUBCASE("an unknown message type") {
    auto s = initialised();
    exchange(s, bytes({200}));
    CHECK(s.failed());
  }
  SUBCASE("a colour map") {
    auto s = initialised();
    exchange(s, bytes({0, 0, 0, 0, 8, 8, 0, 0, 0, 7, 0, 7, 0, 3, 0, 3, 6, 0, 0, 0}));
    CHECK(s.failed());
  }
  SUBCASE("a shift past the pixel") {
    auto s = initialised();
    exchange(s, bytes({0, 0, 0, 0, 8, 8, 0, 1, 0, 7, 0, 7, 0, 3, 40, 3, 6, 0, 0, 0}));
    CHECK(s.failed());
  }
  SUBCASE("24 bits a pixel") {
    auto s = initialised();
    exchange(s, bytes({0, 0, 0, 0, 24, 24, 0, 1, 0, 255, 0, 255, 0, 255, 16, 8, 0, 0, 0, 0}));
    CHECK(s.failed());
  }
  SUBCASE("cut text longer than the proxy takes") {
    auto s = initialised();
    exchange(s, bytes({6, 0, 0, 0, 0x7f, 0xff, 0xff, 0xff}));
    CHECK(s.failed());
  }
  SUBCASE("too many encodings") {
    auto s = initialised();
    exchange(s, bytes({2, 0, 0xff, 0xff}));
    CHECK(s.failed());
  }
}
