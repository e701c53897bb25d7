#include "core/group_commit.h"

#include <vector>

namespace core {
namespace {

constexpr std::size_t kMaxBatch = 256;
constexpr int kUnavailableStatus = 503;  // the journal shows a refused change as its adapters would

}  // namespace

struct GroupCommit::Writer {
  Change* change = nullptr;            // a commit...
  const StoredState* state = nullptr;  // ...or a replace
  bool done = false;
  std::optional<Error> error;
  std::condition_variable wake;
};

GroupCommit::GroupCommit(Store& store, Journal& journal) : store_(store), journal_(journal) {}

void GroupCommit::give_journal_ids(Change& change) {
  for (auto& entry : change.journal) entry.id = journal_.append(entry);
  const std::uint64_t first = change.journal.empty() ? 0 : change.journal.front().id;
  for (auto& server : change.servers)
    if (server.pending && server.pending->journal_id == kJournalIdOfThisChange) server.pending->journal_id = first;
  change.journal_floor = journal_.oldest_id();
  change.journal_next_id = journal_.next_id();
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
  writer.wake.wait(lock, [&] { return writer.done || queue_.front() == &writer; });
  if (writer.done) return writer.error ? Result<Done>(*writer.error) : Result<Done>(Done{});

  // The leader: gather the commits queued behind it (a replace goes alone).
  std::vector<Writer*> group;
  std::vector<const Change*> batch;
  for (auto* w : queue_) {
    if (group.size() == kMaxBatch || (w->state && !group.empty()) || (!group.empty() && group.front()->state)) break;
    group.push_back(w);
    if (w->change) {
      give_journal_ids(*w->change);
      batch.push_back(w->change);
    }
  }
  lock.unlock();
  auto written = writer.state ? store_.replace(*writer.state) : store_.write(batch);
  lock.lock();
  ++batches_;

  for (auto* w : group) {
    if (!written) {
      w->error = written.error();
      if (w->change)
        for (const auto& entry : w->change->journal) journal_.refuse(entry.id, kUnavailableStatus, "unavailable");
    }
    w->done = true;
    queue_.pop_front();
    if (w != &writer) w->wake.notify_one();
  }
  if (!queue_.empty()) queue_.front()->wake.notify_one();
  return writer.error ? Result<Done>(*writer.error) : Result<Done>(Done{});
}

std::uint64_t GroupCommit::batches() const {
  std::lock_guard lock(mutex_);
  return batches_;
}

}  // namespace core
