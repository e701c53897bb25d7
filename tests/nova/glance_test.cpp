// Glance's list query and JSON patch: which images a query keeps and in
// what order, and what a patch changes or why it is refused.
#include <doctest/doctest.h>

#include "adapters/openstack/glance/image_patch.h"
#include "adapters/openstack/glance/image_query.h"

using namespace openstack;

namespace {

Image image(std::string name, core::Millis created, long long size) {
  Image i;
  i.id = name + "-id";
  i.name = std::move(name);
  i.created_ms = created;
  i.updated_ms = created;
  i.size = size;
  return i;
}

ImageQuery query(std::vector<std::pair<std::string, std::string>> params) {
  auto parsed = parse_image_query(params);
  REQUIRE(std::holds_alternative<ImageQuery>(parsed));
  return std::get<ImageQuery>(parsed);
}

std::string refusal(std::vector<std::pair<std::string, std::string>> params) {
  auto parsed = parse_image_query(params);
  REQUIRE(std::holds_alternative<std::string>(parsed));
  return std::get<std::string>(parsed);
}

}  // namespace

TEST_CASE("the list's operators") {
  const auto a = image("a", 1704067200000, 10), b = image("b", 1704070800000, 20);  // 00:00 and 01:00
  CHECK(matches(b, query({{"created_at", "gte:2024-01-01T00:30:00Z"}})));
  CHECK(!matches(a, query({{"created_at", "gte:2024-01-01T00:30:00Z"}})));
  CHECK(matches(a, query({{"created_at", "2024-01-01T00:00:00Z"}})));  // a bare time is eq
  CHECK(matches(a, query({{"name", "in:\"a\",c"}})));
  CHECK(!matches(b, query({{"name", "in:a,c"}})));
  CHECK(matches(b, query({{"size_min", "15"}, {"size_max", "20"}})));
  CHECK(refusal({{"name", "like:a"}}) == "Unable to filter by unknown operator 'like'.");
  CHECK(refusal({{"name", "in:a\"b\""}}) == "Invalid filter value a\"b\". There is no comma before opening quotation mark.");
  CHECK(refusal({{"created_at", "gt:2024-13-01"}}) == "Bad \"created_at\" query filter format. Use ISO 8601 DateTime notation.");
  CHECK(refusal({{"sort", "name:up"}}) == "Invalid sort direction: up");
}

TEST_CASE("the list's order: the keys given, then created_at and id") {
  const auto q = query({{"sort", "size:asc"}});
  const auto a = image("a", 2, 10), b = image("b", 1, 20);
  CHECK(before(a, b, q));
  CHECK(!before(b, a, q));
  const auto newer = image("n", 2000, 1), older = image("o", 1000, 1);
  CHECK(before(newer, older, query({})));  // Glance's default: created_at desc
  CHECK(query({{"limit", "5000"}}).limit == 1000);
}

TEST_CASE("a JSON patch, applied as Glance's controller") {
  const auto ops = [](std::string body, std::string type = "application/openstack-images-v2.1-json-patch") {
    auto parsed = parse_image_patch(type, body);
    REQUIRE(std::holds_alternative<std::vector<ImagePatchOp>>(parsed));
    return std::get<std::vector<ImagePatchOp>>(parsed);
  };
  Image img = image("a", 1, 1);
  img.owner = "demo";
  img.status = "active";
  CHECK(!apply_image_patch(img, ops(R"([{"op": "add", "path": "/os_distro", "value": "debian"},
                                        {"op": "replace", "path": "/tags", "value": ["x", "x", "y"]},
                                        {"op": "replace", "path": "/name", "value": null}])"), false));
  CHECK(img.properties == core::Pairs{{"os_distro", "debian"}});
  CHECK(img.tags == std::vector<std::string>{"x", "y"});
  CHECK(img.name.empty());
  auto refused = apply_image_patch(img, ops(R"([{"op": "replace", "path": "/disk_format", "value": "raw"}])"), true);
  REQUIRE(refused);
  CHECK(refused->status == 403);
  CHECK(refused->message == "Attribute disk_format can be only replaced for a queued image.");
  auto media = parse_image_patch("application/json", "[]");
  REQUIRE(std::holds_alternative<GlanceRefusal>(media));
  CHECK(std::get<GlanceRefusal>(media).status == 415);
  auto pointer = parse_image_patch("application/openstack-images-v2.1-json-patch",
                                   R"([{"op": "add", "path": "/a~2b", "value": "x"}])");
  REQUIRE(std::holds_alternative<GlanceRefusal>(pointer));
  CHECK(std::get<GlanceRefusal>(pointer).message == "Pointer `/a~2b` contains \"~\" not part of a recognized escape sequence.");
}
