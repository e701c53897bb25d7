// Glance's views: an image (every attribute Glance always sends, owner
// included, then its additional properties) and an image member.
#pragma once

#include <string>

#include "adapters/openstack/shared/settings.h"
#include "adapters/openstack/shared/wire.h"

namespace openstack {

void write_image(Writer& w, const Image& image);
std::string image_json(const Image& image);

void write_member(Writer& w, const std::string& image_id, const ImageMember& member);
std::string member_json(const std::string& image_id, const ImageMember& member);
// {"members": [...], "schema": "/v2/schemas/members"}
std::string members_json(const Image& image);

}  // namespace openstack
