// Time for the core, injected: the fleet never reads the wall clock itself,
// so transitions and billing are testable without sleeping.
#pragma once

#include <atomic>
#include <cstdint>

namespace core {

// Milliseconds since the Unix epoch.
using Millis = std::int64_t;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual Millis now_ms() const = 0;
};

// The wall clock.
class SystemClock final : public Clock {
 public:
  Millis now_ms() const override;
};

// A clock that moves only when told: tests and the control plane's virtual time.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(Millis start_ms = 1'700'000'000'000) : now_(start_ms) {}
  Millis now_ms() const override { return now_.load(std::memory_order_acquire); }
  void advance(Millis ms) { now_.fetch_add(ms, std::memory_order_acq_rel); }
  void set(Millis ms) { now_.store(ms, std::memory_order_release); }

 private:
  std::atomic<Millis> now_;
};

// The gateway's clock: the wall clock until switched to virtual time, which
// then starts where the wall clock was and moves only when advanced.
class SwitchableClock final : public Clock {
 public:
  Millis now_ms() const override;
  void use_virtual();        // freeze at the current time (no-op when already virtual)
  void advance(Millis ms);   // virtual time only: switches to it first
  void use_real();
  bool is_virtual() const { return virtual_.load(std::memory_order_acquire); }

 private:
  SystemClock real_;
  std::atomic<bool> virtual_{false};
  std::atomic<Millis> virtual_now_{0};
};

}  // namespace core
