// Nova's server list query string (GET /servers?...) as the handler reads
// it: cpp-httplib decodes the query, openstack::parse_list_query checks it (known
// parameters from 2.75, all_tenants, limit, marker, the name regex, status),
// and the filter runs over the fleet's servers, one with a 255-character name.
// Every fault must render as UTF-8 JSON; a filter that runs past -timeout is
// a finding too.
// Input: "<X-OpenStack-Nova-API-Version>\n<query string, as on the wire>".
#include <cstddef>
#include <cstdint>
#include <string>

#include <httplib.h>

#include "adapters/openstack/nova/faults.h"
#include "adapters/openstack/nova/list_query.h"
#include "adapters/openstack/nova/microversion.h"
#include "tests/fuzz/fuzz_world.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto rest = fuzz::as_text(data, size);
  const auto negotiated = openstack::negotiate("", std::string(fuzz::take_line(rest)));
  const auto* version = std::get_if<openstack::Version>(&negotiated);
  httplib::Params params;
  httplib::detail::parse_query_text(std::string(rest), params);

  fuzz::World world;
  // The longest name Nova's create takes: a filter's cost grows with the names it runs over.
  world.add(world.demo, std::string(255, 'a'), core::State::Running, "6f1c2a3e-0b4d-4c5e-8f60-7a8b9c0d1eff",
            "s-0123456789abcdeff");
  const core::Caller caller{world.demo, true, true, true};
  const auto marker = [&](const std::string& id) -> std::optional<std::uint64_t> {
    auto found = world.fleet.get(caller, id);
    if (!found) return std::nullopt;
    return found->seq;
  };
  // As an admin (all_tenants allowed), then as a member when that mattered.
  for (const bool admin : {true, false}) {
    const auto parsed = openstack::parse_list_query(params, version ? *version : openstack::kMinVersion, admin, marker);
    if (const auto* fault = std::get_if<openstack::Fault>(&parsed)) {
      fuzz::require_json(openstack::fault_body(*fault), "a fault");
      return 0;
    }
    const auto& query = std::get<openstack::ListParams>(parsed);
    if (query.limit > 1000) std::abort();
    if (!query.all_tenants) {
      if (query.filters()) {
        core::ListQuery list;
        list.filter = [&](const core::ServerInfo& s) { return query.matches(s); };
        (void)world.fleet.list(list);
      }
      return 0;
    }
  }
  return 0;
}
