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
  PGresult* handle() const { return result_; }

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

  // Pipeline mode (libpq 14 and later): between begin_pipeline() and
  // end_pipeline(), statements given to run() go out at once, without
  // waiting for each answer (a batch's writes: one round trip, not one per
  // row). end_pipeline() reads every answer; false if any statement failed
  // (error() says the first), and then the connection is made again at the
  // next ensure(), as after a lost one.
  bool begin_pipeline();
  bool end_pipeline();
  // A statement whose rows are not wanted: executed now, or sent when pipelined.
  bool run(std::string_view sql, const Params& params);

 private:
  void drop();  // closes the connection: ensure() makes it again

  std::string url_, settings_;
  PGconn* conn_ = nullptr;
  std::string error_;
  int pipelined_ = -1;  // statements sent in the pipeline; -1: not pipelined
};

}  // namespace store
