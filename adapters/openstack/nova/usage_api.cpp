// os-simple-tenant-usage, computed from the billing ledger (core
// Fleet::ledger()): a server's hours in a period are the hours the ledger
// billed in it (from its creation to its deletion, whatever its state), and
// its size is its flavor's. os-instance_usage_audit_log reports the last
// completed monthly audit period, the one host audited (DONE) with the
// servers the ledger billed in it.
#include <algorithm>
#include <chrono>
#include <map>

#include <fmt/chrono.h>
#include <fmt/format.h>
#include <httplib.h>

#include "adapters/openstack/nova/service.h"

namespace openstack {
namespace {

using Clock = std::chrono::system_clock;

// Nova's accepted forms: "%Y-%m-%dT%H:%M:%S", with ".%f", or "%Y-%m-%d %H:%M:%S.%f".
std::optional<core::Millis> parse_time(const std::string& text, bool space_form_needs_fraction) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
  char sep = 0;
  int used = 0;
  if (std::sscanf(text.c_str(), "%4d-%2d-%2d%c%2d:%2d:%2d%n", &y, &mo, &d, &sep, &h, &mi, &s, &used) != 7) return std::nullopt;
  if (sep != 'T' && sep != ' ') return std::nullopt;
  long long micros = 0;
  std::string rest = text.substr(static_cast<std::size_t>(used));
  if (!rest.empty()) {
    if (rest[0] != '.' || rest.size() < 2 || rest.size() > 7 ||
        rest.find_first_not_of("0123456789", 1) != std::string::npos)
      return std::nullopt;
    auto digits = rest.substr(1);
    digits.resize(6, '0');
    micros = std::stoll(digits);
  } else if (sep == ' ' && space_form_needs_fraction) {
    return std::nullopt;
  }
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 61) return std::nullopt;
  const auto days = std::chrono::sys_days(std::chrono::year(y) / mo / d);
  if (!std::chrono::year_month_day(days).ok()) return std::nullopt;
  const auto t = days + std::chrono::hours(h) + std::chrono::minutes(mi) + std::chrono::seconds(s);
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count() + micros / 1000;
}

struct Period {
  core::Millis start = 0, stop = 0;
  bool detailed = false;
};

// The start, end and detailed parameters (start and end default to now; end no later than now).
std::variant<Period, Fault> period_of(const httplib::Request& req, core::Millis now) {
  Period p;
  for (auto [key, out] : {std::pair<const char*, core::Millis*>{"start", &p.start}, {"end", &p.stop}}) {
    const auto text = req.has_param(key) ? req.get_param_value(key) : std::string();
    if (text.empty()) {
      // Nova reads the clock once for each: an absent start is a moment before an absent end.
      *out = std::string_view(key) == "start" ? now - 1 : now;
      continue;
    }
    const auto t = parse_time(text, true);
    if (!t) return bad_request("Invalid datetime string: Datetime is in invalid format");
    *out = *t;
  }
  if (!(p.start < p.stop)) return bad_request("Invalid start time. The start time cannot occur after the end time.");
  p.stop = std::min(p.stop, now);
  p.detailed = req.has_param("detailed") && req.get_param_value("detailed") == "1";
  return p;
}

struct ServerUsage {
  std::string uuid, name, project, flavor, state;
  double hours = 0;
  long long memory_mb = 0, local_gb = 0, vcpus = 0;
  core::Millis started = 0;
  std::optional<core::Millis> ended;
  long long uptime_s = 0;
};

}  // namespace

