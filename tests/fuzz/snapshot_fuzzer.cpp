// Control-plane snapshots (POST /_gateway/snapshot) as the handler reads
// them: gateway::read_snapshot (the body, then the fleet file's servers, the
// same reader as --fleet), gateway::resolve_seeds (tenants, identities,
// duplicates), then core::Fleet::replace. Oracles: errors render as UTF-8
// JSON, and the round trip fleet_file.h promises: the fleet file written of
// the records (GET /_gateway/snapshot) reads back as the same records, so
// written again it is the same text.
// Input: the body.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "gateway/control_plane.h"
#include "gateway/fleet_file.h"
#include "tests/fuzz/fuzz_world.h"

namespace {

// The records of a snapshot body, or the message of its 400.
std::variant<std::vector<core::ServerRecord>, std::string> load(std::string_view body, fuzz::World& world) {
  std::vector<gateway::ServerSeed> seeds;
  if (auto error = gateway::read_snapshot(body, seeds)) return *error;
  return gateway::resolve_seeds(seeds, world.tenants, world.ids);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::World world;
  auto loaded = load(fuzz::as_text(data, size), world);
  if (const auto* error = std::get_if<std::string>(&loaded)) {
    fuzz::require_json(gateway::error_json(400, *error), "an error body");
    return 0;
  }
  const auto& records = std::get<std::vector<core::ServerRecord>>(loaded);
  const auto written = gateway::write_fleet_file(records, world.tenants);
  fuzz::require_json(written, "a snapshot");
  auto again = load(written, world);
  if (const auto* error = std::get_if<std::string>(&again)) {
    std::fprintf(stderr, "a written snapshot does not load back: %s\n%s", error->c_str(), written.c_str());
    std::abort();
  }
  const auto rewritten = gateway::write_fleet_file(std::get<std::vector<core::ServerRecord>>(again), world.tenants);
  if (rewritten != written) {
    std::fprintf(stderr, "a snapshot does not load back unchanged:\n%s---\n%s", written.c_str(), rewritten.c_str());
    std::abort();
  }
  (void)world.fleet.replace(std::get<std::vector<core::ServerRecord>>(std::move(again)), std::nullopt, false);
  fuzz::require_json(gateway::write_fleet_file(world.fleet.records(), world.tenants), "the fleet's snapshot");
  return 0;
}
