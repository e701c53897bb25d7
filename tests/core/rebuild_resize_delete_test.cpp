// The table's newer rows through the fleet: a rebuild or a resize of a
// stopped server stays stopped, edits made with an action land in the same
// change (or refuse it whole), a soft delete is restorable until it is
// reclaimed, and an admin's reset abandons a transition under way.
#include <doctest/doctest.h>

#include <optional>

#include "core/transitions.h"
#include "fixture.h"

using core::Action;
using core::ErrorCode;
using core::State;

TEST_CASE("a rebuild or a resize of a stopped server goes through its in-between state and ends stopped") {
  test::FleetFixture f;
  f.fleet.set_transition_ms(Action::Rebuild, 100);
  f.fleet.set_transition_ms(Action::Resize, 100);
  const auto s = f.seed(State::Stopped);
  auto rebuilding = f.fleet.perform(f.owner, s.uuid, Action::Rebuild);
  REQUIRE(rebuilding.ok());
  CHECK(rebuilding->state == State::Rebuilding);
  CHECK(rebuilding->transition_from == State::Stopped);
  f.clock.advance(100);
  CHECK(f.state_of(s.uuid) == State::Stopped);

  REQUIRE(f.fleet.perform(f.owner, s.uuid, Action::Resize)->state == State::Resizing);
  f.clock.advance(100);
  CHECK(f.state_of(s.uuid) == State::ResizedStopped);
  CHECK(f.fleet.perform(f.owner, s.uuid, Action::RevertResize)->state == State::Stopped);
  // Powered off all along: billed as stopped time.
  CHECK(f.fleet.ledger().front().running_ms == 0);
}

TEST_CASE("an action's edit is made with it, after the core's checks, and may refuse it whole") {
  test::FleetFixture f;
  const auto s = f.seed(State::Running);
  int calls = 0;
  core::ActOptions refuse;
  refuse.edit = [&](core::Editable& e) -> std::optional<core::Error> {
    ++calls;
    e.name = "half-made";
    return core::invalid_argument("flavorRef", "When resizing, instances must change flavor!");
  };
  auto refused = f.fleet.perform(f.owner, s.uuid, Action::Resize, refuse);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().detail == "When resizing, instances must change flavor!");
  CHECK(f.fleet.get(f.owner, s.uuid)->name == "s");
  CHECK(f.state_of(s.uuid) == State::Running);

  // A state the action is not allowed from is refused before the edit runs.
  const auto paused = f.seed(State::Paused, "p");
  CHECK(f.fleet.perform(f.owner, paused.uuid, Action::Resize, refuse).error().code == ErrorCode::InvalidState);
  CHECK(calls == 1);

  core::ActOptions rename;
  rename.edit = [](core::Editable& e) -> std::optional<core::Error> {
    core::set_pair(e.attributes, "nova.flavor", "2");
    return std::nullopt;
  };
  auto resized = f.fleet.perform(f.owner, s.uuid, Action::Resize, rename);
  REQUIRE(resized.ok());
  CHECK(resized->state == State::Resized);
  CHECK(core::find_pair(resized->attributes, "nova.flavor") == "2");
}

TEST_CASE("a soft-deleted server is restorable until it is reclaimed, and billed as stopped until then") {
  test::FleetFixture f;
  f.fleet.set_reclaim_ms(60'000);
  const auto s = f.seed(State::Running);
  f.clock.advance(1000);
  REQUIRE(f.fleet.perform(f.owner, s.uuid, Action::SoftDelete)->state == State::SoftDeleted);
  CHECK(f.fleet.next_due() == f.clock.now_ms() + 60'000);
  f.clock.advance(10'000);
  REQUIRE(f.fleet.perform(f.owner, s.uuid, Action::Restore)->state == State::Running);
  f.clock.advance(60'000);
  CHECK(f.fleet.settle_due() == 0);  // the restore cancelled the reclaim
  CHECK(f.state_of(s.uuid) == State::Running);

  REQUIRE(f.fleet.perform(f.owner, s.uuid, Action::SoftDelete).ok());
  core::ListQuery all;
  CHECK(f.fleet.list(all).servers.size() == 1);  // still listed: SOFT_DELETED in Nova
  f.clock.advance(60'000);
  CHECK(f.fleet.settle_due() == 1);
  CHECK(f.fleet.get(f.owner, s.uuid).error().code == ErrorCode::NotFound);
  CHECK(f.fleet.list(all).servers.empty());
  CHECK(f.fleet.size() == 0);
  const auto ledger = f.fleet.ledger();
  REQUIRE(ledger.size() == 1);
  CHECK(ledger[0].deleted_ms == f.clock.now_ms());
  CHECK(ledger[0].running_ms == 61'000);  // 1 s, then 60 s restored
  CHECK(ledger[0].stopped_ms == 70'000);  // 10 s soft-deleted, then 60 s until reclaimed
  CHECK(f.events.back().kind == core::EventKind::Deleted);
}

TEST_CASE("a soft delete is stopped by a lock; a snapshot is not") {
  test::FleetFixture f;
  const auto s = f.seed(State::Running);
  REQUIRE(f.fleet.lock(f.owner, s.uuid).ok());
  CHECK(f.fleet.perform(f.owner, s.uuid, Action::SoftDelete).error().code == ErrorCode::Locked);
  CHECK(f.fleet.perform(f.owner, s.uuid, Action::CreateBackup)->state == State::Running);
  CHECK(f.fleet.perform(f.admin, s.uuid, Action::SoftDelete)->state == State::SoftDeleted);
}

TEST_CASE("an admin's reset abandons the transition under way") {
  test::FleetFixture f;
  f.fleet.set_transition_ms(Action::Stop, 1000);
  const auto s = f.seed(State::Running);
  REQUIRE(f.fleet.stop(f.owner, s.uuid)->server.state == State::Stopping);
  CHECK(f.fleet.perform(f.admin, s.uuid, Action::ResetError)->state == State::StopFailed);
  f.clock.advance(1000);
  CHECK(f.fleet.settle_due() == 0);
  CHECK(f.state_of(s.uuid) == State::StopFailed);
  CHECK(f.fleet.perform(f.admin, s.uuid, Action::ResetActive)->state == State::Running);
  CHECK(core::legal_step(State::Stopping, State::StopFailed));
  CHECK(core::legal_step(State::StopFailed, State::Running));
  CHECK(core::legal_step(State::Running, State::SoftDeleted));
  CHECK_FALSE(core::legal_step(State::Running, State::Resized));
}

TEST_CASE("a server loaded soft-deleted is reclaimed after the interval") {
  test::FleetFixture f;
  f.fleet.set_reclaim_ms(5000);
  const auto s = f.seed(State::SoftDeleted);
  f.clock.advance(5000);
  CHECK(f.fleet.settle_due() == 1);
  CHECK(f.fleet.get(f.admin, s.uuid).error().code == ErrorCode::NotFound);
}
