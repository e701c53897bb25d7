// Fault rules: the control plane makes the cloud misbehave on purpose, and
// adapters ask before each operation what to do. The core only matches
// strings (api, operation) and identities; it never knows what they mean on
// the wire, and each adapter maps the injected error kinds to its own codes.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/error.h"
#include "core/tenants.h"

namespace core {

struct FaultRule {
  std::uint64_t id = 0;  // given by Faults::add
  // Match: an empty field (or no tenant) matches anything.
  std::string api;          // "nova", "transfer"
  std::string operation;    // the Nova action ("os-stop") or Transfer operation ("StopServer")
  std::string server_uuid;  // the server, by both identities (either given by the caller matches)
  std::string server_transfer_id;
  std::optional<TenantId> tenant;
  // Effect: any combination.
  std::optional<ErrorCode> error;  // Unavailable, Internal or Throttled
  int retry_after_s = 1;           // for Throttled
  Millis latency_ms = 0;
  bool fail_transition = false;    // the stop ends in stop_failed, the start in start_failed
  // How often: at most `count` times (none: unlimited), each time with `probability`.
  std::optional<int> count;
  double probability = 1.0;
  std::uint64_t seed = 1;  // with a probability below 1, the same seed repeats the same run
  // Read-outs.
  int matched = 0;  // requests that matched
  int fired = 0;    // of which the rule applied
};

// What an adapter must do to one operation.
struct FaultPlan {
  std::optional<Error> error;
  Millis latency_ms = 0;
  bool fail_transition = false;
};

class Faults {
 public:
  std::uint64_t add(FaultRule rule);
  bool remove(std::uint64_t id);
  void clear();
  std::vector<FaultRule> list() const;

  // Every rule matching this call applies (errors: the first rule's wins;
  // latencies add up). `server_id` is the identity the caller gave, if any.
  FaultPlan decide(std::string_view api, std::string_view operation, std::string_view server_id,
                   std::optional<TenantId> tenant);

 private:
  struct Entry {
    FaultRule rule;
    std::mt19937_64 rng;
  };
  mutable std::mutex mutex_;
  std::vector<Entry> rules_;
  std::uint64_t next_id_ = 1;
  std::atomic<bool> any_{false};  // lets decide() skip the lock when there are no rules
};

}  // namespace core
