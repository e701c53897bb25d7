// Every write is one transaction; any failure rolls the whole batch back and
// refuses it. The connection is checked (and made again if it was lost)
// before each transaction, never in the middle of one: a batch whose
// connection broke is refused, and the next one reconnects.
#include "store/pg_store.h"

#include <algorithm>
#include <atomic>
#include <functional>
#include <map>
#include <mutex>
#include <random>
#include <set>

#include <fmt/format.h>

#include "store/pg_connection.h"
#include "store/pg_listener.h"
#include "store/pg_rows.h"

namespace store {
namespace {

// Another transaction holding a row we write: wait this long, then refuse
// the change (as the SQLite store's busy timeout).
// How often (in batches written) the shared journal is trimmed to its bound.
constexpr std::uint64_t kTrimEveryBatches = 256;
constexpr const char* kSessionSettings = "SET lock_timeout = '1s'; SET idle_in_transaction_session_timeout = '60s'";

core::Error database_failed(const std::string& what) { return core::unavailable("state database: " + what); }

std::optional<std::string> read_all(PgConnection& db, core::StoredState& state) {
  using Reader = std::function<std::optional<std::string>(PgConnection&, core::StoredState&)>;
  for (const Reader& read : {Reader(pg_read_meta), Reader(pg_read_tenants), Reader(pg_read_servers),
                             Reader(pg_read_journal), Reader(pg_read_documents)})
    if (auto problem = read(db, state)) return fmt::format("it cannot be read: {}", *problem);
  return std::nullopt;
}

// Why the tables found are not ours to use, if they are not.
std::optional<std::string> check_ours(PgConnection& db) {
  auto r = db.exec("SELECT key, value FROM meta WHERE key IN ('application_id', 'schema_version')");
  if (!r.ok()) return fmt::format("its table meta is not ours: {}", r.error());
  std::int64_t app = 0, version = 0;
  for (int row = 0; row < r.rows(); ++row) (r.text(row, 0) == "application_id" ? app : version) = r.integer(row, 1);
  if (app != kPgApplicationId)
    return fmt::format("its tables are another program's (meta has no application_id {:#x})", kPgApplicationId);
  if (version > kPgSchemaVersion)
    return fmt::format("it was written by a newer lifecycle-gateway (schema version {}; this one reads up to {})",
                       version, kPgSchemaVersion);
  if (version < 1) return fmt::format("its schema version {} is not one this lifecycle-gateway wrote", version);
  return std::nullopt;
}


// A random name for this gateway's writes, so its watcher skips its own notices.
std::string new_instance() {
  std::random_device random;
  return fmt::format("{:08x}{:08x}", random(), random());
}

// The NOTIFY payload of a batch (see pg_listener.h); "*" when it would not fit.
std::string notice(const std::string& instance, const std::vector<const core::Change*>& batch) {
  constexpr std::size_t kMaxPayload = 7000;  // PostgreSQL's limit is 8000 bytes
  std::set<std::string> kinds;
  std::string lines;
  for (const auto* change : batch) {
    if (change->stale) continue;
    for (const auto& server : change->servers) lines += fmt::format("s {}\n", server.info.seq);
    for (const auto& document : change->documents) kinds.insert(document.kind);
  }
  for (const auto& kind : kinds) lines += fmt::format("d {}\n", kind);
  if (lines.empty()) return "";
  if (lines.size() > kMaxPayload) lines = "*\n";
  return instance + "\n" + lines;
}


// Marks each change of the batch whose servers moved on since it read them
// (Change::stale): the versions kept, read with their rows locked until the
// transaction ends, against the version each change was computed on.
bool mark_stale(PgConnection& db, const std::vector<const core::Change*>& batch) {
  std::string list = "{";
  for (const auto* change : batch)
    for (const auto& server : change->servers)
      list += fmt::format("{}{}", list.size() > 1 ? "," : "", server.info.seq);
  list += "}";
  if (list == "{}") return true;
  auto r = db.exec("SELECT seq, version FROM servers WHERE seq = ANY($1::bigint[]) ORDER BY seq FOR UPDATE",
                   Params().add(list));
  if (!r.ok()) return false;
  std::map<std::uint64_t, std::uint64_t> kept;
  for (int row = 0; row < r.rows(); ++row)
    kept[static_cast<std::uint64_t>(r.integer(row, 0))] = static_cast<std::uint64_t>(r.integer(row, 1));
  for (const auto* change : batch) {
    change->stale = false;
    for (const auto& server : change->servers) {
      const auto it = kept.find(server.info.seq);
      const std::uint64_t version = it == kept.end() ? 0 : it->second;
      if (server.version != version + 1) change->stale = true;
    }
    if (!change->stale)
      for (const auto& server : change->servers) kept[server.info.seq] = server.version;
  }
  return true;
}

}  // namespace

bool is_postgres_url(const std::string& state) {
  return state.rfind("postgresql://", 0) == 0 || state.rfind("postgres://", 0) == 0;
}

std::string shown_url(const std::string& url) {
  const auto scheme = url.find("://");
  if (scheme == std::string::npos) return url;
  const auto at = url.find('@', scheme + 3);
  const auto slash = url.find('/', scheme + 3);
  if (at == std::string::npos || (slash != std::string::npos && slash < at)) return url;
  const auto colon = url.find(':', scheme + 3);
  if (colon == std::string::npos || colon > at) return url;
  return url.substr(0, colon) + ":***" + url.substr(at);
}

struct PgStore::Impl {
  std::string url, shown, instance = new_instance();
  PgConnection db;
  std::unique_ptr<PgListener> listener;
  std::mutex mutex;  // one transaction at a time on the connection
  std::uint64_t batches = 0;  // written, for the journal's trim
  std::atomic<std::uint64_t> replaces{0};  // see core::Store::replaces
  std::optional<core::StoredState> loaded;  // what open() read, until load() hands it over

