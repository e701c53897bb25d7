// The server side of the RFB protocol (RFC 6143, what VNC clients speak) for
// a console with no guest behind it: versions 3.3, 3.7 and 3.8, the security
// type None, then a framebuffer of one colour named after the server, sent
// raw whenever a client asks for all of it. Pure: bytes in, bytes out, one
// client message at a time, so a flood of requests never piles up answers.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace console::rfb {

inline constexpr std::size_t kMaxCutText = 1 << 20;  // ClientCutText longer than this ends the session
inline constexpr std::size_t kMaxEncodings = 1024;   // SetEncodings with more ends the session

struct Desktop {
  std::uint16_t width = 640;
  std::uint16_t height = 400;
  std::string name;  // ServerInit's desktop name (UTF-8)
  std::uint8_t red = 0x1d, green = 0x23, blue = 0x30;  // the dashboard's ink
};

// A true-colour pixel format (RFC 6143 7.4).
struct PixelFormat {
  std::uint8_t bits_per_pixel = 32;
  std::uint8_t depth = 24;
  bool big_endian = false;
  std::uint16_t red_max = 255, green_max = 255, blue_max = 255;
  std::uint8_t red_shift = 16, green_shift = 8, blue_shift = 0;
};

class Server {
 public:
  explicit Server(Desktop desktop);

  // The ProtocolVersion the server opens with: "RFB 003.008\n".
  static std::string greeting();

  // Takes the client's bytes as they arrive.
  void append(std::string_view bytes);
  // Handles the next whole client message: what to send back (maybe
  // nothing), or nullopt when no whole message is buffered. After a
  // failure the answer is what the client should still read (3.8's
  // SecurityResult and reason), then nullopt for good: close the connection.
  std::optional<std::string> step();

  bool failed() const { return phase_ == Phase::Failed; }
  const std::string& problem() const { return problem_; }
  // Past ServerInit: the client and the server talk in normal messages.
  bool initialised() const { return phase_ == Phase::Normal; }
  // The minor version agreed (3, 7 or 8), once the client has said it.
  int minor_version() const { return minor_; }
  const PixelFormat& pixel_format() const { return format_; }

 private:
  enum class Phase { Version, Security, ClientInit, Normal, Failed };

  std::optional<std::string> on_version();
  std::optional<std::string> on_security();
  std::optional<std::string> on_client_init();
  std::optional<std::string> on_message();
  std::string server_init() const;
  std::string update(std::uint16_t x, std::uint16_t y, std::uint16_t w, std::uint16_t h) const;
  std::string fail(std::string problem);
  // Buffered bytes not handled yet.
  std::string_view pending() const { return std::string_view(buffer_).substr(offset_); }
  void consume(std::size_t n) { offset_ += n; }

  Desktop desktop_;
  PixelFormat format_;
  Phase phase_ = Phase::Version;
  int minor_ = 0;
  std::string buffer_;
  std::size_t offset_ = 0;
  std::string problem_;
};

}  // namespace console::rfb
