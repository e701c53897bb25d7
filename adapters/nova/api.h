// The Nova adapter's entry point: Keystone v3 subset, compute API v2.1 and the
// image list, mounted on the gateway's one HTTP server. It speaks Nova's wire
// (NOVA.md) and maps core errors to Nova faults; it knows nothing of Transfer.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/fleet.h"
#include "core/store.h"

namespace httplib {
class Server;
struct Request;
struct Response;
}  // namespace httplib

namespace nova {

struct User {
  std::string name;
  std::string password;
  std::string project;
  std::vector<std::string> roles;  // "admin", "member", "reader"
};

// A Glance image: the configured catalog's, or one a client created (a
// record only: an upload is counted, never kept).
struct Image {
  std::string id;  // UUID
  std::string name;
  int min_ram = 0;   // MB a flavor must have to boot it
  int min_disk = 0;  // GB
  std::string owner;               // a project; empty: the cloud's (the configured catalog)
  std::string visibility = "public";  // public, private, shared, community
  std::string status = "active";      // queued until its data is uploaded
  std::string disk_format = "qcow2";
  std::string container_format = "bare";
  std::optional<long long> size = 21430272;
  std::optional<std::string> checksum;  // md5 of the upload
  std::optional<std::string> os_hash;   // sha512 of the upload
  bool protected_ = false;
  core::Pairs properties;  // Glance's additional properties (image_type, instance_uuid, ...)
  std::vector<std::string> tags;
  core::Millis created_ms = 0;
  core::Millis updated_ms = 0;
};

struct Flavor {
  std::string id;
  std::string name;
  int vcpus = 1;
  int ram_mb = 512;
  int disk_gb = 1;
};

enum class AuthMode { Keystone, NoAuth };

struct Settings {
  std::vector<User> users;      // empty: GATEWAY.md's default users
  std::vector<Image> images;    // empty: a small default catalog
  std::vector<Flavor> flavors;  // empty: a small default catalog
  AuthMode auth = AuthMode::Keystone;
  int token_ttl_s = 3600;
  std::size_t max_body_bytes = 112 * 1024;  // Nova's limit: 413 above it
};

// How Nova shows a core state (GATEWAY.md's table): status, OS-EXT-STS
// vm_state / task_state (empty: null) / power_state.
struct StatusView {
  std::string_view status;
  std::string_view vm_state;
  std::string_view task_state;
  int power_state = 0;
};
StatusView status_view(core::State state, std::optional<core::State> from = std::nullopt);

// GATEWAY.md's default users (demo, alt, viewer, admin).
std::vector<User> default_users();

class Api {
 public:
  Api(core::Fleet& fleet, Settings settings);
  ~Api();
  // Registers /identity..., /compute..., /image... handlers.
  void mount(httplib::Server& server);
  // For a request the router did not answer (no route, body too large, ...):
  // when the path is one of Nova's, renders Nova's fault and returns true.
  bool render_http_error(const httplib::Request& req, httplib::Response& res);
  // Keystone tokens a store kept across a restart.
  void restore_credentials(const std::vector<core::Credential>& credentials);
  // A Keystone token for a member of `project` (see Keystone::issue_for_project).
  std::optional<std::string> token_for_project(const std::string& project);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace nova
