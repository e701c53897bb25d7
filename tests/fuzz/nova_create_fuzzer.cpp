// Nova's server create body (POST /servers) through openstack::parse_create: the
// schema of every microversion up to 2.79, refs resolved against the default
// catalog; every fault must render as UTF-8 JSON, and what a create stores
// (name, description, metadata) must be UTF-8: every later view shows it.
// Input: "<X-OpenStack-Nova-API-Version>\n<body>".
#include <cstddef>
#include <cstdint>
#include <string>

#include "adapters/openstack/api.h"
#include "adapters/openstack/nova/faults.h"
#include "adapters/openstack/nova/json_body.h"
#include "adapters/openstack/nova/microversion.h"
#include "tests/fuzz/fuzz_world.h"

namespace {

// The gateway's default catalog (openstack::Api's), whose ids the seeds use.
openstack::Settings catalog() {
  openstack::Settings s;
  // Flavors made field by field (-Wmissing-field-initializers).
  const auto flavor = [](const char* id, const char* name, int vcpus, int ram_mb, int disk_gb) {
    openstack::Flavor f;
    f.id = id;
    f.name = name;
    f.vcpus = vcpus;
    f.ram_mb = ram_mb;
    f.disk_gb = disk_gb;
    return f;
  };
  s.flavors = {flavor("1", "m1.tiny", 1, 512, 1), flavor("2", "m1.small", 1, 2048, 20),
               flavor("3", "m1.medium", 2, 4096, 40), flavor("4", "m1.large", 4, 8192, 80)};
  s.images = {{"0b1c3f0e-5a6d-4e2f-9a70-1c2d3e4f5a61", "cirros-0.6.2-x86_64-disk"},
              {"0b1c3f0e-5a6d-4e2f-9a70-1c2d3e4f5a62", "debian-12-genericcloud-amd64"}};
  return s;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const openstack::Settings settings = catalog();
  auto rest = fuzz::as_text(data, size);
  const auto negotiated = openstack::negotiate("", std::string(fuzz::take_line(rest)));
  const auto* version = std::get_if<openstack::Version>(&negotiated);
  const auto parsed = openstack::parse_create(rest, version ? *version : openstack::kMinVersion, settings);
  if (const auto* fault = std::get_if<openstack::Fault>(&parsed)) {
    fuzz::require_json(openstack::fault_body(*fault), "a fault");
    return 0;
  }
  const auto& request = std::get<openstack::CreateRequest>(parsed);
  fuzz::require_utf8(request.name, "a server name");
  fuzz::require_utf8(request.description, "a description");
  fuzz::require_utf8(request.metadata, "metadata");
  return 0;
}
