// The SFTP endpoints: one per server whose Protocols include SFTP, following
// the server (fleet events and staged commits), its port kept as a document
// so it survives restarts. A port's system calls are ports.cpp; the
// acceptor thread is acceptor.cpp.
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

Endpoints::EndpointPtr Endpoints::insert_locked(EndpointPtr ep) {
  ep->serial = ++serials_;
  by_serial_[ep->serial] = ep;
  auto id = ep->transfer_id;
  endpoints_.emplace(std::move(id), ep);
  return ep;
}

Endpoints::EndpointPtr Endpoints::remove_locked(std::string_view transfer_id) {
  auto it = endpoints_.find(transfer_id);
  if (it == endpoints_.end()) return nullptr;
  auto ep = std::move(it->second);
  by_serial_.erase(ep->serial);
  endpoints_.erase(it);
  return ep;
}

void Endpoints::shut_for_good(const EndpointPtr& ep) {
  if (!ep) return;
  std::lock_guard held(ep->mutex);
  ep->gone = true;
  ep->wanted = false;
  close_held(*ep, true);
}

Endpoints::EndpointPtr Endpoints::find(std::string_view transfer_id) const {
  std::lock_guard lock(mutex_);
  auto it = endpoints_.find(transfer_id);
  return it == endpoints_.end() ? nullptr : it->second;
}

std::vector<Endpoints::EndpointPtr> Endpoints::all() const {
  std::lock_guard lock(mutex_);
  std::vector<EndpointPtr> out;
  out.reserve(endpoints_.size());
  for (const auto& [id, ep] : endpoints_) out.push_back(ep);
  return out;
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
    auto ep = std::make_shared<Endpoint>();
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
  auto ep = std::make_shared<Endpoint>();
  ep->transfer_id = server.transfer_id;
  ep->port = reserve(0, ep->fd);
  if (ep->port < 0) return {};
  staged.documents.push_back(core::Document{std::string(kPortKind), server.transfer_id, std::to_string(ep->port)});
  insert_locked(std::move(ep));
  staged.finish = [this, id = server.transfer_id](bool kept) {
    if (kept) return;
    EndpointPtr removed;
    {
      std::lock_guard relock(mutex_);
      removed = remove_locked(id);
    }
    shut_for_good(removed);
  };
  return staged;
}

core::Staged Endpoints::stage_delete(const core::ServerInfo& server, core::Millis) {
  if (!find(server.transfer_id)) return {};
  core::Staged staged;
  staged.documents.push_back(core::removal(std::string(kPortKind), server.transfer_id));
  staged.finish = [this, id = server.transfer_id](bool kept) {
    if (!kept) return;
    EndpointPtr removed;
    {
      std::lock_guard lock(mutex_);
      removed = remove_locked(id);
    }
    shut_for_good(removed);
  };
  return staged;
}

void Endpoints::wake() {
  if (wake_[1] >= 0) {
    const char byte = 1;
    [[maybe_unused]] auto n = ::write(wake_[1], &byte, 1);
  }
}

void Endpoints::on_event(const core::Event& e) {
  if (e.kind == core::EventKind::Reset) {
    // Everything starts over: each server that is loaded again comes with
    // its Created event, which opens its port if it is Running.
    for (const auto& ep : all()) {
      std::lock_guard held(ep->mutex);
      follow_held(*ep, false, ep->serves);
    }
    return;
  }
  EndpointPtr ep;
  {
    std::lock_guard lock(mutex_);
    // A server loaded without a create of its own (a snapshot's), or loaded
    // again (a reset: its Protocols may not be the ones it had): the acceptor
    // looks at it (its Protocols are not in the event).
    if (e.kind == core::EventKind::Created && pending_.size() < kMaxPending) {
      pending_.push_back(e.transfer_id);
      wake();
    }
    if (e.kind == core::EventKind::Deleted) ep = remove_locked(e.transfer_id);
    else if (auto it = endpoints_.find(e.transfer_id); it != endpoints_.end()) ep = it->second;
  }
  if (!ep) return;
  if (e.kind == core::EventKind::Deleted) return shut_for_good(ep);
  if (e.kind == core::EventKind::LockChanged) return;
  // The port's system calls are made under this endpoint's lock only: the
  // fleet orders one server's events, and no other server waits for them.
  std::lock_guard held(ep->mutex);
  follow_held(*ep, e.new_state == core::State::Running, ep->serves);
}

