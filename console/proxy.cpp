#include "console/proxy.h"

#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "console/http_head.h"
#include "console/session.h"
#include "console/websocket.h"

namespace console {

struct Proxy::Connection {
  int fd = -1;
  bool open = true;  // guarded by the proxy's mutex: stop() shuts the socket down only while open
  std::atomic<bool> done{false};
  std::thread thread;
};

namespace {

using SteadyClock = std::chrono::steady_clock;

// The answer to a request that is not an upgrade, with the headers every
// answer carries: the URL holds a token, so no referrer leaves the page,
// and the page runs only its own files.
std::string answer_text(int status, std::string_view reason, std::string_view type, std::string_view body,
                        std::string_view extra = {}) {
  std::string out = "HTTP/1.1 " + std::to_string(status) + " ";
  out += reason;
  out += "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n";
  if (!type.empty()) {
    out += "Content-Type: ";
    out += type;
    out += "\r\n";
  }
  out += extra;
  out +=
      "Cache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nReferrer-Policy: no-referrer\r\n"
      "Content-Security-Policy: default-src 'self'; img-src 'self' data:; frame-ancestors 'none'\r\n"
      "Connection: close\r\n\r\n";
  out += body;
  return out;
}

std::string error_json(int status, std::string_view message) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  w.StartObject();
  w.Key("error");
  w.StartObject();
  w.Key("code");
  w.Int(status);
  w.Key("message");
  w.String(message.data(), static_cast<rapidjson::SizeType>(message.size()));
  w.EndObject();
  w.EndObject();
  return {buffer.GetString(), buffer.GetSize()};
}

std::string screen_json(const std::string& server, const Screen& screen) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  const auto field = [&w](const char* key, const std::string& value) {
    w.Key(key);
    w.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
  };
  w.StartObject();
  w.Key("server");
  w.StartObject();
  field("id", server);
  field("name", screen.name);
  field("status", screen.status);
  w.EndObject();
  field("log", screen.log);
  w.EndObject();
  return {buffer.GetString(), buffer.GetSize()};
}

// A refusal before any upgrade: a status line and no body, then the close,
// so a client that went on to read frames reads the end of the stream.
std::string refusal(int status, std::string_view reason) {
  return "HTTP/1.1 " + std::to_string(status) + " " + std::string(reason) +
         "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
}

}  // namespace

Proxy::Proxy(Settings settings, Backend backend, std::vector<Asset> assets)
    : settings_(std::move(settings)), backend_(std::move(backend)), assets_(std::move(assets)) {}

Proxy::~Proxy() {
  stop();
  if (listen_fd_ >= 0) ::close(listen_fd_);
  for (int fd : wake_)
    if (fd >= 0) ::close(fd);
}

std::variant<int, std::string> Proxy::listen() {
  if (!settings_.tls_cert.empty()) {
    auto loaded = TlsContext::load(settings_.tls_cert, settings_.tls_key);
    if (auto* error = std::get_if<std::string>(&loaded)) return *error;
    tls_ = std::move(std::get<std::unique_ptr<TlsContext>>(loaded));
  }
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  const auto port_text = std::to_string(settings_.port);
  if (const int rc = getaddrinfo(settings_.host.c_str(), port_text.c_str(), &hints, &found); rc != 0)
    return "the console proxy cannot resolve " + settings_.host + ": " + gai_strerror(rc);
  std::string why = "no address to listen on";
  for (auto* a = found; a && listen_fd_ < 0; a = a->ai_next) {
    const int fd = ::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0) continue;
    int yes = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    if (::bind(fd, a->ai_addr, a->ai_addrlen) == 0 && ::listen(fd, 128) == 0) {
      listen_fd_ = fd;
    } else {
      why = std::strerror(errno);
      ::close(fd);
    }
  }
  freeaddrinfo(found);
  if (listen_fd_ < 0) return "the console proxy cannot listen on " + settings_.host + ":" + port_text + ": " + why;
  sockaddr_storage bound{};
  socklen_t length = sizeof bound;
  getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&bound), &length);
  port_ = ntohs(bound.ss_family == AF_INET6 ? reinterpret_cast<sockaddr_in6*>(&bound)->sin6_port
                                            : reinterpret_cast<sockaddr_in*>(&bound)->sin_port);
  if (::pipe2(wake_, O_CLOEXEC | O_NONBLOCK) != 0) return std::string("the console proxy cannot make a pipe");
  return port_;
}

void Proxy::start() {
  std::lock_guard lock(mutex_);  // stop() may come from another thread (a signal's)
  if (stopping_ || listen_fd_ < 0 || acceptor_.joinable()) return;
  acceptor_ = std::thread([this] { accept_loop(); });
}

std::string Proxy::base_url() const {
  const bool v6 = settings_.host.find(':') != std::string::npos;
  return (tls_ ? "https://" : "http://") + (v6 ? "[" + settings_.host + "]" : settings_.host) + ":" +
         std::to_string(port_);
}

Stats Proxy::stats() const {
  Stats s;
  s.connections = accepted_;
  s.refused = refused_;
  s.sessions = sessions_;
  std::lock_guard lock(mutex_);
  for (const auto& c : connections_) s.open += c->done ? 0 : 1;
  return s;
}

