// The network model: networks, their subnets (address ranges with
// allocation pools), ports (a device's interface with a MAC and fixed
// addresses), floating addresses, routers and security groups. Plain data.
// These are not one cloud's ideas (AWS has VPCs, subnets, ENIs, Elastic IPs
// and security groups); the names follow Neutron's because its API is the
// one served today. Attributes only an adapter reads live in `extra`.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/clock.h"
#include "core/net/address.h"
#include "core/server.h"
#include "core/tenants.h"

namespace core::net {

// What every network resource has: an id, an owner, a name, tags, times.
struct Common {
  std::string id;
  TenantId tenant = 0;
  std::string name;
  std::string description;
  std::vector<std::string> tags;
  Millis created_ms = 0;
  Millis updated_ms = 0;
  std::uint64_t revision = 0;  // bumped by every change
  Pairs extra;                 // adapter-owned attributes, kept as given
};

struct Network : Common {
  bool admin_up = true;
  bool shared = false;
  bool external = false;       // floating addresses come from its subnets
  int mtu = 1500;
  bool port_security = true;   // the default of its new ports
  bool tenant_default = false; // the network a server gets when it names none
};

struct Route {
  Prefix destination;
  Address nexthop;
};

struct Subnet : Common {
  std::string network_id;
  Prefix cidr;
  std::optional<Address> gateway;
  std::vector<Range> pools;
  bool dhcp = true;
  std::vector<std::string> dns_nameservers;
  std::vector<Route> host_routes;
};

struct FixedIp {
  std::string subnet_id;
  Address address;
};

// Who owns a port, as its device_owner says.
inline constexpr std::string_view kOwnerCompute = "compute:nova";
inline constexpr std::string_view kOwnerRouterInterface = "network:router_interface";
inline constexpr std::string_view kOwnerRouterGateway = "network:router_gateway";
inline constexpr std::string_view kOwnerFloatingIp = "network:floatingip";

struct AddressPair {
  std::string ip;  // an address or a prefix, as given
  std::string mac;
};

struct Port : Common {
  std::string network_id;
  std::string mac;
  std::vector<FixedIp> fixed_ips;
  std::string device_id;
  std::string device_owner;
  bool admin_up = true;
  std::vector<std::string> security_groups;  // ids
  bool port_security = true;
  std::vector<AddressPair> allowed_address_pairs;
  bool made_for_server = false;  // a server's create made it: its delete deletes it
};

struct FloatingIp : Common {
  std::string network_id;  // the external network it comes from
  std::string subnet_id;
  Address address;
  std::string port_id;  // the port it is associated with (empty: none)
  std::optional<Address> fixed_address;
  std::string router_id;  // the router that reaches the port's subnet
};

struct Gateway {
  std::string network_id;
  bool enable_snat = true;
  std::vector<FixedIp> fixed_ips;
  std::string port_id;  // the gateway port on the external network
};

struct Router : Common {
  bool admin_up = true;
  std::optional<Gateway> gateway;
  std::vector<Route> routes;
  // Its interfaces are ports: device_owner network:router_interface, device_id the router's id.
};

struct SecurityGroup : Common {
  bool stateful = true;
};

struct SecurityRule {
  std::string id;
  TenantId tenant = 0;
  std::string group_id;
  std::string direction = "ingress";  // or "egress"
  int ethertype = 4;                  // 4 or 6
  std::string protocol;               // empty: any; a name or a number as given
  std::optional<int> port_min;
  std::optional<int> port_max;
  std::optional<Prefix> remote_prefix;
  std::string remote_group_id;
  std::string description;
  Millis created_ms = 0;
  Millis updated_ms = 0;
  std::uint64_t revision = 0;
};

// What a server's view shows of its interfaces: each fixed address, then
// the floating ones associated with the port, named by the port's network.
struct ServerAddress {
  std::string network_name;
  std::string network_id;
  std::string port_id;
  Address address;
  bool floating = false;
  std::string mac;
};

}  // namespace core::net
