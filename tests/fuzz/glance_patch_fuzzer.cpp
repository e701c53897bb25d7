// PATCH /v2/images/{id} through openstack::parse_image_patch (the media
// type, then the body) and openstack::apply_image_patch on an image of the
// demo project, as an owner and as an admin. Oracles: a refusal renders as
// Glance's UTF-8 JSON with a 4xx status; a patched image renders as UTF-8
// JSON (its name, properties and tags are what clients see).
// Input: "<Content-Type>\n<body>", e.g.
// "application/openstack-images-v2.1-json-patch\n[{"op": "add", "path": "/a", "value": "b"}]".
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "adapters/openstack/glance/glance_call.h"
#include "adapters/openstack/glance/image_patch.h"
#include "adapters/openstack/glance/image_view.h"
#include "tests/fuzz/fuzz_world.h"

namespace {

void require_refusal(const openstack::GlanceRefusal& why) {
  if (why.status < 400 || why.status > 499) std::abort();
  fuzz::require_json(openstack::glance_error_body(why.status, why.message), "a refusal");
}

openstack::Image sample() {
  openstack::Image image;
  image.id = "0b1c3f0e-5a6d-4e2f-9a70-1c2d3e4f5a61";
  image.name = "cirros";
  image.owner = "demo";
  image.status = "queued";
  image.properties = {{"os_distro", "cirros"}};
  image.tags = {"gold"};
  return image;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto rest = fuzz::as_text(data, size);
  const auto type = fuzz::take_line(rest);
  const auto parsed = openstack::parse_image_patch(type, rest);
  if (const auto* refused = std::get_if<openstack::GlanceRefusal>(&parsed)) {
    require_refusal(*refused);
    return 0;
  }
  const auto& ops = std::get<std::vector<openstack::ImagePatchOp>>(parsed);
  for (const bool admin : {false, true}) {
    auto image = sample();
    if (auto refused = openstack::apply_image_patch(image, ops, admin)) require_refusal(*refused);
    fuzz::require_json(openstack::image_json(image), "a patched image");
  }
  return 0;
}
