// Glance v2's routes under /image (glance.cpp): discovery, list, show,
// create, upload and delete over the image catalog.
#pragma once

namespace httplib {
class Server;
}  // namespace httplib

namespace nova {

class Keystone;
class ImageCatalog;

void mount_glance(httplib::Server& server, const Keystone& keystone, ImageCatalog& images);

}  // namespace nova
