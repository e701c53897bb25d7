#include "console/websocket.h"

#include <openssl/evp.h>
#include <openssl/sha.h>

namespace console::ws {
namespace {

constexpr std::string_view kGuid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";  // RFC 6455 1.3

std::string base64(const unsigned char* data, std::size_t size) {
  std::string out(4 * ((size + 2) / 3), '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), data, static_cast<int>(size));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

// Whether `key` is base64 of exactly 16 bytes (RFC 6455 4.2.1, item 5).
bool is_key(std::string_view key) {
  if (key.size() != 24 || key.substr(22) != "==") return false;
  for (char c : key.substr(0, 22))
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/'))
      return false;
  // The last character before the padding carries 2 bits: its low 4 must be zero.
  return std::string_view("AQgw").find(key[21]) != std::string_view::npos;
}

bool is_control(Opcode op) { return static_cast<std::uint8_t>(op) >= 8; }

bool known(std::uint8_t op) { return op <= 2 || (op >= 8 && op <= 10); }

FrameParse invalid(std::uint16_t code, std::string problem) {
  FrameParse p;
  p.status = FrameStatus::Invalid;
  p.close_code = code;
  p.problem = std::move(problem);
  return p;
}

}  // namespace

std::optional<std::string> handshake_problem(const RequestHead& head) {
  if (head.method != "GET") return "a WebSocket handshake is a GET";
  if (!head.lists("upgrade", "websocket")) return "Upgrade: websocket is missing";
  if (!head.lists("connection", "upgrade")) return "Connection: Upgrade is missing";
  if (head.field("sec-websocket-version") != "13") return "Sec-WebSocket-Version is not 13";
  const auto key = head.field("sec-websocket-key");
  if (!key || !is_key(*key)) return "Sec-WebSocket-Key is not 16 bytes in base64";
  return std::nullopt;
}

std::string accept_key(std::string_view client_key) {
  std::string text(client_key);
  text += kGuid;
  unsigned char digest[SHA_DIGEST_LENGTH];
  SHA1(reinterpret_cast<const unsigned char*>(text.data()), text.size(), digest);
  return base64(digest, sizeof digest);
}

std::string handshake_response(const RequestHead& head) {
  std::string out =
      "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ";
  out += accept_key(head.field("sec-websocket-key").value_or(""));
  out += "\r\n";
  if (head.lists("sec-websocket-protocol", "binary")) out += "Sec-WebSocket-Protocol: binary\r\n";
  out += "\r\n";
  return out;
}

std::string encode_frame(Opcode opcode, std::string_view payload) {
  std::string out;
  out.reserve(payload.size() + 10);
  out += static_cast<char>(0x80 | static_cast<std::uint8_t>(opcode));
  const auto n = payload.size();
  if (n < 126) {
    out += static_cast<char>(n);
  } else if (n <= 0xffff) {
    out += static_cast<char>(126);
    out += static_cast<char>(n >> 8);
    out += static_cast<char>(n & 0xff);
  } else {
    out += static_cast<char>(127);
    for (int shift = 56; shift >= 0; shift -= 8)
      out += static_cast<char>((static_cast<std::uint64_t>(n) >> shift) & 0xff);
  }
  out += payload;
  return out;
}

std::string close_frame(std::uint16_t code, std::string_view reason) {
  std::string payload;
  payload += static_cast<char>(code >> 8);
  payload += static_cast<char>(code & 0xff);
  payload += reason.substr(0, 123);
  return encode_frame(Opcode::Close, payload);
}

FrameParse parse_frame(std::string_view bytes, std::size_t max_payload) {
  if (bytes.size() < 2) return {};
  const auto b0 = static_cast<std::uint8_t>(bytes[0]);
  const auto b1 = static_cast<std::uint8_t>(bytes[1]);
  if (b0 & 0x70) return invalid(kProtocolError, "a reserved bit is set (no extension was agreed)");
  if (!known(b0 & 0x0f)) return invalid(kProtocolError, "an unknown opcode");
  const auto opcode = static_cast<Opcode>(b0 & 0x0f);
  const bool fin = (b0 & 0x80) != 0;
  if (!(b1 & 0x80)) return invalid(kProtocolError, "a client frame is not masked");
  std::uint64_t length = b1 & 0x7f;
  std::size_t at = 2;
  if (length == 126 || length == 127) {
    const std::size_t width = length == 126 ? 2 : 8;
    if (bytes.size() < at + width) return {};
    length = 0;
    for (std::size_t i = 0; i < width; ++i) length = (length << 8) | static_cast<std::uint8_t>(bytes[at + i]);
    at += width;
    // The shortest form is required, and the 64-bit length's top bit is zero (RFC 6455 5.2).
    if ((width == 2 && length < 126) || (width == 8 && (length <= 0xffff || (length >> 63))))
      return invalid(kProtocolError, "a payload length not in its shortest form");
  }
  if (is_control(opcode) && (!fin || length > 125))
    return invalid(kProtocolError, "a control frame fragmented or longer than 125 bytes");
  if (length > max_payload) return invalid(kTooBig, "a frame larger than the proxy takes");
  if (bytes.size() < at + 4 + length) return {};
  const auto* mask = reinterpret_cast<const unsigned char*>(bytes.data() + at);
  at += 4;
  FrameParse parsed;
  parsed.status = FrameStatus::Complete;
  parsed.frame.fin = fin;
  parsed.frame.opcode = opcode;
  parsed.frame.payload.assign(bytes.substr(at, static_cast<std::size_t>(length)));
  auto& payload = parsed.frame.payload;
  for (std::size_t i = 0; i < payload.size(); ++i) payload[i] ^= static_cast<char>(mask[i % 4]);
  parsed.consumed = at + static_cast<std::size_t>(length);
  return parsed;
}

void Reader::append(std::string_view bytes) {
  if (failed_) return;
  // What was parsed is dropped before the buffer grows, so it holds at most a frame and a read.
  if (offset_ > 0) {
    buffer_.erase(0, offset_);
    offset_ = 0;
  }
  buffer_ += bytes;
}

void Reader::fail(std::uint16_t code, std::string problem) {
  failed_ = true;
  close_code_ = code;
  problem_ = std::move(problem);
  buffer_.clear();
  offset_ = 0;
}

std::optional<Message> Reader::next() {
  while (!failed_) {
    auto parsed = parse_frame(std::string_view(buffer_).substr(offset_), max_message_);
    if (parsed.status == FrameStatus::Incomplete) return std::nullopt;
    if (parsed.status == FrameStatus::Invalid) {
      fail(parsed.close_code, std::move(parsed.problem));
      return std::nullopt;
    }
    offset_ += parsed.consumed;
    auto& frame = parsed.frame;
    if (is_control(frame.opcode)) return Message{frame.opcode, std::move(frame.payload)};
    if (frame.opcode == Opcode::Continuation) {
      if (!partial_) {
        fail(kProtocolError, "a continuation frame with no message under way");
        return std::nullopt;
      }
      if (partial_->payload.size() + frame.payload.size() > max_message_) {
        fail(kTooBig, "a message larger than the proxy takes");
        return std::nullopt;
      }
      partial_->payload += frame.payload;
    } else {
      if (partial_) {
        fail(kProtocolError, "a new message began before the last one ended");
        return std::nullopt;
      }
      partial_ = Message{frame.opcode, std::move(frame.payload)};
    }
    if (frame.fin) {
      auto whole = std::move(*partial_);
      partial_.reset();
      return whole;
    }
  }
  return std::nullopt;
}

}  // namespace console::ws
