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

EventBus::Token EventBus::subscribe(Subscriber s, Interest interest) {
  std::unique_lock lock(mutex_);
  const auto token = next_token_++;
  subscribers_.emplace(token, Entry{std::move(s), interest});
  if (interest == Interest::All) count_.fetch_add(1, std::memory_order_release);
  return token;
}

void EventBus::unsubscribe(Token t) {
  std::unique_lock lock(mutex_);
  const auto it = subscribers_.find(t);
  if (it == subscribers_.end()) return;
  if (it->second.interest == Interest::All) count_.fetch_sub(1, std::memory_order_release);
  subscribers_.erase(it);
}

void EventBus::publish(Event e) {
  e.seq = next_seq_.fetch_add(1, std::memory_order_relaxed);
  std::shared_lock lock(mutex_);
  for (const auto& [token, entry] : subscribers_)
    if (entry.interest == Interest::All || e.kind == EventKind::Reset) entry.subscriber(e);
}

}  // namespace core
