// The fleet with a store attached: a change is written (with its journal
// entry) before anyone sees it, a store that refuses leaves everything as it
// was, concurrent commits share writes, and a restore picks up where the
// store left off, transitions under way included. Launch times: a loaded
// server that has run gets one, a restored one keeps what the store had.
#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <thread>

#include <fmt/format.h>

#include "fixture.h"
#include "memory_store.h"

using core::Action;
using core::State;

namespace {

struct DurableFixture : test::FleetFixture {
  test::MemoryStore store;
  DurableFixture() { REQUIRE(fleet.attach_store(store, true).ok()); }

  core::JournalEntry call(std::string op) {
    core::JournalEntry e;
    e.api = "nova";
    e.operation = std::move(op);
    e.status = 202;
    return e;
  }
  core::ServerRecord kept(std::uint64_t seq) {
    std::lock_guard lock(store.mutex);
    return store.servers.at(seq);
  }
};

}  // namespace

TEST_CASE("an accepted change is written with its journal entry before it is answered") {
  DurableFixture f;
  const auto s = f.seed(State::Running, "web");
  CHECK(f.kept(s.seq).info.state == State::Running);
  auto entry = f.call("os-stop");
  core::ActOptions options;
  options.call = &entry;
  REQUIRE(f.fleet.stop(f.owner, s.uuid, options).ok());
  REQUIRE(entry.id != 0);
  CHECK(f.kept(s.seq).info.state == State::Stopped);
  std::lock_guard lock(f.store.mutex);
  REQUIRE(f.store.journal.count(entry.id));
  const auto& written = f.store.journal.at(entry.id);
  CHECK(written.operation == "os-stop");
  CHECK(written.action == Action::Stop);
  CHECK(written.state_before == State::Running);
  CHECK(written.state_after == State::Stopped);
  CHECK(written.result == "accepted");
  CHECK(written.server_uuid == s.uuid);
  CHECK(written.server_transfer_id == s.transfer_id);
}

TEST_CASE("a store that refuses writes: the change is unavailable, nothing changes, reads still work") {
  DurableFixture f;
  const auto s = f.seed(State::Running, "web");
  const auto events_before = f.events.size();
  f.store.refuse = true;
  auto entry = f.call("os-stop");
  core::ActOptions options;
  options.call = &entry;
  auto refused = f.fleet.stop(f.owner, s.uuid, options);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().code == core::ErrorCode::Unavailable);
  CHECK(f.state_of(s.uuid) == State::Running);
  CHECK(f.events.size() == events_before);
  CHECK(f.fleet.count_by_state()[static_cast<int>(State::Running)] == 1);
  CHECK_FALSE(f.fleet.create(f.owner, {}).ok());
  CHECK(f.fleet.size() == 1);
  CHECK_FALSE(f.fleet.remove(f.owner, s.uuid).ok());
  CHECK(f.fleet.get(f.owner, s.uuid).ok());
  // The journal tells what happened to the refused stop.
  const auto logged = f.fleet.journal().find(entry.id).value();
  CHECK(logged.result == "unavailable");
  CHECK(logged.state_after == State::Running);

  f.store.refuse = false;
  REQUIRE(f.fleet.stop(f.owner, s.uuid).ok());
  CHECK(f.kept(s.seq).info.state == State::Stopped);
}

