// GET /_gateway/events: Server-Sent Events, one per change in the fleet.
// Each subscriber has a bounded buffer: a slow or stuck reader loses events
// (and is told how many) rather than slowing down the requests that make them.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <string>

#include "core/events.h"
#include "core/fleet.h"

namespace httplib {
class Server;
}

namespace gateway {

class EventQueue {
 public:
  explicit EventQueue(std::size_t capacity) : capacity_(capacity) {}
  // Called on the fleet's thread, under a server's lock: never blocks for long.
  void push(const core::Event& e);
  // Waits up to `timeout_ms` for events; returns them and how many were dropped since.
  // Once closed, it never waits again.
  std::deque<core::Event> pop(int timeout_ms, std::size_t& dropped);
  // Wakes the reader for good: the gateway is stopping.
  void close();

 private:
  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<core::Event> events_;
  std::size_t capacity_;
  std::size_t dropped_ = 0;
  bool closed_ = false;
};

// The JSON of one event: both identities, tenant, old and new state.
std::string event_json(const core::Event& e, core::Tenants& tenants);

void mount_event_stream(httplib::Server& server, core::Fleet& fleet, const std::atomic<bool>& stopping);

// Called after `stopping` is set: wakes the streams it stops, so a SIGTERM
// waits for no stream's next poll.
void wake_event_streams(const std::atomic<bool>& stopping);

}  // namespace gateway
