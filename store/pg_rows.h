// The PostgreSQL store's tables and how the core's records map to their
// rows: the same tables, with the same meaning, as the SQLite store's
// (store/sqlite_rows.h), plus a version on each server row that every write
// of it bumps. Internal to store/.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/store.h"
#include "store/pg_connection.h"

namespace store {

// What the meta table says of a database of ours ("lgwy"), and the schema
// this build writes and reads.
inline constexpr std::int64_t kPgApplicationId = 0x6c677779;
inline constexpr std::int64_t kPgSchemaVersion = 1;

// CREATE TABLE statements for a new database.
std::string_view pg_schema_sql();

// One write each; false on an error (the connection has the message).
bool pg_put_tenant(PgConnection& db, core::TenantId id, const core::TenantInfo& tenant);
bool pg_put_server(PgConnection& db, const core::ServerRecord& record);
bool pg_put_journal(PgConnection& db, const core::JournalEntry& entry);
bool pg_settle_journal(PgConnection& db, const core::Settlement& settled);
// Writes a document, or removes it when it says so.
bool pg_put_document(PgConnection& db, const core::Document& document);
bool pg_trim_journal(PgConnection& db, std::uint64_t floor);
// Keeps the `keep` newest entries (several gateways' ids interleave: a count, not a floor).
bool pg_trim_journal_to(PgConnection& db, std::size_t keep);
// `keep_larger`: keeps the larger of the kept value and `value` (a counter
// several writers move on); else sets it.
bool pg_put_meta(PgConnection& db, std::string_view key, std::int64_t value, bool keep_larger);

// Reads every row of a table into `state`; a message if one cannot be read.
std::optional<std::string> pg_read_tenants(PgConnection& db, core::StoredState& state);
std::optional<std::string> pg_read_servers(PgConnection& db, core::StoredState& state);
// Those rows of servers that `where` ("WHERE seq = $1", with `params`) picks.
std::optional<std::string> pg_read_servers_where(PgConnection& db, core::StoredState& state, std::string_view where,
                                                 const Params& params);
std::optional<std::string> pg_read_journal(PgConnection& db, core::StoredState& state);
std::optional<std::string> pg_read_documents(PgConnection& db, core::StoredState& state);
std::optional<std::string> pg_read_meta(PgConnection& db, core::StoredState& state);

}  // namespace store
