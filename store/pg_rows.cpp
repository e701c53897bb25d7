// Every statement is written out once, from the columns' names, so that the
// row of a record is said in one place. Encoded columns (tags, metadata,
// attributes, documents' values) are BYTEA: the core's encodings carry any
// bytes, and PostgreSQL's TEXT takes neither NUL nor invalid UTF-8.
#include "store/pg_rows.h"

#include <fmt/format.h>

#include "core/codec.h"

namespace store {
namespace {

constexpr std::string_view kSchema = R"sql(
CREATE TABLE meta(key TEXT PRIMARY KEY, value BIGINT NOT NULL);
CREATE TABLE tenants(id BIGINT PRIMARY KEY, project TEXT NOT NULL, account TEXT NOT NULL, region TEXT NOT NULL);
CREATE TABLE servers(
  seq BIGINT PRIMARY KEY, uuid TEXT NOT NULL, transfer_id TEXT NOT NULL, tenant BIGINT NOT NULL,
  name TEXT NOT NULL, state TEXT NOT NULL, locked_by TEXT, lock_reason TEXT NOT NULL,
  created_ms BIGINT NOT NULL, updated_ms BIGINT NOT NULL, launched_ms BIGINT, clean_shutdown BIGINT NOT NULL,
  tags BYTEA NOT NULL, metadata BYTEA NOT NULL, attributes BYTEA NOT NULL,
  pending_action TEXT, pending_to TEXT, pending_failed TEXT, pending_fail BIGINT, pending_due_ms BIGINT,
  pending_journal_id BIGINT,
  billed_since BIGINT NOT NULL, running_ms BIGINT NOT NULL, stopped_ms BIGINT NOT NULL, deleted_ms BIGINT,
  transition_from TEXT, fault TEXT NOT NULL DEFAULT '', version BIGINT NOT NULL);
-- A server another gateway made is looked up by either identity (Store::find_server).
CREATE INDEX servers_uuid ON servers(uuid);
CREATE INDEX servers_transfer_id ON servers(transfer_id);
CREATE SEQUENCE server_seq;
CREATE TABLE journal(
  id BIGINT PRIMARY KEY, request_id TEXT NOT NULL, api TEXT NOT NULL, operation TEXT NOT NULL,
  caller TEXT NOT NULL, caller_scope TEXT NOT NULL, tenant BIGINT, server_uuid TEXT NOT NULL,
  server_transfer_id TEXT NOT NULL, action TEXT, state_before TEXT, state_after TEXT, status BIGINT NOT NULL,
  result TEXT NOT NULL, injected BIGINT NOT NULL, start_ms BIGINT NOT NULL, finish_ms BIGINT NOT NULL,
  settled_ms BIGINT, transition_failed BIGINT NOT NULL);
CREATE TABLE documents(kind TEXT NOT NULL, key TEXT NOT NULL, value BYTEA NOT NULL, expires_ms BIGINT NOT NULL,
  PRIMARY KEY(kind, key));
)sql";

constexpr std::string_view kServerColumns =
    "seq, uuid, transfer_id, tenant, name, state, locked_by, lock_reason, created_ms, updated_ms, launched_ms, "
    "clean_shutdown, tags, metadata, attributes, pending_action, pending_to, pending_failed, pending_fail, "
    "pending_due_ms, pending_journal_id, billed_since, running_ms, stopped_ms, deleted_ms, transition_from, fault, "
    "version";
constexpr std::string_view kJournalColumns =
    "id, request_id, api, operation, caller, caller_scope, tenant, server_uuid, server_transfer_id, action, "
    "state_before, state_after, status, result, injected, start_ms, finish_ms, settled_ms, transition_failed";

// INSERT ... ON CONFLICT (key) DO UPDATE SET every other column, and `extra`.
std::string upsert(std::string_view table, std::string_view columns, std::string_view key, std::string_view extra) {
  std::string values, sets;
  int at = 0;
  std::string_view rest = columns;
  while (!rest.empty()) {
    const auto comma = rest.find(", ");
    const auto column = rest.substr(0, comma);
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 2);
    values += fmt::format("{}${}", at ? "," : "", at + 1);
    if (column != key) sets += fmt::format("{}{}=EXCLUDED.{}", sets.empty() ? "" : ", ", column, column);
    ++at;
  }
  if (!extra.empty()) sets += fmt::format(", {}", extra);
  if (sets.empty()) return fmt::format("INSERT INTO {}({}) VALUES({}) ON CONFLICT ({}) DO NOTHING", table, columns,
                                       values, key);
  return fmt::format("INSERT INTO {}({}) VALUES({}) ON CONFLICT ({}) DO UPDATE SET {}", table, columns, values, key,
                     sets);
}

