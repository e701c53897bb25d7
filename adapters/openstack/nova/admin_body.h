// Request bodies of the compute API's admin side (flavors, quotas, server
// groups, aggregates, services, hosts, agents): JSON text to typed requests,
// checked as Nova's schemas check them, or the Nova fault a bad body
// earns. Pure functions over text, like json_body.h's: what needs state
// (does the flavor exist? is the quota used?) is the handler's to check.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "adapters/openstack/nova/faults.h"
#include "adapters/openstack/nova/guest_agents.h"
#include "adapters/openstack/nova/microversion.h"
#include "adapters/openstack/shared/settings.h"
#include "core/quotas.h"
#include "core/server.h"

namespace openstack {

// POST /flavors: {"flavor": {name, ram, vcpus, disk, id, OS-FLV-EXT-DATA:ephemeral,
// swap, rxtx_factor, os-flavor-access:is_public, description (2.55)}}; an
// id of null or none is left empty (the catalog makes one up).
std::variant<Flavor, Fault> parse_flavor_create(std::string_view body, const Version& version);
// PUT /flavors/{id} (2.55): {"flavor": {"description": <string or null>}}.
std::variant<std::optional<std::string>, Fault> parse_flavor_update(std::string_view body);

// POST /flavors/{id}/action: addTenantAccess or removeTenantAccess.
struct FlavorAccessRequest {
  bool add = true;
  std::string tenant;
};
std::variant<FlavorAccessRequest, Fault> parse_flavor_action(std::string_view body);

// POST /flavors/{id}/os-extra_specs: {"extra_specs": {...}}; with `key`,
// PUT /flavors/{id}/os-extra_specs/{key}: {"<key>": value}, one member, the URL's.
// Values are strings or numbers (kept as their text).
std::variant<core::Pairs, Fault> parse_extra_specs(std::string_view body, const std::optional<std::string>& key);

// PUT /os-quota-sets/{id} ({"quota_set": {...}, "force"}) and PUT
// /os-quota-class-sets/{id} ({"quota_class_set": {...}}): the resources the
// microversion allows, each an integer (or a string of one) from -1 to 2^31-1.
struct QuotaUpdate {
  core::QuotaLimits limits;
  bool force = false;
};
std::variant<QuotaUpdate, Fault> parse_quota_update(std::string_view body, const Version& version, bool quota_class);
// The resources a quota view shows at a microversion (quota-sets; with
// `quota_class`, quota-class-sets, which keep the network ones until 2.50).
std::vector<std::string_view> quota_resources(const Version& version, bool quota_class);

// POST /os-server-groups: {"server_group": {"name", "policies": [one]}} to
// 2.63, {"name", "policy", "rules": {"max_server_per_host"}} from 2.64.
struct ServerGroupRequest {
  std::string name;
  std::string policy;
  std::optional<long long> max_server_per_host;
};
std::variant<ServerGroupRequest, Fault> parse_server_group(std::string_view body, const Version& version);

// POST /os-aggregates {"aggregate": {"name", "availability_zone"}} and PUT
// /os-aggregates/{id} (either, at least one).
struct AggregateFields {
  std::optional<std::string> name;
  std::optional<std::optional<std::string>> availability_zone;  // present; null inside: none
};
std::variant<AggregateFields, Fault> parse_aggregate(std::string_view body, bool update);
// POST /os-aggregates/{id}/action: add_host, remove_host, set_metadata.
struct AggregateAction {
  enum class Kind { AddHost, RemoveHost, SetMetadata } kind = Kind::AddHost;
  std::string host;
  std::vector<std::pair<std::string, std::optional<std::string>>> metadata;  // null: remove the key
};
std::variant<AggregateAction, Fault> parse_aggregate_action(std::string_view body);

// PUT /os-services/{id} (2.53): {"status", "disabled_reason", "forced_down"};
// to 2.52 PUT /os-services/{enable,disable,disable-log-reason,force-down}
// with {"host", "binary", ...}: `action` names which.
struct ServiceUpdate {
  std::string host;    // to 2.52
  std::string binary;  // to 2.52
  std::optional<bool> disabled;
  std::optional<std::string> disabled_reason;
  std::optional<bool> forced_down;
};
std::variant<ServiceUpdate, Fault> parse_service_update(std::string_view body, const Version& version,
                                                        std::string_view action);

// PUT /os-hosts/{host}: {"status": "enable"|"disable", "maintenance_mode": "enable"|"disable"}.
struct HostUpdate {
  std::optional<std::string> status;
  std::optional<std::string> maintenance_mode;
};
std::variant<HostUpdate, Fault> parse_host_update(std::string_view body);

// POST /os-agents: {"agent": {hypervisor, os, architecture, version, url,
// md5hash}}, each a string of at most 255 characters (the names of letters,
// digits, '-', '.', '_' and spaces; the URL an absolute URI with a host; the
// hash hexadecimal), as Nova's schema (until Victoria) checked them
// (agent_body.cpp). `id` is left 0.
std::variant<GuestAgent, Fault> parse_agent_create(std::string_view body);
// PUT /os-agents/{id}: {"para": {version, url, md5hash}} (only those are set).
std::variant<GuestAgent, Fault> parse_agent_update(std::string_view body);
// Whether `text` is a URI as Nova's "uri" format reads it (RFC 3986, with a scheme and a host).
bool absolute_uri(std::string_view text);

}  // namespace openstack
