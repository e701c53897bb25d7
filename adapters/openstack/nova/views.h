// How Nova shows servers and flavors, per microversion: the fields tempest's
// schemas require at that version and nothing they would reject.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "adapters/openstack/api.h"
#include "adapters/openstack/nova/microversion.h"
#include "adapters/openstack/shared/wire.h"
#include "core/net/model.h"
#include "core/server.h"

namespace openstack {

// Attribute keys in core::ServerInfo::attributes.
// The flavor the server has outside a resize (the old one until a resize is
// confirmed), and the one a resize asked for: flavor_id says which it has now.
inline constexpr std::string_view kFlavorAttr = "nova.flavor";
inline constexpr std::string_view kNewFlavorAttr = "nova.new_flavor";
inline constexpr std::string_view kImageAttr = "nova.image";
inline constexpr std::string_view kUserAttr = "nova.user_id";
inline constexpr std::string_view kDescriptionAttr = "nova.description";
inline constexpr std::string_view kAccessIpv4Attr = "nova.access_ipv4";
inline constexpr std::string_view kAccessIpv6Attr = "nova.access_ipv6";
inline constexpr std::string_view kDiskConfigAttr = "nova.disk_config";  // AUTO or MANUAL (absent: MANUAL)
inline constexpr std::string_view kKeyNameAttr = "nova.key_name";
// The security groups, one name a line; absent: "default" alone, "": none.
inline constexpr std::string_view kSecurityGroupsAttr = "nova.security_groups";
inline constexpr std::string_view kUserDataAttr = "nova.user_data";
inline constexpr std::string_view kConfigDriveAttr = "nova.config_drive";  // "True" or absent
inline constexpr std::string_view kTrustedCertsAttr = "nova.trusted_certs";  // one id a line
inline constexpr std::string_view kReservationAttr = "nova.reservation_id";
inline constexpr std::string_view kLaunchIndexAttr = "nova.launch_index";

// The one (invented) compute host every server runs on.
inline constexpr std::string_view kHost = "gateway-host";

// The one availability zone there is (Nova's default name for it).
inline constexpr std::string_view kAvailabilityZone = "nova";

struct ViewContext {
  std::string base;  // http://host:port (https:// over TLS)
  Version version;
  const Settings& settings;
  std::string project;  // the server's project, as tenant_id
  bool admin = false;   // the caller sees the admin-only fields (OS-EXT-SRV-ATTR:*, host_status)
  std::vector<core::net::ServerAddress> addresses;  // its ports' fixed and floating addresses
  std::vector<std::string> security_groups;          // the names of its groups
  std::vector<std::string> server_groups;            // the ids of the server groups it is in (2.71)
  std::string zone;                                  // its host's availability zone
};

// "addresses": {"<network>": [{"version", "addr", "OS-EXT-IPS:type", "OS-EXT-IPS-MAC:mac_addr"}]};
// `extended`: with the type and MAC (the server views; /ips leaves them out).
void write_addresses(Writer& w, const std::vector<core::net::ServerAddress>& addresses, bool extended);

// Which of Nova's server views (views/servers.py's show() and its flags).
enum class ServerView {
  Detail,   // GET /servers/detail
  Show,     // GET /servers/{id}: detail, and server_groups from 2.71
  Update,   // PUT /servers/{id}: the basic fields before 2.75, all of them from 2.75
  Rebuild,  // rebuild's answer: as Update, key_name from 2.54, user_data from 2.57 (adminPass: the caller's)
};

// hostId: an opaque digest of a project and the (one, invented) host, as Nova shows it.
std::string host_id(std::string_view project);

// The "links" member: self (when asked) and bookmark, as Nova writes them.
void write_links(Writer& w, const std::string& base, std::string_view kind, std::string_view id, bool self);
// The security groups a server asked for by name (kSecurityGroupsAttr).
std::vector<std::string> requested_security_groups(const core::ServerInfo& s);
// "security_groups": [{"name": ...}], as a create's answer lists them.
void write_security_groups(Writer& w, const std::vector<std::string>& groups);

void write_server_brief(Writer& w, const core::ServerInfo& s, const ViewContext& c);  // id, name, links
// The server object of `view` (server_view.cpp); `admin_pass`: a rebuild's.
void write_server(Writer& w, const core::ServerInfo& s, const ViewContext& c, ServerView view,
                  const std::string* admin_pass = nullptr);
// A flavor's extra specs as an object of strings.
void write_extra_specs(Writer& w, const core::Pairs& specs);
void write_flavor(Writer& w, const Flavor& f, const std::string& base, const Version& v, bool detail);

// A flavor of the catalog as it is now (settings.flavor_source, else the
// configured one); `deleted_too`: also one deleted since.
std::optional<Flavor> find_flavor(const Settings& settings, std::string_view id, bool deleted_too = false);
// The id of the flavor the server has now, as Nova's instance.flavor: the
// new one from a resize's end (finish_resize) until a revert settles
// (finish_revert_resize), else kFlavorAttr's. Nothing when none is recorded
// (a server made through Transfer).
std::optional<std::string_view> flavor_id(const core::ServerInfo& s);
// The flavor a server has now (flavor_id's), deleted since or not, as Nova
// keeps a copy in each instance; a server with none recorded (made through
// Transfer) has the catalog's first (m1.tiny by default).
Flavor flavor_of(const Settings& settings, const core::ServerInfo& s);

}  // namespace openstack
