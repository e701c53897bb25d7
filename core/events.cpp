#include "core/events.h"

namespace core {

std::string_view name(EventKind k) {
  switch (k) {
    case EventKind::Created: return "created";
    case EventKind::StateChanged: return "state_changed";
    case EventKind::LockChanged: return "lock_changed";
    case EventKind::Deleted: return "deleted";
    case EventKind::Reset: return "reset";
  }
  return "unknown";
}

EventBus::Token EventBus::subscribe(Subscriber s) {
  std::unique_lock lock(mutex_);
  const auto token = next_token_++;
  subscribers_.emplace(token, std::move(s));
  count_.store(subscribers_.size(), std::memory_order_release);
  return token;
}

void EventBus::unsubscribe(Token t) {
  std::unique_lock lock(mutex_);
  subscribers_.erase(t);
  count_.store(subscribers_.size(), std::memory_order_release);
}

void EventBus::publish(Event e) {
  e.seq = next_seq_.fetch_add(1, std::memory_order_relaxed);
  std::shared_lock lock(mutex_);
  for (const auto& [token, subscriber] : subscribers_) subscriber(e);
}

}  // namespace core
