// Nova's handlers over the core, and what every compute request
// carries once it is checked: its microversion, who is calling, the base URL.
// The handlers live in a file per resource: servers.cpp (list, show,
// create, delete, update), server_actions.cpp, server_metadata.cpp,
// instance_actions.cpp, server_tags_api.cpp, keypairs_api.cpp, security_groups.cpp,
// networking.cpp (addresses, interfaces, network and floating IP proxies),
// catalog.cpp (flavors), and the admin side: flavor_admin.cpp,
// quotas_api.cpp, server_groups_api.cpp, hypervisors.cpp, services_api.cpp
// (services, hosts), aggregates_api.cpp, zones_api.cpp, migrations_api.cpp,
// usage_api.cpp (tenant usage, audit log), agents_api.cpp, extensions.cpp,
// remote_consoles.cpp; service.cpp has what they share.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "adapters/openstack/api.h"
#include "adapters/openstack/glance/images.h"
#include "adapters/openstack/keystone/keystone.h"
#include "adapters/openstack/nova/compute_host.h"
#include "adapters/openstack/nova/console_tokens.h"
#include "adapters/openstack/nova/faults.h"
#include "adapters/openstack/nova/flavors.h"
#include "adapters/openstack/nova/guest_agents.h"
#include "adapters/openstack/nova/json_body.h"
#include "adapters/openstack/nova/keypairs.h"
#include "adapters/openstack/nova/microversion.h"
#include "adapters/openstack/nova/migrations.h"
#include "adapters/openstack/nova/server_groups.h"
#include "adapters/openstack/nova/views.h"
#include "core/journal.h"
#include "core/net/networks.h"
#include "core/quotas.h"

namespace httplib {
struct Request;
struct Response;
}  // namespace httplib

namespace openstack {

struct Call {
  Version version;
  std::shared_ptr<const Identity> identity;  // never null once checked
  core::Caller caller;
  std::string base;
  core::JournalEntry* entry = nullptr;  // this call's journal entry, filled in as it goes
};

struct Service {
  core::Fleet& fleet;
  const Settings& settings;
  ImageCatalog& images;
  KeypairStore& keypairs;
  core::net::Networks& networks;
  FlavorCatalog& flavors;
  core::Quotas& quotas;
  ServerGroups& groups;
  ComputeHost& host;
  MigrationIds& migration_ids;
  ConsoleTokens& consoles;
  GuestAgents& agents;

  // servers.cpp
  // The ip / ip6 filters of a listing, on the server's addresses.
  bool addresses_match(const struct ListParams& params, const core::ServerInfo& s);
  void list_servers(const httplib::Request& req, httplib::Response& res, const Call& call, bool detail);
  void show_server(const httplib::Request& req, httplib::Response& res, const Call& call);
  void create_server(const httplib::Request& req, httplib::Response& res, const Call& call);
  void delete_server(const httplib::Request& req, httplib::Response& res, const Call& call);
  void update_server(const httplib::Request& req, httplib::Response& res, const Call& call);

  // networking.cpp: the addresses and interfaces of a server, and Nova's
  // network proxies (to 2.35) over the network model.
  // The interfaces a create asks for, checked as Nova's API checks them.
  std::variant<std::vector<core::NicRequest>, Fault> resolve_networks(const Call& call, const CreateRequest& request);
  void list_ips(const httplib::Request& req, httplib::Response& res, const Call& call);
  void show_ips(const httplib::Request& req, httplib::Response& res, const Call& call);
  void list_interfaces(const httplib::Request& req, httplib::Response& res, const Call& call);
  void show_interface(const httplib::Request& req, httplib::Response& res, const Call& call);
  void attach_interface(const httplib::Request& req, httplib::Response& res, const Call& call);
  void detach_interface(const httplib::Request& req, httplib::Response& res, const Call& call);
  void list_tenant_networks(const httplib::Request& req, httplib::Response& res, const Call& call);
  void show_tenant_network(const httplib::Request& req, httplib::Response& res, const Call& call);
  void list_floating_ips(const httplib::Request& req, httplib::Response& res, const Call& call);
  void show_floating_ip(const httplib::Request& req, httplib::Response& res, const Call& call);
  void create_floating_ip(const httplib::Request& req, httplib::Response& res, const Call& call);
  void delete_floating_ip(const httplib::Request& req, httplib::Response& res, const Call& call);
  void list_floating_ip_pools(const httplib::Request& req, httplib::Response& res, const Call& call);
  // addFloatingIp / removeFloatingIp (server_actions.cpp routes them here).
  void add_floating_ip(httplib::Response& res, const Call& call, const core::ServerInfo& server,
                       const std::string& address, const std::string& fixed_address);
  void remove_floating_ip(httplib::Response& res, const Call& call, const core::ServerInfo& server,
                          const std::string& address);
  void write_network_proxy(Writer& w, const core::net::Network& n, const std::optional<std::string>& cidr, bool full);
  void write_floating_ip(Writer& w, const Call& call, const core::net::FloatingIp& f);
  std::optional<core::net::FloatingIp> floating_by_address(const Call& call, const std::string& address);

