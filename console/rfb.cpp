#include "console/rfb.h"

#include <algorithm>

namespace console::rfb {
namespace {

constexpr std::uint8_t kSecurityNone = 1;

// Client-to-server message types (RFC 6143 7.5).
enum : std::uint8_t {
  kSetPixelFormat = 0,
  kSetEncodings = 2,
  kFramebufferUpdateRequest = 3,
  kKeyEvent = 4,
  kPointerEvent = 5,
  kClientCutText = 6,
};

void put_u8(std::string& out, std::uint32_t v) { out += static_cast<char>(v & 0xff); }
void put_u16(std::string& out, std::uint32_t v) {
  put_u8(out, v >> 8);
  put_u8(out, v);
}
void put_u32(std::string& out, std::uint32_t v) {
  put_u16(out, v >> 16);
  put_u16(out, v);
}

std::uint8_t u8(std::string_view s, std::size_t at) { return static_cast<std::uint8_t>(s[at]); }
std::uint16_t u16(std::string_view s, std::size_t at) {
  return static_cast<std::uint16_t>((u8(s, at) << 8) | u8(s, at + 1));
}
std::uint32_t u32(std::string_view s, std::size_t at) {
  return (static_cast<std::uint32_t>(u16(s, at)) << 16) | u16(s, at + 2);
}

bool digits(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// One pixel of colour (r, g, b) in `format`, as the bytes it is sent as.
std::string pixel(const PixelFormat& format, std::uint8_t r, std::uint8_t g, std::uint8_t b) {
  const auto channel = [](std::uint8_t value, std::uint16_t max, std::uint8_t shift) {
    return (static_cast<std::uint64_t>(value) * max / 255) << shift;
  };
  const std::uint64_t value = channel(r, format.red_max, format.red_shift) |
                              channel(g, format.green_max, format.green_shift) |
                              channel(b, format.blue_max, format.blue_shift);
  const std::size_t bytes = format.bits_per_pixel / 8;
  std::string out(bytes, '\0');
  for (std::size_t i = 0; i < bytes; ++i) {
    const auto byte = static_cast<char>((value >> (8 * i)) & 0xff);  // least significant first
    out[format.big_endian ? bytes - 1 - i : i] = byte;
  }
  return out;
}

void put_pixel_format(std::string& out, const PixelFormat& f) {
  put_u8(out, f.bits_per_pixel);
  put_u8(out, f.depth);
  put_u8(out, f.big_endian ? 1 : 0);
  put_u8(out, 1);  // true colour
  put_u16(out, f.red_max);
  put_u16(out, f.green_max);
  put_u16(out, f.blue_max);
  put_u8(out, f.red_shift);
  put_u8(out, f.green_shift);
  put_u8(out, f.blue_shift);
  out.append(3, '\0');
}

}  // namespace

Server::Server(Desktop desktop) : desktop_(std::move(desktop)) {}

std::string Server::greeting() { return "RFB 003.008\n"; }

void Server::append(std::string_view bytes) {
  if (phase_ == Phase::Failed) return;
  if (offset_ > 0) {
    buffer_.erase(0, offset_);
    offset_ = 0;
  }
  buffer_ += bytes;
}

std::string Server::fail(std::string problem) {
  phase_ = Phase::Failed;
  problem_ = std::move(problem);
  buffer_.clear();
  offset_ = 0;
  return {};
}

std::optional<std::string> Server::step() {
  switch (phase_) {
    case Phase::Version: return on_version();
    case Phase::Security: return on_security();
    case Phase::ClientInit: return on_client_init();
    case Phase::Normal: return on_message();
    case Phase::Failed: return std::nullopt;
  }
  return std::nullopt;
}

std::optional<std::string> Server::on_version() {
  const auto in = pending();
  if (in.size() < 12) {
    // A client that has already sent something else is not a VNC client.
    if (!in.empty() && std::string_view("RFB ").substr(0, std::min<std::size_t>(4, in.size())) !=
                           in.substr(0, std::min<std::size_t>(4, in.size())))
      return fail("the client's ProtocolVersion is not 'RFB xxx.yyy'");
    return std::nullopt;
  }
  const auto version = in.substr(0, 12);
  consume(12);
  if (version.substr(0, 4) != "RFB " || version[7] != '.' || version[11] != '\n' || !digits(version.substr(4, 3)) ||
      !digits(version.substr(8, 3)))
    return fail("the client's ProtocolVersion is not 'RFB xxx.yyy'");
  if (version.substr(4, 3) != "003") return fail("the client speaks an RFB major version other than 3");
  // RFC 6143 7.1.1: 3.7 and 3.8 as they are, anything above 3.8 as 3.8, any other as 3.3.
  const int minor = (version[8] - '0') * 100 + (version[9] - '0') * 10 + (version[10] - '0');
  minor_ = minor == 7 ? 7 : minor >= 8 && minor < 889 ? 8 : 3;
  std::string out;
  if (minor_ == 3) {
    put_u32(out, kSecurityNone);  // 3.3: the server decides, and no SecurityResult follows None
    phase_ = Phase::ClientInit;
  } else {
    put_u8(out, 1);
    put_u8(out, kSecurityNone);
    phase_ = Phase::Security;
  }
  return out;
}

std::optional<std::string> Server::on_security() {
  const auto in = pending();
  if (in.empty()) return std::nullopt;
  const auto chosen = u8(in, 0);
  consume(1);
  if (chosen != kSecurityNone) {
    // 3.8 tells the client why; 3.7 simply closes.
    std::string out;
    if (minor_ == 8) {
      const std::string_view reason = "only the security type None is offered";
      put_u32(out, 1);
      put_u32(out, static_cast<std::uint32_t>(reason.size()));
      out += reason;
    }
    fail("the client chose a security type that was not offered");
    return out;
  }
  phase_ = Phase::ClientInit;
  std::string out;
  if (minor_ == 8) put_u32(out, 0);  // SecurityResult: OK
  return out;
}

std::optional<std::string> Server::on_client_init() {
  if (pending().empty()) return std::nullopt;
  consume(1);  // the shared flag: every console is shared
  phase_ = Phase::Normal;
  return server_init();
}

std::string Server::server_init() const {
  std::string out;
  put_u16(out, desktop_.width);
  put_u16(out, desktop_.height);
  put_pixel_format(out, format_);
  put_u32(out, static_cast<std::uint32_t>(desktop_.name.size()));
  out += desktop_.name;
  return out;
}

std::optional<std::string> Server::on_message() {
  const auto in = pending();
  if (in.empty()) return std::nullopt;
  switch (u8(in, 0)) {
    case kSetPixelFormat: {
      if (in.size() < 20) return std::nullopt;
      PixelFormat f;
      f.bits_per_pixel = u8(in, 4);
      f.depth = u8(in, 5);
      f.big_endian = u8(in, 6) != 0;
      const bool true_colour = u8(in, 7) != 0;
      f.red_max = u16(in, 8);
      f.green_max = u16(in, 10);
      f.blue_max = u16(in, 12);
      f.red_shift = u8(in, 14);
      f.green_shift = u8(in, 15);
      f.blue_shift = u8(in, 16);
      consume(20);
      if (f.bits_per_pixel != 8 && f.bits_per_pixel != 16 && f.bits_per_pixel != 32)
        return fail("SetPixelFormat: bits-per-pixel is not 8, 16 or 32");
      if (!true_colour) return fail("SetPixelFormat: colour maps are not supported");
      if (f.red_shift >= f.bits_per_pixel || f.green_shift >= f.bits_per_pixel || f.blue_shift >= f.bits_per_pixel)
        return fail("SetPixelFormat: a shift is not within the pixel");
      format_ = f;
      return std::string();
    }
    case kSetEncodings: {
      if (in.size() < 4) return std::nullopt;
      const std::size_t count = u16(in, 2);
      if (count > kMaxEncodings) return fail("SetEncodings: too many encodings");
      if (in.size() < 4 + 4 * count) return std::nullopt;
      consume(4 + 4 * count);  // Raw is always there: the updates use nothing else
      return std::string();
    }
    case kFramebufferUpdateRequest: {
      if (in.size() < 10) return std::nullopt;
      const bool incremental = u8(in, 1) != 0;
      const auto x = u16(in, 2), y = u16(in, 4), w = u16(in, 6), h = u16(in, 8);
      consume(10);
      // Nothing on this screen ever changes: an incremental request waits for good.
      if (incremental) return std::string();
      return update(x, y, w, h);
    }
    case kKeyEvent:
      if (in.size() < 8) return std::nullopt;
      consume(8);  // there is no guest to type to
      return std::string();
    case kPointerEvent:
      if (in.size() < 6) return std::nullopt;
      consume(6);
      return std::string();
    case kClientCutText: {
      if (in.size() < 8) return std::nullopt;
      const std::size_t length = u32(in, 4);
      if (length > kMaxCutText) return fail("ClientCutText: longer than the proxy takes");
      if (in.size() < 8 + length) return std::nullopt;
      consume(8 + length);
      return std::string();
    }
    default:
      return fail("an unknown client message type " + std::to_string(u8(in, 0)));
  }
}

std::string Server::update(std::uint16_t x, std::uint16_t y, std::uint16_t w, std::uint16_t h) const {
  // The rectangle asked for, within the framebuffer.
  const unsigned x0 = std::min<unsigned>(x, desktop_.width), y0 = std::min<unsigned>(y, desktop_.height);
  const unsigned x1 = std::min<unsigned>(x + w, desktop_.width), y1 = std::min<unsigned>(y + h, desktop_.height);
  std::string out;
  put_u8(out, 0);  // FramebufferUpdate
  put_u8(out, 0);
  if (x1 <= x0 || y1 <= y0) {
    put_u16(out, 0);
    return out;
  }
  put_u16(out, 1);
  put_u16(out, x0);
  put_u16(out, y0);
  put_u16(out, x1 - x0);
  put_u16(out, y1 - y0);
  put_u32(out, 0);  // Raw
  const auto one = pixel(format_, desktop_.red, desktop_.green, desktop_.blue);
  const std::size_t pixels = static_cast<std::size_t>(x1 - x0) * (y1 - y0);
  out.reserve(out.size() + pixels * one.size());
  for (std::size_t i = 0; i < pixels; ++i) out += one;
  return out;
}

}  // namespace console::rfb
