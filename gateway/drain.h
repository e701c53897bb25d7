// Draining on SIGTERM: in-flight requests finish, idle connections close now.
//
// cpp-httplib 0.11 notices a stopped server only after an idle keep-alive
// connection's wait ends (5 s), so one idle client would hold the exit that
// long. We remember, per worker thread, which peer's request is in flight;
// at stop, every other connection to our port has its read side shut, which
// ends its keep-alive wait at once without touching a request in progress.
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>

namespace gateway {

class InFlight {
 public:
  // Marks the calling worker thread busy with a request from this peer.
  void begin(const std::string& remote_addr, int remote_port);
  // Marks it idle again.
  void end();
  bool contains(const std::string& remote_addr, int remote_port) const;

 private:
  struct Slot {
    std::atomic<std::uint64_t> peer{0};  // 0: idle
  };
  Slot& slot();
  static std::uint64_t key(const std::string& remote_addr, int remote_port);

  mutable std::mutex mutex_;
  std::deque<Slot> slots_;  // one per worker thread; a deque never moves its elements
};

// Shuts the read side of every connection accepted on `port` whose peer has
// no request in flight. Linux: it walks /proc/self/fd.
void close_idle_connections(int port, const InFlight& in_flight);

}  // namespace gateway