  // server_actions.cpp
  void server_action(const httplib::Request& req, httplib::Response& res, const Call& call);

  // migrate_actions.cpp: migrate and os-migrateLive (admin), on one host.
  void migrate_server(httplib::Response& res, const Call& call, const std::string& id, const ActionRequest& request,
                      const core::ActOptions& options);

  // server_metadata.cpp: GET, PUT (replace) and POST (merge) of the whole
  // set; GET, PUT and DELETE of one item.
  void list_metadata(const httplib::Request& req, httplib::Response& res, const Call& call);
  void set_metadata(const httplib::Request& req, httplib::Response& res, const Call& call, bool replace);
  void show_metadata_item(const httplib::Request& req, httplib::Response& res, const Call& call);
  void set_metadata_item(const httplib::Request& req, httplib::Response& res, const Call& call);
  void delete_metadata_item(const httplib::Request& req, httplib::Response& res, const Call& call);
  // The metadata_items quota, as an edit refuses it (runs under the server's lock: reads the quotas only).
  std::optional<core::Error> over_limit(const Call& call, const core::Pairs& metadata);

  // server_tags_api.cpp: /servers/{id}/tags (from 2.26)
  void list_tags(const httplib::Request& req, httplib::Response& res, const Call& call);
  void show_tag(const httplib::Request& req, httplib::Response& res, const Call& call);
  void add_tag(const httplib::Request& req, httplib::Response& res, const Call& call);
  void replace_tags(const httplib::Request& req, httplib::Response& res, const Call& call);
  void delete_tag(const httplib::Request& req, httplib::Response& res, const Call& call);
  void delete_tags(const httplib::Request& req, httplib::Response& res, const Call& call);

  // instance_actions.cpp
  void list_instance_actions(const httplib::Request& req, httplib::Response& res, const Call& call);
  void show_instance_action(const httplib::Request& req, httplib::Response& res, const Call& call);

  // keypairs_api.cpp
  void list_keypairs(const httplib::Request& req, httplib::Response& res, const Call& call);
  void show_keypair(const httplib::Request& req, httplib::Response& res, const Call& call);
  void create_keypair(const httplib::Request& req, httplib::Response& res, const Call& call);
  void delete_keypair(const httplib::Request& req, httplib::Response& res, const Call& call);

  // security_groups.cpp: the proxy API (to 2.35) and a server's groups
  void list_security_groups(const httplib::Request& req, httplib::Response& res, const Call& call);
  void show_security_group(const httplib::Request& req, httplib::Response& res, const Call& call);
  void list_server_security_groups(const httplib::Request& req, httplib::Response& res, const Call& call);
  void create_security_group(const httplib::Request& req, httplib::Response& res, const Call& call);
  void update_security_group(const httplib::Request& req, httplib::Response& res, const Call& call);
  void delete_security_group(const httplib::Request& req, httplib::Response& res, const Call& call);
  void create_security_group_rule(const httplib::Request& req, httplib::Response& res, const Call& call);
  void delete_security_group_rule(const httplib::Request& req, httplib::Response& res, const Call& call);
  // addSecurityGroup / removeSecurityGroup: the group on (or off) every port of the server.
  std::optional<Fault> change_security_group(const Call& call, const core::ServerInfo& server,
                                             const std::string& group, bool add);
  // The names of the server's groups: its ports', or for a server with none those it asked for.
  std::vector<std::string> server_groups(const core::ServerInfo& server);
  void write_group(Writer& w, const Call& call, const core::net::SecurityGroup& g);
  // {"security_group": {"name", "description"}}, as Nova's proxy checks it.
  static std::optional<Fault> read_group_body(const httplib::Request& req, std::string& name, std::string& description);

