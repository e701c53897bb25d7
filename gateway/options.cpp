#include "gateway/options.h"

#include <charconv>

#include <fmt/format.h>

namespace gateway {
namespace {

std::optional<long> parse_number(const std::string& text) {
  long value = 0;
  const auto* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc() || ptr != end) return std::nullopt;
  return value;
}

// "512", "64K", "10M", "1G", "2T" (binary multiples): bytes.
std::optional<std::uint64_t> parse_size(std::string text) {
  std::uint64_t unit = 1;
  if (!text.empty()) {
    switch (text.back()) {
      case 'K': unit = std::uint64_t{1} << 10; break;
      case 'M': unit = std::uint64_t{1} << 20; break;
      case 'G': unit = std::uint64_t{1} << 30; break;
      case 'T': unit = std::uint64_t{1} << 40; break;
      default: break;
    }
    if (unit > 1) text.pop_back();
  }
  std::uint64_t value = 0;
  const auto* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc() || ptr != end || value > (std::uint64_t{1} << 50) / unit) return std::nullopt;
  return value * unit;
}

}  // namespace

std::string usage_text() {
  return R"(usage: lifecycle-gateway [flags]

One local endpoint for OpenStack Nova server actions and AWS Transfer Family
server operations, over one lifecycle core.

  --listen HOST:PORT     where to listen (default 127.0.0.1:8780; port 0 picks a free port)
  --fleet FILE           JSON fleet: servers, users and tenants loaded at start
  --config FILE          JSON config: users, tenants, access keys, transition times, limits
  --transition-ms N      how long every in-between state lasts (STOPPING, STARTING, BUILD, REBOOT,
                         pausing, shelving, ...; default 0: settle at once)
  --auth keystone|noauth compute auth: Keystone tokens (default) or "user:project" tokens
  --sigv4 scope|verify   AWS auth: read the credential scope (default) or verify signatures
  --control-token T|none require "Authorization: Bearer T" on /_gateway; "none" leaves it
                         open. Default: open on a loopback --listen, else a generated token
  --tls-cert FILE        serve HTTPS with this PEM certificate (chain); needs --tls-key
  --tls-key FILE         the certificate's PEM private key (unencrypted)
  --access-log on|off|json  one line per request on stderr: human (on, the default) or JSON
  --state FILE|URL       keep servers, billing, the journal and tokens in FILE (SQLite),
                         across restarts and crashes; created and seeded from --fleet if missing;
                         or in a PostgreSQL database (postgresql://...), shared by several gateways
  --state-sync normal|full
                         normal (default): an answered change survives a crash of the process;
                         full: it also survives a power loss (slower: every commit is synced)
  --journal-max N        entries the action journal keeps, oldest dropped (default 100000)
  --sftp on|off          each Transfer server with SFTP in Protocols serves SFTP on its own port
                         while ONLINE (default on)
  --sftp-ports FIRST-LAST
                         the range the SFTP ports are taken from (default: any free port)
  --data-dir DIR         where the SFTP endpoints keep files, one tree per server (default:
                         beside the --state file; without --state, a temporary directory)
  --sftp-quota SIZE|off  the most one server's files may hold (SIZE: bytes, or with K, M, G or T;
                         default 1G): a write past it fails with "quota exceeded"
  --console-port PORT|off
                         the console proxy (Nova's remote consoles: the page a console URL opens and
                         its VNC WebSocket), on the --listen address (default: a free port; off: none)
  --help                 print this and exit
  --version              print the version and exit
)";
}

