// Opening is careful: an existing file is first inspected read-only (is it
// SQLite, is it ours, is its schema one we read, is it intact) and refused
// untouched if not; only then is it opened for writing. Writing a batch is
// one IMMEDIATE transaction; any failure rolls the whole batch back.
#include "store/sqlite_store.h"

#include <sys/stat.h>

#include <algorithm>
#include <functional>

#include <fmt/format.h>

#include "store/checkpointer.h"
#include "store/sqlite_rows.h"

namespace store {
namespace {

constexpr int kBusyTimeoutMs = 1000;  // another process holding the file: wait this long, then refuse the change

bool exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

// Reads every table of a connection; a message if a row cannot be read.
std::optional<std::string> read_all(sqlite3* db, core::StoredState& state, std::int64_t version) {
  const auto documents = [version](sqlite3* d, core::StoredState& s) { return read_documents(d, s, version); };
  using Reader = std::function<std::optional<std::string>(sqlite3*, core::StoredState&)>;
  for (const Reader& read : {Reader(read_meta), Reader(read_tenants), Reader(read_servers), Reader(read_journal),
                             Reader(documents)}) {
    if (auto problem = read(db, state)) {
      const bool damaged = (sqlite3_extended_errcode(db) & 0xff) == SQLITE_CORRUPT;
      return fmt::format("{}{}", damaged ? "it is corrupt: " : "it cannot be read: ", *problem);
    }
  }
  return std::nullopt;
}

// An existing file, read through a read-only connection before anything is
// written to it: why it cannot be used, or everything it holds (nothing for
// an empty database, ours to fill). No PRAGMA quick_check: reading every row
// of every table meets any damaged page we use, and costs no extra pass.
struct Inspected {
  std::optional<core::StoredState> state;  // nothing: an empty database, ours to fill
  std::int64_t version = kSchemaVersion;
};
std::variant<Inspected, std::string> inspect(const std::string& path) {
  Database db(path, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX);
  if (!db.ok()) return fmt::format("cannot open it: {}", db.error());
  const auto app = db.query_integer("PRAGMA application_id");
  if (!app) {
    const int code = sqlite3_extended_errcode(db.handle());
    if ((code & 0xff) == SQLITE_NOTADB) return "it is not an SQLite database (not a lifecycle-gateway state file)";
    return fmt::format("it cannot be read: {}", db.error());
  }
  const auto tables = db.query_integer("SELECT count(*) FROM sqlite_schema");
  if (!tables) return fmt::format("it cannot be read: {}", db.error());
  if (*app == 0 && *tables == 0) return Inspected{};
  if (*app != kApplicationId)
    return fmt::format("it is an SQLite database of another program (application_id {:#x}, ours is {:#x})", *app,
                       kApplicationId);
  const auto version = db.query_integer("PRAGMA user_version").value_or(0);
  if (version > kSchemaVersion)
    return fmt::format("it was written by a newer lifecycle-gateway (schema version {}; this one reads up to {})",
                       version, kSchemaVersion);
  if (version < 1) return fmt::format("its schema version {} is not one this lifecycle-gateway wrote", version);
  core::StoredState state;
  if (auto problem = read_all(db.handle(), state, version)) return *problem;
  return Inspected{std::move(state), version};
}

core::Error state_file_failed(const std::string& what) { return core::unavailable("state file: " + what); }

}  // namespace

struct SqliteStore::Impl {
  std::string path;
  Database db;
  Statements statements;
  Checkpointer checkpointer;
  std::optional<core::StoredState> loaded;  // what open() read, until load() hands it over

  Impl(std::string p, int flags) : path(std::move(p)), db(path, flags), statements(db.handle()) {}

  // Runs `body` in one IMMEDIATE transaction; on any failure rolls back.
  template <typename Body>
  core::Result<core::Done> transaction(Body body) {
    auto& s = statements;
    if (!run(s.begin)) return state_file_failed(db.error());
    if (!body() || !run(s.commit)) {
      auto error = state_file_failed(db.error());
      run(s.rollback);
      return error;
    }
    checkpointer.committed();
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
    for (const auto& document : c.documents)
      if (!put_document(s, document)) return false;
    return true;
  }
};

std::variant<SqliteStore::Opened, std::string> SqliteStore::open(const std::string& path, Sync sync) {
  const auto refuse = [&](const std::string& why) { return fmt::format("--state {}: {}", path, why); };
  bool created = !exists(path);
  std::optional<core::StoredState> kept;
  std::int64_t version = kSchemaVersion;
  if (!created) {
    auto inspected = inspect(path);
    if (auto* problem = std::get_if<std::string>(&inspected)) return refuse(*problem);
    auto& found = std::get<Inspected>(inspected);
    kept = std::move(found.state);
    version = found.version;
  }

  // NOMUTEX: one thread at a time uses this connection (the group commit's
  // leader, or start-up), so SQLite's own per-call locking is not needed.
  auto impl = std::make_unique<Impl>(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX |
                                               (created ? SQLITE_OPEN_CREATE : 0));
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
  // A file an older build wrote, read whole above, is brought to this schema in one transaction.
  for (; !empty && version < kSchemaVersion; ++version) {
    const auto upgrade = fmt::format("BEGIN; {} PRAGMA user_version={}; COMMIT;", upgrade_sql(version), version + 1);
    if (db.exec(upgrade) != SQLITE_OK) {
      db.exec("ROLLBACK");
      return refuse(fmt::format("cannot bring its schema {} up to {}: {}", version, version + 1, db.error()));
    }
  }
  impl->statements = Statements(db.handle());
  if (!impl->statements.ok()) return refuse(fmt::format("its tables are not ours: {}", db.error()));
  // Checkpoints run on a thread of their own, not in a commit (see checkpointer.h).
  db.exec("PRAGMA wal_autocheckpoint=0");
  impl->checkpointer.start(path);
  impl->loaded = std::move(kept);
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
  if (impl_->loaded) {
    auto state = std::move(*impl_->loaded);
    impl_->loaded.reset();
    return state;
  }
  core::StoredState state;
  if (auto problem = read_all(impl_->db.handle(), state, kSchemaVersion))
    return core::internal(fmt::format("--state {}: {}", impl_->path, *problem));
  return state;
}

core::Result<core::Done> SqliteStore::replace(const core::StoredState& state) {
  return impl_->transaction([&] {
    auto& db = impl_->db;
    if (db.exec("DELETE FROM servers; DELETE FROM journal; DELETE FROM tenants; DELETE FROM documents;") != SQLITE_OK)
      return false;
    auto& s = impl_->statements;
    for (const auto& [id, tenant] : state.tenants)
      if (!put_tenant(s, id, tenant)) return false;
    for (const auto& server : state.servers)
      if (!put_server(s, server)) return false;
    for (const auto& entry : state.journal)
      if (!put_journal(s, entry)) return false;
    for (const auto& document : state.documents)
      if (!put_document(s, document)) return false;
    return put_meta(s, "journal_next_id", static_cast<std::int64_t>(state.journal_next_id)) &&
           put_meta(s, "cursor_secret", static_cast<std::int64_t>(state.cursor_secret));
  });
}

}  // namespace store
