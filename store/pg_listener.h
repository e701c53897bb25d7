// The other gateways' changes on a shared PostgreSQL store: a thread with a
// connection of its own LISTENs for the notices each write sends (which
// servers, which kinds of documents), reads those rows and hands them to the
// fleet; after every (re)connect it reads every server (a catch-up: the
// fleet keeps the newer versions). Internal to store/.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <thread>

#include "core/store.h"

namespace store {

// The channel the notices go out on, and their payload: the writer's
// instance on the first line, then "s SEQ" and "d KIND" lines, or "*" for
// everything (a reset, a snapshot).
inline constexpr const char* kPgChannel = "lifecycle_gateway";

class PgListener {
 public:
  // Ignores the notices of `instance` (its own writes). `replaces`: the
  // store's count (core::Store::replaces), noted on each read.
  PgListener(std::string url, std::string instance, const std::atomic<std::uint64_t>& replaces,
             std::function<void(core::Elsewhere)> changed);
  ~PgListener();
  PgListener(const PgListener&) = delete;
  PgListener& operator=(const PgListener&) = delete;

 private:
  void run();

  std::string url_, instance_;
  const std::atomic<std::uint64_t>& replaces_;
  std::function<void(core::Elsewhere)> changed_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace store
