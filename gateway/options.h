// The command line of lifecycle-gateway (GATEWAY.md): parsed into Options, or
// a message for stderr. Parsing never exits; main decides (usage -> exit 2).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace gateway {

// --access-log: nothing, one human line per request, or one JSON object.
enum class LogFormat { Off, Human, Json };

struct Options {
  std::string host = "127.0.0.1";
  int port = 8780;
  std::optional<std::string> fleet_file;
  std::optional<std::string> config_file;
  std::optional<long> transition_ms;  // set: overrides the config's transition times
  std::string auth = "keystone";      // keystone | noauth
  std::string sigv4 = "scope";        // scope | verify
  std::optional<std::string> control_token;
  bool control_open = false;          // --control-token none: open, even off loopback
  LogFormat access_log = LogFormat::Human;  // --access-log on|off|json
  std::optional<std::string> tls_cert;  // --tls-cert and --tls-key: HTTPS, both or neither
  std::optional<std::string> tls_key;
  std::optional<std::string> state_file;  // --state FILE: durable state in SQLite
  std::string state_sync = "normal";      // --state-sync normal|full
  std::size_t journal_max = 100000;       // --journal-max N
  bool sftp = true;                       // --sftp on|off: the Transfer servers' SFTP endpoints
  int sftp_first_port = 0;                // --sftp-ports FIRST-LAST (0: any free port)
  int sftp_last_port = 0;
  std::optional<std::string> data_dir;    // --data-dir DIR: the SFTP endpoints' files
  std::optional<std::uint64_t> sftp_quota;  // --sftp-quota SIZE|off: bytes per server's tree (0: off; unset: 1G)
  std::optional<int> console_port = 0;    // --console-port PORT|off: the console proxy (0: a free port; off: none)
  bool help = false;
  bool version = false;
};

struct UsageError {
  std::string message;
};

std::variant<Options, UsageError> parse_options(const std::vector<std::string>& args);
std::string usage_text();

}  // namespace gateway