  explicit Impl(const std::string& u) : url(u), shown(shown_url(u)), db(u, kSessionSettings) {}

  // Runs `body` in one transaction; on any failure rolls back and refuses.
  core::Result<core::Done> transaction(const std::function<bool()>& body) {
    std::lock_guard lock(mutex);
    if (!begin()) return database_failed(db.error());
    if (!body() || !db.exec("COMMIT").ok()) {
      auto error = database_failed(db.error());
      if (db.ok()) db.exec("ROLLBACK");
      return error;
    }
    return core::Done{};
  }

  // Connected and in a transaction. A connection the server closed (a
  // restart) is only found out by using it: then it is made again, once.
  bool begin() {
    if (!db.ensure()) return false;
    if (db.exec("BEGIN").ok()) return true;
    return !db.ok() && db.ensure() && db.exec("BEGIN").ok();
  }

  // Connected, for a read outside a transaction: as begin(), without BEGIN.
  bool ready() {
    if (!db.ensure()) return false;
    if (db.exec("SELECT 1").ok()) return true;
    return !db.ok() && db.ensure();
  }

  bool write_change(const core::Change& c) {
    for (const auto& [id, tenant] : c.tenants)
      if (!pg_put_tenant(db, id, tenant)) return false;
    for (const auto& server : c.servers)
      if (!pg_put_server(db, server)) return false;
    for (const auto& entry : c.journal)
      if (!pg_put_journal(db, entry)) return false;
    for (const auto& settled : c.settlements)
      if (!pg_settle_journal(db, settled)) return false;
    for (const auto& document : c.documents)
      if (!pg_put_document(db, document)) return false;
    return true;
  }

