// Every change to the fleet emits one event to subscribers (the control
// plane's stream, the dashboard, tests). Subscribers are called on the thread
// that made the change, while that server is locked, so per-server order is
// the order of the changes: a subscriber must be quick and must not call back
// into the fleet.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>

#include "core/clock.h"
#include "core/server.h"
#include "core/state.h"
#include "core/tenants.h"

namespace core {

enum class EventKind {
  Created,       // a server appeared (new_state is its first state)
  StateChanged,  // old_state -> new_state
  LockChanged,   // lock set or cleared; the state did not change
  Deleted,       // the server is gone; billing ended
  Reset,         // the whole fleet was cleared (the control plane's reset)
};
std::string_view name(EventKind k);

struct Event {
  std::uint64_t seq = 0;  // global order of events
  EventKind kind = EventKind::StateChanged;
  std::string uuid;
  std::string transfer_id;
  TenantId tenant = 0;
  std::optional<State> old_state;
  State new_state = State::Running;
  std::optional<State> transition_from;  // new_state is in between: where its transition began
  Millis at_ms = 0;
  std::optional<Action> cause;  // the action that led to it
  bool clean_shutdown = false;
  LockInfo lock;
};

class EventBus {
 public:
  using Subscriber = std::function<void(const Event&)>;
  using Token = std::uint64_t;

  // What a subscriber is handed: every event, or only the fleet's resets
  // (a catalog that starts over with the fleet does not make every change
  // build events nobody reads).
  enum class Interest { All, Resets };

  Token subscribe(Subscriber s, Interest interest = Interest::All);
  void unsubscribe(Token t);
  // Stamps the event's seq and hands it to every subscriber that wants it.
  void publish(Event e);
  // Whether anyone listens to server events: a change with no listener need not build them.
  bool has_subscribers() const { return count_.load(std::memory_order_acquire) > 0; }

 private:
  struct Entry {
    Subscriber subscriber;
    Interest interest;
  };
  std::shared_mutex mutex_;
  std::map<Token, Entry> subscribers_;
  std::atomic<std::size_t> count_{0};  // subscribers with Interest::All
  Token next_token_ = 1;
  std::atomic<std::uint64_t> next_seq_{1};
};

}  // namespace core
