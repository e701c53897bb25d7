// The gateway's configuration: what --fleet and --config files say, merged
// over GATEWAY.md's defaults. Loading either succeeds whole or fails with a
// message naming the file, the key and what is wrong: never half-configured.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include <rapidjson/document.h>

#include "adapters/openstack/api.h"
#include "adapters/transfer/api.h"
#include "core/server.h"
#include "gateway/fleet_file.h"
#include "gateway/options.h"
#include "gateway/tls.h"
#include "sftp/endpoints.h"

namespace gateway {

struct TenantMapping {
  std::string project;
  std::string account;
  std::string region;
};

struct Config {
  openstack::Settings openstack;
  transfer::Settings transfer;
  std::vector<TenantMapping> tenants;
  // How long each action's in-between state lasts, by core::Action, in milliseconds.
  std::array<core::Millis, core::kActionCount> transition_ms{};
  std::int64_t reclaim_instance_interval_s = 0;  // Nova's soft delete: 0 deletes at once
  std::vector<ServerSeed> servers;
  // A fleet file's documents (a snapshot's): what the keepers start from.
  // Nothing: each starts from its defaults (and every server gets a port).
  std::optional<std::vector<core::Document>> documents;
  std::optional<std::string> control_token;  // required as "Bearer T" on /_gateway when set
  LogFormat access_log = LogFormat::Human;
  std::optional<TlsFiles> tls;  // set: HTTPS on the one port
  std::optional<std::string> fleet_file;     // --fleet, as given
  std::optional<std::string> state_file;     // --state: durable state in this SQLite file
  bool state_sync_full = false;              // --state-sync full
  std::size_t journal_max = 100000;          // --journal-max
  // --sftp, --sftp-ports, --data-dir (an empty data_dir: a temporary
  // directory, made at start and removed at exit).
  sftp::Settings sftp;
  // --console-port: the console proxy's port (0: a free one), on the --listen
  // host; nothing: no proxy, so Nova's remote consoles are unavailable.
  std::optional<int> console_port = 0;
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