  bool write_state(const core::StoredState& state) {
    for (const auto& [id, tenant] : state.tenants)
      if (!pg_put_tenant(db, id, tenant)) return false;
    for (const auto& server : state.servers)
      if (!pg_put_server(db, server)) return false;
    for (const auto& entry : state.journal)
      if (!pg_put_journal(db, entry)) return false;
    for (const auto& document : state.documents)
      if (!pg_put_document(db, document)) return false;
    // Ids are never reused: other gateways may have taken some past this state's.
    return pg_put_meta(db, "journal_next_id", static_cast<std::int64_t>(state.journal_next_id), true) &&
           pg_put_meta(db, "cursor_secret", static_cast<std::int64_t>(state.cursor_secret), false);
  }
};

std::variant<PgStore::Opened, std::string> PgStore::open(const std::string& url) {
  auto impl = std::make_unique<Impl>(url);
  const auto refuse = [&impl](const std::string& why) { return fmt::format("--state {}: {}", impl->shown, why); };
  auto& db = impl->db;
  if (!db.ensure()) return refuse(fmt::format("cannot connect: {}", db.error()));
  // Gateways starting together: one creates the tables, the others wait and read them.
  if (!db.exec("BEGIN").ok() ||
      !db.exec(fmt::format("SELECT pg_advisory_xact_lock({})", kPgApplicationId)).ok())
    return refuse(fmt::format("cannot read it: {}", db.error()));
  auto found = db.exec("SELECT to_regclass('meta') IS NOT NULL");
  if (!found.ok()) return refuse(fmt::format("cannot read it: {}", db.error()));
  const bool created = found.text(0, 0) != "t";
  if (created) {
    const auto init = fmt::format("{} INSERT INTO meta VALUES('application_id', {}), ('schema_version', {});",
                                  pg_schema_sql(), kPgApplicationId, kPgSchemaVersion);
    if (!db.exec(init).ok()) {
      auto why = db.error();
      db.exec("ROLLBACK");
      return refuse(fmt::format("cannot create its tables: {}", why));
    }
  } else {
    core::StoredState state;
    auto problem = check_ours(db);
    if (!problem) problem = read_all(db, state);
    if (problem) {
      db.exec("ROLLBACK");
      return refuse(*problem);
    }
    impl->loaded = std::move(state);
  }
  if (!db.exec("COMMIT").ok()) return refuse(fmt::format("cannot create its tables: {}", db.error()));
  return Opened{std::unique_ptr<PgStore>(new PgStore(std::move(impl))), created};
}

PgStore::PgStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
PgStore::~PgStore() = default;

core::Result<core::Done> PgStore::write(const std::vector<const core::Change*>& batch) {
  return impl_->transaction([&] {
    std::uint64_t floor = 0, next_id = 0;
    std::size_t bound = 0;
    auto& db = impl_->db;
    if (!mark_stale(db, batch)) return false;
    // The writes need no answer before the next: sent in one go (a pipeline).
    if (!db.begin_pipeline()) return false;
    const auto send = [&] {
      for (const auto* change : batch) {
        if (change->stale) continue;
        if (!impl_->write_change(*change)) return false;
        floor = std::max(floor, change->journal_floor);
        bound = std::max(bound, change->journal_bound);
        next_id = std::max(next_id, change->journal_next_id);
      }
      if (floor && !pg_trim_journal(db, floor)) return false;
      // Every gateway's changes are here: trimmed to the journal's bound by
      // count, now and then (the count walks the id index), never by one
      // gateway's oldest id, which would take the others' newer entries.
      if (bound && ++impl_->batches % kTrimEveryBatches == 0 && !pg_trim_journal_to(db, bound)) return false;
      if (next_id && !pg_put_meta(db, "journal_next_id", static_cast<std::int64_t>(next_id), true)) return false;
      // Sent at COMMIT, to every gateway listening (ours skips its own).
      const auto payload = notice(impl_->instance, batch);
      return payload.empty() || db.run("SELECT pg_notify($1, $2)", Params().add(kPgChannel).add(payload));
    };
    const bool sent = send();
    return db.end_pipeline() && sent;
  });
}

core::Result<core::StoredState> PgStore::load() {
  std::lock_guard lock(impl_->mutex);
  if (impl_->loaded) {
    auto state = std::move(*impl_->loaded);
    impl_->loaded.reset();
    return state;
  }
  auto& db = impl_->db;
  const auto failed = [&](const std::string& why) {
    return core::unavailable(fmt::format("--state {}: {}", impl_->shown, why));
  };
  if (!db.ensure()) return failed(db.error());
  if (!db.exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY").ok()) return failed(db.error());
  core::StoredState state;
  auto problem = read_all(db, state);
  db.exec(problem ? "ROLLBACK" : "COMMIT");
  if (problem) return failed(*problem);
  return state;
}

core::Result<core::Done> PgStore::replace(const core::StoredState& state) {
  ++impl_->replaces;  // odd: under way
  auto done = impl_->transaction([&] {
    auto& db = impl_->db;
    return db.exec("TRUNCATE servers, journal, tenants, documents").ok() && impl_->write_state(state) &&
           db.exec("SELECT pg_notify($1, $2)", Params().add(kPgChannel).add(impl_->instance + "\n*\n")).ok();
  });
  ++impl_->replaces;
  return done;
}

std::uint64_t PgStore::replaces() const { return impl_->replaces.load(); }

core::Result<std::uint64_t> PgStore::reserve_journal_ids(std::size_t count, std::uint64_t at_least) {
  std::lock_guard lock(impl_->mutex);
  auto& db = impl_->db;
  if (!db.ensure()) return database_failed(db.error());
  // One row, updated in its own transaction: the row lock orders the gateways' blocks.
  const auto reserve = [&] {
    return db.exec(
      "INSERT INTO meta VALUES('journal_next_id', $2::bigint + $1::bigint) ON CONFLICT (key) DO UPDATE SET "
      "value = GREATEST(meta.value, $2::bigint) + $1::bigint RETURNING value - $1::bigint",
      Params().add(static_cast<std::int64_t>(count)).add(static_cast<std::int64_t>(at_least)));
  };
  auto r = reserve();
  // The first statement after the server restarted finds the connection closed: once more, connected again.
  if (!r.ok() && !db.ok() && db.ensure()) r = reserve();
  if (!r.ok() || r.rows() != 1) return database_failed(db.error());
  return static_cast<std::uint64_t>(r.integer(0, 0));
}

core::Result<std::uint64_t> PgStore::reserve_seq() {
  std::lock_guard lock(impl_->mutex);
  auto& db = impl_->db;
  if (!impl_->ready()) return database_failed(db.error());
  // Past every kept server (a seeded fleet's came from its file, not the sequence).
  auto r = db.exec(
      "SELECT setval('server_seq', GREATEST(nextval('server_seq'), (SELECT COALESCE(max(seq), 0) + 1 FROM servers)))");
  if (!r.ok() || r.rows() != 1) return database_failed(db.error());
  return static_cast<std::uint64_t>(r.integer(0, 0));
}

core::Result<std::optional<core::ServerRecord>> PgStore::load_server(std::uint64_t seq) {
  std::lock_guard lock(impl_->mutex);
  auto& db = impl_->db;
  if (!impl_->ready()) return database_failed(db.error());
  core::StoredState state;
  if (auto problem = pg_read_servers_where(db, state, "WHERE seq = $1", Params().add(static_cast<std::int64_t>(seq))))
    return database_failed(*problem);
  if (state.servers.empty()) return std::optional<core::ServerRecord>();
  return std::optional<core::ServerRecord>(std::move(state.servers.front()));
}

core::Result<core::Elsewhere> PgStore::find_server(std::string_view identity) {
  std::lock_guard lock(impl_->mutex);
  auto& db = impl_->db;
  if (!impl_->ready()) return database_failed(db.error());
  core::StoredState state;
  if (auto problem = pg_read_servers_where(db, state, "WHERE uuid = $1 OR transfer_id = $1",
                                           Params().add(std::string(identity))))
    return database_failed(*problem);
  core::Elsewhere found;
  if (state.servers.empty()) return found;
  if (auto problem = pg_read_tenants(db, state)) return database_failed(*problem);
  found.tenants = std::move(state.tenants);
  found.servers = std::move(state.servers);
  return found;
}

core::Result<std::vector<core::Document>> PgStore::load_documents(const std::vector<std::string>& kinds) {
  std::lock_guard lock(impl_->mutex);
  auto& db = impl_->db;
  if (!impl_->ready()) return database_failed(db.error());
  core::StoredState state;
  if (auto problem = pg_read_documents(db, state)) return database_failed(*problem);
  if (kinds.empty()) return std::move(state.documents);
  std::vector<core::Document> picked;
  for (auto& d : state.documents)
    if (std::find(kinds.begin(), kinds.end(), d.kind) != kinds.end()) picked.push_back(std::move(d));
  return picked;
}

void PgStore::watch(std::function<void(core::Elsewhere)> changed) {
  impl_->listener.reset();
  if (changed)
    impl_->listener = std::make_unique<PgListener>(impl_->url, impl_->instance, impl_->replaces, std::move(changed));
}

}  // namespace store
