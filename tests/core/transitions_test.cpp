#include <doctest/doctest.h>

#include "core/transitions.h"
#include "fixture.h"

using core::Action;
using core::ErrorCode;
using core::State;

namespace {

constexpr State kAllStates[] = {State::Provisioning, State::Running,    State::Stopping,   State::Stopped,
                                State::Starting,     State::StopFailed, State::StartFailed};

// The expected lifecycle, written out by hand: where each action settles from
// each state (with transitions of 0 ms), or nothing when it is not allowed.
std::optional<State> expected_end(Action action, State from) {
  switch (action) {
    case Action::Stop:
      if (from == State::Running || from == State::StopFailed || from == State::StartFailed) return State::Stopped;
      return std::nullopt;
    case Action::Start:
      if (from == State::Stopped || from == State::StartFailed) return State::Running;
      return std::nullopt;
    case Action::Lock:
    case Action::Unlock:
    case Action::Update:
    case Action::Delete:
    case Action::Create:
      return from;
  }
  return std::nullopt;
}

}  // namespace

TEST_CASE("every (action, state) pair of the table, through the fleet") {
  for (const auto action : {Action::Stop, Action::Start, Action::Lock, Action::Unlock, Action::Update, Action::Delete}) {
    for (const auto from : kAllStates) {
      CAPTURE(core::name(action));
      CAPTURE(core::name(from));
      test::FleetFixture f;
      // In-between states must stay put while we act on them.
      for (auto a : {Action::Create, Action::Stop, Action::Start}) f.fleet.set_transition_ms(a, 1000);
      const auto server = f.seed(from);
      f.fleet.set_transition_ms(Action::Stop, 0);
      f.fleet.set_transition_ms(Action::Start, 0);

      core::Result<core::ServerInfo> result = core::internal("unset");
      switch (action) {
        case Action::Stop: {
          auto r = f.fleet.stop(f.owner, server.uuid);
          result = r ? core::Result<core::ServerInfo>(r->server) : core::Result<core::ServerInfo>(r.error());
          break;
        }
        case Action::Start: result = f.fleet.start(f.owner, server.uuid); break;
        case Action::Lock: result = f.fleet.lock(f.owner, server.uuid); break;
        case Action::Unlock: result = f.fleet.unlock(f.owner, server.uuid); break;
        case Action::Delete: result = f.fleet.remove(f.owner, server.uuid); break;
        case Action::Update:
          result = f.fleet.update(f.owner, server.uuid, [](core::Editable& e) { e.name = "renamed"; });
          break;
        case Action::Create: break;
      }
      const auto expected = expected_end(action, from);
      if (!expected) {
        REQUIRE_FALSE(result.ok());
        CHECK(result.error().code == ErrorCode::InvalidState);
        CHECK(result.error().action == action);
        CHECK(result.error().state == from);
        CHECK(result.error().task == core::task_under_way(from));
        CHECK(f.state_of(server.uuid) == from);  // a refused action changes nothing
        continue;
      }
      REQUIRE(result.ok());
      CHECK(result->state == *expected);
      if (action == Action::Delete) {
        CHECK(f.fleet.get(f.owner, server.uuid).error().code == ErrorCode::NotFound);
      } else {
        CHECK(f.state_of(server.uuid) == *expected);
      }
      CHECK(result->lock.locked == (action == Action::Lock));
    }
  }
}

TEST_CASE("create goes through provisioning to running, or fails to start_failed") {
  test::FleetFixture f;
  auto s = f.fleet.create(f.owner, {});
  REQUIRE(s.ok());
  CHECK(s->state == State::Running);
  CHECK(s->launched_ms == f.clock.now_ms());

  f.fleet.set_transition_ms(Action::Create, 500);
  auto slow = f.fleet.create(f.owner, {});
  CHECK(slow->state == State::Provisioning);
  f.clock.advance(499);
  CHECK(f.state_of(slow->uuid) == State::Provisioning);
  f.clock.advance(1);
  CHECK(f.state_of(slow->uuid) == State::Running);

  core::ActOptions fail;
  fail.fail_transition = true;
  auto broken = f.fleet.create(f.owner, {}, fail);
  f.clock.advance(500);
  CHECK(f.state_of(broken->uuid) == State::StartFailed);
}

TEST_CASE("in-between states last the transition time of the injected clock") {
  test::FleetFixture f;
  f.fleet.set_transition_ms(Action::Stop, 5000);
  const auto s = f.seed(State::Running);
  auto stopped = f.fleet.stop(f.owner, s.uuid);
  REQUIRE(stopped.ok());
  CHECK(stopped->server.state == State::Stopping);
  CHECK(stopped->billing_note == core::kBillingNote);

  // A second stop while one is under way: invalid_state with the task named.
  auto again = f.fleet.stop(f.owner, s.uuid);
  REQUIRE_FALSE(again.ok());
  CHECK(again.error().task == Action::Stop);

  f.clock.advance(4999);
  CHECK(f.fleet.settle_due() == 0);
  CHECK(f.state_of(s.uuid) == State::Stopping);
  CHECK(f.fleet.next_due() == f.clock.now_ms() + 1);
  f.clock.advance(1);
  CHECK(f.fleet.settle_due() == 1);
  CHECK(f.state_of(s.uuid) == State::Stopped);
  CHECK_FALSE(f.fleet.next_due().has_value());
}

TEST_CASE("a failed stop ends in stop_failed, and a retry succeeds") {
  test::FleetFixture f;
  const auto s = f.seed(State::Running);
  core::ActOptions fail;
  fail.fail_transition = true;
  CHECK(f.fleet.stop(f.owner, s.uuid, fail)->server.state == State::StopFailed);
  CHECK(f.fleet.stop(f.owner, s.uuid)->server.state == State::Stopped);
}

TEST_CASE("legal_step accepts exactly the edges of the table") {
  CHECK(core::legal_step(State::Running, State::Stopping));
  CHECK(core::legal_step(State::Stopping, State::Stopped));
  CHECK(core::legal_step(State::Stopping, State::StopFailed));
  CHECK(core::legal_step(State::Stopped, State::Starting));
  CHECK(core::legal_step(State::Starting, State::Running));
  CHECK(core::legal_step(State::Provisioning, State::Running));
  CHECK_FALSE(core::legal_step(State::Running, State::Stopped));
  CHECK_FALSE(core::legal_step(State::Stopped, State::Stopping));
  CHECK_FALSE(core::legal_step(State::Starting, State::Stopped));
  CHECK_FALSE(core::legal_step(State::Running, State::Running));
}

TEST_CASE("a fleet-file server loaded mid-transition settles") {
  test::FleetFixture f;
  f.fleet.set_transition_ms(Action::Stop, 100);
  const auto s = f.seed(State::Stopping);
  CHECK(f.state_of(s.uuid) == State::Stopping);
  f.clock.advance(100);
  CHECK(f.state_of(s.uuid) == State::Stopped);
}
