#include "gateway/metrics.h"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>
#include <httplib.h>

namespace gateway {
namespace {

// Label values come from the request: keep them short and tame, so a client
// cannot blow up the series or break the exposition format.
std::string tame(std::string_view text) {
  if (text.empty() || text.size() > 48) return "other";
  for (char c : text)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.') return "other";
  return std::string(text);
}

// The first key of a JSON object body ({"os-stop": null} -> os-stop), found
// without parsing the body a second time.
std::string_view first_key(std::string_view body) {
  auto open = body.find('{');
  if (open == std::string_view::npos) return {};
  auto quote = body.find('"', open);
  if (quote == std::string_view::npos) return {};
  auto end = body.find('"', quote + 1);
  if (end == std::string_view::npos) return {};
  return body.substr(quote + 1, end - quote - 1);
}

// "/servers/6f1c.../action" -> "/servers/{id}/action": ids become {id}.
std::string route_of(std::string_view path) {
  std::string out;
  std::string_view previous;
  std::size_t i = 0;
  while (i < path.size()) {
    auto next = path.find('/', i + 1);
    if (next == std::string_view::npos) next = path.size();
    auto segment = path.substr(i + 1, next - i - 1);
    const bool is_id = (previous == "servers" || previous == "flavors" || previous == "images" ||
                        previous == "faults") && segment != "detail";
    out += "/";
    out += is_id ? "{id}" : tame(segment);
    previous = segment;
    i = next;
  }
  return out.empty() ? "/" : out;
}

std::string escape(std::string_view v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

}  // namespace

RequestKind classify(const httplib::Request& req) {
  const std::string_view path = req.path;
  if (path == "/") {
    if (const auto it = req.headers.find("X-Amz-Target"); it != req.headers.end()) {
      const std::string_view target = it->second;
      const auto dot = target.find('.');
      return {"transfer", tame(dot == std::string_view::npos ? target : target.substr(dot + 1))};
    }
  }
  if (starts_with(path, "/compute")) {
    if (req.method == "POST" && path.size() > 7 && path.substr(path.size() - 7) == "/action") {
      const auto action = first_key(req.body);
      const bool known = action == "os-stop" || action == "os-start" || action == "lock" || action == "unlock";
      return {"nova", known ? std::string(action) : "other"};
    }
    return {"nova", req.method + " " + route_of(path.substr(std::min<std::size_t>(path.size(), 13)))};
  }
  if (starts_with(path, "/identity")) return {"keystone", req.method + " " + route_of(path.substr(9))};
  if (starts_with(path, "/image")) return {"image", req.method + " " + route_of(path.substr(6))};
  if (starts_with(path, "/_gateway") || path == "/metrics") return {"control", req.method + " " + route_of(path)};
  return {"other", "other"};
}

void Metrics::record(const RequestKind& kind, int status, double seconds) {
  static std::atomic<std::size_t> threads{0};
  thread_local const std::size_t mine = threads++ % kShards;
  auto& shard = shards_[mine];
  std::lock_guard lock(shard.mutex);
  ++shard.requests[{kind.api, kind.operation, status}];
  auto found = shard.latency.find(kind.api);
  if (found == shard.latency.end()) found = shard.latency.emplace(kind.api, Histogram{}).first;
  auto& h = found->second;
  const auto bucket = std::lower_bound(kBuckets.begin(), kBuckets.end(), seconds) - kBuckets.begin();
  ++h.counts[bucket];
  h.sum += seconds;
  ++h.count;
}

std::string Metrics::render(core::Fleet& fleet, const core::LoginCounts& logins) const {
  std::string out;
  out += "# HELP lifecycle_requests_total Requests answered, by api, operation and status.\n";
  out += "# TYPE lifecycle_requests_total counter\n";
  {
    std::map<std::tuple<std::string, std::string, int>, std::uint64_t> requests;
    std::map<std::string, Histogram> latency;
    for (auto& shard : shards_) {
      std::lock_guard lock(shard.mutex);
      for (const auto& [key, n] : shard.requests) requests[key] += n;
      for (const auto& [api, h] : shard.latency) {
        auto& sum = latency[api];
        for (std::size_t i = 0; i < h.counts.size(); ++i) sum.counts[i] += h.counts[i];
        sum.sum += h.sum;
        sum.count += h.count;
      }
    }
    for (const auto& [key, n] : requests) {
      const auto& [api, operation, status] = key;
      out += fmt::format("lifecycle_requests_total{{api=\"{}\",operation=\"{}\",status=\"{}\"}} {}\n", escape(api),
                         escape(operation), status, n);
    }
    out += "# HELP lifecycle_request_duration_seconds Time from routing to the answer, by api.\n";
    out += "# TYPE lifecycle_request_duration_seconds histogram\n";
    for (const auto& [api, h] : latency) {
      std::uint64_t cumulative = 0;
      for (std::size_t i = 0; i < kBuckets.size(); ++i) {
        cumulative += h.counts[i];
        out += fmt::format("lifecycle_request_duration_seconds_bucket{{api=\"{}\",le=\"{}\"}} {}\n", escape(api),
                           kBuckets[i], cumulative);
      }
      cumulative += h.counts.back();
      out += fmt::format("lifecycle_request_duration_seconds_bucket{{api=\"{}\",le=\"+Inf\"}} {}\n", escape(api),
                         cumulative);
      out += fmt::format("lifecycle_request_duration_seconds_sum{{api=\"{}\"}} {}\n", escape(api), h.sum);
      out += fmt::format("lifecycle_request_duration_seconds_count{{api=\"{}\"}} {}\n", escape(api), h.count);
    }
  }
  out += "# HELP lifecycle_servers Servers in the fleet, by core state.\n";
  out += "# TYPE lifecycle_servers gauge\n";
  const auto counts = fleet.count_by_state();
  for (int i = 0; i < core::kStateCount; ++i)
    out += fmt::format("lifecycle_servers{{state=\"{}\"}} {}\n", core::name(static_cast<core::State>(i)), counts[i]);
  double billed = 0, running = 0, stopped = 0;
  for (const auto& e : fleet.ledger()) {
    billed += static_cast<double>(e.billed_ms) / 1000.0;
    running += static_cast<double>(e.running_ms) / 1000.0;
    stopped += static_cast<double>(e.stopped_ms) / 1000.0;
  }
  out += "# HELP lifecycle_billed_seconds Billed server time, deleted servers included, by power.\n";
  out += "# TYPE lifecycle_billed_seconds gauge\n";
  out += fmt::format("lifecycle_billed_seconds{{power=\"all\"}} {:.3f}\n", billed);
  out += fmt::format("lifecycle_billed_seconds{{power=\"running\"}} {:.3f}\n", running);
  out += fmt::format("lifecycle_billed_seconds{{power=\"stopped\"}} {:.3f}\n", stopped);
  out += "# HELP lifecycle_logins What the servers' logins hold, by kind: users, their SSH public keys, host keys "
         "imported, accesses.\n";
  out += "# TYPE lifecycle_logins gauge\n";
  out += fmt::format("lifecycle_logins{{kind=\"user\"}} {}\n", logins.users);
  out += fmt::format("lifecycle_logins{{kind=\"ssh_public_key\"}} {}\n", logins.public_keys);
  out += fmt::format("lifecycle_logins{{kind=\"host_key\"}} {}\n", logins.host_keys);
  out += fmt::format("lifecycle_logins{{kind=\"access\"}} {}\n", logins.accesses);
  return out;
}

std::string render_sftp(const sftp::Stats& stats) {
  std::string out;
  out += "# HELP lifecycle_sftp_sessions_total SFTP connections accepted by the endpoints.\n";
  out += "# TYPE lifecycle_sftp_sessions_total counter\n";
  out += fmt::format("lifecycle_sftp_sessions_total {}\n", stats.sessions_total);
  out += "# HELP lifecycle_sftp_sessions_open SFTP sessions open now.\n";
  out += "# TYPE lifecycle_sftp_sessions_open gauge\n";
  out += fmt::format("lifecycle_sftp_sessions_open {}\n", stats.sessions_open);
  out += "# HELP lifecycle_sftp_logins_total SFTP logins, by result.\n";
  out += "# TYPE lifecycle_sftp_logins_total counter\n";
  out += fmt::format("lifecycle_sftp_logins_total{{result=\"accepted\"}} {}\n", stats.logins_accepted);
  out += fmt::format("lifecycle_sftp_logins_total{{result=\"refused\"}} {}\n", stats.logins_refused);
  out += "# HELP lifecycle_sftp_connections_refused_total Connections closed at once: over the session bound.\n";
  out += "# TYPE lifecycle_sftp_connections_refused_total counter\n";
  out += fmt::format("lifecycle_sftp_connections_refused_total {}\n", stats.connections_refused);
  out += "# HELP lifecycle_sftp_bytes_total File bytes moved through the endpoints, by direction.\n";
  out += "# TYPE lifecycle_sftp_bytes_total counter\n";
  out += fmt::format("lifecycle_sftp_bytes_total{{direction=\"upload\"}} {}\n", stats.bytes_received);
  out += fmt::format("lifecycle_sftp_bytes_total{{direction=\"download\"}} {}\n", stats.bytes_sent);
  out += "# HELP lifecycle_sftp_endpoints SFTP endpoints (servers given a port), and how many listen (ONLINE).\n";
  out += "# TYPE lifecycle_sftp_endpoints gauge\n";
  out += fmt::format("lifecycle_sftp_endpoints{{listening=\"true\"}} {}\n", stats.listening);
  out += fmt::format("lifecycle_sftp_endpoints{{listening=\"false\"}} {}\n", stats.endpoints - stats.listening);
  return out;
}

}  // namespace gateway
