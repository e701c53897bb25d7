// Group commit (as LevelDB's DBImpl::Write): threads that commit at the same
// time queue up; the first becomes the leader, writes everything queued in
// one batch (one transaction, one sync), and wakes each with the batch's
// result. Durable mode stays fast under load because concurrent changes share
// the cost of one write.
#pragma once

#include <array>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>

#include "core/journal.h"
#include "core/result.h"
#include "core/store.h"

namespace core {

// Error::reason of a change a shared store left out (Change::stale).
inline constexpr std::string_view kChangedElsewhere = "changed_elsewhere";

class GroupCommit {
 public:
  GroupCommit(Store& store, Journal& journal);

  // Blocks until `change` is written (with whatever else was waiting). Its
  // journal entries get their ids here, in commit order; if the write fails
  // they are kept as refused (503-style "unavailable") and the error returned.
  Result<Done> commit(Change& change);
  // Replaces everything the store keeps, after every change queued before it.
  Result<Done> replace(const StoredState& state);

  std::uint64_t batches() const;  // how many writes so far (a batch may hold many commits)

 private:
  struct Writer;
  Result<Done> enqueue(Writer& writer);
  void give_journal_ids(Change& change);
  // A shared store's batch: ids from the store for every entry of the batch; false if it has none to give.
  bool give_shared_journal_ids(const std::vector<Writer*>& group);

  // Wakes a waiting writer; shared by the threads whose ids fall on it (a
  // wake meant for another is a spurious one, checked by the waiter). They
  // live here, not in the waiter's frame, so that the leader can wake after
  // unlocking: a waiter that saw itself done may return at once.
  static constexpr std::size_t kWakeSlots = 256;
  std::condition_variable& wake_of(const Writer& writer);
  void wake(const std::vector<std::size_t>& slots);

  Store& store_;
  Journal& journal_;
  mutable std::mutex mutex_;
  std::deque<Writer*> queue_;
  std::array<std::condition_variable, kWakeSlots> wakes_;
  std::uint64_t batches_ = 0;
};

}  // namespace core
