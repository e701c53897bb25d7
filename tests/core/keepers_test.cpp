// Keepers (core/document.h): what they stage for a server's create or delete
// is written in the same commit as the server, or not at all; a fault they
// report ends the server in error; reset, snapshots and restarts hand them
// their documents.
#include <doctest/doctest.h>

#include <map>

#include "fixture.h"
#include "memory_store.h"

using core::State;

namespace {

// Keeps one document per server it has staged ("seat-<uuid>"), as a
// network's ports would; refuses a seat to servers named "greedy".
struct SeatKeeper : core::Keeper {
  std::map<std::string, std::string> seats;  // key -> value
  std::map<std::string, std::string> pending;
  int resets = 0, loads = 0, finished_kept = 0, finished_dropped = 0;

  bool owns(std::string_view kind) const override { return kind == "seat"; }
  std::optional<std::string> verify(const std::vector<core::Document>& documents) const override {
    for (const auto& d : documents)
      if (d.value.empty()) return "seat " + d.key + " is empty";
    return std::nullopt;
  }
  void load(const std::vector<core::Document>& documents) override {
    ++loads;
    seats.clear();
    for (const auto& d : documents) seats[d.key] = d.value;
  }
  void reset() override {
    ++resets;
    seats.clear();
  }
  std::vector<core::Document> documents() const override {
    std::vector<core::Document> out;
    for (const auto& [key, value] : seats) out.push_back({"seat", key, value, 0});
    return out;
  }
  core::Staged stage_create(const core::ServerInfo& server, const core::CreateSpec&, core::Millis) override {
    core::Staged staged;
    if (server.name == "greedy") {
      staged.fault = "No seat left for " + server.uuid;
      return staged;
    }
    const auto key = "seat-" + server.uuid;
    staged.documents.push_back({"seat", key, server.name, 0});
    pending[key] = server.name;
    staged.finish = [this, key](bool kept) {
      if (kept) {
        seats[key] = pending[key];
        ++finished_kept;
      } else {
        ++finished_dropped;
      }
      pending.erase(key);
    };
    return staged;
  }
  core::Staged stage_delete(const core::ServerInfo& server, core::Millis) override {
    core::Staged staged;
    const auto key = "seat-" + server.uuid;
    staged.documents.push_back(core::removal("seat", key));
    staged.finish = [this, key](bool kept) {
      if (kept) seats.erase(key);
    };
    return staged;
  }
};

struct KeeperFixture : test::FleetFixture {
  SeatKeeper keeper;
  test::MemoryStore store;
  KeeperFixture() {
    fleet.add_keeper(keeper);
    REQUIRE(fleet.attach_store(store, true).ok());
  }
  bool stored(const std::string& key) {
    std::lock_guard lock(store.mutex);
    return store.documents.count({"seat", key}) > 0;
  }
};

core::CreateSpec named(std::string name) {
  core::CreateSpec spec;
  spec.name = std::move(name);
  return spec;
}

}  // namespace

TEST_CASE("a keeper's documents are written with the server's create and delete") {
  KeeperFixture f;
  const int writes = f.store.writes;
  auto created = f.fleet.create(f.owner, named("web"));
  REQUIRE(created.ok());
  CHECK(f.store.writes == writes + 1);  // one commit: the server and its seat
  const auto key = "seat-" + created->uuid;
  CHECK(f.stored(key));
  CHECK(f.keeper.seats.at(key) == "web");
  CHECK(f.keeper.finished_kept == 1);

  REQUIRE(f.fleet.remove(f.owner, created->uuid).ok());
  CHECK_FALSE(f.stored(key));
  CHECK(f.keeper.seats.count(key) == 0);
}

TEST_CASE("a store that refuses the create keeps neither the server nor what the keeper staged") {
  KeeperFixture f;
  f.store.refuse = true;
  auto refused = f.fleet.create(f.owner, named("web"));
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().code == core::ErrorCode::Unavailable);
  CHECK(f.keeper.seats.empty());
  CHECK(f.keeper.finished_dropped == 1);
  CHECK(f.keeper.pending.empty());
  CHECK(f.fleet.size() == 0);
}

TEST_CASE("what a keeper cannot give fails the server's provisioning, with its reason") {
  KeeperFixture f;
  auto created = f.fleet.create(f.owner, named("greedy"));
  REQUIRE(created.ok());
  CHECK(created->state == State::StartFailed);
  CHECK(created->fault == "No seat left for " + created->uuid);
  std::lock_guard lock(f.store.mutex);
  CHECK(f.store.servers.at(created->seq).info.fault == created->fault);
}

TEST_CASE("a reset starts the keepers over and gives each server what a create would; a snapshot loads theirs") {
  KeeperFixture f;
  const auto a = f.seed(State::Running, "a");
  f.keeper.seats["stray"] = "left over";
  auto records = f.fleet.records();

  REQUIRE(f.fleet.replace(records, std::nullopt, true).ok());
  CHECK(f.keeper.resets == 1);
  CHECK(f.keeper.seats.size() == 1);
  CHECK(f.keeper.seats.count("seat-" + a.uuid) == 1);
  CHECK(f.stored("seat-" + a.uuid));  // the store was rewritten with them
  CHECK_FALSE(f.stored("stray"));

  const std::vector<core::Document> snapshot{{"seat", "from-snapshot", "x", 0}};
  REQUIRE_FALSE(f.fleet.check_documents(snapshot).has_value());
  REQUIRE(f.fleet.replace(records, snapshot, false).ok());
  CHECK(f.keeper.loads == 1);
  CHECK(f.keeper.seats == std::map<std::string, std::string>{{"from-snapshot", "x"}});
  CHECK(f.stored("from-snapshot"));
  CHECK_FALSE(f.stored("seat-" + a.uuid));
}

TEST_CASE("snapshot documents are checked by their keeper; a kind no keeper owns is refused") {
  KeeperFixture f;
  CHECK(f.fleet.check_documents({{"seat", "k", "", 0}}) == "seat k is empty");
  const auto unknown = f.fleet.check_documents({{"mystery", "k", "v", 0}});
  REQUIRE(unknown.has_value());
  CHECK(unknown->find("'mystery'") != std::string::npos);
}

TEST_CASE("a restart hands each keeper the documents the store kept") {
  KeeperFixture f;
  auto created = f.fleet.create(f.owner, named("web"));
  REQUIRE(created.ok());
  auto kept = f.store.load();
  REQUIRE(kept.ok());

  test::FleetFixture again;
  SeatKeeper keeper;
  again.fleet.add_keeper(keeper);
  again.fleet.restore(std::move(kept).value());
  CHECK(keeper.loads == 1);
  CHECK(keeper.seats.at("seat-" + created->uuid) == "web");
  CHECK(again.fleet.documents(true).size() == 1);
}
