// Neutron's request bodies as typed requests: each attribute checked as
// Neutron's API checks it (types, lengths, formats, enums, what an update
// may not change), or the NeutronError a bad body earns. Pure functions
// over text, so every edge case is unit-testable and a fuzz target calls
// exactly what the handlers call. What needs the model (does the network
// exist? is the address free?) is the model's to answer, after these.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "adapters/openstack/neutron/errors.h"
#include "core/net/networks.h"

namespace openstack::neutron {

template <typename T>
using Parsed = std::variant<T, NeutronError>;

// Attributes every resource may carry.
struct CommonRequest {
  std::optional<std::string> name;
  std::optional<std::string> description;
  std::optional<std::string> project;  // tenant_id or project_id (an admin's create)
};

struct NetworkRequest : CommonRequest {
  std::optional<bool> admin_up, shared, external, port_security;
  std::optional<int> mtu;
};

struct SubnetRequest : CommonRequest {
  std::optional<std::string> network_id;
  std::optional<int> ip_version;
  std::optional<core::net::Prefix> cidr;
  std::optional<std::optional<core::net::Address>> gateway;  // inner nullopt: null (no gateway)
  std::optional<std::vector<core::net::Range>> pools;
  std::optional<bool> dhcp;
  std::optional<std::vector<std::string>> dns_nameservers;
  std::optional<std::vector<core::net::Route>> host_routes;
  std::optional<std::string> ra_mode, address_mode;
};

struct PortRequest : CommonRequest {
  std::optional<std::string> network_id, mac, device_id, device_owner, host_id, vnic_type;
  std::optional<bool> admin_up, port_security;
  std::optional<std::vector<core::net::IpRequest>> fixed_ips;
  std::optional<std::vector<std::string>> security_groups;
  std::optional<std::vector<core::net::AddressPair>> address_pairs;
  std::optional<std::string> dhcp_options_json;  // extra_dhcp_opts, checked, kept as JSON text
  std::optional<std::string> profile_json;       // binding:profile
};

struct FloatingIpRequest : CommonRequest {
  std::optional<std::string> network_id, subnet_id;
  std::optional<core::net::Address> address;
  std::optional<std::optional<std::string>> port_id;  // inner nullopt: null (disassociate)
  std::optional<core::net::Address> fixed_address;
};

struct RouterRequest : CommonRequest {
  std::optional<bool> admin_up;
  std::optional<std::optional<core::net::Networks::GatewayRequest>> gateway;  // inner nullopt: cleared
  std::optional<std::vector<core::net::Route>> routes;
};

struct GroupRequest : CommonRequest {
  std::optional<bool> stateful;
};

struct RuleRequest {
  std::optional<std::string> project;
  std::string group_id;
  std::string direction;
  int ethertype = 4;
  std::string protocol;  // empty: any
  std::optional<int> port_min, port_max;
  std::optional<core::net::Prefix> remote_prefix;
  std::string remote_group_id;
  std::string description;
};

// The router interface body: {"subnet_id"} or {"port_id"} (exactly one).
struct InterfaceRequest {
  std::string subnet_id;
  std::string port_id;
};

Parsed<NetworkRequest> parse_network(std::string_view body, bool create);
Parsed<SubnetRequest> parse_subnet(std::string_view body, bool create);
Parsed<PortRequest> parse_port(std::string_view body, bool create);
Parsed<FloatingIpRequest> parse_floating_ip(std::string_view body, bool create);
Parsed<RouterRequest> parse_router(std::string_view body, bool create);
Parsed<GroupRequest> parse_group(std::string_view body, bool create);
Parsed<RuleRequest> parse_rule(std::string_view body);
Parsed<InterfaceRequest> parse_interface(std::string_view body);
// PUT /quotas/{project}: {"quota": {"network": 10, ...}}.
Parsed<core::net::Limits> parse_quota(std::string_view body);
// PUT /{collection}/{id}/tags: {"tags": [...]}.
Parsed<std::vector<std::string>> parse_tags(std::string_view body);

}  // namespace openstack::neutron
