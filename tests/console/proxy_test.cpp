// The console proxy over real sockets (console/proxy.h), with a backend of
// the test's: the page and the log for a valid token, a refusal before any
// upgrade for a bad one, an RFB session over the WebSocket, and the
// session's end when the server stops, when the client breaks the protocol
// and when the proxy stops.
#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <map>
#include <mutex>
#include <string>
#include <utility>

#include "console/proxy.h"

using namespace console;

namespace {

constexpr std::string_view kToken = "good-token";
constexpr std::string_view kHandshake =
    "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: x3JJHMbDL1EzLkh9GBhXDw==\r\n"
    "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: binary\r\n\r\n";

struct World {
  std::mutex mutex;
  bool running = true;
  bool exists = true;

  Backend backend() {
    return Backend{[](std::string_view token) -> std::optional<std::string> {
                     if (token == kToken) return std::string("server-1");
                     return std::nullopt;
                   },
                   [this](const std::string& server) -> std::optional<Screen> {
                     std::lock_guard lock(mutex);
                     if (!exists || server != "server-1") return std::nullopt;
                     return Screen{"web-1", running ? "ACTIVE" : "SHUTOFF", "boot\nlogin: ", running};
                   }};
  }
};

// A blocking client with a 5 s timeout on every read.
class Client {
 public:
  explicit Client(int port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<std::uint16_t>(port));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
  }
  ~Client() { ::close(fd_); }

  void send(std::string_view data) {
    REQUIRE(::send(fd_, data.data(), data.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(data.size()));
  }

  // Reads until `n` bytes are buffered, or the peer closes; returns them (fewer at the end).
  std::string read(std::size_t n) {
    while (buffer_.size() < n && fill()) {
    }
    const auto out = buffer_.substr(0, std::min(n, buffer_.size()));
    buffer_.erase(0, out.size());
    return out;
  }
  // The head of an HTTP answer.
  std::string head() {
    while (buffer_.find("\r\n\r\n") == std::string::npos && fill()) {
    }
    const auto end = buffer_.find("\r\n\r\n");
    if (end == std::string::npos) return std::exchange(buffer_, {});
    auto out = buffer_.substr(0, end + 4);
    buffer_.erase(0, end + 4);
    return out;
  }
  // Everything until the peer closes.
  std::string rest() { return read(std::size_t(1) << 30); }
  bool closed() { return read(1).empty(); }

  // One server frame's payload (a server never masks), with its opcode.
  std::pair<int, std::string> frame() {
    const auto h = read(2);
    if (h.size() < 2) return {-1, {}};
    std::uint64_t n = static_cast<unsigned char>(h[1]) & 0x7f;
    if (n >= 126) {
      const auto ext = read(n == 126 ? 2 : 8);
      n = 0;
      for (char c : ext) n = (n << 8) | static_cast<unsigned char>(c);
    }
    return {static_cast<unsigned char>(h[0]) & 0x0f, read(static_cast<std::size_t>(n))};
  }
  void send_frame(std::string_view payload, int opcode = 2) {
    std::string out(1, static_cast<char>(0x80 | opcode));
    out += static_cast<char>(0x80 | payload.size());  // short payloads only
    const char mask[4] = {1, 2, 3, 4};
    out.append(mask, 4);
    for (std::size_t i = 0; i < payload.size(); ++i) out += static_cast<char>(payload[i] ^ mask[i % 4]);
    send(out);
  }

 private:
  // One read into the buffer; false when the peer closed or 5 s passed.
  bool fill() {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, 5000) <= 0) return false;
    char chunk[65536];
    const auto got = ::recv(fd_, chunk, sizeof chunk, 0);
    if (got <= 0) return false;
    buffer_.append(chunk, static_cast<std::size_t>(got));
    return true;
  }

  int fd_;
  std::string buffer_;
};

std::string get(int port, const std::string& target) {
  Client c(port);
  c.send("GET " + target + " HTTP/1.1\r\nHost: x\r\n\r\n");
  return c.rest();
}

struct ProxyFixture {
  World world;
  Proxy proxy{Settings{}, world.backend(),
              {Asset{"console.html", "text/html; charset=utf-8", "<html><script src=console.js></script>noVNC</html>"},
               Asset{"console.js", "text/javascript", "poll();"}}};
  int port = 0;
  ProxyFixture() {
    auto listened = proxy.listen();
    REQUIRE(std::holds_alternative<int>(listened));
    port = std::get<int>(listened);
    proxy.start();
  }

  // A client past the upgrade and RFB's handshake.
  std::unique_ptr<Client> session() {
    auto c = std::make_unique<Client>(port);
    c->send("GET /?token=" + std::string(kToken) + " HTTP/1.1\r\nHost: x\r\n" + std::string(kHandshake));
    REQUIRE(c->head().rfind("HTTP/1.1 101 Switching Protocols\r\n", 0) == 0);
    REQUIRE(c->frame().second == "RFB 003.008\n");
    c->send_frame("RFB 003.008\n");
    REQUIRE(c->frame().second == std::string("\x01\x01", 2));
    c->send_frame(std::string("\x01", 1));
    REQUIRE(c->frame().second == std::string(4, '\0'));
    c->send_frame(std::string("\x01", 1));
    const auto init = c->frame().second;
    REQUIRE(init.size() == 24 + 5);
    CHECK(init.substr(24) == "web-1");
    return c;
  }
};

}  // namespace

