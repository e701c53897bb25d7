// Keystone's revocation events: a deleted or disabled user or project, a
// role taken back, a deleted application credential revokes the tokens
// issued before it. Checked on every token that is validated; when there is
// no event (the usual case) the check is one atomic load. Events are kept
// (as documents of kind "keystone-revocation") until every token they could
// revoke has expired.
#pragma once

#include <atomic>
#include <chrono>
#include <map>
#include <shared_mutex>
#include <string>
#include <vector>

#include "adapters/openstack/keystone/directory.h"
#include "adapters/openstack/keystone/identity.h"
#include "core/document.h"

namespace openstack {

class Revocations {
 public:
  using Clock = std::chrono::system_clock;
  explicit Revocations(int token_ttl_s) : ttl_(token_ttl_s) {}

  bool any() const { return size_.load(std::memory_order_acquire) != 0; }
  // Whether an event revokes `id` (issued at or before the event).
  bool revoked(const Identity& id) const;

  // The document that keeps `r` made at `at`.
  core::Document document(const Revocation& r, Clock::time_point at) const;
  void add(const Revocation& r, Clock::time_point at);

  static bool owns(std::string_view kind);
  void load(const std::vector<core::Document>& documents);
  std::vector<core::Document> documents() const;

 private:
  static std::string key(const Revocation& r);
  void insert(std::string key, Clock::time_point at);  // caller holds mutex_ exclusively

  int ttl_;
  mutable std::shared_mutex mutex_;
  std::map<std::string, Clock::time_point, std::less<>> events_;  // key -> the newest event's time
  std::atomic<std::size_t> size_{0};
};

}  // namespace openstack
