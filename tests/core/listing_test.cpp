#include <doctest/doctest.h>

#include <set>

#include "fixture.h"

using core::State;

TEST_CASE("listing pages in creation order, with cursors across a page boundary") {
  test::FleetFixture f;
  std::vector<std::string> created;
  for (int i = 0; i < 10; ++i) created.push_back(f.seed(State::Running, "s" + std::to_string(i)).uuid);
  f.seed(State::Running);  // not in demo: must not appear
  REQUIRE(f.fleet.seed(f.alt, {}).ok());

  core::ListQuery q;
  q.tenant = f.demo;
  q.limit = 5;
  auto first = f.fleet.list(q);
  REQUIRE(first.servers.size() == 5);
  CHECK(first.more);
  const auto cursor = f.fleet.cursor_after(f.demo, first.servers.back().seq);

  auto pos = f.fleet.cursor_position(f.demo, cursor);
  REQUIRE(pos.ok());
  q.after_seq = pos.value();
  auto second = f.fleet.list(q);
  REQUIRE(second.servers.size() == 5);
  CHECK(second.more);  // the eleventh demo server
  for (int i = 0; i < 5; ++i) {
    CHECK(first.servers[i].uuid == created[i]);
    CHECK(second.servers[i].uuid == created[i + 5]);
  }
  q.after_seq = second.servers.back().seq;
  auto third = f.fleet.list(q);
  CHECK(third.servers.size() == 1);
  CHECK_FALSE(third.more);

  // Exactly one page: no "more".
  q.after_seq = 0;
  q.limit = 11;
  CHECK_FALSE(f.fleet.list(q).more);
}

TEST_CASE("newest first: pages walk back through creation order") {
  test::FleetFixture f;
  std::vector<std::string> created;
  for (int i = 0; i < 7; ++i) created.push_back(f.seed(State::Running, "s" + std::to_string(i)).uuid);
  core::ListQuery q;
  q.tenant = f.demo;
  q.limit = 3;
  q.newest_first = true;
  std::vector<std::string> seen;
  for (;;) {
    auto page = f.fleet.list(q);
    for (const auto& s : page.servers) seen.push_back(s.uuid);
    if (!page.more) break;
    q.after_seq = page.servers.back().seq;
  }
  CHECK(seen == std::vector<std::string>(created.rbegin(), created.rend()));
  // After the oldest there is nothing.
  q.after_seq = f.fleet.get(f.owner, created.front()).value().seq;
  CHECK(f.fleet.list(q).servers.empty());
}

TEST_CASE("cursors are bound to their scope and refuse forgeries") {
  test::FleetFixture f;
  const auto cursor = f.fleet.cursor_after(f.demo, 7);
  CHECK(f.fleet.cursor_position(f.demo, cursor).value() == 7);
  CHECK(f.fleet.cursor_position(f.alt, cursor).error().code == core::ErrorCode::InvalidArgument);
  CHECK_FALSE(f.fleet.cursor_position(std::nullopt, cursor).ok());
  CHECK_FALSE(f.fleet.cursor_position(f.demo, "").ok());
  CHECK_FALSE(f.fleet.cursor_position(f.demo, "zz").ok());
  auto forged = cursor;
  forged[15] = forged[15] == '8' ? '9' : '8';  // point at another position
  CHECK_FALSE(f.fleet.cursor_position(f.demo, forged).ok());
}

TEST_CASE("deleted servers leave the listing; cursors past them stay valid") {
  test::FleetFixture f;
  const auto a = f.seed(State::Running, "a");
  const auto b = f.seed(State::Running, "b");
  const auto c = f.seed(State::Running, "c");
  core::ListQuery q;
  q.tenant = f.demo;
  q.limit = 1;
  auto page = f.fleet.list(q);
  REQUIRE(page.servers[0].uuid == a.uuid);
  REQUIRE(f.fleet.remove(f.owner, b.uuid).ok());
  q.after_seq = page.servers[0].seq;
  CHECK(f.fleet.list(q).servers[0].uuid == c.uuid);
}

TEST_CASE("filters and the all-tenants scope") {
  test::FleetFixture f;
  f.seed(State::Running, "web");
  f.seed(State::Stopped, "db");
  REQUIRE(f.fleet.seed(f.alt, core::CreateSpec{"alt-web", {}, {}, {}, {}, {}, State::Running, {}, {}}).ok());
  core::ListQuery q;
  q.filter = [](const core::ServerInfo& s) { return s.state == State::Running; };
  auto page = f.fleet.list(q);
  std::set<std::string> names;
  for (auto& s : page.servers) names.insert(s.name);
  CHECK(names == std::set<std::string>{"web", "alt-web"});
  CHECK(f.fleet.size() == 3);
  auto counts = f.fleet.count_by_state();
  CHECK(counts[static_cast<int>(State::Running)] == 2);
  CHECK(counts[static_cast<int>(State::Stopped)] == 1);
}

TEST_CASE("replace with nothing empties the fleet and the ledger, and says so") {
  test::FleetFixture f;
  f.seed(State::Running);
  REQUIRE(f.fleet.replace({}, std::nullopt, true).ok());
  CHECK(f.fleet.size() == 0);
  CHECK(f.fleet.ledger().empty());
  CHECK(f.events.back().kind == core::EventKind::Reset);
}
