// The gateway's configuration: what --fleet and --config files say, merged
// over GATEWAY.md's defaults. Loading either succeeds whole or fails with a
// message naming the file, the key and what is wrong: never half-configured.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include <rapidjson/document.h>

#include "adapters/nova/api.h"
#include "adapters/transfer/api.h"
#include "core/server.h"
#include "gateway/options.h"
#include "gateway/tls.h"

namespace gateway {

struct TenantMapping {
  std::string project;
  std::string account;
  std::string region;
};

// A server of the fleet file, to be seeded into the core.
struct ServerSeed {
  std::string project;  // the tenant, by Nova project...
  std::string account;  // ...or by (account, region)
  std::string region;
  core::CreateSpec spec;
};

struct Config {
  nova::Settings nova;
  transfer::Settings transfer;
  std::vector<TenantMapping> tenants;
  // Transition time per action (create, stop, start), in milliseconds.
  std::array<core::Millis, 3> transition_ms{0, 0, 0};
  std::vector<ServerSeed> servers;
  std::optional<std::string> control_token;  // required as "Bearer T" on /_gateway when set
  LogFormat access_log = LogFormat::Human;
  std::optional<TlsFiles> tls;  // set: HTTPS on the one port
};

// GATEWAY.md's defaults: the four users, demo <-> 000000000000/us-east-1,
// alt <-> 111111111111/us-east-1, the access key "admin" as an admin.
Config default_config();

// Applies one parsed file onto `config`. `file` names it in messages; only a
// fleet file may list servers. Returns an error message, or nothing.
std::optional<std::string> apply_file(const rapidjson::Value& doc, const std::string& file,
                                      bool is_fleet, Config& config);

// Defaults, then the fleet file, then the config file, then the flags.
std::variant<Config, std::string> load_config(const Options& options);

}  // namespace gateway
