// Neutron's API v2.0 under /networking over the core's network model
// (core/net): what every call carries once its token is checked, and the
// handlers, a file per family: networks_api.cpp (networks, subnets,
// ports), routers_api.cpp (routers, floating IPs), security_api.cpp
// (security groups and rules), service.cpp (discovery, extensions, quotas,
// tags, and the wrapper every call goes through).
#pragma once

#include <memory>
#include <set>
#include <string>
#include <string_view>

#include "adapters/openstack/keystone/keystone.h"
#include "adapters/openstack/neutron/errors.h"
#include "adapters/openstack/neutron/query.h"
#include "adapters/openstack/neutron/views.h"
#include "core/fleet.h"
#include "core/journal.h"
#include "core/net/networks.h"

namespace httplib {
class Server;
struct Request;
struct Response;
}  // namespace httplib

namespace openstack::neutron {

struct Call {
  std::shared_ptr<const Identity> identity;
  core::Caller caller;
  std::string base;                     // http://host:port
  core::JournalEntry* entry = nullptr;  // this call's journal entry
};

class Service {
 public:
  Service(core::Fleet& fleet, core::net::Networks& networks, const Keystone& keystone);
  void mount(httplib::Server& server);
  // For a request under /networking no route answered (404, 405, 413, ...):
  // NeutronError's body. False for other paths.
  bool render_http_error(const httplib::Request& req, httplib::Response& res);

 private:
  using Handler = void (Service::*)(const httplib::Request&, httplib::Response&, Call&);
  // Wraps a handler: request id, token, caller, journal entry (`operation`).
  std::function<void(const httplib::Request&, httplib::Response&)> wrap(std::string operation, Handler handler);
  void send(httplib::Response& res, Call& call, int status, std::string body);
  void send_error(httplib::Response& res, Call& call, const NeutronError& e);
  void send_core_error(httplib::Response& res, Call& call, const core::Error& e) { send_error(res, call, from_core(e)); }
  // Lists `items` (an array of rendered resources) as `collection`, with the query applied.
  void send_list(const httplib::Request& req, httplib::Response& res, Call& call, const std::string& collection,
                 Json& doc, const std::set<std::string>& attributes);
  // One rendered resource as {"<singular>": {...}}, cut to ?fields=.
  void send_one(const httplib::Request& req, httplib::Response& res, Call& call, int status, const char* singular,
                Json& doc, Value object);
  Viewer viewer(const Call& call) const { return Viewer{fleet_.tenants(), call.caller.admin}; }
  // The tenant an admin names in a body (project_id), else the caller's.
  core::TenantId tenant_for(const Call& call, const std::optional<std::string>& project);
  std::vector<std::string> subnet_ids(const Call& call, const std::string& network_id);
  std::vector<core::net::SecurityRule> rules_of(const Call& call, const std::string& group_id);
  Value render_network(const Call& call, const core::net::Network& n, Allocator& a);
  Value render_group(const Call& call, const core::net::SecurityGroup& g, Allocator& a);

  // service.cpp
  void versions(const httplib::Request& req, httplib::Response& res, Call& call);
  void resources(const httplib::Request& req, httplib::Response& res, Call& call);
  void extensions(const httplib::Request& req, httplib::Response& res, Call& call);
  void extension(const httplib::Request& req, httplib::Response& res, Call& call);
  void service_providers(const httplib::Request& req, httplib::Response& res, Call& call);
  void agents(const httplib::Request& req, httplib::Response& res, Call& call);
  void list_quotas(const httplib::Request& req, httplib::Response& res, Call& call);
  void show_quota(const httplib::Request& req, httplib::Response& res, Call& call);
  void default_quota(const httplib::Request& req, httplib::Response& res, Call& call);
  void quota_details(const httplib::Request& req, httplib::Response& res, Call& call);
  void update_quota(const httplib::Request& req, httplib::Response& res, Call& call);
  void delete_quota(const httplib::Request& req, httplib::Response& res, Call& call);
  void show_tags(const httplib::Request& req, httplib::Response& res, Call& call);
  void check_tag(const httplib::Request& req, httplib::Response& res, Call& call);
  void replace_tags(const httplib::Request& req, httplib::Response& res, Call& call);
  void add_tag(const httplib::Request& req, httplib::Response& res, Call& call);
  void remove_tags(const httplib::Request& req, httplib::Response& res, Call& call);
  void remove_tag(const httplib::Request& req, httplib::Response& res, Call& call);
  // Edits the tags of /<collection>/<id>; the answer when it cannot.
  std::optional<NeutronError> edit_tags(Call& call, std::string_view collection, const std::string& id,
                                        const std::function<void(std::vector<std::string>&)>& edit,
                                        std::vector<std::string>* now);

