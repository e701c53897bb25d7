#include "gateway/drain.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <cstdlib>
#include <functional>

namespace gateway {
namespace {

// The address and port of a socket's peer, as cpp-httplib reports them.
bool peer_of(int fd, std::string& addr, int& port) {
  sockaddr_storage ss{};
  socklen_t len = sizeof(ss);
  if (getpeername(fd, reinterpret_cast<sockaddr*>(&ss), &len) != 0) return false;
  char text[INET6_ADDRSTRLEN] = {};
  if (ss.ss_family == AF_INET) {
    const auto* in = reinterpret_cast<const sockaddr_in*>(&ss);
    inet_ntop(AF_INET, &in->sin_addr, text, sizeof(text));
    port = ntohs(in->sin_port);
  } else if (ss.ss_family == AF_INET6) {
    const auto* in6 = reinterpret_cast<const sockaddr_in6*>(&ss);
    inet_ntop(AF_INET6, &in6->sin6_addr, text, sizeof(text));
    port = ntohs(in6->sin6_port);
  } else {
    return false;
  }
  addr = text;
  return true;
}

int local_port_of(int fd) {
  sockaddr_storage ss{};
  socklen_t len = sizeof(ss);
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len) != 0) return -1;
  if (ss.ss_family == AF_INET) return ntohs(reinterpret_cast<const sockaddr_in*>(&ss)->sin_port);
  if (ss.ss_family == AF_INET6) return ntohs(reinterpret_cast<const sockaddr_in6*>(&ss)->sin6_port);
  return -1;
}

}  // namespace

std::uint64_t InFlight::key(const std::string& remote_addr, int remote_port) {
  // Port in the low 16 bits, a hash of the address above; never 0.
  return (std::hash<std::string>{}(remote_addr) << 16) | static_cast<std::uint64_t>(remote_port & 0xffff) | 1ULL << 63;
}

InFlight::Slot& InFlight::slot() {
  thread_local Slot* mine = nullptr;
  thread_local const InFlight* owner = nullptr;
  if (!mine || owner != this) {
    std::lock_guard lock(mutex_);
    mine = &slots_.emplace_back();
    owner = this;
  }
  return *mine;
}

void InFlight::begin(const std::string& remote_addr, int remote_port) {
  slot().peer.store(key(remote_addr, remote_port), std::memory_order_release);
}

void InFlight::end() { slot().peer.store(0, std::memory_order_release); }

bool InFlight::contains(const std::string& remote_addr, int remote_port) const {
  const auto k = key(remote_addr, remote_port);
  std::lock_guard lock(mutex_);
  for (const auto& s : slots_)
    if (s.peer.load(std::memory_order_acquire) == k) return true;
  return false;
}

void close_idle_connections(int port, const InFlight& in_flight) {
  DIR* dir = opendir("/proc/self/fd");
  if (!dir) return;
  while (auto* entry = readdir(dir)) {
    const int fd = std::atoi(entry->d_name);
    if (fd <= 2 || fd == dirfd(dir)) continue;
    struct stat st {};
    if (fstat(fd, &st) != 0 || !S_ISSOCK(st.st_mode)) continue;
    std::string addr;
    int peer_port = 0;
    if (local_port_of(fd) != port || !peer_of(fd, addr, peer_port)) continue;  // not a connection of ours
    if (in_flight.contains(addr, peer_port)) continue;
    shutdown(fd, SHUT_RD);
  }
  closedir(dir);
}

}  // namespace gateway
