// The SFTP endpoints' ports: one per server whose Protocols include SFTP,
// listening while the server runs (fleet events and staged commits), kept
// as documents so a port survives restarts. The acceptor thread is acceptor.cpp.
#include "sftp/endpoints.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <charconv>
#include <chrono>
#include <filesystem>

#include <fmt/format.h>
#include <libssh/libssh.h>

#include "sftp/endpoint.h"
#include "sftp/session.h"

namespace sftp {

using endpoint_limits::kMaxPending;

namespace {

constexpr std::string_view kPortKind = "sftp-port";
constexpr int kBacklog = 128;

bool has_sftp(std::string_view protocols) {
  for (std::size_t start = 0; start <= protocols.size();) {
    auto comma = protocols.find(',', start);
    if (comma == std::string_view::npos) comma = protocols.size();
    if (protocols.substr(start, comma - start) == "SFTP") return true;
    start = comma + 1;
  }
  return false;
}

bool serves_sftp(const core::Pairs& attributes) {
  return has_sftp(core::find_pair(attributes, kProtocolsAttribute).value_or("SFTP"));
}

std::optional<int> parse_port(std::string_view text) {
  int port = 0;
  const auto* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, port);
  if (ec != std::errc() || ptr != end || port < 1 || port > 65535) return std::nullopt;
  return port;
}

}  // namespace

Endpoints::Endpoints(core::Fleet& fleet, core::Logins& logins, Settings settings)
    : fleet_(fleet), logins_(logins), settings_(std::move(settings)) {
  // IPv4 only: a listen address that is not an IPv4 literal (a name, IPv6) serves SFTP on loopback.
  in_addr probe{};
  if (::inet_pton(AF_INET, settings_.host.c_str(), &probe) != 1) settings_.host = "127.0.0.1";
  fleet_.add_keeper(*this);
  ssh_init();
  if (::pipe2(wake_, O_CLOEXEC | O_NONBLOCK) != 0) wake_[0] = wake_[1] = -1;
  // epoll, not poll: a port opened or shut is one epoll_ctl, with no walk of
  // every endpoint and no wake of the acceptor (a stop or start per request).
  epoll_ = ::epoll_create1(EPOLL_CLOEXEC);
  if (epoll_ >= 0 && wake_[0] >= 0) {
    epoll_event e{};
    e.events = EPOLLIN;
    e.data.u64 = 0;
    ::epoll_ctl(epoll_, EPOLL_CTL_ADD, wake_[0], &e);
  }
}

Endpoints::~Endpoints() {
  stop();
  for (const int fd : wake_)
    if (fd >= 0) ::close(fd);
  if (epoll_ >= 0) ::close(epoll_);
}

Endpoints::EndpointMap::iterator Endpoints::insert_locked(std::unique_ptr<Endpoint> ep) {
  ep->serial = ++serials_;
  by_serial_[ep->serial] = ep.get();
  auto id = ep->transfer_id;
  return endpoints_.emplace(std::move(id), std::move(ep)).first;
}

void Endpoints::erase_locked(EndpointMap::iterator it) {
  by_serial_.erase(it->second->serial);
  endpoints_.erase(it);
}

bool Endpoints::owns(std::string_view kind) const { return kind == kPortKind; }

std::optional<std::string> Endpoints::verify(const std::vector<core::Document>& documents) const {
  for (const auto& d : documents)
    if (d.kind == kPortKind && !d.removed && !parse_port(d.value))
      return fmt::format("{} {}: '{}' is not a port", kPortKind, d.key, d.value);
  return std::nullopt;
}

void Endpoints::load(const std::vector<core::Document>& documents) {
  std::lock_guard lock(mutex_);
  for (const auto& d : documents) {
    if (d.kind != kPortKind || d.removed) continue;
    const auto port = parse_port(d.value);
    if (!port || endpoints_.count(d.key)) continue;
    auto ep = std::make_unique<Endpoint>();
    ep->transfer_id = d.key;
    ep->port = *port;
    insert_locked(std::move(ep));
  }
}

std::vector<core::Document> Endpoints::documents() const {
  std::lock_guard lock(mutex_);
  std::vector<core::Document> out;
  for (const auto& [id, ep] : endpoints_) out.push_back(core::Document{std::string(kPortKind), id, std::to_string(ep->port)});
  return out;
}

