#include "store/sqlite_rows.h"

#include <algorithm>

#include <fmt/format.h>

#include "core/codec.h"

namespace store {
namespace {

constexpr std::string_view kSchema = R"sql(
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
  transition_from TEXT, fault TEXT NOT NULL DEFAULT '');
CREATE TABLE journal(
  id INTEGER PRIMARY KEY, request_id TEXT NOT NULL, api TEXT NOT NULL, operation TEXT NOT NULL,
  caller TEXT NOT NULL, caller_scope TEXT NOT NULL, tenant INTEGER, server_uuid TEXT NOT NULL,
  server_transfer_id TEXT NOT NULL, action TEXT, state_before TEXT, state_after TEXT, status INTEGER NOT NULL,
  result TEXT NOT NULL, injected INTEGER NOT NULL, start_ms INTEGER NOT NULL, finish_ms INTEGER NOT NULL,
  settled_ms INTEGER, transition_failed INTEGER NOT NULL);
CREATE TABLE documents(kind TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, expires_ms INTEGER NOT NULL,
  PRIMARY KEY(kind, key)) WITHOUT ROWID;
)sql";

// From schema 1: the credentials table became the documents table (tokens
// are documents among others), and a server records why it is in error.
constexpr std::string_view kUpgradeFrom1 = R"sql(
ALTER TABLE credentials RENAME TO documents;
ALTER TABLE servers ADD COLUMN fault TEXT NOT NULL DEFAULT '';
)sql";

std::int64_t as_int(std::uint64_t v) { return static_cast<std::int64_t>(v); }

template <typename T>
std::optional<std::string_view> maybe_name(const std::optional<T>& v) {
  if (!v) return std::nullopt;
  return core::name(*v);
}

Statement& bind_name(Statement& s, int at, std::optional<std::string_view> name) {
  return name ? s.bind(at, *name) : s.bind_null(at);
}

// A state or action named in a row, or what is wrong with it.
template <typename T, typename Parse>
std::optional<T> parsed(const Statement& s, int column, Parse parse, std::string& problem, const char* what) {
  if (s.is_null(column)) return std::nullopt;
  const auto text = s.text(column);
  auto value = parse(text);
  if (!value && problem.empty()) problem = fmt::format("unknown {} '{}'", what, text);
  return value;
}

}  // namespace

std::string_view schema_sql() { return kSchema; }
std::string_view upgrade_sql(std::int64_t from) { return from == 1 ? kUpgradeFrom1 : std::string_view(); }

bool run(Statement& s) {
  s.step();
  const bool done = s.rc() == SQLITE_DONE;
  s.reset();
  return done;
}

Statements::Statements(sqlite3* db)
    : put_tenant(db, "INSERT OR REPLACE INTO tenants VALUES(?1,?2,?3,?4)"),
      put_server(db, "INSERT OR REPLACE INTO servers VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,"
                     "?17,?18,?19,?20,?21,?22,?23,?24,?25,?26,?27)"),
      put_journal(db, "INSERT OR REPLACE INTO journal VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,"
                      "?17,?18,?19)"),
      settle_journal(db, "UPDATE journal SET settled_ms=?2, transition_failed=?3 WHERE id=?1"),
      put_document(db, "INSERT OR REPLACE INTO documents VALUES(?1,?2,?3,?4)"),
      drop_document(db, "DELETE FROM documents WHERE kind=?1 AND key=?2"),
      trim_journal(db, "DELETE FROM journal WHERE id < ?1"),
      put_meta(db, "INSERT OR REPLACE INTO meta VALUES(?1,?2)"),
      begin(db, "BEGIN IMMEDIATE"),
      commit(db, "COMMIT"),
      rollback(db, "ROLLBACK") {}

bool Statements::ok() const {
  return put_tenant.ok() && put_server.ok() && put_journal.ok() && settle_journal.ok() && put_document.ok() &&
         drop_document.ok() && trim_journal.ok() && put_meta.ok() && begin.ok() && commit.ok() && rollback.ok();
}

bool put_tenant(Statements& s, core::TenantId id, const core::TenantInfo& t) {
  s.put_tenant.bind(1, std::int64_t{id}).bind(2, t.project).bind(3, t.account).bind(4, t.region);
  return run(s.put_tenant);
}

