// The console proxy's WebSocket side: a request head (console/http_head.h:
// the head, its token wherever noVNC puts it, the handshake's checks and
// answer), then the client's frames (console/websocket.h), fed to the
// reader in pieces whose sizes come from the input, as reads would cut them.
// Invariants: a head is consumed within its bytes; an accepted handshake is
// answered 101; the reader's messages are never larger than its bound, and
// once it fails it stays failed and yields nothing.
// Input: "<head>\r\n\r\n<frames>" as a client sends them (no blank line: all frames).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "console/http_head.h"
#include "console/websocket.h"

namespace {

void require(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "%s\n", what);
  std::abort();
}

constexpr std::size_t kMaxMessage = 4096;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const auto blank = input.find("\r\n\r\n");
  const auto head_bytes = blank == std::string_view::npos ? std::string_view{} : input.substr(0, blank + 4);
  const auto frames = blank == std::string_view::npos ? input : input.substr(blank + 4);

  const auto parsed = console::parse_head(blank == std::string_view::npos ? input : head_bytes);
  if (parsed.status == console::HeadStatus::Complete) {
    require(parsed.consumed <= input.size(), "a head consumed more than it was given");
    (void)console::request_token(parsed.head);
    if (!console::ws::handshake_problem(parsed.head))
      require(console::ws::handshake_response(parsed.head).rfind("HTTP/1.1 101 Switching Protocols\r\n", 0) == 0,
              "an accepted handshake not answered 101");
  } else if (parsed.status == console::HeadStatus::Invalid) {
    require(!parsed.problem.empty(), "a refused head without a reason");
  }

  // One frame alone, then the stream in pieces: each piece's size is the
  // low bits of its first byte, so the fuzzer steers where reads cut.
  const auto one = console::ws::parse_frame(frames, kMaxMessage);
  if (one.status == console::ws::FrameStatus::Complete) {
    require(one.consumed <= frames.size(), "a frame consumed more than it was given");
    require(one.frame.payload.size() <= kMaxMessage, "a frame over the bound");
  }
  console::ws::Reader reader(kMaxMessage);
  std::string_view rest = frames;
  bool failed = false;
  while (!rest.empty()) {
    const std::size_t piece = std::min<std::size_t>(rest.size(), 1 + (static_cast<unsigned char>(rest[0]) & 0x3f));
    reader.append(rest.substr(0, piece));
    rest.remove_prefix(piece);
    while (auto message = reader.next()) {
      require(!failed, "a message after the reader failed");
      require(message->payload.size() <= kMaxMessage, "a message over the bound");
      const auto op = static_cast<int>(message->opcode);
      require(op == 1 || op == 2 || op == 8 || op == 9 || op == 10, "a message of no known opcode");
      if (op >= 8) require(message->payload.size() <= 125, "a control frame over 125 bytes");
    }
    if (reader.failed()) {
      require(!reader.problem().empty(), "a failure without a reason");
      failed = true;
    }
  }
  // What the server sends back parses as the RFC says (length forms included).
  const auto encoded = console::ws::encode_frame(console::ws::Opcode::Binary, frames.substr(0, 70000));
  require(encoded.size() >= std::min<std::size_t>(frames.size(), 70000) + 2, "an encoded frame too short");
  return 0;
}
