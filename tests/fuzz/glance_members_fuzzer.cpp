// The bodies of Glance's image members: POST /v2/images/{id}/members
// (openstack::parse_member_body) and PUT .../members/{member}
// (openstack::parse_member_status). Oracles: a refusal renders as Glance's
// UTF-8 JSON; a member id is UTF-8 (it is echoed in every member view); a
// status is one of Glance's three.
// Input: "<kind>\n<body>", kind one of member, status.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "adapters/openstack/glance/glance_call.h"
#include "adapters/openstack/glance/image_members.h"
#include "adapters/openstack/glance/image_view.h"
#include "tests/fuzz/fuzz_world.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto rest = fuzz::as_text(data, size);
  const auto kind = fuzz::take_line(rest);
  if (kind != "member" && kind != "status") return 0;
  const auto parsed = kind == "member" ? openstack::parse_member_body(rest) : openstack::parse_member_status(rest);
  if (const auto* refused = std::get_if<openstack::GlanceRefusal>(&parsed)) {
    fuzz::require_json(openstack::glance_error_body(refused->status, refused->message), "a refusal");
    return 0;
  }
  const auto& value = std::get<std::string>(parsed);
  openstack::ImageMember member;
  if (kind == "member") {
    member.project = value;
  } else {
    if (value != "pending" && value != "accepted" && value != "rejected") std::abort();
    member.project = "alt";
    member.status = value;
  }
  fuzz::require_json(openstack::member_json("0b1c3f0e-5a6d-4e2f-9a70-1c2d3e4f5a61", member), "a member");
  return 0;
}
