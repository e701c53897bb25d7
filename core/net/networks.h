// The network service's state and its rules, below every API: networks and
// subnets, ports with addresses allocated from their subnet's pools (unique
// in the subnet, MACs unique in the network), floating addresses from an
// external network associated with a port a router reaches, routers with a
// gateway and interfaces, security groups and their rules, and quotas.
//
// Every server gets its ports here when it is created (a Keeper staging
// them in the server's own commit) and loses the ones made for it when it
// is deleted. Each tenant gets a devstack-like default topology the first
// time it is seen: a network `private` with `private-subnet` 10.0.0.0/26, a
// router `router1` with its gateway on `public` (172.24.4.0/24, the
// floating pool) and an interface on private-subnet, and the security group
// `default`.
//
// Visibility: a caller sees its tenant's resources, shared and external
// networks with their subnets; an admin sees everything. Errors name the
// rule (core::Error::reason: "network_in_use", "no_address_free", ...) and
// the missing resource's kind (core::missing), never a status code.
//
// Thread-safe: one reader-writer lock; a change holds it exclusively while
// it is written (fleet.keep), so changes are serialised and readers never
// see an unwritten one. Lock order: a server's record lock, then this one;
// nothing here calls back into the fleet's servers while holding it.
#pragma once

#include <functional>
#include <memory>
#include <map>
#include <optional>
#include <set>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

#include "core/document.h"
#include "core/fleet.h"
#include "core/net/model.h"
#include "core/result.h"

namespace core::net {

// Quotas of a tenant by resource ("network", "subnet", "port", "router",
// "floatingip", "security_group", "security_group_rule"); -1: unlimited.
using Limits = std::map<std::string, int, std::less<>>;
Limits default_limits();

struct TenantRecord;  // state.h

// An address asked for on a port: on a subnet, a given address, or both.
struct IpRequest {
  std::string subnet_id;
  std::optional<Address> address;
};

class Networks final : public Keeper {
 public:
  // Registers itself with the fleet as its keeper of networks.
  Networks(Fleet& fleet, IdSource& ids, Tenants& tenants);
  ~Networks() override;
  Networks(const Networks&) = delete;
  Networks& operator=(const Networks&) = delete;

  // Reads: what the caller may see (networks_* return them in creation order).
  Result<Network> network(const Caller& caller, std::string_view id);
  std::vector<Network> networks(const Caller& caller);
  Result<Subnet> subnet(const Caller& caller, std::string_view id);
  std::vector<Subnet> subnets(const Caller& caller);
  Result<Port> port(const Caller& caller, std::string_view id);
  std::vector<Port> ports(const Caller& caller);
  Result<FloatingIp> floating_ip(const Caller& caller, std::string_view id);
  std::vector<FloatingIp> floating_ips(const Caller& caller);
  Result<Router> router(const Caller& caller, std::string_view id);
  std::vector<Router> routers(const Caller& caller);
  Result<SecurityGroup> security_group(const Caller& caller, std::string_view id);
  std::vector<SecurityGroup> security_groups(const Caller& caller);
  Result<SecurityRule> security_rule(const Caller& caller, std::string_view id);
  std::vector<SecurityRule> security_rules(const Caller& caller);
  // A security group of the caller's tenant by id or name (Nova's proxy and
  // server create name groups).
  Result<SecurityGroup> security_group_named(const Caller& caller, std::string_view id_or_name);
  // The id of a tenant's `default` group.
  Result<std::string> default_group_id(TenantId tenant);

  // Networks: `draft` as the caller asks (tenant: the caller's unless an
  // admin names another). Deleting one deletes its subnets, unless a port
  // other than its own service ports is on it (network_in_use).
  Result<Network> create_network(const Caller& caller, Network draft);
  Result<Network> update_network(const Caller& caller, std::string_view id, const std::function<void(Network&)>& edit);
  Result<Done> delete_network(const Caller& caller, std::string_view id);