int Endpoints::reserve(int port, int& fd) {
  const auto try_port = [this, &fd](int p) {
    const int s = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (s < 0) return -1;
    int yes = 1;
    ::setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<std::uint16_t>(p));
    ::inet_pton(AF_INET, settings_.host.c_str(), &address.sin_addr);  // checked at construction
    socklen_t length = sizeof address;
    // The number asked for needs no getsockname (a stop binds its port again: one call fewer).
    if (::bind(s, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
        (p == 0 && ::getsockname(s, reinterpret_cast<sockaddr*>(&address), &length) != 0)) {
      ::close(s);
      return -1;
    }
    fd = s;
    return static_cast<int>(ntohs(address.sin_port));
  };
  if (port > 0) return try_port(port);
  if (settings_.first_port > 0) {
    for (int p = settings_.first_port; p <= settings_.last_port; ++p) {
      bool taken = false;
      for (const auto& [id, ep] : endpoints_) taken = taken || ep->port == p;
      if (!taken && try_port(p) > 0) return p;
    }
    return -1;
  }
  return try_port(0);
}

core::Staged Endpoints::stage_create(const core::ServerInfo& server, const core::CreateSpec& spec, core::Millis) {
  if (!settings_.enabled) return {};
  if (!serves_sftp(core::find_pair(server.attributes, kProtocolsAttribute) ? server.attributes : spec.attributes))
    return {};
  std::lock_guard lock(mutex_);
  core::Staged staged;
  if (auto it = endpoints_.find(server.transfer_id); it != endpoints_.end()) {  // a reset: the same port again
    staged.documents.push_back(core::Document{std::string(kPortKind), server.transfer_id, std::to_string(it->second->port)});
    return staged;
  }
  if (endpoints_.size() >= kMaxEndpoints) return {};
  auto ep = std::make_unique<Endpoint>();
  ep->transfer_id = server.transfer_id;
  ep->port = reserve(0, ep->fd);
  if (ep->port < 0) return {};
  staged.documents.push_back(core::Document{std::string(kPortKind), server.transfer_id, std::to_string(ep->port)});
  insert_locked(std::move(ep));
  staged.finish = [this, id = server.transfer_id](bool kept) {
    if (kept) return;
    std::lock_guard relock(mutex_);
    if (auto it = endpoints_.find(id); it != endpoints_.end()) {
      close_locked(*it->second, true);
      erase_locked(it);
    }
  };
  return staged;
}

core::Staged Endpoints::stage_delete(const core::ServerInfo& server, core::Millis) {
  {
    std::lock_guard lock(mutex_);
    if (!endpoints_.count(server.transfer_id)) return {};
  }
  core::Staged staged;
  staged.documents.push_back(core::removal(std::string(kPortKind), server.transfer_id));
  staged.finish = [this, id = server.transfer_id](bool kept) {
    if (!kept) return;
    std::lock_guard lock(mutex_);
    if (auto it = endpoints_.find(id); it != endpoints_.end()) {
      close_locked(*it->second, true);
      erase_locked(it);
    }
  };
  return staged;
}

void Endpoints::wake() {
  if (wake_[1] >= 0) {
    const char byte = 1;
    [[maybe_unused]] auto n = ::write(wake_[1], &byte, 1);
  }
}

void Endpoints::open_locked(Endpoint& ep) {
  if (ep.listening || !running_ || !ep.serves) return;
  if (ep.fd < 0 && reserve(ep.port, ep.fd) < 0) return;  // the acceptor tries again
  // A port another socket listens on (a second gateway on this machine) fails
  // here every time; the acceptor tries again once a second.
  if (::listen(ep.fd, kBacklog) != 0) return;
  epoll_event e{};
  e.events = EPOLLIN;
  e.data.u64 = ep.serial;
  ::epoll_ctl(epoll_, EPOLL_CTL_ADD, ep.fd, &e);
  ep.listening = true;
}

void Endpoints::close_locked(Endpoint& ep, bool for_good) {
  if (ep.fd >= 0) {
    // Closed, a listening socket refuses at once. The acceptor takes a
    // socket by its endpoint's serial under this lock, never by a number it kept.
    // (Its last descriptor closed, a socket leaves the epoll set by itself: SOCK_CLOEXEC, never dup'ed.)
    ::close(ep.fd);
    ep.fd = -1;
  }
  ep.listening = false;
  for (const auto& s : sessions_)
    if (s->transfer_id == ep.transfer_id && s->fd >= 0) ::shutdown(s->fd, SHUT_RDWR);
  // A listening socket once shut cannot listen again: a new one keeps the
  // port ours (bound, not listening).
  if (!for_good) reserve(ep.port, ep.fd);
}

