#include <doctest/doctest.h>

#include "fixture.h"

using core::Action;
using core::State;

namespace {

core::LedgerEntry entry_for(core::Fleet& fleet, const std::string& uuid) {
  for (auto& e : fleet.ledger())
    if (e.uuid == uuid) return e;
  FAIL("no ledger entry for " << uuid);
  return {};
}

}  // namespace

TEST_CASE("billing runs from creation to deletion, split into running and stopped time") {
  test::FleetFixture f;
  f.fleet.set_transition_ms(Action::Stop, 2000);
  const auto s = f.fleet.create(f.owner, {}).value();  // running at t=0

  f.clock.advance(10'000);                        // 10 s running
  REQUIRE(f.fleet.stop(f.owner, s.uuid).ok());    // stopping for 2 s (still powered on)
  f.clock.advance(2'000);
  f.clock.advance(30'000);                        // 30 s stopped

  auto live = entry_for(f.fleet, s.uuid);
  CHECK(live.state == State::Stopped);
  CHECK(live.running_ms == 12'000);
  CHECK(live.stopped_ms == 30'000);
  CHECK(live.billed_ms == 42'000);  // stopping does not reduce billing
  CHECK_FALSE(live.deleted_ms.has_value());

  REQUIRE(f.fleet.remove(f.owner, s.uuid).ok());
  f.clock.advance(1'000'000);  // time after deletion is not billed
  auto gone = entry_for(f.fleet, s.uuid);
  CHECK(gone.deleted_ms == live.created_ms + 42'000);
  CHECK(gone.billed_ms == 42'000);
  CHECK(gone.running_ms == 12'000);
  CHECK(gone.stopped_ms == 30'000);
}

TEST_CASE("every successful stop carries the billing note") {
  test::FleetFixture f;
  const auto s = f.seed(State::Running);
  auto receipt = f.fleet.stop(f.owner, s.uuid);
  REQUIRE(receipt.ok());
  CHECK(receipt->billing_note == "server remains billable while stopped; delete it to stop billing");
}

TEST_CASE("a lazily settled transition is billed from when it was due, not when looked at") {
  test::FleetFixture f;
  f.fleet.set_transition_ms(Action::Start, 1000);
  const auto s = f.seed(State::Stopped);
  REQUIRE(f.fleet.start(f.owner, s.uuid).ok());  // starting: powered off
  f.clock.advance(5000);                          // settled at +1 s, nobody looked until +5 s
  auto e = entry_for(f.fleet, s.uuid);
  CHECK(e.stopped_ms == 1000);
  CHECK(e.running_ms == 4000);
}
