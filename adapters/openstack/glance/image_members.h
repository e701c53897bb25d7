// Glance's image members: the bodies of POST /v2/images/{id}/members
// ({"member": "<project id>"}) and PUT .../members/{member_id}
// ({"status": "pending" | "accepted" | "rejected"}), checked as Glance's
// deserializer and domain check them. Pure, so the fuzzer calls exactly
// what the handlers call.
#pragma once

#include <string>
#include <string_view>
#include <variant>

#include "adapters/openstack/glance/image_patch.h"

namespace openstack {

// The member (a project id) to add, or Glance's 400.
std::variant<std::string, GlanceRefusal> parse_member_body(std::string_view body);
// The new status, or Glance's 400.
std::variant<std::string, GlanceRefusal> parse_member_status(std::string_view body);

}  // namespace openstack
