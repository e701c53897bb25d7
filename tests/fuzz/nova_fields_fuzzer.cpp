// The bodies of Nova's other writes and Glance's image create, each through
// its real parser at the microversion the request negotiated: PUT
// /servers/{id} (openstack::parse_update), the metadata API (openstack::parse_metadata,
// whole or one item), POST /os-keypairs (openstack::parse_keypair), POST
// /image/v2/images (openstack::parse_image), the server tags API (PUT
// /servers/{id}/tags: openstack::parse_tags; PUT /servers/{id}/tags/{tag}:
// the path's tag, openstack::check_path_tag, and the body,
// openstack::check_tag_body) and os-agents (POST: openstack::parse_agent_create;
// PUT: openstack::parse_agent_update). Every fault must render as UTF-8
// JSON, and every text the gateway would store (a name, metadata, a key, an
// image's fields, a tag, an agent's fields) must be UTF-8; a tag kept must be one.
// Input: "<X-OpenStack-Nova-API-Version>\n<kind>\n<body>", kind one of
// update, metadata, meta:<item>, keypair, image, tags, tag:<tag>, agent,
// agent-update; e.g. "2.19\nupdate\n{"server": {"description": null}}".
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "adapters/openstack/glance/glance.h"
#include "adapters/openstack/nova/admin_body.h"
#include "adapters/openstack/nova/faults.h"
#include "adapters/openstack/nova/json_body.h"
#include "adapters/openstack/nova/microversion.h"
#include "adapters/openstack/nova/server_tags.h"
#include "tests/fuzz/fuzz_world.h"

namespace {

// Checks a parse result: a fault renders as UTF-8 JSON, a value goes to `check`.
template <typename T, typename Check>
void require(const std::variant<T, openstack::Fault>& parsed, Check check) {
  if (const auto* fault = std::get_if<openstack::Fault>(&parsed)) {
    fuzz::require_json(openstack::fault_body(*fault), "a fault");
    return;
  }
  check(std::get<T>(parsed));
}

void require_utf8(const std::optional<std::string>& text, const char* what) {
  if (text) fuzz::require_utf8(*text, what);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto rest = fuzz::as_text(data, size);
  const auto negotiated = openstack::negotiate("", std::string(fuzz::take_line(rest)));
  const auto* found = std::get_if<openstack::Version>(&negotiated);
  const auto version = found ? *found : openstack::kMinVersion;
  const auto kind = fuzz::take_line(rest);
  if (kind == "update") {
    require(openstack::parse_update(rest, version), [](const openstack::ServerFields& f) {
      require_utf8(f.name, "a name");
      require_utf8(f.access_ipv4, "an access IPv4");
      require_utf8(f.access_ipv6, "an access IPv6");
      if (f.description) require_utf8(*f.description, "a description");
    });
  } else if (kind == "metadata" || kind.starts_with("meta:")) {
    std::optional<std::string> item;
    if (kind != "metadata") item = std::string(kind.substr(5));
    require(openstack::parse_metadata(rest, item), [](const core::Pairs& p) { fuzz::require_utf8(p, "metadata"); });
  } else if (kind == "keypair") {
    require(openstack::parse_keypair(rest, version), [](const openstack::KeypairRequest& k) {
      fuzz::require_utf8(k.name, "a key pair's name");
      require_utf8(k.public_key, "a public key");
      require_utf8(k.user, "a user id");
    });
  } else if (kind == "tags") {
    require(openstack::parse_tags(rest), [](const std::vector<std::string>& tags) {
      for (const auto& tag : tags) {
        fuzz::require_utf8(tag, "a tag");
        if (!openstack::tag_error(tag)) continue;
        std::fprintf(stderr, "parse_tags kept a tag that is not one: %s\n", tag.c_str());
        std::abort();
      }
    });
  } else if (kind.starts_with("tag:")) {
    if (const auto fault = openstack::check_path_tag(kind.substr(4)))
      fuzz::require_json(openstack::fault_body(*fault), "a fault");
    if (const auto fault = openstack::check_tag_body(rest)) fuzz::require_json(openstack::fault_body(*fault), "a fault");
  } else if (kind == "agent" || kind == "agent-update") {
    const auto parsed = kind == "agent" ? openstack::parse_agent_create(rest) : openstack::parse_agent_update(rest);
    require(parsed, [](const openstack::GuestAgent& a) {
      for (const auto* text : {&a.hypervisor, &a.os, &a.architecture, &a.version, &a.url, &a.md5hash})
        fuzz::require_utf8(*text, "an agent's field");
    });
  } else if (kind == "image") {
    const auto parsed = openstack::parse_image(rest, "demo");
    if (const auto* error = std::get_if<std::string>(&parsed)) {
      fuzz::require_utf8(*error, "Glance's error");
      return 0;
    }
    const auto& image = std::get<openstack::Image>(parsed);
    for (const auto* text : {&image.name, &image.visibility, &image.disk_format, &image.container_format})
      fuzz::require_utf8(*text, "an image field");
    fuzz::require_utf8(image.properties, "an image's properties");
    for (const auto& tag : image.tags) fuzz::require_utf8(tag, "an image tag");
  }
  return 0;
}
