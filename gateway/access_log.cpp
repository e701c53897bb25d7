#include "gateway/access_log.h"

#include <charconv>
#include <ctime>

namespace gateway {
namespace {

void append_number(std::string& out, long long value) {
  char digits[24];
  out.append(digits, std::to_chars(digits, digits + sizeof digits, value).ptr);
}

// The length of the valid UTF-8 sequence at text[i], or 0.
std::size_t utf8_sequence(std::string_view text, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char lead = byte(i);
  std::size_t length = lead >= 0xf0 && lead <= 0xf4 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc2 && lead < 0xe0 ? 2 : 0;
  if (length == 0 || i + length > text.size()) return 0;
  for (std::size_t k = 1; k < length; ++k)
    if ((byte(i + k) & 0xc0) != 0x80) return 0;
  // Overlong forms, surrogates and code points past U+10FFFF.
  if (lead == 0xe0 && byte(i + 1) < 0xa0) return 0;
  if (lead == 0xed && byte(i + 1) >= 0xa0) return 0;
  if (lead == 0xf0 && byte(i + 1) < 0x90) return 0;
  if (lead == 0xf4 && byte(i + 1) >= 0x90) return 0;
  return length;
}

// A JSON string of any bytes: paths and operation names come from clients,
// so quotes and control characters are escaped and bytes that are not UTF-8
// become U+FFFD, leaving every line one valid JSON object.
void append_json_string(std::string& out, std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  std::size_t run = 0;  // the start of the bytes that need no escaping, appended in one go
  for (std::size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
      ++i;
      continue;
    }
    if (c >= 0x80) {
      if (const auto n = utf8_sequence(text, i)) {
        i += n;
        continue;
      }
    }
    out.append(text.substr(run, i - run));
    if (c == '"' || c == '\\') out.append(1, '\\').append(1, static_cast<char>(c));
    else if (c < 0x80) out.append("\\u00").append(1, kHex[c >> 4]).append(1, kHex[c & 0xf]);
    else out.append("\\ufffd");  // not UTF-8
    run = ++i;
  }
  out.append(text.substr(run)).append(1, '"');
}

void append_field(std::string& out, std::string_view key, std::string_view value) {
  out.append(",\"").append(key).append("\":");
  append_json_string(out, value);
}

// "2026-11-22T20:49:01.123456Z". The date and time of day are formatted once
// per second per thread.
void append_time(std::string& out, std::chrono::system_clock::time_point time) {
  using namespace std::chrono;
  thread_local long long cached_second = -1;
  thread_local char cached[32];
  const auto micros = duration_cast<microseconds>(time.time_since_epoch()).count();
  const auto second = micros / 1'000'000;
  if (second != cached_second) {
    const std::time_t t = static_cast<std::time_t>(second);
    std::tm parts{};
    gmtime_r(&t, &parts);
    std::strftime(cached, sizeof cached, "%Y-%m-%dT%H:%M:%S", &parts);
    cached_second = second;
  }
  char fraction[8] = {'.', '0', '0', '0', '0', '0', '0', 'Z'};
  for (int i = 6, rest = static_cast<int>(micros % 1'000'000); i >= 1; --i, rest /= 10)
    fraction[i] = static_cast<char>('0' + rest % 10);
  out.append("\"").append(cached).append(fraction, sizeof fraction).append("\"");
}

}  // namespace

void append_human_line(std::string& out, const AccessRecord& r) {
  out.append(r.method).append(" ").append(r.path).append(" ");
  append_number(out, r.status);
  out.append(" ");
  append_number(out, r.micros);
  out.append("us ").append(r.request_id).append("\n");
}

void append_json_line(std::string& out, const AccessRecord& r) {
  out.append("{\"time\":");
  append_time(out, r.time);
  append_field(out, "request_id", r.request_id);
  append_field(out, "method", r.method);
  append_field(out, "path", r.path);
  append_field(out, "api", r.api);
  append_field(out, "operation", r.operation);
  // The server by the identity of the API called (the other one when only it is known).
  const auto* call = r.call && !r.call->api.empty() ? r.call : nullptr;
  const bool transfer = call && call->api == "transfer";
  std::string_view server;
  if (call) {
    const std::string_view own = transfer ? call->server_transfer_id : call->server_uuid;
    server = own.empty() ? std::string_view(transfer ? call->server_uuid : call->server_transfer_id) : own;
  }
  if (server.empty()) out.append(",\"server\":null");
  else append_field(out, "server", server);
  out.append(",\"status\":");
  append_number(out, r.status);
  out.append(",\"microseconds\":");
  append_number(out, r.micros);
  // Who called, in the API's own terms: an access key and account, or a user and project.
  out.append(",\"caller\":");
  if (call && !call->caller.empty()) {
    out.append(transfer ? "{\"access_key\":" : "{\"user\":");
    append_json_string(out, call->caller);
    if (!call->caller_scope.empty()) {
      out.append(transfer ? ",\"account\":" : ",\"project\":");
      append_json_string(out, call->caller_scope);
    }
    out.append("}");
  } else {
    out.append("null");
  }
  // The journal's verdict: accepted, a core error's name, unknown_operation.
  if (call && !call->result.empty()) append_field(out, "result", call->result);
  out.append("}\n");
}

AccessLog::AccessLog(LogFormat format, int fd) : format_(format) {
  if (format_ != LogFormat::Off) writer_ = std::make_unique<LogWriter>(fd);
}

void AccessLog::write(const AccessRecord& record) {
  if (!writer_) return;
  // Built in a per-thread buffer that keeps its capacity: no allocation per line.
  thread_local std::string line;
  line.clear();
  if (format_ == LogFormat::Json) append_json_line(line, record);
  else append_human_line(line, record);
  writer_->append(line);
}

void AccessLog::close() {
  if (writer_) writer_->close();
}

}  // namespace gateway
