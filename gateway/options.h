// The command line of lifecycle-gateway (GATEWAY.md): parsed into Options, or
// a message for stderr. Parsing never exits; main decides (usage -> exit 2).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace gateway {

struct Options {
  std::string host = "127.0.0.1";
  int port = 8780;
  std::optional<std::string> fleet_file;
  std::optional<std::string> config_file;
  std::optional<long> transition_ms;  // set: overrides the config's transition times
  std::string auth = "keystone";      // keystone | noauth
  std::string sigv4 = "scope";        // scope | verify
  std::optional<std::string> control_token;
  bool access_log = true;             // --access-log on|off
  std::optional<std::string> state_file;  // --state FILE: durable state in SQLite
  std::string state_sync = "normal";      // --state-sync normal|full
  std::size_t journal_max = 100000;       // --journal-max N
  bool help = false;
  bool version = false;
};

struct UsageError {
  std::string message;
};

std::variant<Options, UsageError> parse_options(const std::vector<std::string>& args);
std::string usage_text();

}  // namespace gateway