std::variant<Options, UsageError> parse_options(const std::vector<std::string>& args) {
  Options o;
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string flag = args[i];
    std::optional<std::string> inline_value;
    if (auto eq = flag.find('='); flag.rfind("--", 0) == 0 && eq != std::string::npos) {
      inline_value = flag.substr(eq + 1);
      flag = flag.substr(0, eq);
    }
    auto value = [&]() -> std::optional<std::string> {
      if (inline_value) return inline_value;
      if (i + 1 < args.size()) return args[++i];
      return std::nullopt;
    };
    auto missing = [&] { return UsageError{fmt::format("{} needs a value", flag)}; };

    if (flag == "--help" || flag == "-h") {
      o.help = true;
    } else if (flag == "--version") {
      o.version = true;
    } else if (flag == "--listen") {
      auto v = value();
      if (!v) return missing();
      const auto colon = v->rfind(':');
      if (colon == std::string::npos || colon == 0)
        return UsageError{fmt::format("--listen wants HOST:PORT, got '{}'", *v)};
      auto port = parse_number(v->substr(colon + 1));
      if (!port || *port < 0 || *port > 65535)
        return UsageError{fmt::format("--listen: '{}' is not a port (0-65535)", v->substr(colon + 1))};
      o.host = v->substr(0, colon);
      o.port = static_cast<int>(*port);
    } else if (flag == "--fleet") {
      if (!(o.fleet_file = value())) return missing();
    } else if (flag == "--config") {
      if (!(o.config_file = value())) return missing();
    } else if (flag == "--transition-ms") {
      auto v = value();
      if (!v) return missing();
      auto n = parse_number(*v);
      if (!n || *n < 0 || *n > 3'600'000)
        return UsageError{fmt::format("--transition-ms: '{}' is not a number of milliseconds (0-3600000)", *v)};
      o.transition_ms = *n;
    } else if (flag == "--auth") {
      auto v = value();
      if (!v) return missing();
      if (*v != "keystone" && *v != "noauth")
        return UsageError{fmt::format("--auth: '{}' is not keystone or noauth", *v)};
      o.auth = *v;
    } else if (flag == "--sigv4") {
      auto v = value();
      if (!v) return missing();
      if (*v != "scope" && *v != "verify")
        return UsageError{fmt::format("--sigv4: '{}' is not scope or verify", *v)};
      o.sigv4 = *v;
    } else if (flag == "--control-token") {
      auto v = value();
      if (!v) return missing();
      if (v->empty()) return UsageError{"--control-token must not be empty"};
      o.control_open = *v == "none";
      if (o.control_open) o.control_token.reset();
      else o.control_token = *v;
    } else if (flag == "--access-log") {
      auto v = value();
      if (!v) return missing();
      if (*v == "on") o.access_log = LogFormat::Human;
      else if (*v == "off") o.access_log = LogFormat::Off;
      else if (*v == "json") o.access_log = LogFormat::Json;
      else return UsageError{fmt::format("--access-log: '{}' is not on, off or json", *v)};
    } else if (flag == "--tls-cert") {
      if (!(o.tls_cert = value())) return missing();
    } else if (flag == "--tls-key") {
      if (!(o.tls_key = value())) return missing();
    } else if (flag == "--state") {
      auto v = value();
      if (!v) return missing();
      if (v->empty()) return UsageError{"--state needs a file name"};
      o.state_file = *v;
    } else if (flag == "--state-sync") {
      auto v = value();
      if (!v) return missing();
      if (*v != "normal" && *v != "full") return UsageError{fmt::format("--state-sync: '{}' is not normal or full", *v)};
      o.state_sync = *v;
    } else if (flag == "--journal-max") {
      auto v = value();
      if (!v) return missing();
      auto n = parse_number(*v);
      if (!n || *n < 1 || *n > 100'000'000)
        return UsageError{fmt::format("--journal-max: '{}' is not a number of entries (1-100000000)", *v)};
      o.journal_max = static_cast<std::size_t>(*n);
    } else if (flag == "--sftp") {
      auto v = value();
      if (!v) return missing();
      if (*v != "on" && *v != "off") return UsageError{fmt::format("--sftp: '{}' is not on or off", *v)};
      o.sftp = *v == "on";
    } else if (flag == "--sftp-ports") {
      auto v = value();
      if (!v) return missing();
      const auto dash = v->find('-');
      const auto first = dash == std::string::npos ? std::nullopt : parse_number(v->substr(0, dash));
      const auto last = dash == std::string::npos ? std::nullopt : parse_number(v->substr(dash + 1));
      if (!first || !last || *first < 1 || *last > 65535 || *first > *last)
        return UsageError{fmt::format("--sftp-ports wants FIRST-LAST (1-65535, FIRST <= LAST), got '{}'", *v)};
      o.sftp_first_port = static_cast<int>(*first);
      o.sftp_last_port = static_cast<int>(*last);
    } else if (flag == "--data-dir") {
      auto v = value();
      if (!v) return missing();
      if (v->empty()) return UsageError{"--data-dir needs a directory"};
      o.data_dir = *v;
    } else if (flag == "--sftp-quota") {
      auto v = value();
      if (!v) return missing();
      if (*v == "off") {
        o.sftp_quota = 0;
      } else if (auto bytes = parse_size(*v); bytes && *bytes > 0) {
        o.sftp_quota = *bytes;
      } else {
        return UsageError{fmt::format("--sftp-quota: '{}' is not a size (1 or more bytes, K, M, G or T) or off", *v)};
      }
    } else if (flag == "--console-port") {
      auto v = value();
      if (!v) return missing();
      if (*v == "off") {
        o.console_port.reset();
      } else {
        auto port = parse_number(*v);
        if (!port || *port < 0 || *port > 65535)
          return UsageError{fmt::format("--console-port: '{}' is not a port (0-65535) or off", *v)};
        o.console_port = static_cast<int>(*port);
      }
    } else {
      return UsageError{fmt::format("unknown flag '{}'", args[i])};
    }
  }
  if (o.tls_cert.has_value() != o.tls_key.has_value())
    return UsageError{"--tls-cert and --tls-key go together: give both to serve HTTPS"};
  return o;
}

}  // namespace gateway