  // images_api.cpp: compute's image proxy (to 2.35)
  enum class MetadataEdit { Merge, Replace, Item, Remove };
  // From 2.36: Nova's 404 sent, true.
  bool images_gone(httplib::Response& res, const Call& call);
  void list_images(const httplib::Request& req, httplib::Response& res, const Call& call, bool detail);
  void show_image(const httplib::Request& req, httplib::Response& res, const Call& call);
  void delete_image(const httplib::Request& req, httplib::Response& res, const Call& call);
  void list_image_metadata(const httplib::Request& req, httplib::Response& res, const Call& call);
  void show_image_metadata_item(const httplib::Request& req, httplib::Response& res, const Call& call);
  void set_image_metadata(const httplib::Request& req, httplib::Response& res, const Call& call, MetadataEdit how);

  // remote_consoles.cpp: the console actions (to 2.5), remote-consoles (2.6), os-console-auth-tokens (2.31)
  void remote_console_action(httplib::Response& res, const Call& call, const std::string& id,
                             const ActionRequest& request);
  void create_remote_console(const httplib::Request& req, httplib::Response& res, const Call& call);
  void show_console_auth_token(const httplib::Request& req, httplib::Response& res, const Call& call);
  // A console URL for `server`, or (the fault sent) nothing: its host, the protocol and type, its guest.
  std::optional<std::string> console_url(httplib::Response& res, const Call& call, const core::ServerInfo& server,
                                         std::string_view protocol, std::string_view type);

  // server_extras.cpp: diagnostics, os-server-password, os-server-external-events
  void show_diagnostics(const httplib::Request& req, httplib::Response& res, const Call& call);
  void show_server_password(const httplib::Request& req, httplib::Response& res, const Call& call);
  void clear_server_password(const httplib::Request& req, httplib::Response& res, const Call& call);
  void create_external_events(const httplib::Request& req, httplib::Response& res, const Call& call);

  // catalog.cpp
  void list_flavors(const httplib::Request& req, httplib::Response& res, const Call& call, bool detail);
  void show_flavor(const httplib::Request& req, httplib::Response& res, const Call& call);

  // flavor_admin.cpp: flavor-manage, flavor-access, extra specs
  FlavorViewer flavor_viewer(const Call& call) const;
  // Whether the caller is an admin; if not, Nova's 403 for `policy` is sent.
  bool allowed(httplib::Response& res, const Call& call, std::string_view policy);
  void create_flavor(const httplib::Request& req, httplib::Response& res, const Call& call);
  void update_flavor(const httplib::Request& req, httplib::Response& res, const Call& call);
  void delete_flavor(const httplib::Request& req, httplib::Response& res, const Call& call);
  void list_flavor_access(const httplib::Request& req, httplib::Response& res, const Call& call);
  void flavor_action(const httplib::Request& req, httplib::Response& res, const Call& call);
  void list_extra_specs(const httplib::Request& req, httplib::Response& res, const Call& call);
  void show_extra_spec(const httplib::Request& req, httplib::Response& res, const Call& call);
  // POST os-extra_specs (all of them) or PUT os-extra_specs/{key} (one).
  void set_extra_specs(const httplib::Request& req, httplib::Response& res, const Call& call);
  void delete_extra_spec(const httplib::Request& req, httplib::Response& res, const Call& call);