void Endpoints::on_event(const core::Event& e) {
  std::lock_guard lock(mutex_);
  if (e.kind == core::EventKind::Reset) {
    // Everything starts over: each server that is loaded again comes with
    // its Created event, which opens its port if it is Running.
    for (auto& [id, ep] : endpoints_) {
      ep->wanted = false;
      ep->version++;
      if (ep->listening) close_locked(*ep, false);
    }
    return;
  }
  auto it = endpoints_.find(e.transfer_id);
  if (it == endpoints_.end()) {
    // A server loaded without a create of its own (a snapshot's): the
    // acceptor looks at it (its Protocols are not in the event).
    if (e.kind == core::EventKind::Created && pending_.size() < kMaxPending) {
      pending_.push_back(e.transfer_id);
      wake();
    }
    return;
  }
  auto& ep = *it->second;
  if (e.kind == core::EventKind::Created && pending_.size() < kMaxPending) {
    // Loaded again (a reset): its Protocols may not be the ones it had.
    pending_.push_back(e.transfer_id);
    wake();
  }
  if (e.kind == core::EventKind::Deleted) {
    close_locked(ep, true);
    erase_locked(it);
    return;
  }
  if (e.kind == core::EventKind::LockChanged) return;
  ep.wanted = e.new_state == core::State::Running;
  ep.version++;
  if (ep.wanted) open_locked(ep);
  else if (ep.listening) close_locked(ep, false);
}

core::Staged Endpoints::stage_update(const core::ServerInfo& before, const core::ServerInfo& after, core::Millis) {
  if (!settings_.enabled) return {};
  const bool was = serves_sftp(before.attributes), is = serves_sftp(after.attributes);
  if (was == is) return {};
  std::lock_guard lock(mutex_);
  core::Staged staged;
  const auto running = after.state == core::State::Running;
  if (auto it = endpoints_.find(after.transfer_id); it != endpoints_.end()) {
    // Its port stays; it listens or not from the commit on.
    staged.finish = [this, id = after.transfer_id, is, running](bool kept) {
      if (!kept) return;
      std::lock_guard relock(mutex_);
      auto found = endpoints_.find(id);
      if (found == endpoints_.end()) return;
      auto& ep = *found->second;
      ep.serves = is;
      ep.wanted = running;
      ep.version++;
      if (ep.serves && ep.wanted) open_locked(ep);
      else if (ep.listening) close_locked(ep, false);  // its sessions too
    };
    return staged;
  }
  if (!is || endpoints_.size() >= kMaxEndpoints) return {};
  // SFTP added to a server that never had it: a port from now on, as at a create.
  auto ep = std::make_unique<Endpoint>();
  ep->transfer_id = after.transfer_id;
  ep->port = reserve(0, ep->fd);
  if (ep->port < 0) return {};
  ep->serves = false;  // until the commit is kept
  staged.documents.push_back(core::Document{std::string(kPortKind), after.transfer_id, std::to_string(ep->port)});
  insert_locked(std::move(ep));
  staged.finish = [this, id = after.transfer_id, running](bool kept) {
    std::lock_guard relock(mutex_);
    auto found = endpoints_.find(id);
    if (found == endpoints_.end()) return;
    if (!kept) {
      close_locked(*found->second, true);
      erase_locked(found);
      return;
    }
    found->second->serves = true;
    found->second->wanted = running;
    found->second->version++;
    if (running) open_locked(*found->second);
  };
  return staged;
}

void Endpoints::adopt(const std::vector<core::ServerInfo>& servers, const std::vector<std::uint64_t>& read_at) {
  std::vector<core::Document> changes;
  {
    std::lock_guard lock(mutex_);
    for (std::size_t i = 0; i < servers.size(); ++i) {
      const auto& s = servers[i];
      auto it = endpoints_.find(s.transfer_id);
      if (!read_at.empty()) {
        // Read before an event or a commit changed it: read it again.
        const std::uint64_t now = it == endpoints_.end() ? 0 : it->second->version;
        if (now != read_at[i]) {
          if (now != 0 && pending_.size() < kMaxPending) pending_.push_back(s.transfer_id);
          continue;  // (now 0: removed since the read)
        }
      }
      if (it == endpoints_.end()) {
        if (!settings_.enabled || !serves_sftp(s.attributes) || endpoints_.size() >= kMaxEndpoints) continue;
        auto ep = std::make_unique<Endpoint>();
        ep->transfer_id = s.transfer_id;
        ep->port = reserve(0, ep->fd);
        if (ep->port < 0) continue;
        changes.push_back(core::Document{std::string(kPortKind), s.transfer_id, std::to_string(ep->port)});
        it = insert_locked(std::move(ep));
      }
      auto& ep = *it->second;
      ep.serves = settings_.enabled && serves_sftp(s.attributes);
      ep.wanted = s.state == core::State::Running;
      ep.version++;
      if (ep.wanted && ep.serves) open_locked(ep);
      else if (ep.listening) close_locked(ep, false);
    }
  }
  if (!changes.empty()) (void)fleet_.keep(std::move(changes));
}

