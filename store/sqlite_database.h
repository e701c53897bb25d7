// A thin RAII layer over SQLite's C API for the store's own files: a
// connection, prepared statements with typed binds and reads, and errors as
// text. Internal to store/: nothing outside includes it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <sqlite3.h>

namespace store {

class Statement {
 public:
  Statement() = default;
  Statement(sqlite3* db, std::string_view sql);
  ~Statement();
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  bool ok() const { return stmt_ != nullptr; }
  // Binds by 1-based position; std::nullopt binds NULL.
  Statement& bind(int at, std::int64_t value);
  Statement& bind(int at, std::string_view text);
  Statement& bind(int at, std::optional<std::int64_t> value);
  Statement& bind_null(int at);
  // Steps once: true while there is a row; false when done. Errors: see rc().
  bool step();
  int rc() const { return rc_; }
  void reset();

  int columns() const;  // of the statement's result rows
  bool is_null(int column) const;
  std::int64_t integer(int column) const;
  std::string text(int column) const;
  std::optional<std::int64_t> maybe_integer(int column) const;

 private:
  sqlite3_stmt* stmt_ = nullptr;
  int rc_ = SQLITE_OK;
};

class Database {
 public:
  // flags: SQLITE_OPEN_READONLY, or SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE.
  Database(const std::string& path, int flags);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  bool ok() const { return db_ != nullptr && open_rc_ == SQLITE_OK; }
  int open_rc() const { return open_rc_; }
  sqlite3* handle() const { return db_; }
  // Runs SQL with no result rows; returns SQLite's code.
  int exec(std::string_view sql);
  // The first column of the first row of a query, if any.
  std::optional<std::int64_t> query_integer(std::string_view sql);
  std::optional<std::string> query_text(std::string_view sql);
  std::string error() const;

 private:
  sqlite3* db_ = nullptr;
  int open_rc_ = SQLITE_OK;
};

}  // namespace store
