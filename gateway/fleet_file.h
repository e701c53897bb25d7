// The fleet file format (--fleet, and the control plane's snapshots): every
// server with both identities, its tenant, state, lock, tags, metadata,
// attributes, times, a transition under way and its billing, deleted servers
// (the ledger) included, and the documents the fleet's keepers hold
// (networks, key pairs, images, ...). Read and written here, in one place, so that a
// snapshot loads back unchanged.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <rapidjson/document.h>

#include "core/document.h"
#include "core/ids.h"
#include "core/record.h"
#include "core/tenants.h"
#include "gateway/json_reader.h"

namespace gateway {

// A server of a fleet file. Identities left out are drawn when resolved.
struct ServerSeed {
  std::string project;  // the tenant, by Nova project...
  std::string account;  // ...or by (account, region)
  std::string region;
  core::ServerRecord record;
};

// Reads doc["servers"], if present, into `out`; problems go to `r`.
void read_fleet_servers(Reader& r, const rapidjson::Value& doc, std::vector<ServerSeed>& out);

// Reads doc["documents"], if present, into `out` (set even when empty):
// [{"kind", "key", "value", "expires_ms"?}], the keepers' documents
// (core/document.h), which the fleet checks before loading them.
void read_fleet_documents(Reader& r, const rapidjson::Value& doc, std::optional<std::vector<core::Document>>& out);

// A snapshot body (POST /_gateway/snapshot): JSON holding {"servers": [...],
// "documents": [...]} and nothing else, read into `out` and `documents`;
// or the message for its 400.
std::optional<std::string> read_snapshot(std::string_view body, std::vector<ServerSeed>& out,
                                         std::optional<std::vector<core::Document>>* documents = nullptr);

// The seeds as the core's records: tenants resolved, missing identities
// drawn, names defaulted; or a message if an identity appears twice.
std::variant<std::vector<core::ServerRecord>, std::string> resolve_seeds(const std::vector<ServerSeed>& seeds,
                                                                         core::Tenants& tenants, core::IdSource& ids);

// {"servers": [...], "documents": [...]}: what read_fleet_servers and
// read_fleet_documents read back as the same records and documents;
// indented for people (snapshots), or compact for the gateway's own keeping.
enum class Layout { Indented, Compact };
std::string write_fleet_file(const std::vector<core::ServerRecord>& records, const core::Tenants& tenants,
                             Layout layout = Layout::Indented, const std::vector<core::Document>* documents = nullptr);

}  // namespace gateway
