#include "store/checkpointer.h"

#include <chrono>

#include "store/sqlite_database.h"

namespace store {
namespace {

// A checkpoint after this many commits, or after this long with any: the log
// stays small and a restart replays little of it.
constexpr int kCommitsPerCheckpoint = 256;
constexpr auto kMaxWait = std::chrono::milliseconds(500);

}  // namespace

Checkpointer::~Checkpointer() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
}

void Checkpointer::start(const std::string& path) {
  thread_ = std::thread([this, path] { run(path); });
}

void Checkpointer::committed() {
  bool due = false;
  {
    std::lock_guard lock(mutex_);
    due = ++commits_ >= kCommitsPerCheckpoint;
  }
  if (due) wake_.notify_one();
}

void Checkpointer::run(std::string path) {
  Database db(path, SQLITE_OPEN_READWRITE);
  if (!db.ok()) return;
  sqlite3_busy_timeout(db.handle(), 100);
  std::unique_lock lock(mutex_);
  while (!stop_) {
    wake_.wait_for(lock, kMaxWait, [this] { return stop_ || commits_ >= kCommitsPerCheckpoint; });
    if (commits_ == 0) continue;
    commits_ = 0;
    lock.unlock();
    // PASSIVE: copies what no reader or writer holds, never blocks a commit.
    sqlite3_wal_checkpoint_v2(db.handle(), nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
    lock.lock();
  }
}

}  // namespace store
