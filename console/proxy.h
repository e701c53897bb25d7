// The console proxy: Nova's noVNC proxy for servers with no guest. One
// listener on its own port (beside the gateway's, on the same address)
// serves a console URL's page (a page of the dashboard that shows the
// server's console log live), the log it polls, and the WebSocket a VNC
// client (noVNC, tempest) opens with the URL's token: an RFB session
// whose framebuffer is named after the server. A token opens one server's
// console, and only while it is valid; a bad one is refused before the
// upgrade. Knows nothing of Nova: the gateway hands it a Backend.
//
// Threads: one acceptor; each connection on a thread of its own, at most
// kMaxConnections at once (more are closed at once); stop() ends them all.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <variant>
#include <vector>

#include "console/stream.h"

namespace console {

struct RequestHead;

inline constexpr std::size_t kMaxConnections = 64;
inline constexpr int kHeadTimeoutMs = 10'000;   // to send a request head
inline constexpr int kWriteTimeoutMs = 10'000;  // for the client to take an answer

// What a console shows of its server, now.
struct Screen {
  std::string name;
  std::string status;  // as the API that issued the token shows it (Nova's ACTIVE, SHUTOFF, ...)
  std::string log;     // the console log, UTF-8
  bool running = false;  // the guest runs: a VNC session may open and stays open
};

struct Backend {
  // The server a token opens while the token is valid; nothing otherwise.
  std::function<std::optional<std::string>(std::string_view token)> server_of;
  // The server's screen; nothing once the server is gone.
  std::function<std::optional<Screen>(const std::string& server)> screen;
};

// A file the proxy serves by name ("console.html", "style.css", ...).
struct Asset {
  std::string_view name;
  std::string_view content_type;
  std::string_view body;
};

struct Settings {
  std::string host = "127.0.0.1";
  int port = 0;  // 0: a free port
  std::string tls_cert, tls_key;  // both set: TLS, with the gateway's certificate
};

struct Stats {
  std::uint64_t connections = 0;  // accepted
  std::uint64_t refused = 0;      // a bad or expired token, or over kMaxConnections
  std::uint64_t sessions = 0;     // WebSocket sessions opened
  std::uint64_t open = 0;         // connections open now
};

class Proxy {
 public:
  // `assets`: the files served by name; "console.html" is the page a
  // console URL opens (also under noVNC's names, vnc_lite.html and others).
  Proxy(Settings settings, Backend backend, std::vector<Asset> assets);
  ~Proxy();
  Proxy(const Proxy&) = delete;
  Proxy& operator=(const Proxy&) = delete;

  // Binds and listens; the port, or why not.
  std::variant<int, std::string> listen();
  // Starts accepting (after listen()).
  void start();
  // Closes the listener and every connection; waits for their threads.
  void stop();
  // "http://HOST:PORT" (https with TLS), once listening.
  std::string base_url() const;
  Stats stats() const;

  struct Connection;  // proxy.cpp

 private:
  void accept_loop();
  void serve(Connection& connection);
  // Answers a request that is not a WebSocket upgrade.
  void answer(Stream& stream, const RequestHead& head);
  void reap();

  Settings settings_;
  Backend backend_;
  std::vector<Asset> assets_;
  std::unique_ptr<TlsContext> tls_;
  int listen_fd_ = -1;
  int port_ = 0;
  int wake_[2] = {-1, -1};
  std::atomic<bool> stopping_{false};
  std::thread acceptor_;
  mutable std::mutex mutex_;
  std::list<std::unique_ptr<Connection>> connections_;
  std::atomic<std::uint64_t> accepted_{0}, refused_{0}, sessions_{0};
};

}  // namespace console
