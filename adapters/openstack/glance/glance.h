// Glance v2's routes under /image (glance.cpp): discovery, list, show,
// create, upload and delete over the image catalog.
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
// checks it; the image (queued, owned by `project`) or Glance's error text.
std::variant<Image, std::string> parse_image(std::string_view body, const std::string& project);

void mount_glance(httplib::Server& server, const Keystone& keystone, ImageCatalog& images);

}  // namespace openstack
