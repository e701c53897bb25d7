// An SFTP endpoint's port: bound to reserve it, listening while the server
// runs, shut (and bound again) when it stops. These are the system calls a
// start or a stop makes; each is made under its endpoint's lock alone, so
// that no other server's request waits for them.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "sftp/endpoint.h"
#include "sftp/endpoints.h"
#include "sftp/session.h"

namespace sftp {
namespace {

constexpr int kBacklog = 128;

}  // namespace

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

void Endpoints::open_held(Endpoint& ep) {
  if (ep.listening || ep.gone || !running_ || !ep.serves) return;
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

void Endpoints::close_held(Endpoint& ep, bool for_good) {
  if (ep.fd >= 0) {
    // Closed, a listening socket refuses at once. The acceptor accepts on a
    // socket under its endpoint's lock, never on a number it kept.
    // (Its last descriptor closed, a socket leaves the epoll set by itself: SOCK_CLOEXEC, never dup'ed.)
    ::close(ep.fd);
    ep.fd = -1;
  }
  ep.listening = false;
  {
    std::lock_guard lock(mutex_);  // the sessions' list (after the endpoint's lock, as everywhere)
    for (const auto& s : sessions_)
      if (s->transfer_id == ep.transfer_id && s->fd >= 0) ::shutdown(s->fd, SHUT_RDWR);
  }
  // A listening socket once shut cannot listen again: a new one keeps the
  // port ours (bound, not listening).
  if (!for_good) reserve(ep.port, ep.fd);
}

void Endpoints::follow_held(Endpoint& ep, bool wanted, bool serves) {
  if (ep.gone) return;  // deleted: shut for good, never bound again
  ep.wanted = wanted;
  ep.serves = serves;
  ep.version++;
  if (ep.wanted && ep.serves) open_held(ep);
  else if (ep.listening) close_held(ep, false);  // its sessions too
}

}  // namespace sftp
