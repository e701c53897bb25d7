#include <doctest/doctest.h>

#include "fixture.h"

using core::Action;
using core::ErrorCode;
using core::State;

TEST_CASE("lookup by either identity, UUIDs in any case") {
  test::FleetFixture f;
  const auto s = f.seed(State::Running);
  CHECK(s.uuid == "00000000-0000-4000-8000-000000000001");
  CHECK(s.transfer_id == "s-00000000000000001");
  CHECK(f.fleet.get(f.owner, s.uuid)->transfer_id == s.transfer_id);
  CHECK(f.fleet.get(f.owner, s.transfer_id)->uuid == s.uuid);
  CHECK(f.fleet.get(f.owner, "00000000-0000-4000-8000-000000000001")->uuid == s.uuid);
  CHECK(f.fleet.get(f.owner, "00000000-0000-4000-8000-00000000000A").error().code == ErrorCode::NotFound);
  CHECK(f.fleet.get(f.owner, "S-00000000000000001").error().code == ErrorCode::NotFound);
}

TEST_CASE("checks run in Nova's order: not found, policy, lock, state") {
  test::FleetFixture f;
  const auto s = f.seed(State::Stopped);  // a stop would be invalid_state...
  REQUIRE(f.fleet.lock(f.owner, s.uuid, "maintenance").ok());  // ...and it is locked

  auto missing = f.fleet.stop(f.owner, "00000000-0000-4000-8000-0000000000ff");
  CHECK(missing.error().code == ErrorCode::NotFound);
  CHECK(missing.error().subject == "00000000-0000-4000-8000-0000000000ff");
  CHECK(f.fleet.stop(f.other, s.uuid).error().code == ErrorCode::NotFound);  // another tenant's server
  CHECK(f.fleet.stop(f.reader, s.uuid).error().code == ErrorCode::Forbidden);
  auto locked = f.fleet.stop(f.owner, s.uuid);
  CHECK(locked.error().code == ErrorCode::Locked);
  CHECK(locked.error().lock_owner == core::LockOwner::Owner);
  auto state = f.fleet.stop(f.admin, s.uuid);  // the admin passes the lock and meets the state
  CHECK(state.error().code == ErrorCode::InvalidState);
  CHECK(state.error().state == State::Stopped);
}

TEST_CASE("an admin stops a locked server; the owner cannot") {
  test::FleetFixture f;
  const auto s = f.seed(State::Running);
  REQUIRE(f.fleet.lock(f.owner, s.uuid).ok());
  CHECK(f.fleet.stop(f.owner, s.uuid).error().code == ErrorCode::Locked);
  CHECK(f.fleet.start(f.owner, s.uuid).error().code == ErrorCode::Locked);
  CHECK(f.fleet.remove(f.owner, s.uuid).error().code == ErrorCode::Locked);
  CHECK(f.fleet.stop(f.admin, s.uuid)->server.state == State::Stopped);
}

TEST_CASE("an owner cannot unlock an admin's lock; the admin can") {
  test::FleetFixture f;
  const auto s = f.seed(State::Running);
  auto locked = f.fleet.lock(f.admin, s.uuid, "frozen by ops");
  REQUIRE(locked.ok());
  CHECK(locked->lock.by == core::LockOwner::Admin);
  CHECK(locked->lock.reason == "frozen by ops");
  auto refused = f.fleet.unlock(f.owner, s.uuid);
  CHECK(refused.error().code == ErrorCode::Forbidden);
  CHECK(refused.error().action == Action::Unlock);
  CHECK(refused.error().lock_owner == core::LockOwner::Admin);
  CHECK_FALSE(f.fleet.unlock(f.admin, s.uuid)->lock.locked);
}

TEST_CASE("lock and unlock are idempotent and emit one event per change") {
  test::FleetFixture f;
  const auto s = f.seed(State::Running);
  f.events.clear();
  CHECK(f.fleet.lock(f.owner, s.uuid, "a")->lock.reason == "a");
  CHECK(f.fleet.lock(f.owner, s.uuid, "b")->lock.reason == "a");  // already locked: unchanged
  CHECK_FALSE(f.fleet.unlock(f.owner, s.uuid)->lock.locked);
  CHECK_FALSE(f.fleet.unlock(f.owner, s.uuid)->lock.locked);
  REQUIRE(f.events.size() == 2);
  CHECK(f.events[0].kind == core::EventKind::LockChanged);
  CHECK(f.events[0].lock.locked);
  CHECK_FALSE(f.events[1].lock.locked);
}

TEST_CASE("a reader may look but not act") {
  test::FleetFixture f;
  const auto s = f.seed(State::Running);
  CHECK(f.fleet.get(f.reader, s.uuid).ok());
  CHECK(f.fleet.create(f.reader, {}).error().code == ErrorCode::Forbidden);
  CHECK(f.fleet.lock(f.reader, s.uuid).error().code == ErrorCode::Forbidden);
  CHECK(f.fleet.remove(f.reader, s.uuid).error().code == ErrorCode::Forbidden);
}

TEST_CASE("stop records a clean shutdown and emits stopping then stopped") {
  test::FleetFixture f;
  const auto s = f.seed(State::Running);
  CHECK_FALSE(s.clean_shutdown);
  f.events.clear();
  auto r = f.fleet.stop(f.owner, s.transfer_id);
  CHECK(r->server.clean_shutdown);
  REQUIRE(f.events.size() == 2);
  CHECK(f.events[0].old_state == State::Running);
  CHECK(f.events[0].new_state == State::Stopping);
  CHECK(f.events[1].new_state == State::Stopped);
  CHECK(f.events[1].clean_shutdown);
  CHECK(f.events[1].uuid == s.uuid);
  CHECK(f.events[1].transfer_id == s.transfer_id);
  CHECK(f.events[1].seq > f.events[0].seq);
}

TEST_CASE("fixed identities from a fleet file are checked") {
  test::FleetFixture f;
  core::CreateSpec spec;
  spec.uuid = "not-a-uuid";
  CHECK(f.fleet.seed(f.demo, spec).error().code == ErrorCode::InvalidArgument);
  spec.uuid = "6F1C2A3E-0B4D-4C5E-8F60-7A8B9C0D1E01";
  spec.transfer_id = "s-0123456789abcde01";
  auto ok = f.fleet.seed(f.demo, spec);
  REQUIRE(ok.ok());
  CHECK(ok->uuid == "6f1c2a3e-0b4d-4c5e-8f60-7a8b9c0d1e01");
  CHECK(ok->name == "s-0123456789abcde01");  // no name: the Transfer id
  CHECK(f.fleet.seed(f.demo, spec).error().code == ErrorCode::InvalidArgument);  // duplicate
  spec.uuid.reset();
  spec.transfer_id = "s-0123456789ABCDE01";
  CHECK(f.fleet.seed(f.demo, spec).error().code == ErrorCode::InvalidArgument);
}

TEST_CASE("update edits names, tags and metadata, never identities") {
  test::FleetFixture f;
  const auto s = f.seed(State::Running, "before");
  f.clock.advance(10);
  auto r = f.fleet.update(f.owner, s.uuid, [](core::Editable& e) {
    e.name = "after";
    core::set_pair(e.tags, "team", "data");
    core::set_pair(e.tags, "team", "ops");
  });
  CHECK(r->name == "after");
  CHECK(r->tags == core::Pairs{{"team", "ops"}});
  CHECK(r->updated_ms == s.updated_ms + 10);
  CHECK(*core::find_pair(r->tags, "team") == "ops");
  CHECK_FALSE(core::find_pair(r->tags, "nope").has_value());
}