  // Subnets: the cidr must not overlap another subnet of the network; the
  // gateway (nullopt in `gateway`: none; absent: the first address) lies in
  // it; pools (empty: the whole range but the gateway, network and
  // broadcast) lie in it, apart from each other and from the gateway.
  struct GatewayChoice {
    bool given = false;               // false: the first address of the cidr
    std::optional<Address> address;   // given and empty: no gateway
  };
  Result<Subnet> create_subnet(const Caller& caller, Subnet draft, GatewayChoice gateway);
  Result<Subnet> update_subnet(const Caller& caller, std::string_view id, const std::function<void(Subnet&)>& edit,
                               std::optional<GatewayChoice> gateway);
  Result<Done> delete_subnet(const Caller& caller, std::string_view id);

  // Ports: addresses as asked (nothing: one of the network's first IPv4
  // subnet with room, and one of each IPv6 subnet), a MAC as given (or
  // fa:16:3e:xx:xx:xx), the security groups as given (default_group_id).
  Result<Port> create_port(const Caller& caller, Port draft, std::optional<std::vector<IpRequest>> ips);
  Result<Port> update_port(const Caller& caller, std::string_view id, const std::function<void(Port&)>& edit,
                           std::optional<std::vector<IpRequest>> ips);
  Result<Done> delete_port(const Caller& caller, std::string_view id);

  // Floating addresses, from an external network's subnet; `port_id` empty:
  // not associated.
  struct Association {
    std::string port_id;
    std::optional<Address> fixed_address;
  };
  Result<FloatingIp> create_floating_ip(const Caller& caller, FloatingIp draft, std::optional<Address> wanted,
                                        std::optional<Association> association);
  Result<FloatingIp> update_floating_ip(const Caller& caller, std::string_view id,
                                        const std::function<void(FloatingIp&)>& edit,
                                        std::optional<Association> association);
  Result<Done> delete_floating_ip(const Caller& caller, std::string_view id);

  // Routers: a gateway on an external network takes an address there;
  // interfaces are ports on the router's subnets.
  struct GatewayRequest {
    std::string network_id;
    bool enable_snat = true;
    std::optional<std::vector<IpRequest>> ips;
  };
  Result<Router> create_router(const Caller& caller, Router draft, std::optional<GatewayRequest> gateway);
  // `gateway`: absent, unchanged; holding nullopt, cleared.
  Result<Router> update_router(const Caller& caller, std::string_view id, const std::function<void(Router&)>& edit,
                               std::optional<std::optional<GatewayRequest>> gateway,
                               std::optional<std::vector<Route>> routes);
  Result<Done> delete_router(const Caller& caller, std::string_view id);
  // Adds an interface on a subnet (its gateway address) or an existing port.
  Result<Port> add_interface(const Caller& caller, std::string_view router_id, std::string_view subnet_id,
                             std::string_view port_id);
  Result<Port> remove_interface(const Caller& caller, std::string_view router_id, std::string_view subnet_id,
                                std::string_view port_id);

  // Security groups and rules. Every tenant has one named `default`, made
  // with the rules Neutron gives it; it cannot be deleted by its tenant.
  Result<SecurityGroup> create_security_group(const Caller& caller, SecurityGroup draft);
  Result<SecurityGroup> update_security_group(const Caller& caller, std::string_view id,
                                              const std::function<void(SecurityGroup&)>& edit);
  Result<Done> delete_security_group(const Caller& caller, std::string_view id);
  Result<SecurityRule> create_security_rule(const Caller& caller, SecurityRule draft);
  Result<Done> delete_security_rule(const Caller& caller, std::string_view id);

  // Quotas: a tenant's limits (its own, else the defaults); setting and
  // resetting them is for admins (the adapter checks).
  Limits limits(TenantId tenant);
  // How many of each resource the tenant has.
  Limits usage(TenantId tenant);
  Result<Limits> set_limits(TenantId tenant, const Limits& changes);
  Result<Done> reset_limits(TenantId tenant);
  // Tenants whose quotas were set.
  std::vector<TenantId> tenants_with_limits();

  // For servers: their addresses (fixed, then floating, port by port), the
  // ports on them, and interfaces attached to and detached from a running
  // server (Nova's os-interface).
  std::vector<ServerAddress> addresses_of(std::string_view server_uuid);
  std::vector<Port> ports_of(std::string_view server_uuid);
  Result<Port> attach(const ServerInfo& server, const NicRequest& nic);
  Result<Done> detach(const ServerInfo& server, std::string_view port_id);
  // The network a server gets when it names none (the tenant's `private`),
  // made with the tenant's defaults if this is the first time it is seen.
  Result<Network> default_network(TenantId tenant);

