// The pipeline every Glance route shares: request ids, the caller's token
// (keystonemiddleware's 401), Glance's error body, and for a change its
// journal entry (api "glance", operation Glance's policy name: add_image,
// modify_image, upload_image, delete_image, add_member, ...). Reads are not
// journaled; every call is described for the access log.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "adapters/openstack/glance/image_patch.h"
#include "adapters/openstack/glance/images.h"
#include "adapters/openstack/keystone/keystone.h"

namespace httplib {
struct Request;
struct Response;
}  // namespace httplib

namespace openstack {

struct GlanceCall {
  const httplib::Request& req;
  httplib::Response& res;
  const Identity& caller;
  ImageViewer viewer;

  std::string arg(std::size_t n) const;
  void send(int status, std::string body);
  // Glance's error body, {"code", "title", "message"}, the title from the status.
  void error(int status, const std::string& message);
  void refused(const GlanceRefusal& why) { error(why.status, why.message); }
  void unavailable() { error(503, "The image store cannot take changes now."); }
  // The caller may change the image: an admin, or its owner's project.
  bool owns(const Image& image) const { return viewer.admin || image.owner == viewer.project; }
};

// Glance's error body for `status` (the message made UTF-8).
std::string glance_error_body(int status, const std::string& message);

using GlanceHandler = std::function<void(GlanceCall&)>;
// `change`: journal the call.
std::function<void(const httplib::Request&, httplib::Response&)> glance_route(Keystone& keystone,
                                                                              std::string operation, bool change,
                                                                              GlanceHandler handler);

}  // namespace openstack
