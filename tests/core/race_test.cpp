// Many threads hammering stop/start: exactly one stop of a running server
// wins, the rest see invalid_state, and every server's event log is a legal
// walk of the state machine that ends in the server's current state.
#include <doctest/doctest.h>

#include <atomic>
#include <map>
#include <thread>

#include "core/transitions.h"
#include "fixture.h"

using core::Action;
using core::State;

namespace {

constexpr int kThreads = 16;

void check_logs(test::FleetFixture& f) {
  std::map<std::string, std::vector<core::Event>> by_server;
  for (const auto& e : f.events)
    if (e.kind == core::EventKind::StateChanged) by_server[e.uuid].push_back(e);
  for (auto& [uuid, log] : by_server) {
    CAPTURE(uuid);
    for (std::size_t i = 1; i < log.size(); ++i) {
      REQUIRE(log[i].old_state == log[i - 1].new_state);
      REQUIRE(log[i].seq > log[i - 1].seq);
    }
    for (const auto& e : log) REQUIRE(core::legal_step(*e.old_state, e.new_state));
    CHECK(f.state_of(uuid) == log.back().new_state);
  }
}

}  // namespace

TEST_CASE("16 threads stopping one running server: exactly one succeeds") {
  test::FleetFixture f;
  f.fleet.set_transition_ms(core::Action::Stop, 1000);  // the stop stays under way
  const auto s = f.seed(State::Running);
  std::atomic<int> ok{0}, invalid{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      auto r = f.fleet.stop(f.owner, s.uuid);
      if (r.ok()) ++ok;
      else if (r.error().code == core::ErrorCode::InvalidState) ++invalid;
    });
  }
  for (auto& t : threads) t.join();
  CHECK(ok == 1);
  CHECK(invalid == kThreads - 1);
  check_logs(f);
}

TEST_CASE("16 threads hammering stop/start on one server and on many") {
  test::FleetFixture f;
  std::vector<std::string> ids;
  for (int i = 0; i < 8; ++i) ids.push_back(f.seed(State::Running).uuid);
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 2000; ++i) {
        // Half the threads share server 0; the rest spread over all eight.
        const auto& id = ids[t % 2 == 0 ? 0 : (t + i) % ids.size()];
        auto r = (i + t) % 2 == 0 ? f.fleet.stop(f.owner, id).ok() : f.fleet.start(f.owner, id).ok();
        if (r) ++ok;
        if (i % 97 == 0) f.fleet.get(f.owner, id).value();  // readers interleave
      }
    });
  }
  for (auto& t : threads) t.join();
  CHECK(ok > 0);
  check_logs(f);
  auto counts = f.fleet.count_by_state();
  std::int64_t total = 0;
  for (auto c : counts) total += c;
  CHECK(total == 8);
}

TEST_CASE("16 threads hammering every lifecycle action, with transitions in flight, keep every log legal") {
  test::FleetFixture f;
  // Some actions settle at once, others stay under way until the clock moves.
  for (auto a : {Action::Reboot, Action::Pause, Action::Shelve, Action::Unshelve}) f.fleet.set_transition_ms(a, 5);
  constexpr Action kActions[] = {Action::Stop,    Action::Start,  Action::Reboot, Action::RebootHard,
                                 Action::Pause,   Action::Unpause, Action::Suspend, Action::Resume,
                                 Action::Shelve,  Action::ShelveOffload, Action::Unshelve};
  std::vector<std::string> ids;
  for (int i = 0; i < 6; ++i) ids.push_back(f.seed(State::Running).uuid);
  std::atomic<int> ok{0}, refused{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 1500; ++i) {
        const auto& id = ids[t % 2 == 0 ? 0 : (t * 7 + i) % ids.size()];
        const auto action = kActions[(t * 31 + i * 17) % std::size(kActions)];
        auto r = action == Action::Stop ? f.fleet.stop(f.owner, id).ok()
                 : (i % 5 == 0)         ? f.fleet.power_on(f.owner, id).ok()
                                        : f.fleet.perform(f.owner, id, action).ok();
        (r ? ok : refused)++;
        if (i % 50 == 0) f.clock.advance(3);  // transitions settle while others act
        if (i % 97 == 0) f.fleet.settle_due();
      }
    });
  }
  for (auto& t : threads) t.join();
  f.clock.advance(100);
  f.fleet.settle_due();
  CHECK(ok > 100);
  CHECK(refused > 100);
  check_logs(f);
  std::int64_t total = 0;
  for (auto c : f.fleet.count_by_state()) total += c;
  CHECK(total == 6);
  // Nothing is left half-way.
  for (const auto& id : ids) CHECK_FALSE(core::task_under_way(f.state_of(id)).has_value());
}

TEST_CASE("concurrent creates and deletes keep the indexes consistent") {
  test::FleetFixture f;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 200; ++i) {
        auto s = f.fleet.create(f.owner, {}).value();
        REQUIRE(f.fleet.get(f.owner, s.transfer_id).ok());
        if (i % 2 == 0) REQUIRE(f.fleet.remove(f.owner, s.uuid).ok());
      }
    });
  }
  for (auto& t : threads) t.join();
  CHECK(f.fleet.size() == kThreads * 100);
  core::ListQuery q;
  q.limit = 100000;
  CHECK(f.fleet.list(q).servers.size() == kThreads * 100);
  CHECK(f.fleet.ledger().size() == kThreads * 200);
}