  // core::Keeper
  bool owns(std::string_view kind) const override;
  std::optional<std::string> verify(const std::vector<Document>& documents) const override;
  void load(const std::vector<Document>& documents) override;
  void reset() override;
  std::vector<Document> documents() const override;

  // Which tenants seen for the first time get devstack's network `private`
  // and `router1` (every tenant gets its security group `default`, as
  // Neutron gives every project one). All of them unless set; the OpenStack
  // adapter leaves out the projects made through Keystone's API. Called with
  // this object's lock held: the rule must not call back into Networks.
  void set_topology_rule(std::function<bool(TenantId)> rule) { topology_rule_ = std::move(rule); }
  Staged stage_create(const ServerInfo& server, const CreateSpec& spec, Millis now) override;
  Staged stage_delete(const ServerInfo& server, Millis now) override;

 private:
  struct State;
  class Change;
  std::function<bool(TenantId)> topology_rule_;

  // networks.cpp: plumbing. Every write runs with mutex_ held exclusively,
  // fills a Change and ends in write() (which rolls it back if the store refuses).
  Result<Done> write(Change& change);
  std::string new_id();
  void stamp(Common& c, const Change& change) const;  // times and revision of a changed record
  // The tenant's default topology if it has none yet (and the external network if there is none), in `change`.
  void make_defaults(Change& change, TenantId tenant);
  void make_external(Change& change);
  // The same, written at once: for reads by a tenant seen for the first time.
  Result<Done> ensure_defaults(TenantId tenant);
  TenantRecord& tenant_record(Change& change, TenantId tenant);
  bool sees(const Caller& caller, const Network& n) const;
  bool sees(const Caller& caller, const Subnet& s) const;
  bool sees(const Caller& caller, const Port& p) const;
  bool sees(const Caller& caller, const Router& r) const;
  bool sees(const Caller& caller, const FloatingIp& f) const;
  bool sees(const Caller& caller, const SecurityGroup& g) const;
  std::optional<Error> check_subnet(const Subnet& s, std::string_view skip_id) const;
  static std::vector<Range> default_pools(const Subnet& s);

  // ports.cpp
  std::string new_mac(const std::string& network_id);
  std::optional<Address> lowest_free(const Subnet& s) const;
  Result<FixedIp> take_address(const Network& net, const IpRequest& request);
  // The addresses of a port on `net`: as asked (keeping those it `held`), or one of the first subnet with room.
  Result<std::vector<FixedIp>> assign(const Network& net, const std::optional<std::vector<IpRequest>>& ips,
                                      const std::vector<FixedIp>& held);
  Result<Port> add_port(Change& change, Port draft, const std::optional<std::vector<IpRequest>>& ips);
  void drop_port(Change& change, const std::string& port_id);
  Result<Port> plug_server(Change& change, const ServerInfo& server, const NicRequest& nic,
                           const std::vector<std::string>& groups);
  void unplug_server(Change& change, std::string_view server_uuid, std::string_view only_port);

  // routers.cpp
  std::vector<const Port*> interfaces_of(std::string_view router_id) const;
  std::optional<Error> set_gateway(Change& change, const std::string& router_id, const GatewayRequest& request);
  std::optional<Error> clear_gateway(Change& change, Router router);
  Result<Port> plug_interface(Change& change, const std::string& router_id, std::string_view subnet_id,
                              std::string_view port_id);
  std::optional<Error> associate(FloatingIp& f, const Caller& caller, const Association& a);

  // security.cpp
  std::string default_group(Change& change, TenantId tenant);
  const SecurityGroup* group_named(TenantId tenant, std::string_view id_or_name) const;
  std::optional<Error> check_groups(TenantId tenant, const std::vector<std::string>& ids) const;
  std::optional<Error> check_quota(TenantId tenant, std::string_view resource, int adding) const;
  Limits limits_locked(TenantId tenant) const;
  Limits usage_locked(TenantId tenant) const;

  Fleet& fleet_;
  IdSource& ids_;
  Tenants& tenants_;
  mutable std::shared_mutex mutex_;
  std::unique_ptr<State> state_;
};

}  // namespace core::net
