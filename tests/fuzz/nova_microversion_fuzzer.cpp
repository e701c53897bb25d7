// Nova's microversion headers through openstack::negotiate: OpenStack-API-Version
// ("compute 2.47", possibly among other services) and the older
// X-OpenStack-Nova-API-Version. Every fault must render as UTF-8 JSON, and a
// negotiated version must be one we serve.
// Input: "<OpenStack-API-Version>\n<X-OpenStack-Nova-API-Version>".
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "adapters/openstack/nova/faults.h"
#include "adapters/openstack/nova/microversion.h"
#include "tests/fuzz/fuzz_world.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto rest = fuzz::as_text(data, size);
  const std::string openstack(fuzz::take_line(rest));
  const std::string nova_header(rest);
  const auto negotiated = openstack::negotiate(openstack, nova_header);
  if (const auto* fault = std::get_if<openstack::Fault>(&negotiated)) {
    fuzz::require_json(openstack::fault_body(*fault), "a fault");
    return 0;
  }
  const auto& v = std::get<openstack::Version>(negotiated);
  if (v.major != 2 || v.minor < openstack::kMinVersion.minor || v.minor > openstack::kMaxVersion.minor) std::abort();
  return 0;
}
