#include <doctest/doctest.h>

#include <algorithm>
#include <initializer_list>
#include <utility>

#include "core/transitions.h"
#include "fixture.h"

using core::Action;
using core::ErrorCode;
using core::State;

namespace {

constexpr State kAllStates[] = {
    State::Provisioning, State::Running,       State::Stopping,   State::Stopped,   State::Starting,
    State::StopFailed,   State::StartFailed,   State::Rebooting,  State::RebootingHard, State::Pausing,
    State::Paused,       State::Unpausing,     State::Suspending, State::Suspended, State::Resuming,
    State::Shelving,     State::Shelved,       State::ShelvingOffloading, State::ShelvedOffloaded,
    State::Unshelving,   State::Rebuilding,    State::Resizing,   State::Resized,   State::ResizedStopped,
    State::ConfirmingResize, State::RevertingResize, State::SoftDeleted, State::Restoring,
    State::Rescuing,     State::Rescued,       State::Unrescuing, State::Snapshotting, State::BackingUp};
static_assert(std::size(kAllStates) == core::kStateCount);

constexpr Action kAllActions[] = {Action::Stop,   Action::Start,  Action::Reboot,  Action::RebootHard,
                                  Action::Pause,  Action::Unpause, Action::Suspend, Action::Resume,
                                  Action::Shelve, Action::ShelveOffload, Action::Unshelve, Action::Lock,
                                  Action::Unlock, Action::Update, Action::Delete, Action::Rebuild,
                                  Action::Resize, Action::ConfirmResize, Action::RevertResize,
                                  Action::ResetActive, Action::ResetError, Action::SoftDelete,
                                  Action::Restore, Action::CreateImage, Action::CreateBackup,
                                  Action::ChangePassword, Action::SetMetadata, Action::Rescue,
                                  Action::Unrescue};
static_assert(std::size(kAllActions) == core::kActionCount - 1);  // all but create

bool one_of(State s, std::initializer_list<State> states) {
  return std::find(states.begin(), states.end(), s) != states.end();
}

// The expected lifecycle, written out by hand from NOVA.md: where each
// action settles from each state (with transitions of 0 ms), or nothing
// when it is not allowed.
std::optional<State> expected_end(Action action, State from) {
  using enum State;
  switch (action) {
    case Action::Stop: return one_of(from, {Running, StopFailed, StartFailed}) ? std::optional(Stopped) : std::nullopt;
    case Action::Start: return one_of(from, {Stopped, StartFailed}) ? std::optional(Running) : std::nullopt;
    case Action::Reboot: return from == Running ? std::optional(Running) : std::nullopt;
    case Action::RebootHard:
      return one_of(from, {Running, Stopped, Paused, Suspended, StopFailed, StartFailed}) ? std::optional(Running)
                                                                                          : std::nullopt;
    case Action::Pause: return from == Running ? std::optional(Paused) : std::nullopt;
    case Action::Unpause: return from == Paused ? std::optional(Running) : std::nullopt;
    case Action::Suspend: return from == Running ? std::optional(Suspended) : std::nullopt;
    case Action::Resume: return from == Suspended ? std::optional(Running) : std::nullopt;
    case Action::Shelve:
      return one_of(from, {Running, Stopped, Paused, Suspended}) ? std::optional(ShelvedOffloaded) : std::nullopt;
    case Action::ShelveOffload: return from == Shelved ? std::optional(ShelvedOffloaded) : std::nullopt;
    case Action::Unshelve: return one_of(from, {Shelved, ShelvedOffloaded}) ? std::optional(Running) : std::nullopt;
    case Action::Rebuild:  // a SHUTOFF server stays SHUTOFF; an ERROR one comes back ACTIVE
      if (from == Stopped) return Stopped;
      return one_of(from, {Running, StopFailed, StartFailed}) ? std::optional(Running) : std::nullopt;
    case Action::Resize:
      if (from == Stopped) return ResizedStopped;
      return from == Running ? std::optional(Resized) : std::nullopt;
    case Action::ConfirmResize:
    case Action::RevertResize:
      if (from == ResizedStopped) return Stopped;
      return from == Resized ? std::optional(Running) : std::nullopt;
    case Action::ResetActive: return Running;
    case Action::ResetError: return one_of(from, {Stopped, ResizedStopped}) ? StartFailed : StopFailed;
    case Action::SoftDelete: return SoftDeleted;
    case Action::Restore: return from == SoftDeleted ? std::optional(Running) : std::nullopt;
    case Action::CreateImage:
    case Action::CreateBackup: return one_of(from, {Running, Stopped, Paused, Suspended}) ? std::optional(from) : std::nullopt;
    case Action::ChangePassword: return from == Running ? std::optional(Running) : std::nullopt;
    case Action::SetMetadata: return one_of(from, {Running, Stopped, Paused, Suspended}) ? std::optional(from) : std::nullopt;
    case Action::Rescue:
      return one_of(from, {Running, Stopped, StopFailed, StartFailed}) ? std::optional(Rescued) : std::nullopt;
    case Action::Unrescue: return from == Rescued ? std::optional(Running) : std::nullopt;
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
  for (const auto action : kAllActions) {
    for (const auto from : kAllStates) {
      CAPTURE(core::name(action));
      CAPTURE(core::name(from));
      test::FleetFixture f;
      // In-between states are seeded with a long transition, so they stay there.
      for (int a = 0; a < core::kActionCount; ++a) f.fleet.set_transition_ms(static_cast<Action>(a), 1000);
      const auto server = f.seed(from);
      f.fleet.set_transition_ms(action, 0);

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
        default: result = f.fleet.perform(f.owner, server.uuid, action); break;
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
      CHECK_FALSE(result->transition_from.has_value());
      if (action == Action::Delete) {
        CHECK(f.fleet.get(f.owner, server.uuid).error().code == ErrorCode::NotFound);
      } else {
        CHECK(f.state_of(server.uuid) == *expected);
      }
      CHECK(result->lock.locked == (action == Action::Lock));
    }
  }
}

TEST_CASE("each in-between state names its transition, and settles where the table says") {
  for (const auto action : kAllActions) {
    for (const auto from : kAllStates) {
      const auto t = core::transition(action, from);
      if (!t.allowed || !t.via) continue;
      CAPTURE(core::name(action));
      CAPTURE(core::name(from));
      CHECK(core::task_under_way(*t.via) == action);
      const auto settles = core::settling(*t.via, from);
      REQUIRE(settles.has_value());
      CHECK(settles->to == t.to);
      CHECK(core::legal_step(from, *t.via));
      CHECK(core::legal_step(*t.via, t.to));
      CHECK(core::legal_step(*t.via, t.failed));
    }
  }
}

TEST_CASE("a transition under way remembers where it began, for the views and for billing") {
  test::FleetFixture f;
  f.fleet.set_transition_ms(Action::RebootHard, 1000);
  const auto s = f.seed(State::Stopped);
  auto rebooting = f.fleet.perform(f.owner, s.uuid, Action::RebootHard);
  REQUIRE(rebooting.ok());
  CHECK(rebooting->state == State::RebootingHard);
  CHECK(rebooting->transition_from == State::Stopped);
  f.clock.advance(1000);
  CHECK(f.state_of(s.uuid) == State::Running);
  // Billing: the reboot of a stopped server was powered-off time.
  const auto ledger = f.fleet.ledger();
  CHECK(ledger[0].stopped_ms == 1000);
  CHECK(ledger[0].running_ms == 0);
}

TEST_CASE("a snapshot or a backup takes its time and settles where the server was; a second one waits") {
  for (const auto& kind : {std::pair{Action::CreateImage, State::Snapshotting},
                           std::pair{Action::CreateBackup, State::BackingUp}}) {
    const Action action = kind.first;  // plain variables: CAPTURE's lambda may not capture bindings
    const State via = kind.second;
    for (const auto from : {State::Running, State::Stopped, State::Paused, State::Suspended}) {
      CAPTURE(core::name(action));
      CAPTURE(core::name(from));
      test::FleetFixture f;
      f.fleet.set_transition_ms(action, 500);
      const auto s = f.seed(from);
      auto imaging = f.fleet.perform(f.owner, s.uuid, action);
      REQUIRE(imaging.ok());
      CHECK(imaging->state == via);
      CHECK(imaging->transition_from == from);
      CHECK(core::powered_on(via, from) == core::powered_on(from));
      // Nova refuses another image, and any other action, while the upload lasts.
      for (const auto again : {Action::CreateImage, Action::CreateBackup, Action::Stop}) {
        auto refused = f.fleet.perform(f.owner, s.uuid, again);
        REQUIRE_FALSE(refused.ok());
        CHECK(refused.error().code == ErrorCode::InvalidState);
        CHECK(refused.error().task == action);
      }
      f.clock.advance(500);
      CHECK(f.state_of(s.uuid) == from);
    }
  }
}

TEST_CASE("power_on brings any server that does not serve back: start, unpause, resume, unshelve or unrescue") {
  // Pairs, not structured bindings: CAPTURE is a lambda, and clang 14 cannot capture a binding.
  for (const auto& pair : {std::pair{State::Stopped, Action::Start}, std::pair{State::Paused, Action::Unpause},
                                    std::pair{State::Suspended, Action::Resume},
                                    std::pair{State::Shelved, Action::Unshelve},
                                    std::pair{State::ShelvedOffloaded, Action::Unshelve},
                                    std::pair{State::StartFailed, Action::Start},
                                    std::pair{State::Rescued, Action::Unrescue}}) {
    const auto from = pair.first;
    const auto action = pair.second;
    CAPTURE(core::name(from));
    test::FleetFixture f;
    const auto s = f.seed(from);
    core::JournalEntry call;
    call.status = 200;
    core::ActOptions options;
    options.call = &call;
    auto on = f.fleet.power_on(f.owner, s.uuid, options);
    REQUIRE(on.ok());
    CHECK(on->state == State::Running);
    CHECK(call.action == action);
  }
  test::FleetFixture f;
  auto refused = f.fleet.power_on(f.owner, f.seed(State::Running).uuid);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().code == ErrorCode::InvalidState);
}

TEST_CASE("paused, suspended and shelved servers are billed as powered off") {
  for (const auto& pair : {std::pair{Action::Pause, State::Paused}, std::pair{Action::Suspend, State::Suspended},
                           std::pair{Action::Shelve, State::ShelvedOffloaded}}) {
    const auto action = pair.first;
    const auto settled = pair.second;
    CAPTURE(core::name(action));
    test::FleetFixture f;
    const auto s = f.seed(State::Running);
    f.clock.advance(10'000);
    REQUIRE(f.fleet.perform(f.owner, s.uuid, action)->state == settled);
    f.clock.advance(30'000);
    const auto e = f.fleet.ledger().front();
    CHECK(e.running_ms == 10'000);
    CHECK(e.stopped_ms == 30'000);
    CHECK(e.billed_ms == 40'000);
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

TEST_CASE("rescue: from running, stopped or error through rescuing to rescued; unrescue back to running") {
  for (const auto from : {State::Running, State::Stopped, State::StopFailed, State::StartFailed}) {
    CAPTURE(core::name(from));
    test::FleetFixture f;
    f.fleet.set_transition_ms(Action::Rescue, 300);
    f.fleet.set_transition_ms(Action::Unrescue, 200);
    const auto s = f.seed(from);
    auto rescuing = f.fleet.perform(f.owner, s.uuid, Action::Rescue);
    REQUIRE(rescuing.ok());
    CHECK(rescuing->state == State::Rescuing);
    CHECK(rescuing->transition_from == from);  // the views keep the vm_state it began in
    CHECK(core::task_under_way(State::Rescuing) == Action::Rescue);
    f.clock.advance(299);
    CHECK(f.state_of(s.uuid) == State::Rescuing);
    f.clock.advance(1);
    CHECK(f.state_of(s.uuid) == State::Rescued);

    // Rescued, nothing but unrescue (and what any state allows) is taken: a second rescue, a reboot,
    // a stop, a pause, a resize, a rebuild, a snapshot, a shelve are refused with the state they met.
    for (const auto refused : {Action::Rescue, Action::Reboot, Action::RebootHard, Action::Stop, Action::Start,
                               Action::Pause, Action::Suspend, Action::Resize, Action::Rebuild, Action::CreateImage,
                               Action::Shelve, Action::ChangePassword, Action::SetMetadata}) {
      CAPTURE(core::name(refused));
      auto r = f.fleet.perform(f.owner, s.uuid, refused);
      REQUIRE_FALSE(r.ok());
      CHECK(r.error().code == ErrorCode::InvalidState);
      CHECK(r.error().state == State::Rescued);
    }
    CHECK(f.fleet.perform(f.owner, s.uuid, Action::Unrescue)->state == State::Unrescuing);
    // An unrescue under way: a second one names the task.
    auto again = f.fleet.perform(f.owner, s.uuid, Action::Unrescue);
    REQUIRE_FALSE(again.ok());
    CHECK(again.error().task == Action::Unrescue);
    f.clock.advance(200);
    CHECK(f.state_of(s.uuid) == State::Running);  // Nova unrescues to ACTIVE, whatever it was rescued from
  }
}

TEST_CASE("an unrescue of a server that is not rescued is refused; a failed rescue ends in start_failed") {
  test::FleetFixture f;
  const auto s = f.seed(State::Running);
  auto refused = f.fleet.perform(f.owner, s.uuid, Action::Unrescue);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().code == ErrorCode::InvalidState);
  CHECK(refused.error().state == State::Running);

  core::ActOptions fail;
  fail.fail_transition = true;
  CHECK(f.fleet.perform(f.owner, s.uuid, Action::Rescue, fail)->state == State::StartFailed);
  // From ERROR a rescue is allowed again, and this one succeeds.
  CHECK(f.fleet.perform(f.owner, s.uuid, Action::Rescue)->state == State::Rescued);
  CHECK(core::legal_step(State::Rescued, State::Unrescuing));
  CHECK(core::legal_step(State::Unrescuing, State::Running));
  CHECK_FALSE(core::legal_step(State::Paused, State::Rescuing));
}

TEST_CASE("a rescued server is billed as powered on, and a lock stops its unrescue") {
  test::FleetFixture f;
  const auto s = f.seed(State::Running);
  REQUIRE(f.fleet.perform(f.owner, s.uuid, Action::Rescue)->state == State::Rescued);
  f.clock.advance(20'000);
  const auto e = f.fleet.ledger().front();
  CHECK(e.running_ms == 20'000);
  CHECK(e.stopped_ms == 0);

  REQUIRE(f.fleet.lock(f.admin, s.uuid).ok());
  auto locked = f.fleet.perform(f.owner, s.uuid, Action::Unrescue);
  REQUIRE_FALSE(locked.ok());
  CHECK(locked.error().code == ErrorCode::Locked);
  CHECK(f.fleet.perform(f.admin, s.uuid, Action::Unrescue)->state == State::Running);
}
