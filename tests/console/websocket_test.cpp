// WebSocket for the console proxy (console/websocket.h): the handshake's
// checks and answer (RFC 6455's own example), frames parsed and refused as
// the RFC says, messages reassembled from fragments.
#include <doctest/doctest.h>

#include <string>

#include "console/websocket.h"

using namespace console;
using namespace console::ws;

namespace {

// A client's frame: masked with `mask`, the length in its shortest form.
std::string client_frame(std::uint8_t first, std::string_view payload, std::string mask = "\x07\x02\x01\x09") {
  std::string out(1, static_cast<char>(first));
  const auto n = payload.size();
  if (n < 126) {
    out += static_cast<char>(0x80 | n);
  } else if (n <= 0xffff) {
    out += static_cast<char>(0x80 | 126);
    out += static_cast<char>(n >> 8);
    out += static_cast<char>(n & 0xff);
  } else {
    out += static_cast<char>(0x80 | 127);
    for (int shift = 56; shift >= 0; shift -= 8) out += static_cast<char>((n >> shift) & 0xff);
  }
  out += mask;
  for (std::size_t i = 0; i < n; ++i) out += static_cast<char>(payload[i] ^ mask[i % 4]);
  return out;
}

RequestHead head_of(const std::string& text) {
  auto p = parse_head(text);
  REQUIRE(p.status == HeadStatus::Complete);
  return p.head;
}

}  // namespace

