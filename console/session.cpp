#include "console/session.h"

#include <chrono>

#include "console/rfb.h"
#include "console/websocket.h"

namespace console {
namespace {

using SteadyClock = std::chrono::steady_clock;

// A close code that may travel in a close frame (RFC 6455 7.4): 1005, 1006
// and 1015 only report, and the rest below 3000 are reserved but these.
bool sendable(std::uint16_t code) {
  return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1011) || (code >= 3000 && code <= 4999);
}

class Session {
 public:
  Session(Stream& stream, const Backend& backend, const std::string& server, const Screen& screen,
          const std::atomic<bool>& stopping)
      : stream_(stream), backend_(backend), server_(server), stopping_(stopping),
        rfb_(rfb::Desktop{640, 400, screen.name}), reader_(kMaxMessage) {}

  void run(std::string_view early) {
    if (!send(ws::Opcode::Binary, rfb::Server::greeting())) return;
    reader_.append(early);
    auto checked = SteadyClock::now();
    char buffer[16384];
    for (;;) {
      if (!handle_messages()) return;
      if (reader_.failed()) return close(reader_.close_code(), reader_.problem());
      if (stopping_) return close(ws::kGoingAway, "the gateway is stopping");
      if (SteadyClock::now() - checked >= std::chrono::milliseconds(kCheckEveryMs)) {
        checked = SteadyClock::now();
        const auto screen = backend_.screen(server_);
        if (!screen) return close(ws::kNormal, "the server was deleted");
        if (!screen->running) return close(ws::kNormal, "the server is no longer running");
      }
      if (!stream_.wait_readable(kCheckEveryMs / 2)) continue;
      const long n = stream_.read_some(buffer, sizeof buffer);
      if (n == Stream::kNothingYet) continue;
      if (n <= 0) return;  // the client went (or the proxy shut the socket down)
      reader_.append(std::string_view(buffer, static_cast<std::size_t>(n)));
    }
  }

 private:
  bool send(ws::Opcode opcode, std::string_view payload) {
    return stream_.write_all(ws::encode_frame(opcode, payload), kWriteTimeoutMs);
  }

  void close(std::uint16_t code, std::string_view reason) {
    (void)stream_.write_all(ws::close_frame(code, reason), kWriteTimeoutMs);
  }

  // Handles every whole message buffered; false once the session is over.
  bool handle_messages() {
    while (auto message = reader_.next()) {
      switch (message->opcode) {
        case ws::Opcode::Binary:
          rfb_.append(message->payload);
          // One RFB answer a WebSocket message: a client reads them message by message.
          while (auto out = rfb_.step()) {
            if (!out->empty() && !send(ws::Opcode::Binary, *out)) return false;
            if (rfb_.failed()) break;
          }
          if (rfb_.failed()) {
            close(ws::kProtocolError, "RFB: " + rfb_.problem());
            return false;
          }
          break;
        case ws::Opcode::Text:
          close(ws::kUnsupportedData, "RFB travels in binary messages");
          return false;
        case ws::Opcode::Ping:
          if (!send(ws::Opcode::Pong, message->payload)) return false;
          break;
        case ws::Opcode::Close: {
          // Echo the client's code (RFC 6455 5.5.1), or say normal when it gave none.
          const auto& p = message->payload;
          const std::uint16_t code = p.size() >= 2 ? static_cast<std::uint16_t>(
                                                         (static_cast<unsigned char>(p[0]) << 8) |
                                                         static_cast<unsigned char>(p[1]))
                                                   : ws::kNormal;
          close(sendable(code) ? code : ws::kProtocolError, "");
          return false;
        }
        default:  // a Pong: nothing to do
          break;
      }
    }
    return true;
  }

  Stream& stream_;
  const Backend& backend_;
  const std::string& server_;
  const std::atomic<bool>& stopping_;
  rfb::Server rfb_;
  ws::Reader reader_;
};

}  // namespace

void run_session(Stream& stream, const Backend& backend, const std::string& server, const Screen& screen,
                 std::string_view early, const std::atomic<bool>& stopping) {
  Session(stream, backend, server, screen, stopping).run(early);
}

}  // namespace console