namespace {

std::vector<ServerUsage> usages(Service& svc, const Period& p, const std::optional<std::string>& project,
                                core::Millis now) {
  std::vector<ServerUsage> out;
  const core::Caller all{0, true, false, true};
  for (const auto& e : svc.fleet.ledger()) {
    const auto owner = svc.fleet.tenants().info(e.tenant).project;
    if (owner.empty() || (project && owner != *project)) continue;  // Transfer-only tenants have no Nova project
    const auto ended = e.deleted_ms;
    if (e.created_ms >= p.stop || (ended && *ended <= p.start)) continue;
    bool deleted = false;
    const auto server = svc.fleet.get_even_deleted(all, e.uuid, deleted);
    if (!server) continue;
    const auto flavor = flavor_of(svc.settings, *server);
    ServerUsage u;
    u.uuid = e.uuid;
    u.name = e.name;
    u.project = owner;
    u.flavor = flavor.name;
    // The hours the ledger billed within the period.
    const auto from = std::max(e.created_ms, p.start), to = std::min(ended.value_or(p.stop), p.stop);
    u.hours = static_cast<double>(std::max<core::Millis>(to - from, 0)) / 3'600'000.0;
    u.memory_mb = flavor.ram_mb;
    u.local_gb = flavor.disk_gb + flavor.ephemeral_gb;
    u.vcpus = flavor.vcpus;
    u.started = e.created_ms;
    u.ended = ended;
    u.state = ended ? "terminated" : std::string(status_view(e.state).vm_state);
    u.uptime_s = (ended.value_or(now) - e.created_ms) / 1000;
    out.push_back(std::move(u));
  }
  return out;
}

void write_usage(Writer& w, const ServerUsage& u) {
  w.StartObject();
  field(w, "instance_id", u.uuid);
  field(w, "name", u.name);
  w.Key("hours");
  w.Double(u.hours);
  w.Key("memory_mb");
  w.Int64(u.memory_mb);
  w.Key("local_gb");
  w.Int64(u.local_gb);
  w.Key("vcpus");
  w.Int64(u.vcpus);
  field(w, "tenant_id", u.project);
  field(w, "flavor", u.flavor);
  field(w, "started_at", iso8601(u.started, true));
  if (u.ended) {
    field(w, "ended_at", iso8601(*u.ended, true));
  } else {
    w.Key("ended_at");
    w.Null();
  }
  field(w, "state", u.state);
  w.Key("uptime");
  w.Int64(u.uptime_s);
  w.EndObject();
}

// A tenant's summary of `rows` (all of one project), with its servers when `detailed`.
void write_tenant(Writer& w, const std::string& project, const std::vector<const ServerUsage*>& rows,
                  const Period& p, bool detailed) {
  double hours = 0, gb = 0, vcpus = 0, mb = 0;
  for (const auto* u : rows) {
    hours += u->hours;
    gb += static_cast<double>(u->local_gb) * u->hours;
    vcpus += static_cast<double>(u->vcpus) * u->hours;
    mb += static_cast<double>(u->memory_mb) * u->hours;
  }
  w.StartObject();
  field(w, "tenant_id", project);
  if (detailed) {
    w.Key("server_usages");
    w.StartArray();
    for (const auto* u : rows) write_usage(w, *u);
    w.EndArray();
  }
  for (const auto& [key, value] : {std::pair{"total_local_gb_usage", gb}, {"total_vcpus_usage", vcpus},
                                   {"total_memory_mb_usage", mb}, {"total_hours", hours}}) {
    w.Key(key);
    w.Double(value);
  }
  field(w, "start", iso8601(p.start, true));
  field(w, "stop", iso8601(p.stop, true));
  w.EndObject();
}

// Paging (2.40): a limit over the servers, a marker naming the server to start after.
std::optional<Fault> page(std::vector<ServerUsage>& rows, const httplib::Request& req, const Version& v,
                          std::optional<std::size_t>& limit) {
  if (!v.at_least(40)) return std::nullopt;
  if (req.has_param("marker")) {
    const auto marker = req.get_param_value("marker");
    const auto it = std::find_if(rows.begin(), rows.end(), [&](const auto& u) { return u.uuid == marker; });
    if (it == rows.end()) return bad_request(fmt::format("Marker {} could not be found.", marker));
    rows.erase(rows.begin(), it + 1);
  }
  if (req.has_param("limit")) {
    const auto text = req.get_param_value("limit");
    if (text.empty() || text.size() > 9 || text.find_first_not_of("0123456789") != std::string::npos)
      return bad_request(fmt::format("Invalid input for query parameters limit. Value: {}. '{}' does not match "
                                     "'^[0-9]*$'",
                                     text, text));
    limit = std::min<std::size_t>(std::stoul(text), 1000);
    if (rows.size() > *limit) rows.resize(*limit);
  }
  return std::nullopt;
}

}  // namespace

void Service::list_tenant_usage(const httplib::Request& req, httplib::Response& res, const Call& call) {
  if (!allowed(res, call, "os_compute_api:os-simple-tenant-usage:list")) return;
  const auto now = fleet.clock().now_ms();
  const auto period = period_of(req, now);
  if (auto* fault = std::get_if<Fault>(&period)) return send_fault(res, call, *fault);
  const auto& p = std::get<Period>(period);
  auto rows = usages(*this, p, std::nullopt, now);
  std::optional<std::size_t> limit;
  if (auto fault = page(rows, req, call.version, limit)) return send_fault(res, call, *fault);
  std::vector<std::string> order;
  std::map<std::string, std::vector<const ServerUsage*>> by_project;
  for (const auto& u : rows) {
    if (!by_project.count(u.project)) order.push_back(u.project);
    by_project[u.project].push_back(&u);
  }
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  w.Key("tenant_usages");
  w.StartArray();
  for (const auto& project : order) write_tenant(w, project, by_project[project], p, p.detailed);
  w.EndArray();
  if (limit && !rows.empty() && rows.size() == *limit) {
    w.Key("tenant_usages_links");
    w.StartArray();
    w.StartObject();
    field(w, "rel", "next");
    field(w, "href", fmt::format("{}/compute/v2.1/os-simple-tenant-usage?limit={}&marker={}", call.base, *limit,
                                 rows.back().uuid));
    w.EndObject();
    w.EndArray();
  }
  w.EndObject();
  send_json(res, 200, buffer.GetString());
}