TEST_CASE("a restore picks up where the store left off; a transition under way settles at its due time") {
  DurableFixture f;
  f.fleet.set_transition_ms(Action::Stop, 1000);
  const auto a = f.seed(State::Running, "a");
  const auto b = f.seed(State::Running, "b");
  REQUIRE(f.fleet.lock(f.owner, b.uuid, "why").ok());
  auto entry = f.call("os-stop");
  core::ActOptions options;
  options.call = &entry;
  REQUIRE(f.fleet.stop(f.owner, a.uuid, options).ok());
  f.clock.advance(400);
  REQUIRE(f.fleet.remove(f.admin, b.uuid).ok());

  // A new process: same clock, a fleet restored from the store.
  test::FleetFixture g;
  g.clock.set(f.clock.now_ms());
  auto stored = f.store.load().value();
  g.fleet.restore(std::move(stored));
  CHECK(g.fleet.size() == 1);
  CHECK(g.state_of(a.uuid) == State::Stopping);
  g.clock.advance(599);
  g.fleet.settle_due();
  CHECK(g.state_of(a.uuid) == State::Stopping);
  g.clock.advance(1);
  CHECK(g.fleet.settle_due() == 1);
  CHECK(g.state_of(a.uuid) == State::Stopped);
  // The stop's journal entry came back, and now says when it settled.
  const auto logged = g.fleet.journal().find(entry.id).value();
  CHECK(logged.operation == "os-stop");
  CHECK(logged.settled_ms == f.clock.now_ms() - 400 + 1000);
  // The deleted server is in the ledger, billed to its deletion.
  const auto ledger = g.fleet.ledger();
  const auto gone = std::find_if(ledger.begin(), ledger.end(), [&](auto& e) { return e.uuid == b.uuid; });
  REQUIRE(gone != ledger.end());
  CHECK(gone->deleted_ms == f.clock.now_ms());
  CHECK(gone->billed_ms == 400);
  // Ids go on from where they were.
  const auto c = g.fleet.create(g.owner, {}).value();
  CHECK(c.seq > b.seq);
  CHECK(g.fleet.journal().append({}) >= entry.id + 1);
}

TEST_CASE("concurrent commits share writes (group commit)") {
  DurableFixture f;
  f.store.write_time = std::chrono::milliseconds(2);
  constexpr int kThreads = 16, kRounds = 20;
  std::vector<std::string> ids;
  for (int i = 0; i < kThreads; ++i) ids.push_back(f.seed(State::Running).uuid);
  const int writes_before = f.store.writes;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int r = 0; r < kRounds; ++r) {
        REQUIRE(f.fleet.stop(f.owner, ids[t]).ok());
        REQUIRE(f.fleet.start(f.owner, ids[t]).ok());
      }
    });
  }
  for (auto& t : threads) t.join();
  const int commits = kThreads * kRounds * 2;
  const int writes = f.store.writes - writes_before;
  MESSAGE(commits << " commits in " << writes << " writes");
  CHECK(writes < commits / 2);
  for (const auto& id : ids) CHECK(f.state_of(id) == State::Running);
}

TEST_CASE("replace rewrites the store; documents are kept and removed") {
  DurableFixture f;
  f.seed(State::Running, "a");
  f.seed(State::Stopped, "b");
  auto records = f.fleet.records();
  records.pop_back();
  REQUIRE(f.fleet.replace(records, std::nullopt, true).ok());
  {
    std::lock_guard lock(f.store.mutex);
    CHECK(f.store.servers.size() == 1);
    CHECK(f.store.servers.begin()->second.info.name == "a");
  }
  REQUIRE(f.fleet.keep({{"token", "t1", "value", 99}, {"token", "t2", "value", 99}}).ok());
  REQUIRE(f.fleet.keep({core::removal("token", "t1")}).ok());
  CHECK(f.store.load()->documents.size() == 1);
  CHECK(f.store.load()->documents.front().key == "t2");
}

