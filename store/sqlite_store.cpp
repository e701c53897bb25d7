// Opening is careful: an existing file is first inspected read-only (is it
// SQLite, is it ours, is its schema one we read, is it intact) and refused
// untouched if not; only then is it opened for writing. Writing a batch is
// one IMMEDIATE transaction; any failure rolls the whole batch back.
#include "store/sqlite_store.h"

#include <sys/stat.h>

#include <algorithm>

#include <fmt/format.h>

#include "store/sqlite_rows.h"

namespace store {
namespace {

constexpr int kBusyTimeoutMs = 1000;  // another process holding the file: wait this long, then refuse the change

bool exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

// Why an existing file cannot be used, or nothing if it is ours (or empty).
std::optional<std::string> inspect(const std::string& path) {
  Database db(path, SQLITE_OPEN_READONLY);
  if (!db.ok()) return fmt::format("cannot open it: {}", db.error());
  const auto app = db.query_integer("PRAGMA application_id");
  if (!app) {
    const int code = sqlite3_extended_errcode(db.handle());
    if ((code & 0xff) == SQLITE_NOTADB) return "it is not an SQLite database (not a lifecycle-gateway state file)";
    return fmt::format("it cannot be read: {}", db.error());
  }
  const auto tables = db.query_integer("SELECT count(*) FROM sqlite_schema");
  if (!tables) return fmt::format("it cannot be read: {}", db.error());
  if (*app == 0 && *tables == 0) return std::nullopt;  // an empty database: ours to fill
  if (*app != kApplicationId)
    return fmt::format("it is an SQLite database of another program (application_id {:#x}, ours is {:#x})", *app,
                       kApplicationId);
  const auto version = db.query_integer("PRAGMA user_version").value_or(0);
  if (version > kSchemaVersion)
    return fmt::format("it was written by a newer lifecycle-gateway (schema version {}; this one reads up to {})",
                       version, kSchemaVersion);
  if (version < 1) return fmt::format("its schema version {} is not one this lifecycle-gateway wrote", version);
  const auto check = db.query_text("PRAGMA quick_check");
  if (!check) return fmt::format("it is corrupt: {}", db.error());
  if (*check != "ok") return fmt::format("it is corrupt: {}", *check);
  return std::nullopt;
}

core::Error write_failed(const std::string& what) { return core::unavailable("state file: " + what); }

}  // namespace

struct SqliteStore::Impl {
  std::string path;
  Database db;
  Statements statements;

  Impl(std::string p, int flags) : path(std::move(p)), db(path, flags), statements(db.handle()) {}

  // Runs `body` in one IMMEDIATE transaction; on any failure rolls back.
  template <typename Body>
  core::Result<core::Done> transaction(Body body) {
    if (db.exec("BEGIN IMMEDIATE") != SQLITE_OK) return write_failed(db.error());
    if (!body()) {
      auto error = write_failed(db.error());
      db.exec("ROLLBACK");
      return error;
    }
    if (db.exec("COMMIT") != SQLITE_OK) {
      auto error = write_failed(db.error());
      db.exec("ROLLBACK");
      return error;
    }
    return core::Done{};
  }

  bool write_change(const core::Change& c) {
    auto& s = statements;
    for (const auto& [id, tenant] : c.tenants)
      if (!put_tenant(s, id, tenant)) return false;
    for (const auto& server : c.servers)
      if (!put_server(s, server)) return false;
    for (const auto& entry : c.journal)
      if (!put_journal(s, entry)) return false;
    for (const auto& settled : c.settlements)
      if (!settle_journal(s, settled)) return false;
    for (const auto& credential : c.credentials)
      if (!put_credential(s, credential)) return false;
    for (const auto& [kind, key] : c.dropped_credentials)
      if (!drop_credential(s, kind, key)) return false;
    return true;
  }
};

std::variant<SqliteStore::Opened, std::string> SqliteStore::open(const std::string& path, Sync sync) {
  const auto refuse = [&](const std::string& why) { return fmt::format("--state {}: {}", path, why); };
  bool created = !exists(path);
  if (!created)
    if (auto problem = inspect(path)) return refuse(*problem);

  auto impl = std::make_unique<Impl>(path, SQLITE_OPEN_READWRITE | (created ? SQLITE_OPEN_CREATE : 0));
  auto& db = impl->db;
  if (!db.ok()) return refuse(fmt::format("cannot open it: {}", db.error()));
  sqlite3_busy_timeout(db.handle(), kBusyTimeoutMs);
  if (db.exec("PRAGMA journal_mode=WAL") != SQLITE_OK)
    return refuse(fmt::format("cannot use write-ahead logging: {}", db.error()));
  db.exec(sync == Sync::Full ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL");
  const bool empty = db.query_integer("SELECT count(*) FROM sqlite_schema").value_or(0) == 0;
  if (empty) {
    created = true;
    const auto init = fmt::format("BEGIN; {} PRAGMA application_id={}; PRAGMA user_version={}; COMMIT;",
                                  schema_sql(), kApplicationId, kSchemaVersion);
    if (db.exec(init) != SQLITE_OK) return refuse(fmt::format("cannot create its tables: {}", db.error()));
  }
  impl->statements = Statements(db.handle());
  if (!impl->statements.ok()) return refuse(fmt::format("its tables are not ours: {}", db.error()));
  return Opened{std::unique_ptr<SqliteStore>(new SqliteStore(std::move(impl))), created};
}

SqliteStore::SqliteStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
SqliteStore::~SqliteStore() = default;

core::Result<core::Done> SqliteStore::write(const std::vector<const core::Change*>& batch) {
  return impl_->transaction([&] {
    std::uint64_t floor = 0, next_id = 0;
    for (const auto* change : batch) {
      if (!impl_->write_change(*change)) return false;
      floor = std::max(floor, change->journal_floor);
      next_id = std::max(next_id, change->journal_next_id);
    }
    auto& s = impl_->statements;
    if (floor && !trim_journal(s, floor)) return false;
    return next_id == 0 || put_meta(s, "journal_next_id", static_cast<std::int64_t>(next_id));
  });
}

core::Result<core::StoredState> SqliteStore::load() {
  core::StoredState state;
  auto* db = impl_->db.handle();
  for (auto read : {read_meta, read_tenants, read_servers, read_journal, read_credentials})
    if (auto problem = read(db, state)) return core::internal(fmt::format("--state {}: {}", impl_->path, *problem));
  return state;
}

core::Result<core::Done> SqliteStore::replace(const core::StoredState& state) {
  return impl_->transaction([&] {
    auto& db = impl_->db;
    if (db.exec("DELETE FROM servers; DELETE FROM journal; DELETE FROM tenants;") != SQLITE_OK) return false;
    auto& s = impl_->statements;
    for (const auto& [id, tenant] : state.tenants)
      if (!put_tenant(s, id, tenant)) return false;
    for (const auto& server : state.servers)
      if (!put_server(s, server)) return false;
    for (const auto& entry : state.journal)
      if (!put_journal(s, entry)) return false;
    return put_meta(s, "journal_next_id", static_cast<std::int64_t>(state.journal_next_id)) &&
           put_meta(s, "cursor_secret", static_cast<std::int64_t>(state.cursor_secret));
  });
}

}  // namespace store