  // quotas_api.cpp: os-quota-sets, os-quota-class-sets, limits
  void show_quota_set(const httplib::Request& req, httplib::Response& res, const Call& call, bool detail);
  void show_quota_defaults(const httplib::Request& req, httplib::Response& res, const Call& call);
  void update_quota_set(const httplib::Request& req, httplib::Response& res, const Call& call);
  void delete_quota_set(const httplib::Request& req, httplib::Response& res, const Call& call);
  void show_quota_class(const httplib::Request& req, httplib::Response& res, const Call& call);
  void update_quota_class(const httplib::Request& req, httplib::Response& res, const Call& call);
  void show_limits(const httplib::Request& req, httplib::Response& res, const Call& call);

  // quota_checks.cpp: what the servers' quotas refuse, in Nova's words.
  // A create of min..max servers of `flavor` for the caller: the admission
  // (its count: how many to boot), or the fault sent.
  // With `group`, the group's members' quota too.
  std::optional<core::Quotas::Admission> admit_create(httplib::Response& res, const Call& call, const Flavor& flavor,
                                                      int min_count, int max_count,
                                                      const std::optional<std::string>& group);
  // A resize (or a revert) of the server `id`, when the core would accept
  // it: the admission of its growth, held while it is made; nothing when
  // there is nothing to hold; `refused` when the quota's fault was sent.
  std::optional<core::Quotas::Admission> admit_resize(httplib::Response& res, const Call& call, const std::string& id,
                                                      const ActionRequest& request, bool& refused);
  // Nova's metadata_items limit for a server's metadata of `count` items (403 over it).
  std::optional<Fault> metadata_over(const Call& call, std::size_t count);
  // Nova's injected-files limits (injected_files, injected_file_path_bytes,
  // injected_file_content_bytes) for a create's or a rebuild's personality (403 over one).
  std::optional<Fault> injected_files_over(const Call& call, const InjectedFiles& files);
  // Nova's key_pairs limit for `user`'s next key pair.
  std::optional<Fault> keypairs_over(const Call& call, const std::string& user);
  // How a server counts in its project's quotas (its flavor's cores and RAM, its user).
  core::ServerUse server_use(const core::ServerInfo& s) const;

  // server_groups_api.cpp
  // The group named in the path as the caller may see it; on an error the fault is sent.
  std::optional<ServerGroup> group_of(httplib::Response& res, const Call& call, const std::string& id,
                                      std::string_view policy);
  void list_server_groups(const httplib::Request& req, httplib::Response& res, const Call& call);
  void show_server_group(const httplib::Request& req, httplib::Response& res, const Call& call);
  void create_server_group(const httplib::Request& req, httplib::Response& res, const Call& call);
  void delete_server_group(const httplib::Request& req, httplib::Response& res, const Call& call);

  // hypervisors.cpp
  // What the servers on the one host hold (every tenant's, but the shelved-offloaded ones).
  HostUsage host_usage();
  void list_hypervisors(const httplib::Request& req, httplib::Response& res, const Call& call, bool detail);
  void show_hypervisor(const httplib::Request& req, httplib::Response& res, const Call& call);
  void hypervisor_uptime(const httplib::Request& req, httplib::Response& res, const Call& call);
  void hypervisor_statistics(const httplib::Request& req, httplib::Response& res, const Call& call);
  // GET /os-hypervisors/{pattern}/search and /{pattern}/servers (to 2.52).
  void search_hypervisors(const httplib::Request& req, httplib::Response& res, const Call& call, bool servers);

  // services_api.cpp: os-services and os-hosts
  void list_services(const httplib::Request& req, httplib::Response& res, const Call& call);
  void update_service(const httplib::Request& req, httplib::Response& res, const Call& call);
  void delete_service(const httplib::Request& req, httplib::Response& res, const Call& call);
  void list_hosts(const httplib::Request& req, httplib::Response& res, const Call& call);
  void show_host(const httplib::Request& req, httplib::Response& res, const Call& call);
  void update_host(const httplib::Request& req, httplib::Response& res, const Call& call);
  void host_power_action(const httplib::Request& req, httplib::Response& res, const Call& call);

  // aggregates_api.cpp
  void list_aggregates(const httplib::Request& req, httplib::Response& res, const Call& call);
  void show_aggregate(const httplib::Request& req, httplib::Response& res, const Call& call);
  void create_aggregate(const httplib::Request& req, httplib::Response& res, const Call& call);
  void update_aggregate(const httplib::Request& req, httplib::Response& res, const Call& call);
  void delete_aggregate(const httplib::Request& req, httplib::Response& res, const Call& call);
  void aggregate_action(const httplib::Request& req, httplib::Response& res, const Call& call);

