// A thin RAII layer over libpq for the PostgreSQL store: a connection that
// reconnects when it was lost, parameterised statements in text format, and
// results read by row and column. Internal to store/: nothing outside
// includes it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <libpq-fe.h>

namespace store {

// One statement's parameters, in PostgreSQL's text format (nullopt: NULL).
class Params {
 public:
  Params& add(std::string_view text);
  Params& add(const std::string& text) { return add(std::string_view(text)); }
  Params& add(const char* text) { return add(std::string_view(text)); }
  Params& add(std::int64_t value);
  Params& add(std::optional<std::int64_t> value);
  Params& add(std::optional<std::string_view> text);
  Params& add_bytes(std::string_view bytes);  // for a BYTEA column: any bytes
  Params& null();

  int size() const { return static_cast<int>(values_.size()); }
  // Pointers into the values, valid while this lives unchanged.
  std::vector<const char*> pointers() const;

 private:
  std::vector<std::optional<std::string>> values_;
};

// A statement's result; empty (not ok) on an error.
class PgResult {
 public:
  explicit PgResult(PGresult* result = nullptr) : result_(result) {}
  ~PgResult();
  PgResult(PgResult&& other) noexcept;
  PgResult& operator=(PgResult&& other) noexcept;
  PgResult(const PgResult&) = delete;
  PgResult& operator=(const PgResult&) = delete;

  // Commands ran, or rows came back.
  bool ok() const;
  int rows() const;
  int columns() const;
  std::int64_t affected() const;  // rows an INSERT, UPDATE or DELETE touched
  bool is_null(int row, int column) const;
  std::string text(int row, int column) const;
  std::int64_t integer(int row, int column) const;
  std::optional<std::int64_t> maybe_integer(int row, int column) const;
  std::string bytes(int row, int column) const;  // a BYTEA column's bytes
  std::string error() const;   // the server's message
  std::string sqlstate() const;  // its SQLSTATE code ("" if none)

 private:
  PGresult* result_ = nullptr;
};

class PgConnection {
 public:
  // `url`: a libpq connection URI or string; `settings`: run after every
  // (re)connect, e.g. SET statements.
  PgConnection(std::string url, std::string settings);
  ~PgConnection();
  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;

  // Connected (reconnecting first if the connection was lost); false with
  // error() saying why.
  bool ensure();
  bool ok() const;
  PGconn* handle() const { return conn_; }
  PgResult exec(std::string_view sql);
  PgResult exec(std::string_view sql, const Params& params);
  std::string error() const;  // the connection's last message, on one line

 private:
  std::string url_, settings_;
  PGconn* conn_ = nullptr;
  std::string error_;
};

}  // namespace store
