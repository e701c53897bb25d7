// The SQLite store: what it writes it loads back whole, a batch is all or
// nothing, and a file that is not ours is refused untouched.
#include <doctest/doctest.h>

#include <sqlite3.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include "core/codec.h"
#include "store/sqlite_rows.h"
#include "store/sqlite_store.h"

namespace {

// A fresh path in a fresh directory, removed afterwards.
struct TempFile {
  std::string dir, path;
  TempFile() {
    char pattern[] = "/tmp/store-test-XXXXXX";
    dir = mkdtemp(pattern);
    path = dir + "/state.db";
  }
  ~TempFile() { std::system(("rm -rf " + dir).c_str()); }
};

std::string bytes_of(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

void run_sql(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  REQUIRE(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK);
  sqlite3_close(db);
}

std::unique_ptr<store::SqliteStore> open_store(const std::string& path, bool expect_created) {
  auto opened = store::SqliteStore::open(path, store::Sync::Normal);
  REQUIRE(std::holds_alternative<store::SqliteStore::Opened>(opened));
  auto& o = std::get<store::SqliteStore::Opened>(opened);
  CHECK(o.created == expect_created);
  return std::move(o.store);
}

std::string refusal(const std::string& path) {
  auto opened = store::SqliteStore::open(path, store::Sync::Normal);
  REQUIRE(std::holds_alternative<std::string>(opened));
  return std::get<std::string>(opened);
}

core::ServerRecord server(std::uint64_t seq) {
  core::ServerRecord r;
  r.info.seq = seq;
  r.info.uuid = "6f1c2a3e-0b4d-4c5e-8f60-7a8b9c0d1e0" + std::to_string(seq);
  r.info.transfer_id = "s-0123456789abcde0" + std::to_string(seq);
  r.info.tenant = 1;
  r.info.name = "web-" + std::to_string(seq);
  r.info.state = core::State::Stopping;
  r.info.lock = {true, core::LockOwner::Admin, "maintenance: 2:00-4:00"};
  r.info.created_ms = 1000;
  r.info.updated_ms = 2000;
  r.info.launched_ms = 1500;
  r.info.clean_shutdown = true;
  r.info.tags = {{"team", "data"}, {"odd:key", "value with : colons and 12:34"}};
  r.info.metadata = {{"", ""}};
  r.info.attributes = {{"nova.flavor", "1"}};
  r.pending = core::PendingTransition{core::Action::Stop, core::State::Stopped, core::State::StopFailed, true, 9000, 7};
  r.billed_since = 2000;
  r.running_ms = 1000;
  r.stopped_ms = 5;
  return r;
}

}  // namespace

TEST_CASE("pairs encode and decode, odd bytes included; garbage does not decode") {
  const core::Pairs pairs{{"a", "1"}, {"", ""}, {"k:3", "v\n\0x"}, {std::string(300, 'z'), "long"}};
  CHECK(core::decode_pairs(core::encode_pairs(pairs)) == pairs);
  CHECK(core::decode_pairs("") == core::Pairs{});
  CHECK_FALSE(core::decode_pairs("5:ab").has_value());
  CHECK_FALSE(core::decode_pairs("x:ab").has_value());
  CHECK_FALSE(core::decode_pairs("1:a").has_value());  // a key with no value
}

TEST_CASE("what is written loads back whole; a missing file is created") {
  TempFile tmp;
  auto store = open_store(tmp.path, true);
  core::Change change;
  change.tenants = {{1, {"demo", "000000000000", "us-east-1"}}};
  change.servers = {server(1), server(2)};
  change.servers[1].deleted_ms = 3000;
  change.servers[1].pending.reset();
  core::JournalEntry e;
  e.id = 5;
  e.request_id = "req-1";
  e.api = "nova";
  e.operation = "os-stop";
  e.caller = "demo";
  e.caller_scope = "demo";
  e.tenant = 1;
  e.server_uuid = change.servers[0].info.uuid;
  e.action = core::Action::Stop;
  e.state_before = core::State::Running;
  e.state_after = core::State::Stopping;
  e.status = 202;
  e.result = "accepted";
  e.start_ms = 1;
  e.finish_ms = 2;
  change.journal = {e};
  change.documents = {{"keystone-token", "abc", "{}", 99}, {"nova-keypair", "gone", "{}", 0}};
  change.journal_next_id = 6;
  REQUIRE(store->write({&change}).ok());
  core::Change settle;
  settle.settlements = {{5, 9000, true}};
  settle.documents = {core::removal("nova-keypair", "gone")};
  REQUIRE(store->write({&settle}).ok());
  store.reset();

  auto again = open_store(tmp.path, false);
  auto loaded = again->load();
  REQUIRE(loaded.ok());
  const auto& s = loaded.value();
  REQUIRE(s.tenants.size() == 1);
  CHECK(s.tenants[0].second.project == "demo");
  REQUIRE(s.servers.size() == 2);
  const auto& a = s.servers[0];
  const auto want = server(1);
  CHECK(a.info.uuid == want.info.uuid);
  CHECK(a.info.transfer_id == want.info.transfer_id);
  CHECK(a.info.name == want.info.name);
  CHECK(a.info.state == core::State::Stopping);
  CHECK(a.info.lock.locked);
  CHECK(a.info.lock.by == core::LockOwner::Admin);
  CHECK(a.info.lock.reason == want.info.lock.reason);
  CHECK(a.info.launched_ms == 1500);
  CHECK(a.info.clean_shutdown);
  CHECK(a.info.tags == want.info.tags);
  CHECK(a.info.metadata == want.info.metadata);
  CHECK(a.info.attributes == want.info.attributes);
  REQUIRE(a.pending.has_value());
  CHECK(a.pending->to == core::State::Stopped);
  CHECK(a.pending->failed == core::State::StopFailed);
  CHECK(a.pending->fail);
  CHECK(a.pending->due_ms == 9000);
  CHECK(a.pending->journal_id == 7);
  CHECK(a.running_ms == 1000);
  CHECK(s.servers[1].deleted_ms == 3000);
  CHECK_FALSE(s.servers[1].pending.has_value());
  REQUIRE(s.journal.size() == 1);
  CHECK(s.journal[0].operation == "os-stop");
  CHECK(s.journal[0].state_after == core::State::Stopping);
  CHECK(s.journal[0].settled_ms == 9000);
  CHECK(s.journal[0].transition_failed);
  CHECK(s.journal_next_id == 6);
  REQUIRE(s.documents.size() == 1);
  CHECK(s.documents[0].key == "abc");
  CHECK(s.documents[0].expires_ms == 99);
}

TEST_CASE("replace keeps nothing of what was there, documents included; entries below the floor go") {
  TempFile tmp;
  auto store = open_store(tmp.path, true);
  core::Change change;
  change.servers = {server(1), server(2)};
  for (std::uint64_t id : {1, 2, 3}) {
    core::JournalEntry e;
    e.id = id;
    change.journal.push_back(e);
  }
  change.documents = {{"keystone-token", "abc", "{}", 99}};
  REQUIRE(store->write({&change}).ok());
  core::Change trim;
  trim.journal_floor = 3;
  REQUIRE(store->write({&trim}).ok());
  CHECK(store->load()->journal.size() == 1);

  core::StoredState fresh;
  fresh.servers = {server(7)};
  fresh.documents = {{"net-network", "n1", "v", 0}};
  fresh.cursor_secret = 1234;
  REQUIRE(store->replace(fresh).ok());
  const auto loaded = store->load().value();
  REQUIRE(loaded.servers.size() == 1);
  CHECK(loaded.servers[0].info.seq == 7);
  CHECK(loaded.journal.empty());
  REQUIRE(loaded.documents.size() == 1);
  CHECK(loaded.documents[0].key == "n1");
  CHECK(loaded.cursor_secret == 1234);
}

TEST_CASE("files that are not ours are refused with the reason, their bytes untouched") {
  TempFile tmp;
  SUBCASE("not an SQLite database") {
    std::ofstream(tmp.path, std::ios::binary) << std::string(4096, '\x5a');
    const auto before = bytes_of(tmp.path);
    CHECK(refusal(tmp.path).find("not an SQLite database") != std::string::npos);
    CHECK(bytes_of(tmp.path) == before);
  }
  SUBCASE("another program's database") {
    run_sql(tmp.path, "CREATE TABLE notes(text); INSERT INTO notes VALUES('mine');");
    const auto before = bytes_of(tmp.path);
    CHECK(refusal(tmp.path).find("another program") != std::string::npos);
    CHECK(bytes_of(tmp.path) == before);
  }
  SUBCASE("a newer schema") {
    open_store(tmp.path, true).reset();
    run_sql(tmp.path, "PRAGMA journal_mode=DELETE; PRAGMA user_version=99;");
    const auto before = bytes_of(tmp.path);
    const auto why = refusal(tmp.path);
    CHECK(why.find("newer lifecycle-gateway") != std::string::npos);
    CHECK(why.find("schema version 99") != std::string::npos);
    CHECK(bytes_of(tmp.path) == before);
  }
  SUBCASE("a damaged file") {
    open_store(tmp.path, true).reset();
    run_sql(tmp.path, "PRAGMA journal_mode=DELETE;");
    auto bytes = bytes_of(tmp.path);
    REQUIRE(bytes.size() > 4096);
    for (std::size_t i = 4096; i < bytes.size(); ++i) bytes[i] = static_cast<char>(i * 7);  // every page but the first
    std::ofstream(tmp.path, std::ios::binary | std::ios::trunc) << bytes;
    const auto why = refusal(tmp.path);
    CHECK((why.find("corrupt") != std::string::npos || why.find("cannot be read") != std::string::npos));
    CHECK(bytes_of(tmp.path) == bytes);
  }
  SUBCASE("an empty file is a new one") {
    std::ofstream(tmp.path, std::ios::binary);
    open_store(tmp.path, true);
  }
}

TEST_CASE("a file of schema 1 (before documents) is brought up to date: its tokens become documents") {
  TempFile tmp;
  // Schema 1 as the first durable builds wrote it.
  run_sql(tmp.path, R"sql(
PRAGMA application_id=1818720121; PRAGMA user_version=1;
CREATE TABLE meta(key TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE tenants(id INTEGER PRIMARY KEY, project TEXT NOT NULL, account TEXT NOT NULL, region TEXT NOT NULL);
CREATE TABLE servers(
  seq INTEGER PRIMARY KEY, uuid TEXT NOT NULL, transfer_id TEXT NOT NULL, tenant INTEGER NOT NULL,
  name TEXT NOT NULL, state TEXT NOT NULL, locked_by TEXT, lock_reason TEXT NOT NULL,
  created_ms INTEGER NOT NULL, updated_ms INTEGER NOT NULL, launched_ms INTEGER, clean_shutdown INTEGER NOT NULL,
  tags TEXT NOT NULL, metadata TEXT NOT NULL, attributes TEXT NOT NULL,
  pending_action TEXT, pending_to TEXT, pending_failed TEXT, pending_fail INTEGER, pending_due_ms INTEGER,
  pending_journal_id INTEGER,
  billed_since INTEGER NOT NULL, running_ms INTEGER NOT NULL, stopped_ms INTEGER NOT NULL, deleted_ms INTEGER,
  transition_from TEXT);
CREATE TABLE journal(
  id INTEGER PRIMARY KEY, request_id TEXT NOT NULL, api TEXT NOT NULL, operation TEXT NOT NULL,
  caller TEXT NOT NULL, caller_scope TEXT NOT NULL, tenant INTEGER, server_uuid TEXT NOT NULL,
  server_transfer_id TEXT NOT NULL, action TEXT, state_before TEXT, state_after TEXT, status INTEGER NOT NULL,
  result TEXT NOT NULL, injected INTEGER NOT NULL, start_ms INTEGER NOT NULL, finish_ms INTEGER NOT NULL,
  settled_ms INTEGER, transition_failed INTEGER NOT NULL);
CREATE TABLE credentials(kind TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, expires_ms INTEGER NOT NULL,
  PRIMARY KEY(kind, key)) WITHOUT ROWID;
INSERT INTO tenants VALUES(0, 'demo', '000000000000', 'us-east-1');
INSERT INTO servers VALUES(1, '6f1c2a3e-0b4d-4c5e-8f60-7a8b9c0d1e01', 's-0123456789abcde01', 0, 'web-1', 'running',
  NULL, '', 1000, 1000, 1000, 0, '', '', '', NULL, NULL, NULL, NULL, NULL, NULL, 1000, 0, 0, NULL, NULL);
INSERT INTO credentials VALUES('keystone-token', 'tok', '{}', 99);
)sql");
  auto store = open_store(tmp.path, false);
  auto loaded = store->load().value();
  REQUIRE(loaded.servers.size() == 1);
  CHECK(loaded.servers[0].info.name == "web-1");
  CHECK(loaded.servers[0].info.fault.empty());
  REQUIRE(loaded.documents.size() == 1);
  CHECK(loaded.documents[0].key == "tok");
  // Written to as schema 2 from then on, and read back so after a restart.
  auto failed = server(2);
  failed.info.fault = "no address left";
  core::Change change;
  change.servers = {failed};
  REQUIRE(store->write({&change}).ok());
  store.reset();
  auto again = open_store(tmp.path, false)->load().value();
  REQUIRE(again.servers.size() == 2);
  CHECK(again.servers[1].info.fault == "no address left");
  CHECK(again.documents.size() == 1);
}

TEST_CASE("a store that cannot take the lock refuses the whole batch, and works again after") {
  TempFile tmp;
  auto store = open_store(tmp.path, true);
  sqlite3* other = nullptr;
  REQUIRE(sqlite3_open(tmp.path.c_str(), &other) == SQLITE_OK);
  REQUIRE(sqlite3_exec(other, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) == SQLITE_OK);
  core::Change change;
  change.servers = {server(1)};
  auto refused = store->write({&change});
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().code == core::ErrorCode::Unavailable);
  sqlite3_exec(other, "ROLLBACK", nullptr, nullptr, nullptr);
  sqlite3_close(other);
  CHECK(store->load()->servers.empty());
  REQUIRE(store->write({&change}).ok());
  CHECK(store->load()->servers.size() == 1);
}
