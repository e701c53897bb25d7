// RFC 6455 as the console proxy speaks it: the opening handshake (what a
// request must carry, the 101 answer) and frames: a client's (masked, parsed
// and reassembled into messages) and the server's (unmasked). Pure over
// bytes but for the accept key's SHA-1, which is OpenSSL's.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "console/http_head.h"

namespace console::ws {

enum class Opcode : std::uint8_t { Continuation = 0, Text = 1, Binary = 2, Close = 8, Ping = 9, Pong = 10 };

// Close codes (RFC 6455 7.4.1) the proxy sends.
inline constexpr std::uint16_t kNormal = 1000;
inline constexpr std::uint16_t kGoingAway = 1001;
inline constexpr std::uint16_t kProtocolError = 1002;
inline constexpr std::uint16_t kUnsupportedData = 1003;
inline constexpr std::uint16_t kTooBig = 1009;

// Why `head` is not a WebSocket opening handshake the proxy takes (GET,
// Upgrade: websocket, Connection: upgrade, version 13, a 16-byte key), or nothing.
std::optional<std::string> handshake_problem(const RequestHead& head);

// Sec-WebSocket-Accept for a client's Sec-WebSocket-Key.
std::string accept_key(std::string_view client_key);

// The 101 answer to a handshake handshake_problem accepted; it picks the
// subprotocol "binary" when the client offers it (noVNC and websockify's name).
std::string handshake_response(const RequestHead& head);

// One frame from the server: FIN set, not masked.
std::string encode_frame(Opcode opcode, std::string_view payload);
// A close frame with its status code (and a reason, cut to fit a control frame).
std::string close_frame(std::uint16_t code, std::string_view reason = {});

struct Frame {
  bool fin = true;
  Opcode opcode = Opcode::Binary;
  std::string payload;  // unmasked
};

enum class FrameStatus { Incomplete, Complete, Invalid };

struct FrameParse {
  FrameStatus status = FrameStatus::Incomplete;
  Frame frame;               // when Complete
  std::size_t consumed = 0;  // bytes of the frame (Complete)
  std::uint16_t close_code = kProtocolError;  // when Invalid: the close code to send
  std::string problem;                        // when Invalid
};

// One client frame from the front of `bytes`: masked (a client must mask),
// no reserved bits (no extension was agreed), a known opcode, a control
// frame unfragmented and at most 125 bytes, a payload at most `max_payload`.
FrameParse parse_frame(std::string_view bytes, std::size_t max_payload);

// What a client sent, frame by frame reassembled: each data message whole
// (its fragments joined), and each control frame as it comes.
struct Message {
  Opcode opcode = Opcode::Binary;  // Text or Binary for data; Close, Ping or Pong
  std::string payload;
};

class Reader {
 public:
  explicit Reader(std::size_t max_message) : max_message_(max_message) {}

  // Takes bytes as they arrive.
  void append(std::string_view bytes);
  // The next message once whole; nothing until more bytes come, or once the
  // stream is broken (see failed()).
  std::optional<Message> next();
  bool failed() const { return failed_; }
  std::uint16_t close_code() const { return close_code_; }
  const std::string& problem() const { return problem_; }

 private:
  void fail(std::uint16_t code, std::string problem);

  std::size_t max_message_;
  std::string buffer_;
  std::size_t offset_ = 0;  // bytes of buffer_ already parsed
  std::optional<Message> partial_;  // a fragmented data message under way
  bool failed_ = false;
  std::uint16_t close_code_ = kProtocolError;
  std::string problem_;
};

}  // namespace console::ws
