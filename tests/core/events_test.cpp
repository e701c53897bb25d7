// The event bus: who is handed what, and whether a change must build its events.
#include <doctest/doctest.h>

#include <vector>

#include "core/events.h"

namespace {

core::Event of_kind(core::EventKind kind) {
  core::Event e;
  e.kind = kind;
  return e;
}

}  // namespace

TEST_CASE("a subscriber to resets alone gets only resets, and does not make changes build events") {
  core::EventBus bus;
  std::vector<core::EventKind> resets, all;
  const auto r = bus.subscribe([&](const core::Event& e) { resets.push_back(e.kind); },
                               core::EventBus::Interest::Resets);
  CHECK_FALSE(bus.has_subscribers());
  bus.publish(of_kind(core::EventKind::StateChanged));
  bus.publish(of_kind(core::EventKind::Reset));
  CHECK(resets == std::vector{core::EventKind::Reset});

  const auto a = bus.subscribe([&](const core::Event& e) { all.push_back(e.kind); });
  CHECK(bus.has_subscribers());
  bus.publish(of_kind(core::EventKind::Created));
  bus.publish(of_kind(core::EventKind::Reset));
  CHECK(all == std::vector{core::EventKind::Created, core::EventKind::Reset});
  CHECK(resets == std::vector{core::EventKind::Reset, core::EventKind::Reset});

  bus.unsubscribe(a);
  CHECK_FALSE(bus.has_subscribers());
  bus.unsubscribe(r);
  bus.unsubscribe(r);  // twice: nothing happens
  CHECK_FALSE(bus.has_subscribers());
}
