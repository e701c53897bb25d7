#include "store/sqlite_database.h"

#include <utility>

namespace store {

Statement::Statement(sqlite3* db, std::string_view sql) {
  rc_ = sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &stmt_, nullptr);
  if (rc_ != SQLITE_OK) stmt_ = nullptr;
}

Statement::~Statement() { sqlite3_finalize(stmt_); }

Statement::Statement(Statement&& other) noexcept
    : stmt_(std::exchange(other.stmt_, nullptr)), rc_(other.rc_) {}

Statement& Statement::operator=(Statement&& other) noexcept {
  if (this != &other) {
    sqlite3_finalize(stmt_);
    stmt_ = std::exchange(other.stmt_, nullptr);
    rc_ = other.rc_;
  }
  return *this;
}

Statement& Statement::bind(int at, std::int64_t value) {
  sqlite3_bind_int64(stmt_, at, value);
  return *this;
}

Statement& Statement::bind(int at, std::string_view text) {
  // SQLITE_STATIC: no copy. The text must outlive the step: every caller
  // binds values that live until its reset() (the store's writes step at
  // once).
  sqlite3_bind_text(stmt_, at, text.data(), static_cast<int>(text.size()), SQLITE_STATIC);
  return *this;
}

Statement& Statement::bind(int at, std::optional<std::int64_t> value) {
  return value ? bind(at, *value) : bind_null(at);
}

Statement& Statement::bind_null(int at) {
  sqlite3_bind_null(stmt_, at);
  return *this;
}

bool Statement::step() {
  rc_ = sqlite3_step(stmt_);
  return rc_ == SQLITE_ROW;
}

void Statement::reset() {
  // Bindings are not cleared: every use binds every parameter again.
  sqlite3_reset(stmt_);
  rc_ = SQLITE_OK;
}

int Statement::columns() const { return sqlite3_column_count(stmt_); }

bool Statement::is_null(int column) const { return sqlite3_column_type(stmt_, column) == SQLITE_NULL; }

std::int64_t Statement::integer(int column) const { return sqlite3_column_int64(stmt_, column); }

std::string Statement::text(int column) const {
  const auto* bytes = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
  return bytes ? std::string(bytes, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column))) : std::string();
}

std::optional<std::int64_t> Statement::maybe_integer(int column) const {
  if (is_null(column)) return std::nullopt;
  return integer(column);
}

Database::Database(const std::string& path, int flags) {
  open_rc_ = sqlite3_open_v2(path.c_str(), &db_, flags, nullptr);
  if (open_rc_ == SQLITE_OK) sqlite3_extended_result_codes(db_, 1);
}

Database::~Database() { sqlite3_close_v2(db_); }

int Database::exec(std::string_view sql) {
  return sqlite3_exec(db_, std::string(sql).c_str(), nullptr, nullptr, nullptr);
}

std::optional<std::int64_t> Database::query_integer(std::string_view sql) {
  Statement s(db_, sql);
  if (!s.ok() || !s.step()) return std::nullopt;
  return s.maybe_integer(0);
}

std::optional<std::string> Database::query_text(std::string_view sql) {
  Statement s(db_, sql);
  if (!s.ok() || !s.step()) return std::nullopt;
  return s.text(0);
}

std::string Database::error() const { return db_ ? sqlite3_errmsg(db_) : "out of memory"; }

}  // namespace store
