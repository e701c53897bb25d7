// The OpenStack side's configuration, shared by its services: Keystone's
// users and the accounts of the projects it makes, Glance's image catalog,
// Nova's flavors, and the auth mode.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/server.h"

namespace openstack {

struct User {
  std::string name;
  std::string password;
  std::string project;
  std::vector<std::string> roles;  // "admin", "member", "reader"
};

// A project an image is shared with (Glance's image members).
struct ImageMember {
  std::string project;
  std::string status = "pending";  // pending, accepted, rejected
  core::Millis created_ms = 0;
  core::Millis updated_ms = 0;
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
  bool os_hidden = false;
  core::Pairs properties;  // Glance's additional properties (image_type, instance_uuid, ...)
  std::vector<std::string> tags;
  std::vector<ImageMember> members;  // shared images only
  core::Millis created_ms = 0;
  core::Millis updated_ms = 0;
};

// The AWS tenant a project made through Keystone gets, by its name (the
// config's "project_accounts").
struct ProjectAccount {
  std::string name;
  std::string account;
  std::string region = "us-east-1";
};

struct Flavor {
  std::string id;
  std::string name;
  int vcpus = 1;
  int ram_mb = 512;
  int disk_gb = 1;
  int ephemeral_gb = 0;
  int swap_mb = 0;
  double rxtx_factor = 1.0;
  bool is_public = true;
  std::optional<std::string> description;  // shown from 2.55
  core::Pairs extra_specs;
  std::vector<std::string> projects;  // a private flavor's: who may use it
  std::uint64_t db_id = 0;            // Nova's integer id (a migration's instance_type_id)
  bool deleted = false;               // gone from the catalog, still shown by the servers made with it
};

// The flavors as they are now (Nova's flavor API creates and deletes them),
// for code that holds only the settings: the adapter's catalog sets it.
class FlavorSource {
 public:
  virtual ~FlavorSource() = default;
  // A flavor by id; `deleted_too`: also one deleted since (servers made with it still show it).
  virtual std::optional<Flavor> flavor(std::string_view id, bool deleted_too) const = 0;
};

enum class AuthMode { Keystone, NoAuth };

struct Settings {
  std::vector<User> users;      // empty: GATEWAY.md's default users
  std::vector<Image> images;    // empty: a small default catalog
  std::vector<Flavor> flavors;  // empty: a small default catalog
  const FlavorSource* flavor_source = nullptr;  // the live catalog, once the adapter runs (else `flavors`)
  std::vector<ProjectAccount> project_accounts;  // see keystone/accounts.h
  AuthMode auth = AuthMode::Keystone;
  int token_ttl_s = 3600;
  std::size_t max_body_bytes = 112 * 1024;  // Nova's limit: 413 above it
};

// GATEWAY.md's default users (demo, alt, viewer, admin).
std::vector<User> default_users();

}  // namespace openstack
