// GET /v2/images' query string through openstack::parse_image_query (as
// cpp-httplib hands it the decoded parameters), then its filters and order
// over a few images and the links it writes. Oracles: a 400 renders as
// Glance's UTF-8 JSON; the order is a strict weak ordering (sorting does not
// crash); the "first" and "next" links are ASCII.
// Input: the query string, e.g. "created_at=gte:2024-01-01T00:00:00Z&sort=name:asc".
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include <httplib.h>

#include "adapters/openstack/glance/glance_call.h"
#include "adapters/openstack/glance/image_query.h"
#include "tests/fuzz/fuzz_world.h"

namespace {

std::vector<openstack::Image> samples() {
  std::vector<openstack::Image> out;
  for (int i = 0; i < 4; ++i) {
    openstack::Image image;
    image.id = "0b1c3f0e-5a6d-4e2f-9a70-1c2d3e4f5a6" + std::to_string(i);
    image.name = i % 2 ? "cirros" : "debian";
    image.owner = i < 2 ? "demo" : "";
    image.created_ms = 1704067200000 + i * 1000;
    image.updated_ms = image.created_ms + 500;
    if (i) image.size = i * 1000;
    image.properties = {{"os_distro", image.name}};
    image.tags = {"t" + std::to_string(i)};
    out.push_back(std::move(image));
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string query(fuzz::as_text(data, size));
  httplib::Params decoded;
  httplib::detail::parse_query_text(query, decoded);
  const std::vector<std::pair<std::string, std::string>> params(decoded.begin(), decoded.end());
  const auto parsed = openstack::parse_image_query(params);
  if (const auto* problem = std::get_if<std::string>(&parsed)) {
    fuzz::require_json(openstack::glance_error_body(400, *problem), "a 400 body");
    return 0;
  }
  const auto& q = std::get<openstack::ImageQuery>(parsed);
  auto images = samples();
  std::erase_if(images, [&](const openstack::Image& i) { return !openstack::matches(i, q); });
  std::stable_sort(images.begin(), images.end(),
                   [&](const openstack::Image& a, const openstack::Image& b) { return openstack::before(a, b, q); });
  for (std::size_t i = 0; i + 1 < images.size(); ++i)
    if (openstack::before(images[i + 1], images[i], q) && openstack::before(images[i], images[i + 1], q)) std::abort();
  const auto link = openstack::query_string(q.params);
  if (std::any_of(link.begin(), link.end(), [](char c) { return static_cast<unsigned char>(c) > 0x7f; })) std::abort();
  return 0;
}