std::int64_t as_int(std::uint64_t v) { return static_cast<std::int64_t>(v); }

template <typename T>
std::optional<std::string_view> maybe_name(const std::optional<T>& v) {
  if (!v) return std::nullopt;
  return core::name(*v);
}

bool ran(PgConnection& db, std::string_view sql, const Params& params) { return db.run(sql, params); }

// A state or action named in a row, or what is wrong with it.
template <typename T, typename Parse>
std::optional<T> parsed(const PgResult& r, int row, int column, Parse parse, std::string& problem, const char* what) {
  if (r.is_null(row, column)) return std::nullopt;
  const auto text = r.text(row, column);
  auto value = parse(text);
  if (!value && problem.empty()) problem = fmt::format("unknown {} '{}'", what, text);
  return value;
}

}  // namespace

std::string_view pg_schema_sql() { return kSchema; }

bool pg_put_tenant(PgConnection& db, core::TenantId id, const core::TenantInfo& t) {
  static const std::string sql = upsert("tenants", "id, project, account, region", "id", "");
  return ran(db, sql, Params().add(std::int64_t{id}).add(t.project).add(t.account).add(t.region));
}

bool pg_put_server(PgConnection& db, const core::ServerRecord& r) {
  static const std::string sql = upsert("servers", kServerColumns, "seq", "");
  const auto& i = r.info;
  Params p;
  p.add(as_int(i.seq)).add(i.uuid).add(i.transfer_id).add(std::int64_t{i.tenant}).add(i.name);
  p.add(core::name(i.state));
  p.add(i.lock.locked ? std::optional(core::name(i.lock.by)) : std::nullopt).add(i.lock.reason);
  p.add(i.created_ms).add(i.updated_ms).add(i.launched_ms).add(std::int64_t{i.clean_shutdown});
  p.add_bytes(core::encode_pairs(i.tags)).add_bytes(core::encode_pairs(i.metadata));
  p.add_bytes(core::encode_pairs(i.attributes));
  if (r.pending) {
    const auto& t = *r.pending;
    p.add(core::name(t.action)).add(core::name(t.to)).add(core::name(t.failed)).add(std::int64_t{t.fail});
    p.add(t.due_ms).add(as_int(t.journal_id));
  } else {
    for (int k = 0; k < 6; ++k) p.null();
  }
  p.add(r.billed_since).add(r.running_ms).add(r.stopped_ms).add(r.deleted_ms);
  p.add(maybe_name(i.transition_from)).add(i.fault).add(as_int(r.version));
  return ran(db, sql, p);
}

bool pg_put_journal(PgConnection& db, const core::JournalEntry& e) {
  static const std::string sql = upsert("journal", kJournalColumns, "id", "");
  Params p;
  p.add(as_int(e.id)).add(e.request_id).add(e.api).add(e.operation).add(e.caller).add(e.caller_scope);
  p.add(e.tenant ? std::optional<std::int64_t>(*e.tenant) : std::nullopt);
  p.add(e.server_uuid).add(e.server_transfer_id);
  p.add(maybe_name(e.action)).add(maybe_name(e.state_before)).add(maybe_name(e.state_after));
  p.add(std::int64_t{e.status}).add(e.result).add(std::int64_t{e.injected});
  p.add(e.start_ms).add(e.finish_ms).add(e.settled_ms).add(std::int64_t{e.transition_failed});
  return ran(db, sql, p);
}

bool pg_settle_journal(PgConnection& db, const core::Settlement& s) {
  return ran(db, "UPDATE journal SET settled_ms=$2, transition_failed=$3 WHERE id=$1",
             Params().add(as_int(s.journal_id)).add(s.at_ms).add(std::int64_t{s.failed}));
}