  // zones_api.cpp
  void list_zones(const httplib::Request& req, httplib::Response& res, const Call& call, bool detail);
  // The zones a server may be created in (Nova's available zones).
  std::vector<std::string> available_zones() const;

  // migrations_api.cpp
  void list_migrations(const httplib::Request& req, httplib::Response& res, const Call& call);

  // usage_api.cpp: os-simple-tenant-usage (from the billing ledger) and os-instance_usage_audit_log
  void list_tenant_usage(const httplib::Request& req, httplib::Response& res, const Call& call);
  void show_tenant_usage(const httplib::Request& req, httplib::Response& res, const Call& call);
  void show_audit_log(const httplib::Request& req, httplib::Response& res, const Call& call);

  // agents_api.cpp: os-agents (admin)
  void list_agents(const httplib::Request& req, httplib::Response& res, const Call& call);
  void create_agent(const httplib::Request& req, httplib::Response& res, const Call& call);
  void update_agent(const httplib::Request& req, httplib::Response& res, const Call& call);
  void delete_agent(const httplib::Request& req, httplib::Response& res, const Call& call);

  // extensions.cpp: the legacy extension list
  void list_extensions(const httplib::Request& req, httplib::Response& res, const Call& call);
  void show_extension(const httplib::Request& req, httplib::Response& res, const Call& call);

  // service.cpp
  // A fault rule's verdict on this call: the options to act with, or
  // nothing when an injected error has been answered.
  std::optional<core::ActOptions> apply_faults(httplib::Response& res, const Call& call, std::string_view operation,
                                               std::string_view server);
  ViewContext view_context(const Call& call, const core::ServerInfo& s);
  ImageViewer image_viewer(const Call& call) const;
  // The server named in the path, as the caller may see it; on an error the fault is sent.
  std::optional<core::ServerInfo> server_of(httplib::Response& res, const Call& call, const std::string& id);
  // Whether an image boots on a flavor (status, min_ram, min_disk, size), in Nova's words.
  static std::optional<Fault> image_fits(const Image& image, const Flavor& flavor);

 private:
  // instance_actions.cpp
  std::vector<core::JournalEntry> server_actions(const std::string& uuid);
  std::optional<core::ServerInfo> action_server(httplib::Response& res, const Call& call, const std::string& id);
  void write_action(rapidjson::Writer<rapidjson::StringBuffer>& w, const core::JournalEntry& e, const Call& call);
  // server_tags_api.cpp
  // The path's server for a tags call, checked in Nova's order (the
  // microversion, the server, the policy `policy`, and for a change named
  // `change` its vm_state); on an error the fault is sent.
  std::optional<core::ServerInfo> tagged_server(const httplib::Request& req, httplib::Response& res, const Call& call,
                                                std::string_view policy, std::string_view change);
  // Changes the server's tags with `edit` (an update of the server); on an error the fault is sent.
  std::optional<core::ServerInfo> retag(httplib::Response& res, const Call& call, const core::ServerInfo& server,
                                        std::string_view operation,
                                        const std::function<void(std::vector<std::string>&)>& edit);
  // server_actions.cpp
  std::optional<core::Error> rebuild_edit(const Call& call, const ActionRequest& request, core::Editable& e);
  // A rescue's own checks (its image, a volume-backed server), made once the core's have passed.
  std::optional<core::Error> rescue_check(const Call& call, const ActionRequest& request, const std::string& id,
                                          const core::Editable& e);
  void create_image(httplib::Response& res, const Call& call, const core::ServerInfo& server,
                    const ActionRequest& request);
};

// Nova's generated password (create's and rebuild's adminPass when none is
// given): 12 characters without look-alikes.
std::string generated_password();

void send_fault(httplib::Response& res, const Fault& fault);
// The same, noting the fault's result in the call's journal entry.
void send_fault(httplib::Response& res, const Call& call, const Fault& fault);

}  // namespace openstack
