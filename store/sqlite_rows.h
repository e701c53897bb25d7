// The store's tables and how the core's records map to their rows. One
// server is one row (its tags, metadata and attributes encoded in a column
// each), so a change to a server is one write. Internal to store/.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/store.h"
#include "store/sqlite_database.h"

namespace store {

// "lgwy": what PRAGMA application_id says of our files.
inline constexpr std::int64_t kApplicationId = 0x6c677779;
// The schema this build writes and reads; PRAGMA user_version of the file.
inline constexpr std::int64_t kSchemaVersion = 2;

// CREATE TABLE statements for a new file.
std::string_view schema_sql();
// What brings a file of schema `from` to the next one (empty: nothing known).
std::string_view upgrade_sql(std::int64_t from);

// Prepared statements of one connection, made once.
struct Statements {
  explicit Statements(sqlite3* db);
  bool ok() const;

  Statement put_tenant, put_server, put_journal, settle_journal, put_document, drop_document, trim_journal,
      put_meta, begin, commit, rollback;
};

// Runs a statement with no result rows (and resets it); false on an error.
bool run(Statement& s);

// Binds and runs one write; false on an error (the connection has the message).
bool put_tenant(Statements& s, core::TenantId id, const core::TenantInfo& tenant);
bool put_server(Statements& s, const core::ServerRecord& record);
bool put_journal(Statements& s, const core::JournalEntry& entry);
bool settle_journal(Statements& s, const core::Settlement& settled);
// Writes a document, or removes it when it says so.
bool put_document(Statements& s, const core::Document& document);
bool trim_journal(Statements& s, std::uint64_t floor);
bool put_meta(Statements& s, std::string_view key, std::int64_t value);

// Reads every row of a table into `state`; a message if a row cannot be read.
std::optional<std::string> read_tenants(sqlite3* db, core::StoredState& state);
std::optional<std::string> read_servers(sqlite3* db, core::StoredState& state);
std::optional<std::string> read_journal(sqlite3* db, core::StoredState& state);
// `version`: the file's schema (1 kept documents in a table named credentials).
std::optional<std::string> read_documents(sqlite3* db, core::StoredState& state, std::int64_t version);
std::optional<std::string> read_meta(sqlite3* db, core::StoredState& state);

}  // namespace store