TEST_CASE("the accept key of RFC 6455's example") {
  CHECK(accept_key("dGhlIHNhbXBsZSBub25jZQ==") == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
}

TEST_CASE("a handshake is taken as tempest and noVNC send it, and answered 101 with the binary subprotocol") {
  const auto head = head_of(
      "GET /?token=t HTTP/1.1\r\nHost: h:1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
      "Sec-WebSocket-Key: x3JJHMbDL1EzLkh9GBhXDw==\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: binary\r\n\r\n");
  CHECK_FALSE(handshake_problem(head));
  const auto answer = handshake_response(head);
  CHECK(answer.rfind("HTTP/1.1 101 Switching Protocols\r\n", 0) == 0);
  CHECK(answer.find("Upgrade: websocket\r\n") != std::string::npos);
  CHECK(answer.find("Sec-WebSocket-Accept: HSmrc0sMlYUkAGmm5OPpG2HaGWk=\r\n") != std::string::npos);
  CHECK(answer.find("Sec-WebSocket-Protocol: binary\r\n") != std::string::npos);
  CHECK(answer.substr(answer.size() - 4) == "\r\n\r\n");
}

TEST_CASE("a handshake without what RFC 6455 requires is refused") {
  const std::string ok_key = "Sec-WebSocket-Key: x3JJHMbDL1EzLkh9GBhXDw==\r\n";
  for (const auto& text : {
           "POST / HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" + ok_key + "Sec-WebSocket-Version: 13\r\n\r\n",
           "GET / HTTP/1.1\r\nConnection: Upgrade\r\n" + ok_key + "Sec-WebSocket-Version: 13\r\n\r\n",
           "GET / HTTP/1.1\r\nUpgrade: websocket\r\n" + ok_key + "Sec-WebSocket-Version: 13\r\n\r\n",
           "GET / HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" + ok_key + "Sec-WebSocket-Version: 8\r\n\r\n",
           std::string("GET / HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: abc\r\n"
                       "Sec-WebSocket-Version: 13\r\n\r\n"),
           std::string("GET / HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: "
                       "x3JJHMbDL1EzLkh9GBhXDx==\r\nSec-WebSocket-Version: 13\r\n\r\n")})
    CHECK_MESSAGE(handshake_problem(head_of(text)), text);
}

TEST_CASE("frames of each length form, unmasked; partial frames wait") {
  for (std::size_t n : {0u, 1u, 125u, 126u, 65535u, 65536u, 70000u}) {
    const std::string payload(n, 'x');
    const auto frame = client_frame(0x82, payload);
    for (std::size_t cut : {std::size_t{0}, std::size_t{1}, frame.size() / 2, frame.size() - 1})
      REQUIRE(parse_frame(std::string_view(frame).substr(0, cut), 1 << 20).status == FrameStatus::Incomplete);
    const auto p = parse_frame(frame + "next", 1 << 20);
    REQUIRE(p.status == FrameStatus::Complete);
    CHECK(p.consumed == frame.size());
    CHECK(p.frame.fin);
    CHECK(p.frame.opcode == Opcode::Binary);
    CHECK(p.frame.payload == payload);
  }
  const auto p = parse_frame(client_frame(0x82, "RFB 003.008\n"), 100);
  CHECK(p.frame.payload == "RFB 003.008\n");
}

TEST_CASE("frames RFC 6455 forbids are refused, with the close code to send") {
  CHECK(parse_frame(std::string("\x82\x01" "a"), 100).status == FrameStatus::Invalid);  // not masked
  CHECK(parse_frame(client_frame(0xc2, "a"), 100).status == FrameStatus::Invalid);      // RSV1
  CHECK(parse_frame(client_frame(0x83, "a"), 100).status == FrameStatus::Invalid);      // opcode 3
  CHECK(parse_frame(client_frame(0x09, "a"), 100).status == FrameStatus::Invalid);      // a fragmented ping
  CHECK(parse_frame(client_frame(0x89, std::string(126, 'a')), 1000).status == FrameStatus::Invalid);
  const auto big = parse_frame(client_frame(0x82, std::string(101, 'a')), 100);
  CHECK(big.status == FrameStatus::Invalid);
  CHECK(big.close_code == kTooBig);
  // A length in a longer form than it needs.
  std::string padded = "\x82\xfe";
  padded += std::string("\x00\x05", 2);
  padded += "\x00\x00\x00\x00hello";
  CHECK(parse_frame(padded, 100).status == FrameStatus::Invalid);
  std::string huge = "\x82\xff";
  huge += std::string("\x80\x00\x00\x00\x00\x00\x00\x00", 8);
  CHECK(parse_frame(huge, 100).status == FrameStatus::Invalid);
}

TEST_CASE("server frames: unmasked, each length form, and a close with its code") {
  CHECK(encode_frame(Opcode::Binary, "ab") == std::string("\x82\x02" "ab"));
  CHECK(encode_frame(Opcode::Binary, std::string(126, 'a')).substr(0, 4) == std::string("\x82\x7e\x00\x7e", 4));
  CHECK(encode_frame(Opcode::Binary, std::string(65536, 'a')).substr(0, 10) ==
        std::string("\x82\x7f\x00\x00\x00\x00\x00\x01\x00\x00", 10));
  CHECK(close_frame(kGoingAway, "bye") == std::string("\x88\x05\x03\xe9" "bye"));
  CHECK(close_frame(kNormal, std::string(200, 'x')).size() == 2 + 125);
}

TEST_CASE("the reader joins fragments, passes control frames between them, and fails for good") {
  Reader reader(1000);
  reader.append(client_frame(0x02, "RFB ") + client_frame(0x89, "ping") + client_frame(0x00, "003."));
  auto ping = reader.next();
  REQUIRE(ping);
  CHECK(ping->opcode == Opcode::Ping);
  CHECK(ping->payload == "ping");
  CHECK_FALSE(reader.next());
  reader.append(client_frame(0x80, "008\n").substr(0, 3));
  CHECK_FALSE(reader.next());
  reader.append(client_frame(0x80, "008\n").substr(3));
  auto whole = reader.next();
  REQUIRE(whole);
  CHECK(whole->opcode == Opcode::Binary);
  CHECK(whole->payload == "RFB 003.008\n");

  reader.append(client_frame(0x80, "orphan"));
  CHECK_FALSE(reader.next());
  CHECK(reader.failed());
  CHECK(reader.close_code() == kProtocolError);
  reader.append(client_frame(0x82, "later"));
  CHECK_FALSE(reader.next());

  Reader small(8);
  small.append(client_frame(0x02, "12345") + client_frame(0x80, "6789"));
  CHECK_FALSE(small.next());
  CHECK(small.close_code() == kTooBig);

  Reader interleaved(100);
  interleaved.append(client_frame(0x02, "a") + client_frame(0x82, "b"));
  CHECK_FALSE(interleaved.next());
  CHECK(interleaved.failed());
}