core::Staged Endpoints::stage_update(const core::ServerInfo& before, const core::ServerInfo& after, core::Millis) {
  if (!settings_.enabled) return {};
  const bool was = serves_sftp(before.attributes), is = serves_sftp(after.attributes);
  if (was == is) return {};
  core::Staged staged;
  const auto running = after.state == core::State::Running;
  if (find(after.transfer_id)) {
    // Its port stays; it listens or not from the commit on (its sessions close with it).
    staged.finish = [this, id = after.transfer_id, is, running](bool kept) {
      if (!kept) return;
      if (auto ep = find(id)) {
        std::lock_guard held(ep->mutex);
        follow_held(*ep, running, is);
      }
    };
    return staged;
  }
  std::lock_guard lock(mutex_);
  if (!is || endpoints_.size() >= kMaxEndpoints || endpoints_.count(after.transfer_id)) return {};
  // SFTP added to a server that never had it: a port from now on, as at a create.
  auto ep = std::make_shared<Endpoint>();
  ep->transfer_id = after.transfer_id;
  ep->port = reserve(0, ep->fd);
  if (ep->port < 0) return {};
  ep->serves = false;  // until the commit is kept
  staged.documents.push_back(core::Document{std::string(kPortKind), after.transfer_id, std::to_string(ep->port)});
  insert_locked(std::move(ep));
  staged.finish = [this, id = after.transfer_id, running](bool kept) {
    if (!kept) {
      EndpointPtr removed;
      {
        std::lock_guard relock(mutex_);
        removed = remove_locked(id);
      }
      return shut_for_good(removed);
    }
    if (auto ep = find(id)) {
      std::lock_guard held(ep->mutex);
      follow_held(*ep, running, true);
    }
  };
  return staged;
}

void Endpoints::adopt(const std::vector<core::ServerInfo>& servers, const std::vector<std::uint64_t>& read_at) {
  std::vector<core::Document> changes;
  for (std::size_t i = 0; i < servers.size(); ++i) {
    const auto& s = servers[i];
    const bool checked = !read_at.empty();
    EndpointPtr ep;
    std::unique_lock<std::mutex> held;
    bool made = false;
    {
      std::lock_guard lock(mutex_);
      if (auto it = endpoints_.find(s.transfer_id); it != endpoints_.end()) {
        ep = it->second;
      } else {
        if (checked && read_at[i] != 0) continue;  // removed since the read
        if (!settings_.enabled || !serves_sftp(s.attributes) || endpoints_.size() >= kMaxEndpoints) continue;
        ep = std::make_shared<Endpoint>();
        ep->transfer_id = s.transfer_id;
        ep->port = reserve(0, ep->fd);
        if (ep->port < 0) continue;
        changes.push_back(core::Document{std::string(kPortKind), s.transfer_id, std::to_string(ep->port)});
        // Locked before anyone can find it (so taking it under mutex_ waits
        // for no one): no event comes between its making and its state.
        held = std::unique_lock(ep->mutex);
        insert_locked(ep);
        made = true;
      }
    }
    if (!held) held = std::unique_lock(ep->mutex);
    if (ep->gone) continue;
    if (checked && !made && ep->version != read_at[i]) {
      // Read before an event or a commit changed it: read it again.
      std::lock_guard lock(mutex_);
      if (pending_.size() < kMaxPending) pending_.push_back(s.transfer_id);
      continue;
    }
    follow_held(*ep, s.state == core::State::Running, settings_.enabled && serves_sftp(s.attributes));
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
    running_ = false;  // from here no port opens (open_held reads it)
  }
  if (subscription_) fleet_.events().unsubscribe(subscription_);
  subscription_ = 0;
  wake();
  if (acceptor_.joinable()) acceptor_.join();
  for (const auto& ep : all()) {
    std::lock_guard held(ep->mutex);
    close_held(*ep, true);
    ep->wanted = false;
  }
  std::list<std::shared_ptr<Session>> sessions;
  {
    std::lock_guard lock(mutex_);
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
