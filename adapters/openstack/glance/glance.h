// Glance v2's routes under /image: discovery, images (list, show, create,
// update, upload, download, delete), tags, actions, members and schemas,
// over the image catalog.
#pragma once

#include <string>
#include <string_view>
#include <variant>

#include "adapters/openstack/api.h"

namespace httplib {
class Server;
}  // namespace httplib

namespace openstack {

class Keystone;
class ImageCatalog;

// POST /v2/images' body: what a client may set, checked as Glance's schema
// checks it; the image (queued, owned by `project` unless the body names
// another owner, which only an admin may) or Glance's error text.
std::variant<Image, std::string> parse_image(std::string_view body, const std::string& project);

void mount_glance(httplib::Server& server, Keystone& keystone, ImageCatalog& images);
// PATCH, tags, deactivate and reactivate (image_edit_api.cpp).
void mount_image_edits(httplib::Server& server, Keystone& keystone, ImageCatalog& images);
// Members (image_members_api.cpp).
void mount_image_members(httplib::Server& server, Keystone& keystone, ImageCatalog& images);
// /v2/schemas/... (schemas.cpp).
void mount_image_schemas(httplib::Server& server, Keystone& keystone);

}  // namespace openstack
