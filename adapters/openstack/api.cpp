// The OpenStack adapter's wiring: every compute request gets its request ids and
// version headers, its microversion and its caller checked, then a handler.
#include "adapters/openstack/api.h"

#include <algorithm>
#include <functional>
#include <regex>

#include <fmt/format.h>
#include <httplib.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "adapters/openstack/glance/glance.h"
#include "adapters/openstack/glance/images.h"
#include "adapters/openstack/keystone/keystone.h"
#include "adapters/openstack/neutron/service.h"
#include "adapters/openstack/nova/admin_routes.h"
#include "adapters/openstack/nova/console_log.h"
#include "adapters/openstack/nova/console_tokens.h"
#include "adapters/openstack/nova/keypairs.h"
#include "adapters/openstack/nova/service.h"
#include "adapters/openstack/nova/views.h"
#include "core/call_note.h"
#include "core/ids.h"
#include "core/text.h"

namespace openstack {
namespace {

constexpr const char* kJsonType = "application/json; charset=UTF-8";

// Paths of the APIs this adapter serves and the methods they take: a known path with
// another method is a 405 (the seed lists it), an unknown one a 404.
struct Route {
  std::regex path;
  const char* allow;
};
const std::vector<Route>& routes() {
  static const std::vector<Route> table = {
      {std::regex(R"(/compute/v2\.1/servers/?)"), "GET, POST"},
      {std::regex(R"(/compute/v2\.1/servers/detail)"), "GET"},
      {std::regex(R"(/compute/v2\.1/servers/[^/]+/action)"), "POST"},
      {std::regex(R"(/compute/v2\.1/servers/[^/]+/os-instance-actions(/[^/]+)?/?)"), "GET"},
      {std::regex(R"(/compute/v2\.1/servers/[^/]+/metadata/?)"), "GET, PUT, POST"},
      {std::regex(R"(/compute/v2\.1/servers/[^/]+/metadata/[^/]+)"), "GET, PUT, DELETE"},
      {std::regex(R"(/compute/v2\.1/servers/[^/]+/os-security-groups/?)"), "GET"},
      {std::regex(R"(/compute/v2\.1/servers/[^/]+/ips(/[^/]+)?/?)"), "GET"},
      {std::regex(R"(/compute/v2\.1/servers/[^/]+/os-interface/?)"), "GET, POST"},
      {std::regex(R"(/compute/v2\.1/servers/[^/]+/os-interface/[^/]+)"), "GET, DELETE"},
      {std::regex(R"(/compute/v2\.1/servers/[^/]+/remote-consoles)"), "POST"},
      {std::regex(R"(/compute/v2\.1/servers/[^/]+)"), "GET, PUT, DELETE"},
      {std::regex(R"(/compute/v2\.1/flavors/?)"), "GET, POST"},
      {std::regex(R"(/compute/v2\.1/flavors/detail)"), "GET"},
      {std::regex(R"(/compute/v2\.1/flavors/[^/]+)"), "GET, PUT, DELETE"},
      {std::regex(R"(/compute/v2\.1/flavors/[^/]+/action)"), "POST"},
      {std::regex(R"(/compute/v2\.1/flavors/[^/]+/os-flavor-access)"), "GET"},
      {std::regex(R"(/compute/v2\.1/flavors/[^/]+/os-extra_specs/?)"), "GET, POST"},
      {std::regex(R"(/compute/v2\.1/flavors/[^/]+/os-extra_specs/[^/]+)"), "GET, PUT, DELETE"},
      {std::regex(R"(/compute/v2\.1/os-keypairs/?)"), "GET, POST"},
      {std::regex(R"(/compute/v2\.1/os-keypairs/[^/]+)"), "GET, DELETE"},
      {std::regex(R"(/compute/v2\.1/os-security-groups)"), "GET, POST"},
      {std::regex(R"(/compute/v2\.1/os-security-groups/[^/]+)"), "GET, PUT, DELETE"},
      {std::regex(R"(/compute/v2\.1/os-security-group-rules/?)"), "POST"},
      {std::regex(R"(/compute/v2\.1/os-security-group-rules/[^/]+)"), "DELETE"},
      {std::regex(R"(/compute/v2\.1/os-(tenant-networks|networks)/?)"), "GET, POST"},
      {std::regex(R"(/compute/v2\.1/os-(tenant-networks|networks)/[^/]+)"), "GET, DELETE"},
      {std::regex(R"(/compute/v2\.1/os-floating-ips/?)"), "GET, POST"},
      {std::regex(R"(/compute/v2\.1/os-floating-ips/[^/]+)"), "GET, DELETE"},
      {std::regex(R"(/compute/v2\.1/os-floating-ip-pools/?)"), "GET"},
      {std::regex(R"(/compute/v2\.1/os-hypervisors/?)"), "GET"},
      {std::regex(R"(/compute/v2\.1/os-console-auth-tokens/[^/]+)"), "GET"},
      {std::regex(R"(/compute(/v2\.1|/v2)?/?)"), "GET"},
      {std::regex(R"(/identity(/v3)?/?)"), "GET"},
      {std::regex(R"(/identity/v3/auth/tokens)"), "GET, POST, DELETE"},
      {std::regex(R"(/identity/v3/auth/(projects|domains)/?)"), "GET"},
      {std::regex(R"(/identity/v3/(projects|users|roles)/?)"), "GET, POST"},
      {std::regex(R"(/identity/v3/(projects|users|roles)/[^/]+)"), "GET, PATCH, DELETE"},
      {std::regex(R"(/identity/v3/domains(/[^/]+)?/?)"), "GET"},
      {std::regex(R"(/identity/v3/(projects|domains)/[^/]+/users/[^/]+/roles/?)"), "GET"},
      {std::regex(R"(/identity/v3/(projects|domains)/[^/]+/users/[^/]+/roles/[^/]+)"), "GET, PUT, DELETE"},
      {std::regex(R"(/identity/v3/system/users/[^/]+/roles/?)"), "GET"},
      {std::regex(R"(/identity/v3/system/users/[^/]+/roles/[^/]+)"), "GET, PUT, DELETE"},
      {std::regex(R"(/identity/v3/role_assignments/?)"), "GET"},
      {std::regex(R"(/identity/v3/users/[^/]+/projects/?)"), "GET"},
      {std::regex(R"(/identity/v3/users/[^/]+/application_credentials/?)"), "GET, POST"},
      {std::regex(R"(/identity/v3/users/[^/]+/application_credentials/[^/]+)"), "GET, DELETE"},
      {std::regex(R"(/image(/v2/images)?/?)"), "GET, POST"},
      {std::regex(R"(/image/v2/images/[^/]+)"), "GET, PATCH, DELETE"},
      {std::regex(R"(/image/v2/images/[^/]+/file)"), "GET, PUT"},
      {std::regex(R"(/image/v2/images/[^/]+/tags/[^/]+)"), "PUT, DELETE"},
      {std::regex(R"(/image/v2/images/[^/]+/members/?)"), "GET, POST"},
      {std::regex(R"(/image/v2/images/[^/]+/members/[^/]+)"), "GET, PUT, DELETE"},
      {std::regex(R"(/image/v2/images/[^/]+/actions/(deactivate|reactivate))"), "POST"},
      {std::regex(R"(/image/v2/schemas/(image|images|member|members))"), "GET"},
  };
  return table;
}

// Nova reads a body as JSON when Content-Type is absent or one of its two
// JSON types (parameters such as charset aside).
bool json_media_type(std::string_view type) {
  type = type.substr(0, type.find(';'));
  while (!type.empty() && type.back() == ' ') type.remove_suffix(1);
  if (type.empty()) return true;
  return core::iequals(type, "application/json") || core::iequals(type, "application/vnd.openstack.compute+json");
}

void version_headers(httplib::Response& res, const Version& v) {
  // The header values of every version we serve, made once.
  struct Texts {
    std::string compute, plain;
  };
  static const std::vector<Texts> texts = [] {
    std::vector<Texts> t;
    for (int minor = 0; minor <= kMaxVersion.minor; ++minor) {
      const Version version{2, minor};
      t.push_back({"compute " + version.text(), version.text()});
    }
    return t;
  }();
  const auto& t = texts[static_cast<std::size_t>(std::clamp(v.minor, 0, kMaxVersion.minor))];
  res.set_header("OpenStack-API-Version", t.compute);
  res.set_header("X-OpenStack-Nova-API-Version", t.plain);
  res.set_header("Vary", "OpenStack-API-Version, X-OpenStack-Nova-API-Version");
}

std::string request_ids(httplib::Response& res) {
  auto id = "req-" + core::request_uuid();
  res.set_header("x-openstack-request-id", id);
  res.set_header("x-compute-request-id", id);
  return id;
}

VersionDoc compute_version(const std::string& base) {
  static const std::string max = kMaxVersion.text(), min = kMinVersion.text();
  return {"v2.1", "CURRENT", "2013-07-23T11:33:21Z", base + "/compute/v2.1/",
          "application/vnd.openstack.compute+json;version=2.1", max, min};
}

// The legacy v2.0 API, which Nova still lists (first) as SUPPORTED.
VersionDoc legacy_compute_version(const std::string& base) {
  return {"v2.0", "SUPPORTED", "2011-01-21T11:33:21Z", base + "/compute/v2/",
          "application/vnd.openstack.compute+json;version=2", "", ""};
}

// Nova's default quotas (nova/conf/quota.py), by resource.
core::QuotaLimits nova_quota_defaults() {
  return {{"instances", 10},       {"cores", 20},          {"ram", 51200},
          {"floating_ips", 10},    {"fixed_ips", -1},      {"metadata_items", 128},
          {"injected_files", 5},   {"injected_file_content_bytes", 10240},
          {"injected_file_path_bytes", 255},               {"security_groups", 10},
          {"security_group_rules", 20},                    {"key_pairs", 100},
          {"server_groups", 10},   {"server_group_members", 10}};
}

std::vector<Flavor> default_flavors() {
  auto flavor = [](std::string id, std::string name, int vcpus, int ram_mb, int disk_gb) {
    Flavor f;
    f.id = std::move(id);
    f.name = std::move(name);
    f.vcpus = vcpus;
    f.ram_mb = ram_mb;
    f.disk_gb = disk_gb;
    return f;
  };
  return {flavor("1", "m1.tiny", 1, 512, 1), flavor("2", "m1.small", 1, 2048, 20),
          flavor("3", "m1.medium", 2, 4096, 40), flavor("4", "m1.large", 4, 8192, 80)};
}

Image named_image(std::string id, std::string name) {
  Image image;
  image.id = std::move(id);
  image.name = std::move(name);
  return image;
}

std::vector<Image> default_images() {
  return {named_image("0b1c3f0e-5a6d-4e2f-9a70-1c2d3e4f5a61", "cirros-0.6.2-x86_64-disk"),
          named_image("0b1c3f0e-5a6d-4e2f-9a70-1c2d3e4f5a62", "debian-12-genericcloud-amd64")};
}

}  // namespace

std::vector<User> default_users() {
  return {{"demo", "demo", "demo", {"member", "reader"}},
          {"alt", "alt", "alt", {"member", "reader"}},
          {"viewer", "viewer", "demo", {"reader"}},
          {"admin", "admin", "admin", {"admin", "member", "reader"}}};
}

void send_fault(httplib::Response& res, const Fault& fault) {
  if (fault.retry_after_s >= 0) res.set_header("Retry-After", std::to_string(fault.retry_after_s));
  send_json(res, fault.status, fault_body(fault));
}

void send_fault(httplib::Response& res, const Call& call, const Fault& fault) {
  if (call.entry) call.entry->result = journal_result(fault);
  send_fault(res, fault);
}

struct Api::Impl {
  core::Fleet& fleet;
  Settings settings;
  Keystone keystone;
  ImageCatalog images;
  KeypairStore keypairs;
  FlavorCatalog flavors;
  ServerGroups groups;
  ComputeHost host;
  MigrationIds migration_ids;
  ConsoleTokens consoles;
  GuestAgents agents;
  Service service;
  neutron::Service network;

