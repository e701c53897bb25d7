// Fleet and config files (--fleet, --config) as load_config reads them:
// gateway::parse_json_text, then gateway::apply_file over the defaults, once
// as a fleet file (servers allowed) and once as a config file. Messages must
// render as UTF-8 JSON in the control plane's error body, and every text the
// file hands on (names, tags, users, tenants) must be UTF-8. (Snapshots read
// servers with the same reader: the snapshot target.)
// Input: the file.
#include <cstddef>
#include <cstdint>
#include <string>

#include "gateway/config.h"
#include "gateway/control_plane.h"
#include "gateway/json_file.h"
#include "tests/fuzz/fuzz_world.h"

namespace {

void require_texts_utf8(const gateway::Config& c) {
  for (const auto& u : c.openstack.users) {
    fuzz::require_utf8(u.name, "a user");
    fuzz::require_utf8(u.project, "a user's project");
  }
  for (const auto& k : c.transfer.keys) fuzz::require_utf8(k.id, "an access key");
  for (const auto& t : c.tenants) {
    fuzz::require_utf8(t.project, "a tenant");
    fuzz::require_utf8(t.region, "a tenant");
  }
  for (const auto& i : c.openstack.images) fuzz::require_utf8(i.name, "an image");
  for (const auto& f : c.openstack.flavors) {
    fuzz::require_utf8(f.id, "a flavor");
    fuzz::require_utf8(f.name, "a flavor");
  }
  for (const auto& s : c.servers) {
    fuzz::require_utf8(s.project, "a server's project");
    fuzz::require_utf8(s.region, "a server's region");
    const auto& info = s.record.info;
    fuzz::require_utf8(info.name, "a server name");
    fuzz::require_utf8(info.lock.reason, "a locked_reason");
    fuzz::require_utf8(info.tags, "tags");
    fuzz::require_utf8(info.metadata, "metadata");
    fuzz::require_utf8(info.attributes, "attributes");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto parsed = gateway::parse_json_text(std::string(fuzz::as_text(data, size)), "fleet.json");
  if (const auto* error = std::get_if<std::string>(&parsed)) {
    fuzz::require_json(gateway::error_json(400, *error), "an error body");
    return 0;
  }
  const auto& doc = std::get<rapidjson::Document>(parsed);
  for (const bool is_fleet : {true, false}) {
    auto config = gateway::default_config();
    if (auto error = gateway::apply_file(doc, "fleet.json", is_fleet, config))
      fuzz::require_json(gateway::error_json(400, *error), "an error body");
    else
      require_texts_utf8(config);
  }
  return 0;
}