void Proxy::stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    stopping_ = true;  // start() starts nothing from now on
  }
  if (wake_[1] >= 0) (void)!::write(wake_[1], "x", 1);
  if (acceptor_.joinable()) acceptor_.join();
  std::list<std::unique_ptr<Connection>> ending;
  {
    std::lock_guard lock(mutex_);
    for (auto& c : connections_)
      if (c->open) ::shutdown(c->fd, SHUT_RDWR);  // wakes its thread, whatever it waits for
    ending.swap(connections_);
  }
  for (auto& c : ending)
    if (c->thread.joinable()) c->thread.join();
}

void Proxy::reap() {
  std::list<std::unique_ptr<Connection>> finished;
  {
    std::lock_guard lock(mutex_);
    for (auto it = connections_.begin(); it != connections_.end();) {
      auto next = std::next(it);
      if ((*it)->done) finished.splice(finished.end(), connections_, it);
      it = next;
    }
  }
  for (auto& c : finished) c->thread.join();
}

void Proxy::accept_loop() {
  while (!stopping_) {
    pollfd fds[2] = {{listen_fd_, POLLIN, 0}, {wake_[0], POLLIN, 0}};
    if (::poll(fds, 2, 1000) < 0 && errno != EINTR) break;
    reap();
    if (stopping_ || !(fds[0].revents & POLLIN)) continue;
    const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    ++accepted_;
    std::lock_guard lock(mutex_);
    if (connections_.size() >= kMaxConnections) {
      ++refused_;
      constexpr std::string_view kBusy =
          "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
      (void)!::send(fd, kBusy.data(), kBusy.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
      ::close(fd);
      continue;
    }
    auto& c = *connections_.emplace_back(std::make_unique<Connection>());
    c.fd = fd;
    c.thread = std::thread([this, &c] { serve(c); });
  }
}

void Proxy::serve(Connection& connection) {
  auto stream = tls_ ? Stream::tls(connection.fd, *tls_) : Stream::plain(connection.fd);
  const auto finish = [&] {
    {
      std::lock_guard lock(mutex_);
      connection.open = false;
    }
    if (stream) stream->close();
    else ::close(connection.fd);
    connection.done = true;
  };
  if (!stream || !stream->handshake(kHeadTimeoutMs)) return finish();

  // The request head, within kHeadTimeoutMs.
  std::string bytes;
  HeadParse parsed;
  const auto deadline = SteadyClock::now() + std::chrono::milliseconds(kHeadTimeoutMs);
  char buffer[4096];
  while (parsed.status == HeadStatus::Incomplete && !stopping_) {
    if (!stream->wait_readable(remaining_ms(deadline))) return finish();
    const long n = stream->read_some(buffer, sizeof buffer);
    if (n == Stream::kNothingYet) continue;
    if (n <= 0) return finish();
    bytes.append(buffer, static_cast<std::size_t>(n));
    parsed = parse_head(bytes);
  }
  if (parsed.status != HeadStatus::Complete) {
    if (parsed.status == HeadStatus::Invalid)
      (void)stream->write_all(answer_text(400, "Bad Request", "application/json", error_json(400, parsed.problem)),
                              kWriteTimeoutMs);
    return finish();
  }
  const auto& head = parsed.head;
  if (!head.lists("upgrade", "websocket")) {
    answer(*stream, head);
    return finish();
  }

  // A WebSocket: the token first (a bad one learns nothing else), then the server, then the handshake.
  const auto token = request_token(head);
  const auto server = token ? backend_.server_of(*token) : std::nullopt;
  const auto screen = server ? backend_.screen(*server) : std::nullopt;
  if (!server || !screen || !screen->running) {
    ++refused_;
    (void)stream->write_all(refusal(403, "Forbidden"), kWriteTimeoutMs);
    return finish();
  }
  if (ws::handshake_problem(head)) {
    (void)stream->write_all(refusal(400, "Bad Request"), kWriteTimeoutMs);
    return finish();
  }
  if (stream->write_all(ws::handshake_response(head), kWriteTimeoutMs)) {
    ++sessions_;
    run_session(*stream, backend_, *server, *screen, std::string_view(bytes).substr(parsed.consumed), stopping_);
  }
  finish();
}

void Proxy::answer(Stream& stream, const RequestHead& head) {
  const auto send = [&stream](const std::string& text) { (void)stream.write_all(text, kWriteTimeoutMs); };
  if (head.method != "GET")
    return send(answer_text(405, "Method Not Allowed", "application/json",
                            error_json(405, "the console proxy answers GET only"), "Allow: GET\r\n"));
  if (head.path == "/log") {
    const auto token = request_token(head);
    const auto server = token ? backend_.server_of(*token) : std::nullopt;
    if (!server)
      return send(answer_text(403, "Forbidden", "application/json",
                              error_json(403, "the console token is not valid (it may have expired)")));
    const auto screen = backend_.screen(*server);
    if (!screen) return send(answer_text(404, "Not Found", "application/json", error_json(404, "the server is gone")));
    return send(answer_text(200, "OK", "application/json", screen_json(*server, *screen)));
  }
  // The page under the names noVNC's own pages have (Nova's URLs name vnc_lite.html).
  std::string_view name = head.path.size() > 1 ? std::string_view(head.path).substr(1) : "console.html";
  if (name == "vnc_lite.html" || name == "vnc_auto.html" || name == "vnc.html") name = "console.html";
  for (const auto& asset : assets_)
    if (asset.name == name) return send(answer_text(200, "OK", asset.content_type, asset.body));
  send(answer_text(404, "Not Found", "application/json", error_json(404, "no such page: " + head.path)));
}

}  // namespace console