  Impl(core::Fleet& f, core::net::Networks& networks, core::Quotas& quotas, Settings s)
      : fleet(f), settings(with_defaults(std::move(s))), keystone(settings, fleet), images(fleet, settings.images),
        keypairs(fleet), flavors(fleet, settings.flavors), groups(fleet), host(fleet), migration_ids(fleet),
        consoles(fleet), agents(fleet),
        service{fleet, settings, images, keypairs, networks, flavors, quotas, groups, host, migration_ids, consoles,
                agents},
        network(fleet, networks, keystone) {
    // Views, parsers and checks that hold only the settings find flavors in the live catalog.
    settings.flavor_source = &flavors;
    // A project made through Keystone's API starts with no network, as in a real cloud.
    networks.set_topology_rule([this](core::TenantId tenant) {
      const auto project = fleet.tenants().info(tenant).project;
      return project.empty() || !keystone.directory().created_project(project);
    });
    quotas.define(nova_quota_defaults());
    quotas.set_meter([this](const core::ServerInfo& s) { return service.server_use(s); });
    quotas.add_counter("server_groups", [this](const std::string& project, const std::string& user) {
      const auto [in_project, of_user] = groups.count(project, user);
      return user.empty() ? in_project : of_user;
    });
  }

  static Settings with_defaults(Settings s) {
    if (s.users.empty()) s.users = default_users();
    if (s.flavors.empty()) s.flavors = default_flavors();
    if (s.images.empty()) s.images = default_images();
    return s;
  }

