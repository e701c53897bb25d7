#include "gateway/log_writer.h"

#include <unistd.h>

#include <cerrno>
#include <chrono>

namespace gateway {

LogWriter::LogWriter(int fd) : fd_(fd) {
  pending_.reserve(kFlushBytes);
  thread_ = std::thread([this] { run(); });
}

LogWriter::~LogWriter() { close(); }

void LogWriter::append(std::string_view lines) {
  std::unique_lock lock(mutex_);
  if (closing_) return;
  if (pending_.size() >= kMaxPending) {
    drained_.wait(lock, [this] { return pending_.size() < kMaxPending || closing_; });
    if (closing_) return;
  }
  const bool first = pending_.empty();
  pending_.append(lines);
  // The writer sleeps while nothing is pending: wake it for the first line
  // (it then waits out the flush interval) and when a batch is full.
  if (first || pending_.size() >= kFlushBytes) {
    lock.unlock();
    wake_.notify_one();
  }
}

void LogWriter::close() {
  {
    std::lock_guard lock(mutex_);
    if (closing_ && !thread_.joinable()) return;
    closing_ = true;
  }
  wake_.notify_one();
  drained_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void LogWriter::run() {
  std::string batch;
  batch.reserve(kFlushBytes);
  std::unique_lock lock(mutex_);
  for (;;) {
    wake_.wait(lock, [this] { return !pending_.empty() || closing_; });
    // Let a batch gather for up to kFlushMs after its first line: one write
    // for many lines is what takes the file off the requests' path.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(kFlushMs);
    wake_.wait_until(lock, deadline, [this] { return pending_.size() >= kFlushBytes || closing_; });
    batch.swap(pending_);
    const bool last = closing_;
    lock.unlock();
    drained_.notify_all();
    write_all(batch);
    batch.clear();
    lock.lock();
    if (last && pending_.empty()) return;
  }
}

void LogWriter::write_all(const std::string& data) const {
  std::size_t done = 0;
  while (done < data.size()) {
    const auto n = ::write(fd_, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;  // a closed or broken stderr: nothing sensible left to do with the lines
    done += static_cast<std::size_t>(n);
  }
}

}  // namespace gateway