void Service::show_tenant_usage(const httplib::Request& req, httplib::Response& res, const Call& call) {
  const auto project = req.matches[1].str();
  if (!call.caller.admin && project != call.identity->project)
    return send_fault(res, call, policy_refused("os_compute_api:os-simple-tenant-usage:show"));
  const auto now = fleet.clock().now_ms();
  const auto period = period_of(req, now);
  if (auto* fault = std::get_if<Fault>(&period)) return send_fault(res, call, *fault);
  const auto& p = std::get<Period>(period);
  auto rows = usages(*this, p, project, now);
  std::optional<std::size_t> limit;
  if (auto fault = page(rows, req, call.version, limit)) return send_fault(res, call, *fault);
  std::vector<const ServerUsage*> mine;
  for (const auto& u : rows) mine.push_back(&u);
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  w.Key("tenant_usage");
  if (mine.empty()) {
    w.StartObject();
    w.EndObject();
  } else {
    write_tenant(w, project, mine, p, true);
  }
  if (limit && !rows.empty() && rows.size() == *limit) {
    w.Key("tenant_usage_links");
    w.StartArray();
    w.StartObject();
    field(w, "rel", "next");
    field(w, "href", fmt::format("{}/compute/v2.1/os-simple-tenant-usage/{}?limit={}&marker={}", call.base, project,
                                 *limit, rows.back().uuid));
    w.EndObject();
    w.EndArray();
  }
  w.EndObject();
  send_json(res, 200, buffer.GetString());
}

void Service::show_audit_log(const httplib::Request& req, httplib::Response& res, const Call& call) {
  const bool one = req.matches.size() > 1;
  if (!allowed(res, call, one ? "os_compute_api:os-instance-usage-audit-log:show"
                              : "os_compute_api:os-instance-usage-audit-log:list"))
    return;
  auto before = fleet.clock().now_ms();
  if (one) {
    const auto text = req.matches[1].str();
    const auto t = parse_time(text, false);
    if (!t || text.find('T') != std::string::npos)
      return send_fault(res, call, bad_request(fmt::format("Invalid timestamp for date {}", text)));
    before = *t;
  }
  // Nova's default audit period is a month: the last one completed before `before`.
  const auto day = std::chrono::floor<std::chrono::days>(Clock::time_point(std::chrono::milliseconds(before)));
  const std::chrono::year_month_day ymd(day);
  const auto end_day = std::chrono::sys_days(ymd.year() / ymd.month() / 1);
  const auto begin_day = std::chrono::sys_days((ymd.year() / ymd.month() / 1) - std::chrono::months(1));
  const auto ms = [](std::chrono::sys_days d) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(d.time_since_epoch()).count();
  };
  const Period p{ms(begin_day), ms(end_day), false};
  const auto audited = usages(*this, p, std::nullopt, fleet.clock().now_ms()).size();
  const bool up = host.service("nova-compute").has_value();
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  w.Key(one ? "instance_usage_audit_log" : "instance_usage_audit_logs");
  w.StartObject();
  field(w, "period_beginning", fmt::format("{:%Y-%m-%d %H:%M:%S}", begin_day));
  field(w, "period_ending", fmt::format("{:%Y-%m-%d %H:%M:%S}", end_day));
  for (const auto& [key, value] : {std::pair<const char*, long long>{"num_hosts", up ? 1 : 0},
                                   {"num_hosts_done", up ? 1 : 0}, {"num_hosts_running", 0},
                                   {"num_hosts_not_run", 0}, {"total_instances", up ? static_cast<long long>(audited) : 0},
                                   {"total_errors", 0}}) {
    w.Key(key);
    w.Int64(value);
  }
  w.Key("hosts_not_run");
  w.StartArray();
  w.EndArray();
  field(w, "overall_status", fmt::format("ALL hosts done. 0 errors."));
  w.Key("log");
  w.StartObject();
  if (up) {
    w.Key(kHost.data(), static_cast<rapidjson::SizeType>(kHost.size()));
    w.StartObject();
    field(w, "state", "DONE");
    w.Key("instances");
    w.Int64(static_cast<long long>(audited));
    w.Key("errors");
    w.Int(0);
    field(w, "message", fmt::format("Instance usage audit ran for host {}, {} instances in 0.01 seconds.", kHost,
                                    audited));
    w.EndObject();
  }
  w.EndObject();
  w.EndObject();
  w.EndObject();
  send_json(res, 200, buffer.GetString());
}

}  // namespace openstack