bool pg_put_document(PgConnection& db, const core::Document& d) {
  if (d.removed) return ran(db, "DELETE FROM documents WHERE kind=$1 AND key=$2", Params().add(d.kind).add(d.key));
  static const std::string sql = upsert("documents", "kind, key, value, expires_ms", "kind, key", "");
  return ran(db, sql, Params().add(d.kind).add(d.key).add_bytes(d.value).add(d.expires_ms));
}

bool pg_trim_journal(PgConnection& db, std::uint64_t floor) {
  return ran(db, "DELETE FROM journal WHERE id < $1", Params().add(as_int(floor)));
}

bool pg_trim_journal_to(PgConnection& db, std::size_t keep) {
  return ran(db, "DELETE FROM journal WHERE id <= (SELECT id FROM journal ORDER BY id DESC OFFSET $1 LIMIT 1)",
             Params().add(static_cast<std::int64_t>(keep)));
}

bool pg_put_meta(PgConnection& db, std::string_view key, std::int64_t value, bool keep_larger) {
  const auto sql = keep_larger ? "INSERT INTO meta VALUES($1,$2) ON CONFLICT (key) DO UPDATE SET "
                                 "value = GREATEST(meta.value, EXCLUDED.value)"
                               : "INSERT INTO meta VALUES($1,$2) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value";
  return ran(db, sql, Params().add(key).add(value));
}

std::optional<std::string> pg_read_tenants(PgConnection& db, core::StoredState& state) {
  auto r = db.exec("SELECT id, project, account, region FROM tenants ORDER BY id");
  if (!r.ok()) return fmt::format("tenants: {}", r.error());
  for (int row = 0; row < r.rows(); ++row)
    state.tenants.emplace_back(static_cast<core::TenantId>(r.integer(row, 0)),
                               core::TenantInfo{r.text(row, 1), r.text(row, 2), r.text(row, 3)});
  return std::nullopt;
}

std::optional<std::string> pg_read_servers(PgConnection& db, core::StoredState& state) {
  return pg_read_servers_where(db, state, "", Params());
}

std::optional<std::string> pg_read_servers_where(PgConnection& db, core::StoredState& state, std::string_view where,
                                                 const Params& params) {
  auto r = db.exec(fmt::format("SELECT {} FROM servers {} ORDER BY seq", kServerColumns, where), params);
  if (!r.ok()) return fmt::format("servers: {}", r.error());
  for (int row = 0; row < r.rows(); ++row) {
    core::ServerRecord s;
    auto& i = s.info;
    std::string problem;
    i.seq = static_cast<std::uint64_t>(r.integer(row, 0));
    i.uuid = r.text(row, 1);
    i.transfer_id = r.text(row, 2);
    i.tenant = static_cast<core::TenantId>(r.integer(row, 3));
    i.name = r.text(row, 4);
    i.state = parsed<core::State>(r, row, 5, core::parse_state, problem, "state").value_or(core::State::Running);
    if (!r.is_null(row, 6)) {
      const auto by = r.text(row, 6);
      if (by != "owner" && by != "admin") problem = fmt::format("unknown lock holder '{}'", by);
      i.lock = core::LockInfo{true, by == "admin" ? core::LockOwner::Admin : core::LockOwner::Owner, r.text(row, 7)};
    }
    i.created_ms = r.integer(row, 8);
    i.updated_ms = r.integer(row, 9);
    i.launched_ms = r.maybe_integer(row, 10);
    i.clean_shutdown = r.integer(row, 11) != 0;
    auto tags = core::decode_pairs(r.bytes(row, 12)), metadata = core::decode_pairs(r.bytes(row, 13)),
         attributes = core::decode_pairs(r.bytes(row, 14));
    if (!tags || !metadata || !attributes) problem = "tags, metadata or attributes cannot be read";
    i.tags = std::move(tags).value_or(core::Pairs{});
    i.metadata = std::move(metadata).value_or(core::Pairs{});
    i.attributes = std::move(attributes).value_or(core::Pairs{});
    if (auto action = parsed<core::Action>(r, row, 15, core::parse_action, problem, "action")) {
      core::PendingTransition p;
      p.action = *action;
      p.to = parsed<core::State>(r, row, 16, core::parse_state, problem, "state").value_or(core::State::Running);
      p.failed = parsed<core::State>(r, row, 17, core::parse_state, problem, "state").value_or(core::State::Running);
      p.fail = r.integer(row, 18) != 0;
      p.due_ms = r.integer(row, 19);
      p.journal_id = static_cast<std::uint64_t>(r.integer(row, 20));
      s.pending = p;
    }
    s.billed_since = r.integer(row, 21);
    s.running_ms = r.integer(row, 22);
    s.stopped_ms = r.integer(row, 23);
    s.deleted_ms = r.maybe_integer(row, 24);
    i.transition_from = parsed<core::State>(r, row, 25, core::parse_state, problem, "state");
    i.fault = r.text(row, 26);
    s.version = static_cast<std::uint64_t>(r.integer(row, 27));
    if (!problem.empty()) return fmt::format("servers, row {}: {}", i.seq, problem);
    state.servers.push_back(std::move(s));
  }
  return std::nullopt;
}

