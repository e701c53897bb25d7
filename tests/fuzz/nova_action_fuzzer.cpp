// Nova's server action bodies (POST /servers/{id}/action: os-stop, os-start,
// reboot, pause, suspend, shelve and their inverses, lock with its 2.73
// locked_reason, unlock, rebuild, resize and its confirm and revert, reset,
// restore and forceDelete, snapshots and backups, a password, the console
// log, security groups, the remote consoles to 2.5, migrate and os-migrateLive)
// through openstack::parse_action, at the microversion the request negotiated;
// every fault must render as UTF-8 JSON,
// and a lock's reason (stored, then shown) must be UTF-8.
// Input: "<X-OpenStack-Nova-API-Version>\n<body>", e.g. "2.73\n{"lock": null}".
#include <cstddef>
#include <cstdint>
#include <string>

#include "adapters/openstack/nova/faults.h"
#include "adapters/openstack/nova/json_body.h"
#include "adapters/openstack/nova/microversion.h"
#include "tests/fuzz/fuzz_world.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto rest = fuzz::as_text(data, size);
  const auto negotiated = openstack::negotiate("", std::string(fuzz::take_line(rest)));
  const auto* version = std::get_if<openstack::Version>(&negotiated);
  std::string sent_name;  // the journal's operation (kept as UTF-8 by the journal)
  const auto parsed = openstack::parse_action(rest, version ? *version : openstack::kMinVersion, &sent_name);
  if (const auto* fault = std::get_if<openstack::Fault>(&parsed)) {
    fuzz::require_json(openstack::fault_body(*fault), "a fault");
    return 0;
  }
  fuzz::require_utf8(std::get<openstack::ActionRequest>(parsed).locked_reason, "a locked_reason");
  return 0;
}
