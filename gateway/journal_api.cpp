// GET /_gateway/journal (entries oldest first, or {"count": N}) and DELETE
// /_gateway/journal: what a contract test asserts about the calls its code made.
#include "gateway/journal_api.h"

#include <charconv>
#include <initializer_list>

#include <fmt/format.h>
#include <httplib.h>
#include <rapidjson/stringbuffer.h>

#include "core/text.h"
#include "gateway/control_plane.h"
#include "gateway/json_writer.h"
#include "gateway/state_views.h"

namespace gateway {
namespace {

constexpr std::size_t kMaxPage = 10000;

std::optional<std::uint64_t> number(const std::string& text) {
  std::uint64_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return v;
}

bool all_digits(std::string_view s) { return !s.empty() && s.find_first_not_of("0123456789") == std::string_view::npos; }

// tenant=PROJECT, or tenant=ACCOUNT (12 digits, us-east-1) or ACCOUNT/REGION.
core::TenantId tenant_of(core::Tenants& tenants, const std::string& text) {
  const auto slash = text.find('/');
  const auto account = std::string_view(text).substr(0, slash);
  if (account.size() == 12 && all_digits(account))
    return tenants.for_account(account, slash == std::string::npos ? "us-east-1" : text.substr(slash + 1));
  return tenants.for_project(text);
}

// Parses the query into `q`; a message naming the problem otherwise.
std::optional<std::string> parse_query(const httplib::Request& req, core::Fleet& fleet, core::JournalQuery& q,
                                       bool& count) {
  for (const auto& [key, value] : req.params) {
    if (key == "api") q.api = value;
    else if (key == "operation") q.operation = value;
    else if (key == "server") q.server = value.size() == 36 ? core::ascii_lower(value) : value;
    else if (key == "result") q.result = value;
    else if (key == "tenant") q.tenant = tenant_of(fleet.tenants(), value);
    else if (key == "since") {
      auto n = number(value);
      if (!n) return fmt::format("since: '{}' is not an entry id", value);
      q.since = *n;
    } else if (key == "limit") {
      auto n = number(value);
      if (!n || *n < 1 || *n > kMaxPage) return fmt::format("limit: '{}' is not a number from 1 to {}", value, kMaxPage);
      q.limit = static_cast<std::size_t>(*n);
    } else if (key == "count") {
      if (value != "true" && value != "false") return fmt::format("count: '{}' is not true or false", value);
      count = value == "true";
    } else if (key != "token") {
      return fmt::format("unknown parameter '{}' (known: api, operation, server, tenant, result, since, limit, count)",
                         key);
    }
  }
  return std::nullopt;
}

template <typename T>
void name_or_null(JsonWriter& w, const char* key, const std::optional<T>& v) {
  w.Key(key);
  if (v) write_string(w, core::name(*v));
  else w.Null();
}

void millis_or_null(JsonWriter& w, const char* key, const std::optional<core::Millis>& v) {
  w.Key(key);
  if (v) w.Int64(*v);
  else w.Null();
}

}  // namespace

void write_journal_entry(JsonWriter& w, const core::JournalEntry& e, core::Tenants& tenants) {
  w.StartObject();
  w.Key("id");
  w.Uint64(e.id);
  write_field(w, "request_id", e.request_id);
  write_field(w, "api", e.api);
  write_field(w, "operation", e.operation);
  w.Key("caller");
  w.StartObject();
  const bool aws = e.api == "transfer";
  write_field(w, aws ? "access_key" : "user", e.caller);
  write_field(w, aws ? "account" : "project", e.caller_scope);
  w.EndObject();
  if (e.tenant) write_tenant(w, tenants.info(*e.tenant));
  w.Key("server");
  if (e.server_uuid.empty() && e.server_transfer_id.empty()) {
    w.Null();
  } else {
    w.StartObject();
    write_field(w, "id", e.server_uuid);
    write_field(w, "server_id", e.server_transfer_id);
    w.EndObject();
  }
  name_or_null(w, "action", e.action);
  name_or_null(w, "state_before", e.state_before);
  name_or_null(w, "state_after", e.state_after);
  w.Key("status");
  w.Int(e.status);
  write_field(w, "result", e.result);
  w.Key("injected");
  w.Bool(e.injected);
  w.Key("start_ms");
  w.Int64(e.start_ms);
  w.Key("finish_ms");
  w.Int64(e.finish_ms);
  millis_or_null(w, "settled_ms", e.settled_ms);
  w.Key("transition_failed");
  w.Bool(e.transition_failed);
  if (e.api == "sftp") {  // a file operation: what it touched
    write_field(w, "path", e.path);
    w.Key("bytes");
    w.Uint64(e.bytes);
  }
  w.EndObject();
}

void mount_journal(httplib::Server& server, core::Fleet& fleet) {
  server.Get("/_gateway/journal", [&fleet](const httplib::Request& req, httplib::Response& res) {
    core::JournalQuery query;
    bool count = false;
    if (auto problem = parse_query(req, fleet, query, count)) return send_control_error(res, 400, *problem);
    rapidjson::StringBuffer buffer;
    JsonWriter w(buffer);
    w.StartObject();
    if (count) {
      w.Key("count");
      w.Uint64(fleet.journal().count(query));
    } else {
      w.Key("entries");
      w.StartArray();
      for (const auto& e : fleet.journal().read(query)) write_journal_entry(w, e, fleet.tenants());
      w.EndArray();
    }
    w.EndObject();
    res.set_content(buffer.GetString(), buffer.GetSize(), "application/json");
  });

  server.Delete("/_gateway/journal", [&fleet](const httplib::Request&, httplib::Response& res) {
    if (auto cleared = fleet.clear_journal(); !cleared) return send_control_error(res, 503, cleared.error().detail);
    res.status = 204;
  });
}

}  // namespace gateway
