// Lines for a file descriptor, written by one thread of their own: a request
// thread appends its line to a buffer and goes on; the writer writes what
// has gathered within 50 ms of its first line (or sooner, once 64 KiB wait),
// and everything at close(). Lines never interleave or tear.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

namespace gateway {

class LogWriter {
 public:
  // Writes to fd (not owned: stderr, usually).
  explicit LogWriter(int fd);
  ~LogWriter();  // close()
  LogWriter(const LogWriter&) = delete;
  LogWriter& operator=(const LogWriter&) = delete;

  // Queues whole lines (each ending in '\n'). Waits only when the writer is
  // kMaxPending bytes behind (a stalled stderr): memory stays bounded, and
  // no line is dropped.
  void append(std::string_view lines);
  // Writes everything queued, then stops the thread; later appends are lost.
  void close();

  static constexpr std::size_t kFlushBytes = 64 * 1024;
  static constexpr std::size_t kMaxPending = 8 * 1024 * 1024;
  static constexpr int kFlushMs = 50;  // at most this, plus the write, from a line to the file

 private:
  void run();
  void write_all(const std::string& data) const;

  const int fd_;
  std::mutex mutex_;
  std::condition_variable wake_;      // the writer: first line, a full buffer, or close
  std::condition_variable drained_;   // appenders waiting for room
  std::string pending_;               // guarded by mutex_
  bool closing_ = false;              // guarded by mutex_
  std::thread thread_;
};

}  // namespace gateway