bool put_server(Statements& s, const core::ServerRecord& r) {
  auto& st = s.put_server;
  const auto& i = r.info;
  st.bind(1, as_int(i.seq)).bind(2, i.uuid).bind(3, i.transfer_id).bind(4, std::int64_t{i.tenant});
  st.bind(5, i.name).bind(6, core::name(i.state));
  bind_name(st, 7, i.lock.locked ? std::optional(core::name(i.lock.by)) : std::nullopt);
  st.bind(8, i.lock.reason).bind(9, i.created_ms).bind(10, i.updated_ms).bind(11, i.launched_ms);
  st.bind(12, std::int64_t{i.clean_shutdown});
  // Bound without a copy (SQLITE_STATIC): the encodings live until the step.
  const auto tags = core::encode_pairs(i.tags), metadata = core::encode_pairs(i.metadata),
             attributes = core::encode_pairs(i.attributes);
  st.bind(13, tags).bind(14, metadata).bind(15, attributes);
  if (r.pending) {
    const auto& p = *r.pending;
    st.bind(16, core::name(p.action)).bind(17, core::name(p.to)).bind(18, core::name(p.failed));
    st.bind(19, std::int64_t{p.fail}).bind(20, p.due_ms).bind(21, as_int(p.journal_id));
  } else {
    for (int at = 16; at <= 21; ++at) st.bind_null(at);
  }
  st.bind(22, r.billed_since).bind(23, r.running_ms).bind(24, r.stopped_ms).bind(25, r.deleted_ms);
  bind_name(st, 26, maybe_name(i.transition_from));
  st.bind(27, i.fault);
  return run(st);
}

bool put_journal(Statements& s, const core::JournalEntry& e) {
  auto& st = s.put_journal;
  st.bind(1, as_int(e.id)).bind(2, e.request_id).bind(3, e.api).bind(4, e.operation).bind(5, e.caller);
  st.bind(6, e.caller_scope);
  st.bind(7, e.tenant ? std::optional<std::int64_t>(*e.tenant) : std::nullopt);
  st.bind(8, e.server_uuid).bind(9, e.server_transfer_id);
  bind_name(st, 10, maybe_name(e.action));
  bind_name(st, 11, maybe_name(e.state_before));
  bind_name(st, 12, maybe_name(e.state_after));
  st.bind(13, std::int64_t{e.status}).bind(14, e.result).bind(15, std::int64_t{e.injected});
  st.bind(16, e.start_ms).bind(17, e.finish_ms).bind(18, e.settled_ms).bind(19, std::int64_t{e.transition_failed});
  return run(st);
}

bool settle_journal(Statements& s, const core::Settlement& settled) {
  s.settle_journal.bind(1, as_int(settled.journal_id)).bind(2, settled.at_ms).bind(3, std::int64_t{settled.failed});
  return run(s.settle_journal);
}

bool put_document(Statements& s, const core::Document& d) {
  if (d.removed) {
    s.drop_document.bind(1, d.kind).bind(2, d.key);
    return run(s.drop_document);
  }
  s.put_document.bind(1, d.kind).bind(2, d.key).bind(3, d.value).bind(4, d.expires_ms);
  return run(s.put_document);
}

bool trim_journal(Statements& s, std::uint64_t floor) {
  s.trim_journal.bind(1, as_int(floor));
  return run(s.trim_journal);
}

bool put_meta(Statements& s, std::string_view key, std::int64_t value) {
  s.put_meta.bind(1, key).bind(2, value);
  return run(s.put_meta);
}

std::optional<std::string> read_tenants(sqlite3* db, core::StoredState& state) {
  Statement s(db, "SELECT id, project, account, region FROM tenants ORDER BY id");
  while (s.step())
    state.tenants.emplace_back(static_cast<core::TenantId>(s.integer(0)),
                               core::TenantInfo{s.text(1), s.text(2), s.text(3)});
  if (s.rc() != SQLITE_DONE) return fmt::format("tenants: {}", sqlite3_errmsg(db));
  return std::nullopt;
}

// How many rows a table keyed by an integer primary key may hold, read off
// the key's two ends (O(log n), no scan), at most `cap`: the vector is sized
// once instead of growing by copies and touching twice the memory (a restart
// on a million servers spent a fifth of its time there).
std::size_t rows_at_most(sqlite3* db, const char* sql, std::size_t cap) {
  Statement s(db, sql);
  if (!s.step()) return 0;
  const auto span = s.maybe_integer(0).value_or(0);
  return span <= 0 ? 0 : std::min(static_cast<std::size_t>(span), cap);
}