TEST_CASE("a server loaded in a state it reached by running has a launch time; a store's are kept as they were") {
  // Seeded (a fleet file's servers): every state but provisioning has run.
  test::FleetFixture f;
  f.fleet.set_transition_ms(Action::Create, 1000);
  for (auto state : {State::Running, State::Stopped, State::Paused, State::Suspended, State::ShelvedOffloaded,
                     State::StopFailed, State::StartFailed, State::Resized, State::SoftDeleted, State::Rebooting})
    CHECK(f.seed(state).launched_ms == f.clock.now_ms());
  CHECK_FALSE(f.seed(State::Provisioning).launched_ms);

  // Loaded as records that leave launched_ms out (a fleet file, a snapshot): launched when created.
  std::vector<core::ServerRecord> records(3);
  const State states[] = {State::Stopped, State::Provisioning, State::Paused};
  for (std::size_t i = 0; i < records.size(); ++i) {
    auto& info = records[i].info;
    info.uuid = fmt::format("6f1c2a3e-0b4d-4c5e-8f60-7a8b9c0d1e0{}", i);
    info.transfer_id = fmt::format("s-0123456789abcde0{}", i);
    info.tenant = f.demo;
    info.state = states[i];
    info.created_ms = 1'600'000'000'000;
  }
  records[2].info.launched_ms = 1'650'000'000'000;  // given: kept
  REQUIRE(f.fleet.replace(records, std::nullopt, true).ok());
  CHECK(f.fleet.get(f.admin, records[0].info.uuid)->launched_ms == 1'600'000'000'000);
  CHECK_FALSE(f.fleet.get(f.admin, records[1].info.uuid)->launched_ms);  // not yet: its create is under way
  CHECK(f.fleet.get(f.admin, records[2].info.uuid)->launched_ms == 1'650'000'000'000);

  // Restored from a store: a launch time is not rewritten, and a server that
  // never ran (a failed build, then stopped) is given none.
  DurableFixture d;
  d.fleet.set_transition_ms(Action::Create, 500);
  const auto ran = d.fleet.create(d.owner, {}).value();
  core::ActOptions fail;
  fail.fail_transition = true;
  const auto failed = d.fleet.create(d.owner, {}, fail).value();
  d.clock.advance(500);
  REQUIRE(d.fleet.stop(d.owner, ran.uuid).ok());
  REQUIRE(d.fleet.stop(d.owner, failed.uuid).ok());
  test::FleetFixture g;
  g.clock.set(d.clock.now_ms() + 10'000);
  g.fleet.restore(d.store.load().value());
  CHECK(g.state_of(ran.uuid) == State::Stopped);
  CHECK(g.fleet.get(g.admin, ran.uuid)->launched_ms == ran.created_ms + 500);
  CHECK(g.state_of(failed.uuid) == State::Stopped);
  CHECK_FALSE(g.fleet.get(g.admin, failed.uuid)->launched_ms);
}

TEST_CASE("a rescue is kept: a rescued server comes back rescued, one being rescued settles after a restart") {
  DurableFixture f;
  f.fleet.set_transition_ms(Action::Rescue, 1000);
  const auto rescued = f.seed(State::Stopped, "rescued");
  const auto rescuing = f.seed(State::Running, "rescuing");
  REQUIRE(f.fleet.perform(f.owner, rescued.uuid, Action::Rescue).ok());
  f.clock.advance(1000);
  auto entry = f.call("rescue");
  core::ActOptions options;
  options.call = &entry;
  REQUIRE(f.fleet.perform(f.owner, rescuing.uuid, Action::Rescue, options).ok());
  f.clock.advance(300);

  test::FleetFixture g;
  g.clock.set(f.clock.now_ms());
  g.fleet.restore(f.store.load().value());
  CHECK(g.state_of(rescued.uuid) == State::Rescued);
  const auto under_way = g.fleet.get(g.admin, rescuing.uuid).value();
  CHECK(under_way.state == State::Rescuing);
  CHECK(under_way.transition_from == State::Running);
  g.clock.advance(700);
  CHECK(g.fleet.settle_due() == 1);
  CHECK(g.state_of(rescuing.uuid) == State::Rescued);
  const auto logged = g.fleet.journal().find(entry.id).value();
  CHECK(logged.action == Action::Rescue);
  CHECK(logged.state_after == State::Rescuing);
  CHECK(logged.settled_ms == f.clock.now_ms() + 700);
  // And back: an unrescue from the restored state.
  CHECK(g.fleet.perform(g.owner, rescued.uuid, Action::Unrescue)->state == State::Running);
}
