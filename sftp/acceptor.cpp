// The SFTP endpoints' acceptor thread: waits on every listening port at
// once (epoll), accepts connections into sessions (one thread each, bounded),
// adopts the servers loaded without a create of their own, and once a second
// tries again the ports another socket held.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <chrono>

#include <fmt/format.h>

#include "sftp/endpoint.h"
#include "sftp/endpoints.h"
#include "sftp/session.h"

namespace sftp {

using namespace endpoint_limits;

void Endpoints::reap_locked() {
  for (auto it = sessions_.begin(); it != sessions_.end();) {
    if ((*it)->done) {
      if ((*it)->thread.joinable()) (*it)->thread.join();
      it = sessions_.erase(it);
    } else {
      ++it;
    }
  }
}

void Endpoints::accept_loop() {
  std::array<epoll_event, 64> events{};
  // Ports that could not be had (another socket listens: a second gateway on
  // this machine) are tried again once a second, not at every wake.
  auto next_retry = std::chrono::steady_clock::now();
  while (true) {
    std::vector<std::string> pending;
    std::vector<EndpointPtr> pending_endpoints;  // each pending server's, if it has one
    bool retry = false;
    {
      std::lock_guard lock(mutex_);
      if (!running_) break;
      reap_locked();
      const auto now = std::chrono::steady_clock::now();
      if (now >= next_retry) {
        next_retry = now + kRetryEvery;
        retry = true;
      }
      pending.swap(pending_);
      for (const auto& id : pending) {
        auto found = endpoints_.find(id);
        pending_endpoints.push_back(found == endpoints_.end() ? nullptr : found->second);
      }
    }
    if (retry) {
      for (const auto& ep : all()) {
        std::lock_guard held(ep->mutex);
        if (ep->gone) continue;
        if (ep->fd < 0) reserve(ep->port, ep->fd);
        // Not opened when the port could not be bound just now (open_held would bind again).
        if (ep->wanted && !ep->listening && ep->fd >= 0) open_held(*ep);
      }
    }
    std::vector<std::uint64_t> read_at;  // each pending server's version before it is read (0: none)
    for (const auto& ep : pending_endpoints) {
      if (!ep) {
        read_at.push_back(0);
        continue;
      }
      std::lock_guard held(ep->mutex);
      read_at.push_back(ep->gone ? 0 : ep->version);
    }
    if (!pending.empty()) {
      std::vector<core::ServerInfo> servers;
      std::vector<std::uint64_t> versions;
      for (std::size_t i = 0; i < pending.size(); ++i) {
        if (auto found = server_named(pending[i])) {
          servers.push_back(std::move(*found));
          versions.push_back(read_at[i]);
        }
      }
      adopt(servers, versions);
      continue;
    }
    const int n = ::epoll_wait(epoll_, events.data(), static_cast<int>(events.size()), kPollMs);
    for (int i = 0; i < n; ++i) {
      if (events[i].data.u64 == 0) {
        char drain[64];
        while (::read(wake_[0], drain, sizeof drain) > 0) {
        }
        continue;
      }
      accept_one(events[i].data.u64);
    }
  }
}

void Endpoints::accept_one(std::uint64_t serial) {
  for (int burst = 0; burst < 64; ++burst) {
    EndpointPtr found;
    {
      std::lock_guard lock(mutex_);
      auto it = by_serial_.find(serial);
      if (it == by_serial_.end()) return;
      found = it->second;
    }
    auto& ep = *found;
    // Under the endpoint's lock: a stop cannot shut the socket meanwhile,
    // nor miss the session accepted here when it closes the server's sessions.
    std::lock_guard held(ep.mutex);
    if (!ep.listening) return;
    sockaddr_in peer{};
    socklen_t length = sizeof peer;
    const int fd = ::accept4(ep.fd, reinterpret_cast<sockaddr*>(&peer), &length, SOCK_CLOEXEC);
    if (fd < 0) return;
    std::lock_guard lock(mutex_);
    std::size_t of_server = 0;
    for (const auto& s : sessions_) of_server += s->transfer_id == ep.transfer_id && !s->done;
    reap_locked();
    if (sessions_.size() >= kMaxSessions || of_server >= kMaxSessionsPerServer) {
      ::close(fd);  // bounded: the gateway keeps serving the rest
      counters_.connections_refused++;
      continue;
    }
    char text[INET_ADDRSTRLEN] = "";
    ::inet_ntop(AF_INET, &peer.sin_addr, text, sizeof text);
    auto session = std::make_shared<Session>();
    session->transfer_id = ep.transfer_id;
    session->usage = ep.usage;
    session->remote = fmt::format("{}:{}", text, ntohs(peer.sin_port));
    session->fd = fd;
    counters_.sessions_total++;
    SessionContext context{fleet_, logins_, counters_, settings_.data_dir, settings_.quota, mutex_};
    session->thread = std::thread([context, session]() mutable {
      run_session(context, *session);
      session->done = true;
    });
    sessions_.push_back(std::move(session));
  }
}

}  // namespace sftp