std::optional<std::string> read_servers(sqlite3* db, core::StoredState& state) {
  state.servers.reserve(state.servers.size() +
                        rows_at_most(db, "SELECT max(seq) - min(seq) + 1 FROM servers", std::size_t{1} << 24));
  Statement s(db, "SELECT * FROM servers ORDER BY seq");
  while (s.step()) {
    core::ServerRecord r;
    auto& i = r.info;
    std::string problem;
    i.seq = static_cast<std::uint64_t>(s.integer(0));
    i.uuid = s.text(1);
    i.transfer_id = s.text(2);
    i.tenant = static_cast<core::TenantId>(s.integer(3));
    i.name = s.text(4);
    i.state = parsed<core::State>(s, 5, core::parse_state, problem, "state").value_or(core::State::Running);
    if (!s.is_null(6)) {
      const auto by = s.text(6);
      if (by != "owner" && by != "admin") problem = fmt::format("unknown lock holder '{}'", by);
      i.lock = core::LockInfo{true, by == "admin" ? core::LockOwner::Admin : core::LockOwner::Owner, s.text(7)};
    }
    i.created_ms = s.integer(8);
    i.updated_ms = s.integer(9);
    i.launched_ms = s.maybe_integer(10);
    i.clean_shutdown = s.integer(11) != 0;
    auto tags = core::decode_pairs(s.text(12)), metadata = core::decode_pairs(s.text(13)),
         attributes = core::decode_pairs(s.text(14));
    if (!tags || !metadata || !attributes) problem = "tags, metadata or attributes cannot be read";
    i.tags = std::move(tags).value_or(core::Pairs{});
    i.metadata = std::move(metadata).value_or(core::Pairs{});
    i.attributes = std::move(attributes).value_or(core::Pairs{});
    if (auto action = parsed<core::Action>(s, 15, core::parse_action, problem, "action")) {
      core::PendingTransition p;
      p.action = *action;
      p.to = parsed<core::State>(s, 16, core::parse_state, problem, "state").value_or(core::State::Running);
      p.failed = parsed<core::State>(s, 17, core::parse_state, problem, "state").value_or(core::State::Running);
      p.fail = s.integer(18) != 0;
      p.due_ms = s.integer(19);
      p.journal_id = static_cast<std::uint64_t>(s.integer(20));
      r.pending = p;
    }
    r.billed_since = s.integer(21);
    r.running_ms = s.integer(22);
    r.stopped_ms = s.integer(23);
    r.deleted_ms = s.maybe_integer(24);
    i.transition_from = parsed<core::State>(s, 25, core::parse_state, problem, "state");
    if (s.columns() > 26) i.fault = s.text(26);  // schema 2 on
    if (!problem.empty()) return fmt::format("servers, row {}: {}", i.seq, problem);
    state.servers.push_back(std::move(r));
  }
  if (s.rc() != SQLITE_DONE) return fmt::format("servers: {}", sqlite3_errmsg(db));
  return std::nullopt;
}

std::optional<std::string> read_journal(sqlite3* db, core::StoredState& state) {
  // Ids have gaps (reads are not kept): the span may overstate the rows, hence the cap.
  state.journal.reserve(state.journal.size() +
                        rows_at_most(db, "SELECT max(id) - min(id) + 1 FROM journal", std::size_t{1} << 20));
  Statement s(db, "SELECT * FROM journal ORDER BY id");
  while (s.step()) {
    core::JournalEntry e;
    std::string problem;
    e.id = static_cast<std::uint64_t>(s.integer(0));
    e.request_id = s.text(1);
    e.api = s.text(2);
    e.operation = s.text(3);
    e.caller = s.text(4);
    e.caller_scope = s.text(5);
    if (auto tenant = s.maybe_integer(6)) e.tenant = static_cast<core::TenantId>(*tenant);
    e.server_uuid = s.text(7);
    e.server_transfer_id = s.text(8);
    e.action = parsed<core::Action>(s, 9, core::parse_action, problem, "action");
    e.state_before = parsed<core::State>(s, 10, core::parse_state, problem, "state");
    e.state_after = parsed<core::State>(s, 11, core::parse_state, problem, "state");
    e.status = static_cast<int>(s.integer(12));
    e.result = s.text(13);
    e.injected = s.integer(14) != 0;
    e.start_ms = s.integer(15);
    e.finish_ms = s.integer(16);
    e.settled_ms = s.maybe_integer(17);
    e.transition_failed = s.integer(18) != 0;
    if (!problem.empty()) return fmt::format("journal, entry {}: {}", e.id, problem);
    state.journal.push_back(std::move(e));
  }
  if (s.rc() != SQLITE_DONE) return fmt::format("journal: {}", sqlite3_errmsg(db));
  return std::nullopt;
}

std::optional<std::string> read_documents(sqlite3* db, core::StoredState& state, std::int64_t version) {
  Statement s(db, version == 1 ? "SELECT kind, key, value, expires_ms FROM credentials"
                               : "SELECT kind, key, value, expires_ms FROM documents");
  while (s.step()) {
    core::Document d;
    d.kind = s.text(0);
    d.key = s.text(1);
    d.value = s.text(2);
    d.expires_ms = s.integer(3);
    state.documents.push_back(std::move(d));
  }
  if (s.rc() != SQLITE_DONE) return fmt::format("documents: {}", sqlite3_errmsg(db));
  return std::nullopt;
}

std::optional<std::string> read_meta(sqlite3* db, core::StoredState& state) {
  Statement s(db, "SELECT key, value FROM meta");
  while (s.step()) {
    const auto key = s.text(0);
    if (key == "journal_next_id") state.journal_next_id = static_cast<std::uint64_t>(s.integer(1));
    if (key == "cursor_secret") state.cursor_secret = static_cast<std::uint64_t>(s.integer(1));
  }
  if (s.rc() != SQLITE_DONE) return fmt::format("meta: {}", sqlite3_errmsg(db));
  return std::nullopt;
}

}  // namespace store
