// The journal's public face: appends and settlements wait in a short
// pending list (see journal.h), filed into Journal::Impl (journal_slots.h)
// by the next read or by the append that fills the list.
#include "core/journal.h"

#include <algorithm>
#include <mutex>

#include "core/journal_slots.h"

namespace core {
namespace {
// Filed in one go by the append that fills the pending list: a bounded pause for that one call.
constexpr std::size_t kFileEvery = 256;
}  // namespace

Journal::Journal(std::size_t max_entries) : impl_(std::make_unique<Impl>(max_entries)) {
  pending_.reserve(kFileEvery);
}
Journal::~Journal() = default;

std::uint64_t Journal::push(Pending op) {
  bool full = false;
  std::uint64_t id = op.id;
  {
    std::lock_guard lock(pending_mutex_);
    if (op.entry) {
      op.id = id = next_id_++;
      op.entry->id = op.id;
    }
    pending_.push_back(std::move(op));
    has_pending_.store(true, std::memory_order_release);
    full = pending_.size() >= kFileEvery;
  }
  if (full) {
    // Whoever holds the journal already files it; this call does not wait.
    std::unique_lock lock(mutex_, std::try_to_lock);
    if (lock.owns_lock()) file_pending_locked();
  }
  return id;
}

void Journal::file_pending() const {
  if (!has_pending_.load(std::memory_order_acquire)) return;
  std::unique_lock lock(mutex_);
  file_pending_locked();
}

void Journal::file_pending_locked() const {
  std::vector<Pending> ops;
  {
    std::lock_guard lock(pending_mutex_);
    ops.swap(pending_);
    pending_.reserve(kFileEvery);
    has_pending_.store(false, std::memory_order_release);
  }
  for (auto& op : ops) {
    if (op.entry) {
      impl_->add_as(op.id, *op.entry);
    } else if (auto* s = impl_->slot(op.id)) {
      s->settled = true;
      s->settled_ms = op.settled_at;
      s->transition_failed = op.failed;
    }
  }
}

void Journal::set_max_entries(std::size_t max_entries) {
  std::unique_lock lock(mutex_);
  file_pending_locked();
  impl_->max_entries = std::max<std::size_t>(max_entries, 1);
  while (impl_->slots.size() > impl_->max_entries) impl_->drop_oldest();
}

std::size_t Journal::max_entries() const {
  std::shared_lock lock(mutex_);
  return impl_->max_entries;
}

std::uint64_t Journal::append(const JournalEntry& entry) {
  Pending op;
  op.entry = entry;
  return push(std::move(op));
}

void Journal::finish(JournalEntry& call, int status, Millis now) {
  if (call.id) {
    if (status != call.status) refuse(call.id, status, call.result == kAccepted ? "unavailable" : call.result);
    return;
  }
  call.status = status;
  call.finish_ms = now;
  if (call.result.empty()) call.result = status < 400 ? kAccepted : "internal";
  // A change refused before it was written shows no new state.
  if (call.result != kAccepted) call.state_after = call.state_before;
  call.id = append(call);
}

void Journal::settle(std::uint64_t id, Millis at, bool failed) {
  Pending op;
  op.id = id;
  op.settled_at = at;
  op.failed = failed;
  push(std::move(op));
}

void Journal::refuse(std::uint64_t id, int status, std::string_view result) {
  std::unique_lock lock(mutex_);
  file_pending_locked();
  auto* s = impl_->slot(id);
  if (!s) return;
  const auto before = *s;
  s->status = static_cast<std::int16_t>(status);
  s->result = impl_->strings.intern(result);
  s->after = s->before;
  s->settled = false;
  impl_->reindex_change(id, before, *s);
  impl_->strings.release(before.result);  // after the reindex, which reads it
}

void Journal::forget(std::uint64_t id) {
  std::unique_lock lock(mutex_);
  file_pending_locked();
  impl_->drop(id);
}

std::optional<JournalEntry> Journal::find(std::uint64_t id) const {
  file_pending();
  std::shared_lock lock(mutex_);
  const auto* s = impl_->slot(id);
  if (!s) return std::nullopt;
  return impl_->entry(id, *s);
}

std::vector<JournalEntry> Journal::read(const JournalQuery& query) const {
  file_pending();
  std::shared_lock lock(mutex_);
  std::vector<JournalEntry> out;
  const auto wanted = impl_->filters(query);
  if (!wanted || query.limit == 0) return out;
  impl_->walk(query, *wanted, [&](std::uint64_t id, const Impl::Slot& s) {
    out.push_back(impl_->entry(id, s));
    return out.size() < query.limit;
  });
  return out;
}

std::size_t Journal::count(const JournalQuery& query) const {
  file_pending();
  std::shared_lock lock(mutex_);
  const auto wanted = impl_->filters(query);
  if (!wanted) return 0;
  const std::uint64_t lo = query.since + 1;
  const std::uint64_t hi =
      query.newest_first && query.before ? std::min(query.before, impl_->next_id) : impl_->next_id;
  if (lo >= hi) return 0;
  // One filter or none: positions in the index (or the slots) answer without walking.
  if (wanted->empty()) return impl_->position(hi) - impl_->position(lo);
  if (wanted->size() == 1) {
    const auto* list = impl_->index.find(wanted->front());
    if (!list) return 0;
    auto [begin, end] = list->range(lo, hi);
    return static_cast<std::size_t>(end - begin);
  }
  std::size_t n = 0;
  auto whole = query;
  whole.newest_first = false;
  impl_->walk(whole, *wanted, [&](std::uint64_t, const Impl::Slot&) {
    ++n;
    return true;
  });
  return n;
}

void Journal::restore(std::vector<JournalEntry> entries, std::uint64_t next_id) {
  std::unique_lock lock(mutex_);
  std::lock_guard pending(pending_mutex_);
  pending_.clear();  // appended before the restore: the restored journal replaces them
  has_pending_.store(false, std::memory_order_release);
  const auto max = impl_->max_entries;
  impl_ = std::make_unique<Impl>(max);
  // Sized once for what comes (mostly each server's two identities): no rehashing on the way.
  impl_->strings.reserve(entries.size() * 2 + 256);
  impl_->index.reserve(entries.size() * 2 + 256);
  // Ids stay those the store kept, gaps and all (reads live in memory only).
  for (auto& e : entries) {
    if (e.id < impl_->next_id) continue;  // out of order: not ours to keep
    impl_->add_as(e.id, e);
  }
  impl_->next_id = std::max(impl_->next_id, next_id);
  next_id_ = impl_->next_id;
}

void Journal::clear() {
  std::unique_lock lock(mutex_);
  std::lock_guard pending(pending_mutex_);
  pending_.clear();
  has_pending_.store(false, std::memory_order_release);
  const auto max = impl_->max_entries;
  impl_ = std::make_unique<Impl>(max);
  impl_->next_id = next_id_;  // ids are never reused
}

bool Journal::append_reserved(const std::vector<JournalEntry*>& entries,
                              const std::function<std::optional<std::uint64_t>(std::uint64_t)>& reserve) {
  std::unique_lock lock(mutex_);
  file_pending_locked();
  // Under the pending lock: no other entry may take an id of the block meanwhile.
  std::lock_guard pending(pending_mutex_);
  const auto first = reserve(next_id_);
  if (!first) return false;
  next_id_ = std::max(next_id_, *first);
  for (auto* e : entries) {
    e->id = next_id_++;
    impl_->add_as(e->id, *e);
  }
  return true;
}

std::uint64_t Journal::next_id() const {
  std::lock_guard lock(pending_mutex_);
  return next_id_;
}

std::uint64_t Journal::oldest_id() const {
  file_pending();
  std::shared_lock lock(mutex_);
  return impl_->slots.empty() ? impl_->next_id : impl_->slots.front().id;
}

std::size_t Journal::size() const {
  file_pending();
  std::shared_lock lock(mutex_);
  return impl_->slots.size();
}

std::size_t Journal::distinct_strings() const {
  file_pending();
  std::shared_lock lock(mutex_);
  return impl_->strings.size();
}

}  // namespace core
