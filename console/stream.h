// One connection the console proxy serves: a socket, or TLS over it
// (OpenSSL), with every wait bounded. The socket is non-blocking; no call
// blocks longer than the time it is given.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <variant>

typedef struct ssl_ctx_st SSL_CTX;

namespace console {

// Milliseconds left until `deadline` (0 once it has passed): a poll's timeout.
inline int remaining_ms(std::chrono::steady_clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
  return left.count() > 0 ? static_cast<int>(left.count()) : 0;
}

// A TLS server context made from the gateway's --tls-cert and --tls-key.
class TlsContext {
 public:
  // The context, or why OpenSSL refused the files.
  static std::variant<std::unique_ptr<TlsContext>, std::string> load(const std::string& cert_file,
                                                                    const std::string& key_file);
  ~TlsContext();
  SSL_CTX* get() const { return ctx_; }

 private:
  explicit TlsContext(SSL_CTX* ctx) : ctx_(ctx) {}
  SSL_CTX* ctx_;
};

class Stream {
 public:
  static constexpr long kClosed = 0;        // read_some: the peer closed
  static constexpr long kFailed = -1;       // read_some: an error
  static constexpr long kNothingYet = -2;   // read_some: no bytes after all (a partial TLS record)

  virtual ~Stream();
  // Waits up to `timeout_ms` for something to read (or the peer closing).
  virtual bool wait_readable(int timeout_ms);
  // Reads what has come, at most `size` bytes: their count, or kClosed, kFailed, kNothingYet.
  virtual long read_some(char* data, std::size_t size);
  // Writes all of `data` within `timeout_ms`; false on an error or the timeout.
  virtual bool write_all(std::string_view data, int timeout_ms);
  // Ends the connection gracefully: no more writes, what the peer still
  // sends is read and dropped for a moment (so the close is a FIN, not a
  // reset that could lose the last answer), then the socket is closed.
  virtual void close();
  // The socket, for the proxy to shut down from another thread (before close()).
  int fd() const { return fd_; }

  // TLS: the server's handshake, within `timeout_ms` (a plain socket has none).
  virtual bool handshake(int timeout_ms);

  // A plain socket, taken over: made non-blocking, closed by close() or the destructor.
  static std::unique_ptr<Stream> plain(int fd);
  // TLS over a socket, taken over likewise; null when OpenSSL cannot make
  // a session (the socket is then the caller's to close).
  static std::unique_ptr<Stream> tls(int fd, const TlsContext& context);

 protected:
  explicit Stream(int fd);
  // Waits for the socket to be readable (POLLIN) or writable (POLLOUT).
  bool wait(short events, int timeout_ms) const;
  void close_socket();

  int fd_;
};

}  // namespace console
