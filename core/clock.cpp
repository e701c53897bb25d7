#include "core/clock.h"

#include <chrono>

namespace core {

Millis SystemClock::now_ms() const {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

Millis SwitchableClock::now_ms() const {
  return is_virtual() ? virtual_now_.load(std::memory_order_acquire) : real_.now_ms();
}

void SwitchableClock::use_virtual() {
  if (is_virtual()) return;
  virtual_now_.store(real_.now_ms(), std::memory_order_release);
  virtual_.store(true, std::memory_order_release);
}

void SwitchableClock::advance(Millis ms) {
  use_virtual();
  virtual_now_.fetch_add(ms, std::memory_order_acq_rel);
}

void SwitchableClock::use_real() { virtual_.store(false, std::memory_order_release); }

}  // namespace core
