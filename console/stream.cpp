#include "console/stream.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>

#include <openssl/err.h>
#include <openssl/ssl.h>

namespace console {
namespace {

using SteadyClock = std::chrono::steady_clock;

std::string openssl_reason() {
  const auto code = ERR_peek_last_error();
  ERR_clear_error();
  const char* reason = code ? ERR_reason_error_string(code) : nullptr;
  return reason ? reason : "unknown error";
}

// How long close() reads what the peer still sends before it gives up on a clean FIN.
constexpr int kLingerMs = 500;

class TlsStream final : public Stream {
 public:
  TlsStream(int fd, SSL* ssl) : Stream(fd), ssl_(ssl) {}
  ~TlsStream() override {
    SSL_free(ssl_);
    ssl_ = nullptr;
  }

  bool wait_readable(int timeout_ms) override {
    if (SSL_pending(ssl_) > 0) return true;
    return wait(POLLIN, timeout_ms);
  }

  long read_some(char* data, std::size_t size) override {
    ERR_clear_error();
    const int n = SSL_read(ssl_, data, static_cast<int>(std::min<std::size_t>(size, 1 << 30)));
    if (n > 0) return n;
    switch (SSL_get_error(ssl_, n)) {
      case SSL_ERROR_WANT_READ:
      case SSL_ERROR_WANT_WRITE: return kNothingYet;
      case SSL_ERROR_ZERO_RETURN: return kClosed;
      default: ERR_clear_error(); return kFailed;
    }
  }

  bool write_all(std::string_view data, int timeout_ms) override {
    const auto deadline = SteadyClock::now() + std::chrono::milliseconds(timeout_ms);
    while (!data.empty()) {
      ERR_clear_error();
      const int n = SSL_write(ssl_, data.data(), static_cast<int>(std::min<std::size_t>(data.size(), 1 << 30)));
      if (n > 0) {
        data.remove_prefix(static_cast<std::size_t>(n));
        continue;
      }
      const int error = SSL_get_error(ssl_, n);
      if (error == SSL_ERROR_WANT_WRITE && wait(POLLOUT, remaining_ms(deadline))) continue;
      if (error == SSL_ERROR_WANT_READ && wait(POLLIN, remaining_ms(deadline))) continue;
      ERR_clear_error();
      return false;
    }
    return true;
  }

  bool handshake(int timeout_ms) override {
    const auto deadline = SteadyClock::now() + std::chrono::milliseconds(timeout_ms);
    for (;;) {
      ERR_clear_error();
      const int r = SSL_accept(ssl_);
      if (r == 1) return true;
      const int error = SSL_get_error(ssl_, r);
      const bool more = (error == SSL_ERROR_WANT_READ && wait(POLLIN, remaining_ms(deadline))) ||
                        (error == SSL_ERROR_WANT_WRITE && wait(POLLOUT, remaining_ms(deadline)));
      if (!more) {
        ERR_clear_error();
        handshaken_ = false;
        return false;
      }
    }
  }

  void close() override {
    if (fd_ < 0) return;
    if (!handshaken_) return Stream::close();
    ERR_clear_error();
    SSL_shutdown(ssl_);  // our close_notify; the peer's is not waited for
    ERR_clear_error();
    Stream::close();
  }

 private:
  SSL* ssl_;
  bool handshaken_ = true;  // false after a failed handshake: no close_notify then
};

}  // namespace

std::variant<std::unique_ptr<TlsContext>, std::string> TlsContext::load(const std::string& cert_file,
                                                                       const std::string& key_file) {
  SSL_CTX* ctx = SSL_CTX_new(TLS_server_method());
  if (!ctx) return "OpenSSL cannot make a TLS context: " + openssl_reason();
  std::unique_ptr<TlsContext> context(new TlsContext(ctx));
  SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
  SSL_CTX_set_options(ctx, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION);
  // A write may be retried with the rest of a buffer that moved (the string grew).
  SSL_CTX_set_mode(ctx, SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER | SSL_MODE_ENABLE_PARTIAL_WRITE);
  if (SSL_CTX_use_certificate_chain_file(ctx, cert_file.c_str()) != 1 ||
      SSL_CTX_use_PrivateKey_file(ctx, key_file.c_str(), SSL_FILETYPE_PEM) != 1 || SSL_CTX_check_private_key(ctx) != 1)
    return "the console proxy cannot use " + cert_file + " and " + key_file + ": " + openssl_reason();
  return context;
}

TlsContext::~TlsContext() { SSL_CTX_free(ctx_); }

Stream::Stream(int fd) : fd_(fd) {
  const int flags = fcntl(fd_, F_GETFL, 0);
  if (flags >= 0) fcntl(fd_, F_SETFL, flags | O_NONBLOCK);
}

Stream::~Stream() { close_socket(); }

std::unique_ptr<Stream> Stream::plain(int fd) { return std::unique_ptr<Stream>(new Stream(fd)); }

std::unique_ptr<Stream> Stream::tls(int fd, const TlsContext& context) {
  SSL* ssl = SSL_new(context.get());
  if (!ssl || SSL_set_fd(ssl, fd) != 1) {
    SSL_free(ssl);
    ERR_clear_error();
    return nullptr;
  }
  return std::unique_ptr<Stream>(new TlsStream(fd, ssl));
}

bool Stream::handshake(int) { return true; }

bool Stream::wait(short events, int timeout_ms) const {
  if (fd_ < 0) return false;
  pollfd p{fd_, events, 0};
  for (;;) {
    const int r = ::poll(&p, 1, timeout_ms);
    if (r < 0 && errno == EINTR) continue;
    // An error or a hang-up counts as ready: the read or write that follows says which.
    return r > 0;
  }
}

bool Stream::wait_readable(int timeout_ms) { return wait(POLLIN, timeout_ms); }

long Stream::read_some(char* data, std::size_t size) {
  for (;;) {
    const auto n = ::recv(fd_, data, size, 0);
    if (n > 0) return static_cast<long>(n);
    if (n == 0) return kClosed;
    if (errno == EINTR) continue;
    return errno == EAGAIN || errno == EWOULDBLOCK ? kNothingYet : kFailed;
  }
}

bool Stream::write_all(std::string_view data, int timeout_ms) {
  const auto deadline = SteadyClock::now() + std::chrono::milliseconds(timeout_ms);
  while (!data.empty()) {
    const auto n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
    if (n > 0) {
      data.remove_prefix(static_cast<std::size_t>(n));
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      if (!wait(POLLOUT, remaining_ms(deadline))) return false;
    } else {
      return false;
    }
  }
  return true;
}

void Stream::close() {
  if (fd_ < 0) return;
  ::shutdown(fd_, SHUT_WR);
  const auto deadline = SteadyClock::now() + std::chrono::milliseconds(kLingerMs);
  char sink[4096];
  while (remaining_ms(deadline) > 0 && wait(POLLIN, remaining_ms(deadline))) {
    const auto n = ::recv(fd_, sink, sizeof sink, 0);
    if (n > 0 || (n < 0 && errno == EINTR)) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) continue;
    break;  // the peer closed too, or the socket failed
  }
  close_socket();
}

void Stream::close_socket() {
  if (fd_ < 0) return;
  ::close(fd_);
  fd_ = -1;
}

}  // namespace console
