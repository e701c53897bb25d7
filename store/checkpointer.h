// Copies the write-ahead log back into the database file on a thread of its
// own. SQLite's automatic checkpoint runs inside the commit that crosses its
// threshold, so one answer in a thousand would wait for a copy and a sync;
// here no commit ever does. Internal to store/.
#pragma once

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

namespace store {

class Checkpointer {
 public:
  Checkpointer() = default;
  ~Checkpointer();
  Checkpointer(const Checkpointer&) = delete;
  Checkpointer& operator=(const Checkpointer&) = delete;

  // Starts the thread, with its own connection to `path`.
  void start(const std::string& path);
  // A transaction was committed: a checkpoint is due after enough of them.
  void committed();

 private:
  void run(std::string path);

  std::thread thread_;
  std::mutex mutex_;
  std::condition_variable wake_;
  int commits_ = 0;   // since the last checkpoint; guarded by mutex_
  bool stop_ = false;
};

}  // namespace store
