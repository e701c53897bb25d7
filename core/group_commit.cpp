#include "core/group_commit.h"

#include <atomic>
#include <vector>

namespace core {
namespace {

constexpr std::size_t kMaxBatch = 256;
constexpr int kUnavailableStatus = 503;  // the journal shows a refused change as its adapters would

// A small number per thread, given on first use: threads fall on distinct
// wake slots until there are more of them than slots.
std::size_t thread_number() {
  static std::atomic<std::size_t> next{0};
  thread_local const std::size_t mine = next.fetch_add(1, std::memory_order_relaxed);
  return mine;
}

}  // namespace

struct GroupCommit::Writer {
  Change* change = nullptr;            // a commit...
  const StoredState* state = nullptr;  // ...or a replace
  bool done = false;
  std::optional<Error> error;
  std::size_t slot = thread_number() % kWakeSlots;
};

std::condition_variable& GroupCommit::wake_of(const Writer& writer) { return wakes_[writer.slot]; }

// Called without the lock: a thread woken while the leader still held it
// would only go back to sleep on the mutex (two switches for one wake). A
// slot named twice is notified twice; the second finds no one waiting.
void GroupCommit::wake(const std::vector<std::size_t>& slots) {
  for (auto slot : slots) wakes_[slot].notify_all();
}

GroupCommit::GroupCommit(Store& store, Journal& journal) : store_(store), journal_(journal) {}

void GroupCommit::give_journal_ids(Change& change) {
  if (!store_.shared())
    for (auto& entry : change.journal) entry.id = journal_.append(entry);
  const std::uint64_t first = change.journal.empty() ? 0 : change.journal.front().id;
  for (auto& server : change.servers)
    if (server.pending && server.pending->journal_id == kJournalIdOfThisChange) server.pending->journal_id = first;
  // A shared store's journal holds every gateway's changes: this gateway's
  // oldest id in memory says nothing of theirs, so the store keeps a count.
  if (store_.shared()) change.journal_bound = journal_.max_entries();
  else change.journal_floor = journal_.oldest_id();
  change.journal_next_id = journal_.next_id();
}

bool GroupCommit::give_shared_journal_ids(const std::vector<Writer*>& group) {
  std::vector<JournalEntry*> entries;
  for (auto* w : group)
    if (w->change)
      for (auto& entry : w->change->journal) entries.push_back(&entry);
  if (entries.empty()) return true;
  return journal_.append_reserved(entries, [&](std::uint64_t next) -> std::optional<std::uint64_t> {
    auto first = store_.reserve_journal_ids(entries.size(), next);
    if (!first) return std::nullopt;
    return first.value();
  });
}

Result<Done> GroupCommit::commit(Change& change) {
  Writer writer;
  writer.change = &change;
  return enqueue(writer);
}

Result<Done> GroupCommit::replace(const StoredState& state) {
  Writer writer;
  writer.state = &state;
  return enqueue(writer);
}

Result<Done> GroupCommit::enqueue(Writer& writer) {
  std::unique_lock lock(mutex_);
  queue_.push_back(&writer);
  wake_of(writer).wait(lock, [&] { return writer.done || queue_.front() == &writer; });
  if (writer.done) return writer.error ? Result<Done>(*writer.error) : Result<Done>(Done{});

  // The leader: gather the commits queued behind it (a replace goes alone).
  std::vector<Writer*> group;
  std::vector<const Change*> batch;
  for (auto* w : queue_) {
    if (group.size() == kMaxBatch || (w->state && !group.empty()) || (!group.empty() && group.front()->state)) break;
    group.push_back(w);
  }
  // Only the leader touches the group's changes until it wakes them: the
  // ids are given without the queue's lock. A shared store hands them out
  // (one round trip for the batch); a refused write leaves refused entries.
  lock.unlock();
  const bool ids = !store_.shared() || give_shared_journal_ids(group);
  for (auto* w : group)
    if (w->change) {
      give_journal_ids(*w->change);
      batch.push_back(w->change);
    }
  auto written = !ids              ? Result<Done>(unavailable("the store gives no journal ids now"))
                 : writer.state ? store_.replace(*writer.state)
                                : store_.write(batch);
  lock.lock();
  ++batches_;

  std::vector<std::size_t> to_wake;
  to_wake.reserve(group.size() + 1);
  for (auto* w : group) {
    if (!written) {
      w->error = written.error();
      if (w->change && ids)
        for (const auto& entry : w->change->journal) journal_.refuse(entry.id, kUnavailableStatus, "unavailable");
    } else if (w->change && w->change->stale) {
      // Another gateway changed a server of it first: the fleet reloads it and decides again.
      w->error = conflict(std::string(kChangedElsewhere), "", "changed by another gateway");
      for (const auto& entry : w->change->journal) journal_.forget(entry.id);
    }
    w->done = true;
    queue_.pop_front();
    if (w != &writer) to_wake.push_back(w->slot);
  }
  if (!queue_.empty()) to_wake.push_back(queue_.front()->slot);  // the next leader
  auto result = writer.error ? Result<Done>(*writer.error) : Result<Done>(Done{});
  lock.unlock();
  wake(to_wake);
  return result;
}

std::uint64_t GroupCommit::batches() const {
  std::lock_guard lock(mutex_);
  return batches_;
}

}  // namespace core