std::optional<std::string> pg_read_journal(PgConnection& db, core::StoredState& state) {
  auto r = db.exec(fmt::format("SELECT {} FROM journal ORDER BY id", kJournalColumns));
  if (!r.ok()) return fmt::format("journal: {}", r.error());
  for (int row = 0; row < r.rows(); ++row) {
    core::JournalEntry e;
    std::string problem;
    e.id = static_cast<std::uint64_t>(r.integer(row, 0));
    e.request_id = r.text(row, 1);
    e.api = r.text(row, 2);
    e.operation = r.text(row, 3);
    e.caller = r.text(row, 4);
    e.caller_scope = r.text(row, 5);
    if (auto tenant = r.maybe_integer(row, 6)) e.tenant = static_cast<core::TenantId>(*tenant);
    e.server_uuid = r.text(row, 7);
    e.server_transfer_id = r.text(row, 8);
    e.action = parsed<core::Action>(r, row, 9, core::parse_action, problem, "action");
    e.state_before = parsed<core::State>(r, row, 10, core::parse_state, problem, "state");
    e.state_after = parsed<core::State>(r, row, 11, core::parse_state, problem, "state");
    e.status = static_cast<int>(r.integer(row, 12));
    e.result = r.text(row, 13);
    e.injected = r.integer(row, 14) != 0;
    e.start_ms = r.integer(row, 15);
    e.finish_ms = r.integer(row, 16);
    e.settled_ms = r.maybe_integer(row, 17);
    e.transition_failed = r.integer(row, 18) != 0;
    if (!problem.empty()) return fmt::format("journal, entry {}: {}", e.id, problem);
    state.journal.push_back(std::move(e));
  }
  return std::nullopt;
}

std::optional<std::string> pg_read_documents(PgConnection& db, core::StoredState& state) {
  auto r = db.exec("SELECT kind, key, value, expires_ms FROM documents ORDER BY kind, key");
  if (!r.ok()) return fmt::format("documents: {}", r.error());
  for (int row = 0; row < r.rows(); ++row) {
    core::Document d;
    d.kind = r.text(row, 0);
    d.key = r.text(row, 1);
    d.value = r.bytes(row, 2);
    d.expires_ms = r.integer(row, 3);
    state.documents.push_back(std::move(d));
  }
  return std::nullopt;
}

std::optional<std::string> pg_read_meta(PgConnection& db, core::StoredState& state) {
  auto r = db.exec("SELECT key, value FROM meta");
  if (!r.ok()) return fmt::format("meta: {}", r.error());
  for (int row = 0; row < r.rows(); ++row) {
    const auto key = r.text(row, 0);
    if (key == "journal_next_id") state.journal_next_id = static_cast<std::uint64_t>(r.integer(row, 1));
    if (key == "cursor_secret") state.cursor_secret = static_cast<std::uint64_t>(r.integer(row, 1));
  }
  return std::nullopt;
}

}  // namespace store
