// The server's task queue: cpp-httplib gives each open connection a worker
// for as long as it stays open, so a fixed pool starves once clients hold
// more keep-alive connections than it has threads (8 by default: 17 of 1000
// held clients answered in 10 s). This pool starts small, so start-up stays
// fast, and adds a worker whenever a connection finds none idle, up to a cap.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include <httplib.h>

namespace gateway {

class WorkerPool final : public httplib::TaskQueue {
 public:
  WorkerPool(std::size_t initial, std::size_t max);
  ~WorkerPool() override;
  void enqueue(std::function<void()> job) override;
  // Runs the queued jobs to the end, then joins every worker.
  void shutdown() override;
  std::size_t size() const;

 private:
  void work();

  mutable std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<std::function<void()>> jobs_;
  std::vector<std::thread> workers_;
  std::size_t idle_ = 0;
  std::size_t max_;
  bool stopping_ = false;
};

}  // namespace gateway