  // Nova's pipeline order: the size limit and the token (middleware) come
  // before the microversion and the media type (the API itself); then the
  // handler gets the checked call. Every call is journaled under
  // `operation` (an action's handler names its action instead).
  using Handler = std::function<void(const httplib::Request&, httplib::Response&, const Call&)>;
  httplib::Server::Handler compute(std::string_view operation, Handler handler, bool takes_body) {
    return [this, operation, handler = std::move(handler), takes_body](const httplib::Request& req,
                                                                       httplib::Response& res) {
      core::JournalEntry entry;
      entry.api = "nova";
      entry.operation = operation;
      entry.start_ms = fleet.clock().now_ms();
      entry.request_id = request_ids(res);
      entry.status = 202;  // what an accepted change answers (delete: 204, set by the handler)
      Call call;
      call.entry = &entry;
      call.base = base_url(req);
      checked(req, res, call, handler, takes_body);
      fleet.journal().finish(entry, res.status, fleet.clock().now_ms());
      core::this_call() = std::move(entry);  // for the access log
    };
  }

  void checked(const httplib::Request& req, httplib::Response& res, Call& call, const Handler& handler,
               bool takes_body) {
    if (req.body.size() > settings.max_body_bytes) {
      version_headers(res, kMinVersion);
      return send_fault(res, call, Fault{413, "overLimit", "Request is too large.", -1, "invalid_argument"});
    }
    call.identity = keystone.check(req.get_header_value("X-Auth-Token"));
    if (!call.identity) {
      version_headers(res, kMinVersion);
      res.set_header("WWW-Authenticate", "Keystone uri=\"" + call.base + "/identity\"");
      return send_fault(res, call, unauthorized());
    }
    const auto& identity = *call.identity;
    const bool admin = identity.has_role("admin");
    call.caller = core::Caller{fleet.tenants().for_project(identity.project), admin,
                               admin || identity.has_role("member"), admin};
    call.entry->caller = identity.user;
    call.entry->caller_scope = identity.project;
    call.entry->tenant = call.caller.tenant;
    if (req.matches.size() > 1 && req.path.rfind("/compute/v2.1/servers/", 0) == 0) {
      // The server named in the path, by the identity given (the fleet adds the other).
      const auto id = req.matches[1].str();
      (id.size() == 36 ? call.entry->server_uuid : call.entry->server_transfer_id) = id;
    }
    auto negotiated = negotiate(req.get_header_value("OpenStack-API-Version"),
                                req.get_header_value("X-OpenStack-Nova-API-Version"));
    if (auto* fault = std::get_if<Fault>(&negotiated)) {
      version_headers(res, kMinVersion);
      return send_fault(res, call, *fault);
    }
    call.version = std::get<Version>(negotiated);
    version_headers(res, call.version);
    if (takes_body && !json_media_type(req.get_header_value("Content-Type")))
      return send_fault(res, call, Fault{415, "badMediaType", "Unsupported Content-Type", -1});
    handler(req, res, call);
  }
};

Api::Api(core::Fleet& fleet, core::net::Networks& networks, core::Quotas& quotas, Settings settings)
    : impl_(std::make_unique<Impl>(fleet, networks, quotas, std::move(settings))) {}
Api::~Api() = default;

std::optional<std::string> Api::token_for_project(const std::string& project) {
  return impl_->keystone.issue_for_project(project);
}

void Api::set_console_proxy(std::string base_url) { impl_->consoles.set_proxy(std::move(base_url)); }

std::optional<std::string> Api::console_server(std::string_view token) {
  auto auth = impl_->consoles.validate(token);
  if (!auth) return std::nullopt;
  return std::move(auth->instance_uuid);
}

std::optional<ConsoleView> Api::console_view(const std::string& server_id) {
  const core::Caller anyone{0, true, false, true};  // the proxy reads; whose server it is, the token said
  const auto server = impl_->fleet.get(anyone, server_id);
  if (!server) return std::nullopt;
  const auto view = status_view(server->state, server->transition_from);
  return ConsoleView{server->name, std::string(view.status), console_log(*server), view.power_state == 1};
}

void Api::mount(httplib::Server& server) {
  auto& i = *impl_;
  auto& s = i.service;
  i.keystone.mount(server);

  // Discovery needs no token.
  server.Get(R"(/compute/?)", [](const httplib::Request& req, httplib::Response& res) {
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
    w.StartObject();
    w.Key("versions");
    w.StartArray();
    write_version_doc(w, legacy_compute_version(base_url(req)));
    write_version_doc(w, compute_version(base_url(req)));
    w.EndArray();
    w.EndObject();
    request_ids(res);
    send_json(res, 200, buffer.GetString());
  });
  server.Get(R"(/compute/v2\.1/?)", [](const httplib::Request& req, httplib::Response& res) {
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
    w.StartObject();
    w.Key("version");
    write_version_doc(w, compute_version(base_url(req)));
    w.EndObject();
    request_ids(res);
    version_headers(res, kMinVersion);
    send_json(res, 200, buffer.GetString());
  });

  server.Get(R"(/compute/v2/?)", [](const httplib::Request& req, httplib::Response& res) {
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
    w.StartObject();
    w.Key("version");
    write_version_doc(w, legacy_compute_version(base_url(req)));
    w.EndObject();
    request_ids(res);
    send_json(res, 200, buffer.GetString());
  });

  // Every compute call: a handler of the service, journaled under its operation.
  const auto route = [&](auto method, const char* path, std::string_view operation, auto handler, bool takes_body) {
    (server.*method)(path, i.compute(operation, [&s, handler](auto& q, auto& r, auto& c) { (s.*handler)(q, r, c); },
                                     takes_body));
  };
  using H = void (Service::*)(const httplib::Request&, httplib::Response&, const Call&);
  using M = httplib::Server& (httplib::Server::*)(const std::string&, httplib::Server::Handler);
  const M get = &httplib::Server::Get, post = &httplib::Server::Post, put = &httplib::Server::Put,
          del = &httplib::Server::Delete;
  constexpr const char* kServer = R"(/compute/v2\.1/servers/([^/]+))";
  constexpr const char* kMetadata = R"(/compute/v2\.1/servers/([^/]+)/metadata/?)";
  constexpr const char* kMetadataItem = R"(/compute/v2\.1/servers/([^/]+)/metadata/([^/]+))";

  server.Get(R"(/compute/v2\.1/servers/?)", i.compute("list", [&s](auto& q, auto& r, auto& c) { s.list_servers(q, r, c, false); }, false));
  server.Get(R"(/compute/v2\.1/servers/detail)", i.compute("list", [&s](auto& q, auto& r, auto& c) { s.list_servers(q, r, c, true); }, false));
  route(post, R"(/compute/v2\.1/servers/?)", "create", H(&Service::create_server), true);
  route(get, kServer, "show", H(&Service::show_server), false);
  route(put, kServer, "update", H(&Service::update_server), true);
  route(del, kServer, "delete", H(&Service::delete_server), false);
  route(post, R"(/compute/v2\.1/servers/([^/]+)/action)", "action", H(&Service::server_action), true);
  route(get, R"(/compute/v2\.1/servers/([^/]+)/os-instance-actions/?)", "os-instance-actions",
        H(&Service::list_instance_actions), false);
  route(get, R"(/compute/v2\.1/servers/([^/]+)/os-instance-actions/([^/]+))", "os-instance-action",
        H(&Service::show_instance_action), false);
  route(get, kMetadata, "metadata", H(&Service::list_metadata), false);
  server.Put(kMetadata, i.compute("metadata-replace", [&s](auto& q, auto& r, auto& c) { s.set_metadata(q, r, c, true); }, true));
  server.Post(kMetadata, i.compute("metadata-update", [&s](auto& q, auto& r, auto& c) { s.set_metadata(q, r, c, false); }, true));
  route(get, kMetadataItem, "metadata-item", H(&Service::show_metadata_item), false);
  route(put, kMetadataItem, "metadata-item-set", H(&Service::set_metadata_item), true);
  route(del, kMetadataItem, "metadata-item-delete", H(&Service::delete_metadata_item), false);
  route(get, R"(/compute/v2\.1/servers/([^/]+)/os-security-groups/?)", "server-security-groups",
        H(&Service::list_server_security_groups), false);
  server.Get(R"(/compute/v2\.1/flavors/?)", i.compute("flavors", [&s](auto& q, auto& r, auto& c) { s.list_flavors(q, r, c, false); }, false));
  server.Get(R"(/compute/v2\.1/flavors/detail)", i.compute("flavors", [&s](auto& q, auto& r, auto& c) { s.list_flavors(q, r, c, true); }, false));
  route(get, R"(/compute/v2\.1/flavors/([^/]+))", "flavor", H(&Service::show_flavor), false);
  route(get, R"(/compute/v2\.1/os-keypairs/?)", "keypairs", H(&Service::list_keypairs), false);
  route(post, R"(/compute/v2\.1/os-keypairs/?)", "keypair-create", H(&Service::create_keypair), true);
  route(get, R"(/compute/v2\.1/os-keypairs/([^/]+))", "keypair", H(&Service::show_keypair), false);
  route(del, R"(/compute/v2\.1/os-keypairs/([^/]+))", "keypair-delete", H(&Service::delete_keypair), false);
  route(get, R"(/compute/v2\.1/os-security-groups/?)", "security-groups", H(&Service::list_security_groups), false);
  route(post, R"(/compute/v2\.1/os-security-groups/?)", "security-group-create", H(&Service::create_security_group),
        true);
  route(get, R"(/compute/v2\.1/os-security-groups/([^/]+))", "security-group", H(&Service::show_security_group),
        false);
  route(put, R"(/compute/v2\.1/os-security-groups/([^/]+))", "security-group-update",
        H(&Service::update_security_group), true);
  route(del, R"(/compute/v2\.1/os-security-groups/([^/]+))", "security-group-delete",
        H(&Service::delete_security_group), false);
  route(post, R"(/compute/v2\.1/os-security-group-rules/?)", "security-group-rule-create",
        H(&Service::create_security_group_rule), true);
  route(del, R"(/compute/v2\.1/os-security-group-rules/([^/]+))", "security-group-rule-delete",
        H(&Service::delete_security_group_rule), false);
  route(get, R"(/compute/v2\.1/servers/([^/]+)/ips/?)", "ips", H(&Service::list_ips), false);
  route(get, R"(/compute/v2\.1/servers/([^/]+)/ips/([^/]+))", "ips-network", H(&Service::show_ips), false);
  route(get, R"(/compute/v2\.1/servers/([^/]+)/os-interface/?)", "interfaces", H(&Service::list_interfaces), false);
  route(post, R"(/compute/v2\.1/servers/([^/]+)/os-interface/?)", "interface-attach", H(&Service::attach_interface),
        true);
  route(get, R"(/compute/v2\.1/servers/([^/]+)/os-interface/([^/]+))", "interface", H(&Service::show_interface),
        false);
  route(del, R"(/compute/v2\.1/servers/([^/]+)/os-interface/([^/]+))", "interface-detach",
        H(&Service::detach_interface), false);
  for (const char* proxy : {"tenant-networks", "networks"}) {
    const std::string base = std::string(R"(/compute/v2\.1/os-)") + proxy;
    route(get, (base + "/?").c_str(), proxy, H(&Service::list_tenant_networks), false);
    route(post, (base + "/?").c_str(), proxy, H(&Service::list_tenant_networks), true);
    route(get, (base + "/([^/]+)").c_str(), proxy, H(&Service::show_tenant_network), false);
    route(del, (base + "/([^/]+)").c_str(), proxy, H(&Service::show_tenant_network), false);
  }
  route(get, R"(/compute/v2\.1/os-floating-ips/?)", "floating-ips", H(&Service::list_floating_ips), false);
  route(post, R"(/compute/v2\.1/os-floating-ips/?)", "floating-ip-create", H(&Service::create_floating_ip), true);
  route(get, R"(/compute/v2\.1/os-floating-ips/([^/]+))", "floating-ip", H(&Service::show_floating_ip), false);
  route(del, R"(/compute/v2\.1/os-floating-ips/([^/]+))", "floating-ip-delete", H(&Service::delete_floating_ip),
        false);
  route(get, R"(/compute/v2\.1/os-floating-ip-pools/?)", "floating-ip-pools", H(&Service::list_floating_ip_pools),
        false);
  route(post, R"(/compute/v2\.1/servers/([^/]+)/remote-consoles)", "remote-consoles",
        H(&Service::create_remote_console), true);
  route(get, R"(/compute/v2\.1/os-console-auth-tokens/([^/]+))", "console-auth-token",
        H(&Service::show_console_auth_token), false);
  mount_admin_routes(server, s, [&i](std::string_view operation, ComputeHandler handler, bool takes_body) {
    return i.compute(operation, std::move(handler), takes_body);
  });

  mount_glance(server, i.keystone, i.images);
  i.network.mount(server);
}

bool Api::render_http_error(const httplib::Request& req, httplib::Response& res) {
  if (impl_->network.render_http_error(req, res)) return true;
  const auto starts = [&](std::string_view prefix) { return req.path.rfind(prefix, 0) == 0; };
  const auto under = [&](std::string_view root) {
    return starts(root) && (req.path.size() == root.size() || req.path[root.size()] == '/');
  };
  const bool compute = under("/compute");
  if (!compute && !under("/identity") && !under("/image")) return false;

  // A known path with a method it does not take: cpp-httplib answers 404.
  // (A method it does not know at all is a 400 before the path is read.)
  const char* known = nullptr;  // the methods the path takes, when it is a known one
  if (res.status == 404) {
    for (const auto& route : routes())
      if (!known && std::regex_match(req.path, route.path)) known = route.allow;
    if (!known) known = admin_methods(req.path);
  }
  if (known) res.set_header("Allow", known);

  if (!compute) {  // Keystone's and Glance's paths answer in Keystone's shape
    if (res.status == 413)
      send_keystone_error(res, 413, "Request Entity Too Large", "Request is too large.");
    else if (res.status >= 500)
      send_keystone_error(res, res.status, "Internal Server Error",
                          "An unexpected error prevented the server from fulfilling your request.");
    else if (known)
      send_keystone_error(res, 405, "Method Not Allowed", "The method is not allowed for the requested URL.");
    else if (res.status == 404)
      send_keystone_error(res, 404, "Not Found", "The resource could not be found.");
    else
      send_keystone_error(res, res.status, "Bad Request", "The request could not be understood.");
    return true;
  }

  request_ids(res);
  version_headers(res, kMinVersion);
  Fault fault;
  if (known) {
    fault = Fault{405, "badMethod", "The method specified is not allowed for this resource.", -1};
  } else {
    switch (res.status) {
      case 404: fault = not_found("The resource could not be found."); break;
      case 413: fault = Fault{413, "overLimit", "Request is too large.", -1}; break;
      case 411: fault = Fault{411, "computeFault", "A request body needs a Content-Length header.", -1}; break;
      case 414: fault = Fault{414, "computeFault", "The request URI is too long.", -1}; break;
      case 503: fault = from_core(core::unavailable("router")); break;
      default:
        if (res.status >= 500) fault = from_core(core::internal("handler failed"));
        else fault = bad_request("The server could not comply with the request since it is either malformed or "
                                 "otherwise incorrect.");
    }
  }
  send_fault(res, fault);
  return true;
}

}  // namespace openstack
