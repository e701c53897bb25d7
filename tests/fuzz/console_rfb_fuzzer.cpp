// The console proxy's RFB server (console/rfb.h): a client's bytes in pieces
// (sizes from the input, as WebSocket messages would cut them), each whole
// message answered before the next is read. Invariants: no answer is larger
// than a full framebuffer update; once the session fails it answers nothing
// more; the handshake's answers are what RFC 6143 says for the version agreed.
// Input: the bytes a VNC client sends after the server's "RFB 003.008\n".
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "console/rfb.h"

namespace {

void require(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "%s\n", what);
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  // A small framebuffer keeps full updates cheap; its bound is what every answer must fit.
  console::rfb::Server server(console::rfb::Desktop{64, 48, "fuzz"});
  const std::size_t largest = 16 + 64 * 48 * 4;
  std::string_view rest = input;
  bool failed = false;
  int answers = 0;
  while (!rest.empty()) {
    const std::size_t piece = std::min<std::size_t>(rest.size(), 1 + (static_cast<unsigned char>(rest[0]) & 0x1f));
    server.append(rest.substr(0, piece));
    rest.remove_prefix(piece);
    while (auto answer = server.step()) {
      require(!failed, "an answer after the session failed");
      require(answer->size() <= largest, "an answer larger than a full update");
      if (answers++ == 0 && !server.failed()) {
        const int minor = server.minor_version();
        require(minor == 3 || minor == 7 || minor == 8, "a version agreed that RFC 6143 does not name");
        require(answer->size() == (minor == 3 ? 4u : 2u), "the security answer's size is not the version's");
      }
      if (server.failed()) failed = true;
    }
    if (server.failed()) {
      require(!server.problem().empty(), "a failure without a reason");
      failed = true;
    }
  }
  return 0;
}