  // networks_api.cpp
  void list_networks(const httplib::Request& req, httplib::Response& res, Call& call);
  void show_network(const httplib::Request& req, httplib::Response& res, Call& call);
  void create_network(const httplib::Request& req, httplib::Response& res, Call& call);
  void update_network(const httplib::Request& req, httplib::Response& res, Call& call);
  void delete_network(const httplib::Request& req, httplib::Response& res, Call& call);
  void list_subnets(const httplib::Request& req, httplib::Response& res, Call& call);
  void show_subnet(const httplib::Request& req, httplib::Response& res, Call& call);
  void create_subnet(const httplib::Request& req, httplib::Response& res, Call& call);
  void update_subnet(const httplib::Request& req, httplib::Response& res, Call& call);
  void delete_subnet(const httplib::Request& req, httplib::Response& res, Call& call);
  void list_ports(const httplib::Request& req, httplib::Response& res, Call& call);
  void show_port(const httplib::Request& req, httplib::Response& res, Call& call);
  void create_port(const httplib::Request& req, httplib::Response& res, Call& call);
  void update_port(const httplib::Request& req, httplib::Response& res, Call& call);
  void delete_port(const httplib::Request& req, httplib::Response& res, Call& call);

  // routers_api.cpp
  void list_routers(const httplib::Request& req, httplib::Response& res, Call& call);
  void show_router(const httplib::Request& req, httplib::Response& res, Call& call);
  void create_router(const httplib::Request& req, httplib::Response& res, Call& call);
  void update_router(const httplib::Request& req, httplib::Response& res, Call& call);
  void delete_router(const httplib::Request& req, httplib::Response& res, Call& call);
  void add_interface(const httplib::Request& req, httplib::Response& res, Call& call);
  void remove_interface(const httplib::Request& req, httplib::Response& res, Call& call);
  // An interface's answer: the router, the port, its network and subnet.
  std::string interface_body(const std::string& router_id, const core::net::Port& port);
  void list_floating_ips(const httplib::Request& req, httplib::Response& res, Call& call);
  void show_floating_ip(const httplib::Request& req, httplib::Response& res, Call& call);
  void create_floating_ip(const httplib::Request& req, httplib::Response& res, Call& call);
  void update_floating_ip(const httplib::Request& req, httplib::Response& res, Call& call);
  void delete_floating_ip(const httplib::Request& req, httplib::Response& res, Call& call);

  // security_api.cpp
  void list_groups(const httplib::Request& req, httplib::Response& res, Call& call);
  void show_group(const httplib::Request& req, httplib::Response& res, Call& call);
  void create_group(const httplib::Request& req, httplib::Response& res, Call& call);
  void update_group(const httplib::Request& req, httplib::Response& res, Call& call);
  void delete_group(const httplib::Request& req, httplib::Response& res, Call& call);
  void list_rules(const httplib::Request& req, httplib::Response& res, Call& call);
  void show_rule(const httplib::Request& req, httplib::Response& res, Call& call);
  void create_rule(const httplib::Request& req, httplib::Response& res, Call& call);
  void delete_rule(const httplib::Request& req, httplib::Response& res, Call& call);

  core::Fleet& fleet_;
  core::net::Networks& networks_;
  const Keystone& keystone_;
};

// The aliases of the extensions served (GET /v2.0/extensions), in order.
const std::vector<std::string_view>& extension_aliases();

}  // namespace openstack::neutron