void Endpoints::start() {
  if (!settings_.enabled) return;
  std::error_code ignored;
  std::filesystem::create_directories(settings_.data_dir, ignored);
  {
    std::lock_guard lock(mutex_);
    running_ = true;
  }
  subscription_ = fleet_.events().subscribe([this](const core::Event& e) { on_event(e); });
  resync();
  acceptor_ = std::thread([this] { accept_loop(); });
}

std::optional<core::ServerInfo> Endpoints::server_named(std::string_view id) {
  const core::Caller anyone{0, /*admin=*/true, /*may_act=*/false, /*all_tenants=*/true};
  auto found = fleet_.get(anyone, id);
  if (!found) return std::nullopt;
  return std::move(found).value();
}

void Endpoints::resync() {
  // The servers that have a port already (their documents were loaded) are
  // looked up one by one, then the rest are listed only while ports remain:
  // a restart on a million servers lists none of them for the kMaxEndpoints
  // that can have a port (listing them all was a fifth of that restart).
  std::vector<std::string> ids;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [id, ep] : endpoints_) ids.push_back(id);
  }
  std::vector<core::ServerInfo> known;
  for (const auto& id : ids)
    if (auto found = server_named(id)) known.push_back(std::move(*found));
  adopt(known);
  core::ListQuery query;
  query.limit = 1000;
  while (true) {
    {
      std::lock_guard lock(mutex_);
      if (endpoints_.size() >= kMaxEndpoints) return;
    }
    auto page = fleet_.list(query);
    if (page.servers.empty()) return;
    query.after_seq = page.servers.back().seq;
    const bool more = page.more;
    adopt(page.servers);
    if (!more) return;
  }
}

void Endpoints::stop() {
  {
    std::lock_guard lock(mutex_);
    if (!running_ && !acceptor_.joinable()) return;
    running_ = false;
  }
  if (subscription_) fleet_.events().unsubscribe(subscription_);
  subscription_ = 0;
  wake();
  if (acceptor_.joinable()) acceptor_.join();
  std::list<std::shared_ptr<Session>> sessions;
  {
    std::lock_guard lock(mutex_);
    for (auto& [id, ep] : endpoints_) {
      close_locked(*ep, true);
      ep->wanted = false;
    }
    sessions = sessions_;
  }
  for (auto& s : sessions)
    if (s->thread.joinable()) s->thread.join();
  std::lock_guard lock(mutex_);
  sessions_.clear();
}

std::optional<int> Endpoints::port_of(std::string_view transfer_id) const {
  std::lock_guard lock(mutex_);
  auto it = endpoints_.find(transfer_id);
  if (it == endpoints_.end() || !it->second->serves) return std::nullopt;
  return it->second->port;
}

Stats Endpoints::stats() const {
  Stats s;
  s.sessions_total = counters_.sessions_total;
  s.logins_accepted = counters_.logins_accepted;
  s.logins_refused = counters_.logins_refused;
  s.connections_refused = counters_.connections_refused;
  s.bytes_received = counters_.bytes_received;
  s.bytes_sent = counters_.bytes_sent;
  std::lock_guard lock(mutex_);
  s.endpoints = endpoints_.size();
  for (const auto& [id, ep] : endpoints_) s.listening += ep->listening;
  for (const auto& session : sessions_) s.sessions_open += !session->done;
  return s;
}

std::vector<std::pair<std::string, std::string>> Endpoints::sessions_of(std::string_view transfer_id) const {
  std::lock_guard lock(mutex_);
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& s : sessions_)
    if (s->transfer_id == transfer_id && !s->done) out.emplace_back(s->user, s->remote);
  return out;
}

}  // namespace sftp
