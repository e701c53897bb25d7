// libpq reports errors on the connection and on each result; both are kept
// as text on one line, for a message the gateway prints or answers with.
#include "store/pg_connection.h"

#include <cstdlib>
#include <utility>

namespace store {
namespace {

constexpr const char* kConnectTimeoutSeconds = "3";  // a database away: refuse changes after this long

std::string one_line(const char* message) {
  std::string text = message ? message : "";
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  for (auto& c : text)
    if (c == '\n') c = ' ';
  return text;
}

}  // namespace

Params& Params::add(std::string_view text) {
  values_.emplace_back(std::string(text));
  return *this;
}
Params& Params::add(std::int64_t value) {
  values_.emplace_back(std::to_string(value));
  return *this;
}
Params& Params::add(std::optional<std::int64_t> value) { return value ? add(*value) : null(); }
Params& Params::add(std::optional<std::string_view> text) { return text ? add(*text) : null(); }
Params& Params::add_bytes(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex = "\\x";
  hex.reserve(2 + 2 * bytes.size());
  for (const unsigned char b : bytes) {
    hex.push_back(kHex[b >> 4]);
    hex.push_back(kHex[b & 0xf]);
  }
  values_.emplace_back(std::move(hex));
  return *this;
}
Params& Params::null() {
  values_.emplace_back(std::nullopt);
  return *this;
}

std::vector<const char*> Params::pointers() const {
  std::vector<const char*> out;
  out.reserve(values_.size());
  for (const auto& v : values_) out.push_back(v ? v->c_str() : nullptr);
  return out;
}

PgResult::~PgResult() {
  if (result_) PQclear(result_);
}
PgResult::PgResult(PgResult&& other) noexcept : result_(std::exchange(other.result_, nullptr)) {}
PgResult& PgResult::operator=(PgResult&& other) noexcept {
  if (this != &other) {
    if (result_) PQclear(result_);
    result_ = std::exchange(other.result_, nullptr);
  }
  return *this;
}

bool PgResult::ok() const {
  if (!result_) return false;
  const auto status = PQresultStatus(result_);
  return status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK;
}
int PgResult::rows() const { return result_ ? PQntuples(result_) : 0; }
int PgResult::columns() const { return result_ ? PQnfields(result_) : 0; }
std::int64_t PgResult::affected() const {
  const char* n = result_ ? PQcmdTuples(result_) : "";
  return *n ? std::strtoll(n, nullptr, 10) : 0;
}
bool PgResult::is_null(int row, int column) const { return PQgetisnull(result_, row, column) != 0; }
std::string PgResult::text(int row, int column) const {
  return std::string(PQgetvalue(result_, row, column), static_cast<std::size_t>(PQgetlength(result_, row, column)));
}
std::int64_t PgResult::integer(int row, int column) const {
  return std::strtoll(PQgetvalue(result_, row, column), nullptr, 10);
}
std::optional<std::int64_t> PgResult::maybe_integer(int row, int column) const {
  if (is_null(row, column)) return std::nullopt;
  return integer(row, column);
}
std::string PgResult::bytes(int row, int column) const {
  std::size_t length = 0;
  auto* raw = PQunescapeBytea(reinterpret_cast<const unsigned char*>(PQgetvalue(result_, row, column)), &length);
  if (!raw) return {};
  std::string out(reinterpret_cast<const char*>(raw), length);
  PQfreemem(raw);
  return out;
}
std::string PgResult::error() const { return result_ ? one_line(PQresultErrorMessage(result_)) : ""; }
std::string PgResult::sqlstate() const {
  const char* code = result_ ? PQresultErrorField(result_, PG_DIAG_SQLSTATE) : nullptr;
  return code ? code : "";
}

PgConnection::PgConnection(std::string url, std::string settings)
    : url_(std::move(url)), settings_(std::move(settings)) {}

PgConnection::~PgConnection() {
  if (conn_) PQfinish(conn_);
}

bool PgConnection::ok() const { return conn_ && PQstatus(conn_) == CONNECTION_OK; }

bool PgConnection::ensure() {
  if (ok()) return true;
  if (conn_) PQfinish(conn_);
  // The URL's own settings win: it is expanded after our defaults.
  const char* keys[] = {"connect_timeout", "application_name", "dbname", nullptr};
  const char* values[] = {kConnectTimeoutSeconds, "lifecycle-gateway", url_.c_str(), nullptr};
  conn_ = PQconnectdbParams(keys, values, 1);
  if (!ok()) {
    error_ = one_line(conn_ ? PQerrorMessage(conn_) : "out of memory");
    return false;
  }
  if (!settings_.empty()) {
    auto set = exec(settings_);
    if (!set.ok()) {
      error_ = set.error();
      PQfinish(conn_);
      conn_ = nullptr;
      return false;
    }
  }
  return true;
}

PgResult PgConnection::exec(std::string_view sql) {
  PgResult result(PQexec(conn_, std::string(sql).c_str()));
  if (!result.ok()) error_ = result.error().empty() ? one_line(PQerrorMessage(conn_)) : result.error();
  return result;
}

PgResult PgConnection::exec(std::string_view sql, const Params& params) {
  const auto values = params.pointers();
  PgResult result(
      PQexecParams(conn_, std::string(sql).c_str(), params.size(), nullptr, values.data(), nullptr, nullptr, 0));
  if (!result.ok()) error_ = result.error().empty() ? one_line(PQerrorMessage(conn_)) : result.error();
  return result;
}

std::string PgConnection::error() const { return error_; }

void PgConnection::drop() {
  if (conn_) PQfinish(conn_);
  conn_ = nullptr;
  pipelined_ = -1;
}

bool PgConnection::begin_pipeline() {
  if (!ok() || PQenterPipelineMode(conn_) != 1) {
    error_ = one_line(conn_ ? PQerrorMessage(conn_) : "not connected");
    return false;
  }
  pipelined_ = 0;
  return true;
}

bool PgConnection::run(std::string_view sql, const Params& params) {
  if (pipelined_ < 0) return exec(sql, params).ok();
  const auto values = params.pointers();
  if (PQsendQueryParams(conn_, std::string(sql).c_str(), params.size(), nullptr, values.data(), nullptr, nullptr,
                        0) != 1) {
    error_ = one_line(PQerrorMessage(conn_));
    return false;
  }
  ++pipelined_;
  return true;
}

bool PgConnection::end_pipeline() {
  if (pipelined_ < 0) return false;
  const int sent = pipelined_;
  pipelined_ = -1;
  std::string failure;  // the first: the statements after it are only "aborted"
  if (PQpipelineSync(conn_) != 1) failure = one_line(PQerrorMessage(conn_));
  // Each statement's results end with a null; then the sync's own result.
  // A connection that died answers nulls forever: bounded by what was sent.
  bool synced = false;
  for (int ended = 0; !synced && ended <= sent && ok();) {
    PgResult result(PQgetResult(conn_));
    if (!result.handle()) {
      ++ended;
      continue;
    }
    const auto status = PQresultStatus(result.handle());
    if (status == PGRES_PIPELINE_SYNC)
      synced = true;
    else if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK && failure.empty())
      failure = result.error().empty() ? one_line(PQerrorMessage(conn_)) : result.error();
  }
  if (!failure.empty()) error_ = failure;
  if (!synced || PQexitPipelineMode(conn_) != 1) {
    if (failure.empty()) error_ = one_line(PQerrorMessage(conn_));
    drop();
    return false;
  }
  return failure.empty();
}

}  // namespace store
