#include "gateway/worker_pool.h"

namespace gateway {

WorkerPool::WorkerPool(std::size_t initial, std::size_t max) : max_(max) {
  std::lock_guard lock(mutex_);
  for (std::size_t i = 0; i < initial; ++i) workers_.emplace_back([this] { work(); });
}

WorkerPool::~WorkerPool() { shutdown(); }

void WorkerPool::enqueue(std::function<void()> job) {
  {
    std::lock_guard lock(mutex_);
    jobs_.push_back(std::move(job));
    // Every queued job beyond the idle workers would wait for a connection
    // to close: give it a worker of its own while the cap allows.
    if (jobs_.size() > idle_ && workers_.size() < max_) workers_.emplace_back([this] { work(); });
  }
  ready_.notify_one();
}

void WorkerPool::shutdown() {
  std::vector<std::thread> workers;
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    workers.swap(workers_);
  }
  ready_.notify_all();
  for (auto& w : workers) w.join();
}

std::size_t WorkerPool::size() const {
  std::lock_guard lock(mutex_);
  return workers_.size();
}

void WorkerPool::work() {
  for (;;) {
    std::function<void()> job;
    {
      std::unique_lock lock(mutex_);
      ++idle_;
      ready_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
      --idle_;
      if (jobs_.empty()) return;  // stopping, and nothing left to run
      job = std::move(jobs_.front());
      jobs_.pop_front();
    }
    job();
  }
}

}  // namespace gateway
