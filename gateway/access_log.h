// The access log (--access-log): one line per request on stderr, the human
// line ("POST / 200 112us REQUEST-ID") or one JSON object for log collectors.
// Lines are built on the request's thread and written by a LogWriter, so no
// request waits on the file.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include "core/journal.h"
#include "gateway/log_writer.h"
#include "gateway/options.h"

namespace gateway {

// What the log says of one request.
struct AccessRecord {
  std::string_view method;
  std::string_view path;  // without the query string (it may carry ?token=)
  int status = 0;
  long long micros = 0;
  std::string_view request_id;  // "-" when the answer carries none
  std::string_view api;         // the adapter's, else the gateway's classification
  std::string_view operation;
  const core::JournalEntry* call = nullptr;    // server, caller and result, when an adapter described the call
  std::chrono::system_clock::time_point time;  // when the request arrived
};

// Appends the record's line, '\n' included, to out.
void append_human_line(std::string& out, const AccessRecord& record);
void append_json_line(std::string& out, const AccessRecord& record);

class AccessLog {
 public:
  // Off starts nothing; the others write to fd (stderr) through a LogWriter.
  AccessLog(LogFormat format, int fd);
  LogFormat format() const { return format_; }
  void write(const AccessRecord& record);
  // Writes every line still buffered (at shutdown).
  void close();

 private:
  LogFormat format_;
  std::unique_ptr<LogWriter> writer_;
};

}  // namespace gateway