TEST_CASE("the page under Nova's URL, its files, and the log for a valid token only") {
  ProxyFixture f;
  CHECK(f.proxy.base_url() == "http://127.0.0.1:" + std::to_string(f.port));
  const auto page = get(f.port, "/vnc_lite.html?path=%3Ftoken%3Dgood-token");
  CHECK(page.rfind("HTTP/1.1 200 OK\r\n", 0) == 0);
  CHECK(page.find("Content-Type: text/html; charset=utf-8\r\n") != std::string::npos);
  CHECK(page.find("Referrer-Policy: no-referrer\r\n") != std::string::npos);
  CHECK(page.find("noVNC") != std::string::npos);
  CHECK(get(f.port, "/console.js").find("poll();") != std::string::npos);

  const auto log = get(f.port, "/log?token=good-token");
  CHECK(log.rfind("HTTP/1.1 200 OK\r\n", 0) == 0);
  CHECK(log.find(R"({"server":{"id":"server-1","name":"web-1","status":"ACTIVE"},"log":"boot\nlogin: "})") !=
        std::string::npos);
  CHECK(get(f.port, "/log?token=bad").rfind("HTTP/1.1 403 Forbidden\r\n", 0) == 0);
  CHECK(get(f.port, "/log").rfind("HTTP/1.1 403 Forbidden\r\n", 0) == 0);
  CHECK(get(f.port, "/nothing").rfind("HTTP/1.1 404 Not Found\r\n", 0) == 0);
  {
    std::lock_guard lock(f.world.mutex);
    f.world.exists = false;
  }
  CHECK(get(f.port, "/log?token=good-token").rfind("HTTP/1.1 404 Not Found\r\n", 0) == 0);

  Client post(f.port);
  post.send("POST /log HTTP/1.1\r\nContent-Length: 0\r\n\r\n");
  CHECK(post.rest().rfind("HTTP/1.1 405 Method Not Allowed\r\n", 0) == 0);
  Client garbage(f.port);
  garbage.send("\x16\x03\x01 nonsense\r\n\r\n");
  CHECK(garbage.rest().rfind("HTTP/1.1 400 Bad Request\r\n", 0) == 0);
}

TEST_CASE("a bad token is refused before any upgrade: no 101, no frame, the connection closed") {
  ProxyFixture f;
  for (const auto& request :
       {"GET /?token=badgood-token HTTP/1.1\r\n" + std::string(kHandshake),
        "GET /websockify HTTP/1.1\r\nCookie: token=nope\r\n" + std::string(kHandshake),
        "GET /websockify HTTP/1.1\r\n" + std::string(kHandshake)}) {
    Client c(f.port);
    c.send(request);
    CHECK(c.head() == "HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
    CHECK(c.closed());
  }
  CHECK(f.proxy.stats().refused == 3);
}

TEST_CASE("the token in a cookie opens the session too (noVNC before 1.1, tempest's ?token= URLs)") {
  ProxyFixture f;
  Client c(f.port);
  c.send("GET /websockify HTTP/1.1\r\nCookie: token=good-token\r\n" + std::string(kHandshake));
  CHECK(c.head().rfind("HTTP/1.1 101 ", 0) == 0);
  CHECK(c.frame().second == "RFB 003.008\n");
}

TEST_CASE("an RFB session: the handshake, a full update, a ping answered, a close echoed") {
  ProxyFixture f;
  auto c = f.session();
  c->send_frame(std::string("\x03\x00\x00\x00\x00\x00\x00\x04\x00\x02", 10));
  const auto [opcode, update] = c->frame();
  CHECK(opcode == 2);
  CHECK(update.size() == 16 + 4 * 2 * 4);
  c->send_frame("hi", 9);
  CHECK(c->frame() == std::pair<int, std::string>{10, "hi"});
  c->send_frame(std::string("\x03\xe8", 2), 8);
  CHECK(c->frame() == std::pair<int, std::string>{8, std::string("\x03\xe8", 2)});
  CHECK(c->closed());
  CHECK(f.proxy.stats().sessions == 1);
}

TEST_CASE("a session ends with a close frame when the server stops, or when the client breaks RFB") {
  ProxyFixture f;
  auto broken = f.session();
  broken->send_frame(std::string("\xc8", 1));  // no such message type
  auto [opcode, payload] = broken->frame();
  CHECK(opcode == 8);
  CHECK(payload.substr(0, 2) == std::string("\x03\xea", 2));  // 1002
  CHECK(broken->closed());

  auto c = f.session();
  {
    std::lock_guard lock(f.world.mutex);
    f.world.running = false;
  }
  std::tie(opcode, payload) = c->frame();
  CHECK(opcode == 8);
  CHECK(payload.substr(2) == "the server is no longer running");
  CHECK(c->closed());
  // And no new session opens while it does not run.
  Client refused(f.port);
  refused.send("GET /?token=good-token HTTP/1.1\r\n" + std::string(kHandshake));
  CHECK(refused.head().rfind("HTTP/1.1 403 ", 0) == 0);
}

TEST_CASE("stop() ends every session and joins its thread") {
  ProxyFixture f;
  auto c = f.session();
  auto idle = std::make_unique<Client>(f.port);  // connected, never a word
  f.proxy.stop();
  CHECK(c->rest().size() <= 2 + 125);  // a close frame at most, then the end
  CHECK(idle->closed());
  CHECK(f.proxy.stats().open == 0);
}
