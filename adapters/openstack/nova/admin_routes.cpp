#include "adapters/openstack/nova/admin_routes.h"

#include <regex>
#include <utility>
#include <vector>

#include <httplib.h>

namespace openstack {
namespace {

struct Route {
  std::regex path;
  const char* allow;
};

const std::vector<Route>& table() {
  static const std::vector<Route> routes = {
      {std::regex(R"(/compute/v2\.1/os-quota-sets/[^/]+)"), "GET, PUT, DELETE"},
      {std::regex(R"(/compute/v2\.1/os-quota-sets/[^/]+/(detail|defaults))"), "GET"},
      {std::regex(R"(/compute/v2\.1/os-quota-class-sets/[^/]+)"), "GET, PUT"},
      {std::regex(R"(/compute/v2\.1/limits/?)"), "GET"},
      {std::regex(R"(/compute/v2\.1/os-server-groups/?)"), "GET, POST"},
      {std::regex(R"(/compute/v2\.1/os-server-groups/[^/]+)"), "GET, DELETE"},
      {std::regex(R"(/compute/v2\.1/os-hypervisors/(detail|statistics))"), "GET"},
      {std::regex(R"(/compute/v2\.1/os-hypervisors/[^/]+(/uptime|/search|/servers)?)"), "GET"},
      {std::regex(R"(/compute/v2\.1/os-services/?)"), "GET"},
      {std::regex(R"(/compute/v2\.1/os-services/[^/]+)"), "PUT, DELETE"},
      {std::regex(R"(/compute/v2\.1/os-hosts/?)"), "GET"},
      {std::regex(R"(/compute/v2\.1/os-hosts/[^/]+)"), "GET, PUT"},
      {std::regex(R"(/compute/v2\.1/os-hosts/[^/]+/(startup|shutdown|reboot))"), "GET"},
      {std::regex(R"(/compute/v2\.1/os-aggregates/?)"), "GET, POST"},
      {std::regex(R"(/compute/v2\.1/os-aggregates/[^/]+)"), "GET, PUT, DELETE"},
      {std::regex(R"(/compute/v2\.1/os-aggregates/[^/]+/action)"), "POST"},
      {std::regex(R"(/compute/v2\.1/os-availability-zone(/detail)?/?)"), "GET"},
      {std::regex(R"(/compute/v2\.1/os-migrations/?)"), "GET"},
      {std::regex(R"(/compute/v2\.1/os-simple-tenant-usage)"), "GET"},
      {std::regex(R"(/compute/v2\.1/os-simple-tenant-usage/[^/]+)"), "GET"},
      {std::regex(R"(/compute/v2\.1/os-instance_usage_audit_log(/[^/]+)?)"), "GET"},
      {std::regex(R"(/compute/v2\.1/extensions(/[^/]+)?/?)"), "GET"},
      {std::regex(R"(/compute/v2\.1/servers/[^/]+/diagnostics)"), "GET"},
      {std::regex(R"(/compute/v2\.1/servers/[^/]+/os-server-password)"), "GET, DELETE"},
      {std::regex(R"(/compute/v2\.1/os-server-external-events)"), "POST"},
      {std::regex(R"(/compute/v2\.1/servers/[^/]+/tags(/[^/]+)?/?)"), "GET, PUT, DELETE"},
      {std::regex(R"(/compute/v2\.1/os-agents/?)"), "GET, POST"},
      {std::regex(R"(/compute/v2\.1/os-agents/[^/]+)"), "PUT, DELETE"},
      {std::regex(R"(/compute/v2\.1/images(/detail)?)"), "GET"},  // DELETE /images/ (no id): Nova's 404
      {std::regex(R"(/compute/v2\.1/images/[^/]+)"), "GET, DELETE"},
      {std::regex(R"(/compute/v2\.1/images/[^/]+/metadata/?)"), "GET, PUT, POST"},
      {std::regex(R"(/compute/v2\.1/images/[^/]+/metadata/[^/]+)"), "GET, PUT, DELETE"},
  };
  return routes;
}

}  // namespace

const char* admin_methods(const std::string& path) {
  for (const auto& route : table())
    if (std::regex_match(path, route.path)) return route.allow;
  return nullptr;
}

void mount_admin_routes(httplib::Server& server, Service& s, const ComputePipeline& compute) {
  using H = void (Service::*)(const httplib::Request&, httplib::Response&, const Call&);
  using M = httplib::Server& (httplib::Server::*)(const std::string&, httplib::Server::Handler);
  const M get = &httplib::Server::Get, post = &httplib::Server::Post, put = &httplib::Server::Put,
          del = &httplib::Server::Delete;
  const auto route = [&](M method, const char* path, std::string_view operation, H handler, bool takes_body) {
    (server.*method)(path, compute(operation, [&s, handler](auto& q, auto& r, auto& c) { (s.*handler)(q, r, c); },
                                   takes_body));
  };
  // Handlers that take a flag: bound here.
  const auto flagged = [&](M method, const char* path, std::string_view operation,
                           void (Service::*handler)(const httplib::Request&, httplib::Response&, const Call&, bool),
                           bool flag, bool takes_body) {
    (server.*method)(path, compute(operation, [&s, handler, flag](auto& q, auto& r, auto& c) { (s.*handler)(q, r, c, flag); },
                                   takes_body));
  };
  constexpr const char* kFlavor = R"(/compute/v2\.1/flavors/([^/]+))";

  // Flavors (the reads are catalog.cpp's, mounted in api.cpp).
  route(post, R"(/compute/v2\.1/flavors/?)", "flavor-create", H(&Service::create_flavor), true);
  route(put, kFlavor, "flavor-update", H(&Service::update_flavor), true);
  route(del, kFlavor, "flavor-delete", H(&Service::delete_flavor), false);
  route(post, R"(/compute/v2\.1/flavors/([^/]+)/action)", "flavor-action", H(&Service::flavor_action), true);
  route(get, R"(/compute/v2\.1/flavors/([^/]+)/os-flavor-access)", "flavor-access", H(&Service::list_flavor_access),
        false);
  route(get, R"(/compute/v2\.1/flavors/([^/]+)/os-extra_specs/?)", "flavor-extra-specs",
        H(&Service::list_extra_specs), false);
  route(post, R"(/compute/v2\.1/flavors/([^/]+)/os-extra_specs/?)", "flavor-extra-specs-create",
        H(&Service::set_extra_specs), true);
  route(get, R"(/compute/v2\.1/flavors/([^/]+)/os-extra_specs/([^/]+))", "flavor-extra-spec",
        H(&Service::show_extra_spec), false);
  route(put, R"(/compute/v2\.1/flavors/([^/]+)/os-extra_specs/([^/]+))", "flavor-extra-spec-update",
        H(&Service::set_extra_specs), true);
  route(del, R"(/compute/v2\.1/flavors/([^/]+)/os-extra_specs/([^/]+))", "flavor-extra-spec-delete",
        H(&Service::delete_extra_spec), false);

  // Quotas and limits.
  flagged(get, R"(/compute/v2\.1/os-quota-sets/([^/]+))", "quota-set", &Service::show_quota_set, false, false);
  flagged(get, R"(/compute/v2\.1/os-quota-sets/([^/]+)/detail)", "quota-set-detail", &Service::show_quota_set, true,
          false);
  route(get, R"(/compute/v2\.1/os-quota-sets/([^/]+)/defaults)", "quota-set-defaults",
        H(&Service::show_quota_defaults), false);
  route(put, R"(/compute/v2\.1/os-quota-sets/([^/]+))", "quota-set-update", H(&Service::update_quota_set), true);
  route(del, R"(/compute/v2\.1/os-quota-sets/([^/]+))", "quota-set-delete", H(&Service::delete_quota_set), false);
  route(get, R"(/compute/v2\.1/os-quota-class-sets/([^/]+))", "quota-class-set", H(&Service::show_quota_class), false);
  route(put, R"(/compute/v2\.1/os-quota-class-sets/([^/]+))", "quota-class-set-update",
        H(&Service::update_quota_class), true);
  route(get, R"(/compute/v2\.1/limits/?)", "limits", H(&Service::show_limits), false);

  // Server groups.
  route(get, R"(/compute/v2\.1/os-server-groups/?)", "server-groups", H(&Service::list_server_groups), false);
  route(post, R"(/compute/v2\.1/os-server-groups/?)", "server-group-create", H(&Service::create_server_group), true);
  route(get, R"(/compute/v2\.1/os-server-groups/([^/]+))", "server-group", H(&Service::show_server_group), false);
  route(del, R"(/compute/v2\.1/os-server-groups/([^/]+))", "server-group-delete", H(&Service::delete_server_group),
        false);

  // Hypervisors (the literal routes before the id's).
  flagged(get, R"(/compute/v2\.1/os-hypervisors/?)", "hypervisors", &Service::list_hypervisors, false, false);
  flagged(get, R"(/compute/v2\.1/os-hypervisors/detail)", "hypervisors-detail", &Service::list_hypervisors, true,
          false);
  route(get, R"(/compute/v2\.1/os-hypervisors/statistics)", "hypervisor-statistics",
        H(&Service::hypervisor_statistics), false);
  route(get, R"(/compute/v2\.1/os-hypervisors/([^/]+))", "hypervisor", H(&Service::show_hypervisor), false);
  route(get, R"(/compute/v2\.1/os-hypervisors/([^/]+)/uptime)", "hypervisor-uptime", H(&Service::hypervisor_uptime),
        false);
  flagged(get, R"(/compute/v2\.1/os-hypervisors/([^/]+)/search)", "hypervisor-search", &Service::search_hypervisors,
          false, false);
  flagged(get, R"(/compute/v2\.1/os-hypervisors/([^/]+)/servers)", "hypervisor-servers", &Service::search_hypervisors,
          true, false);

  // Services and hosts.
  route(get, R"(/compute/v2\.1/os-services/?)", "services", H(&Service::list_services), false);
  route(put, R"(/compute/v2\.1/os-services/([^/]+))", "service-update", H(&Service::update_service), true);
  route(del, R"(/compute/v2\.1/os-services/([^/]+))", "service-delete", H(&Service::delete_service), false);
  route(get, R"(/compute/v2\.1/os-hosts/?)", "hosts", H(&Service::list_hosts), false);
  route(get, R"(/compute/v2\.1/os-hosts/([^/]+))", "host", H(&Service::show_host), false);
  route(put, R"(/compute/v2\.1/os-hosts/([^/]+))", "host-update", H(&Service::update_host), true);
  route(get, R"(/compute/v2\.1/os-hosts/([^/]+)/(startup|shutdown|reboot))", "host-power-action",
        H(&Service::host_power_action), false);

  // Aggregates.
  route(get, R"(/compute/v2\.1/os-aggregates/?)", "aggregates", H(&Service::list_aggregates), false);
  route(post, R"(/compute/v2\.1/os-aggregates/?)", "aggregate-create", H(&Service::create_aggregate), true);
  route(get, R"(/compute/v2\.1/os-aggregates/([^/]+))", "aggregate", H(&Service::show_aggregate), false);
  route(put, R"(/compute/v2\.1/os-aggregates/([^/]+))", "aggregate-update", H(&Service::update_aggregate), true);
  route(del, R"(/compute/v2\.1/os-aggregates/([^/]+))", "aggregate-delete", H(&Service::delete_aggregate), false);
  route(post, R"(/compute/v2\.1/os-aggregates/([^/]+)/action)", "aggregate-action", H(&Service::aggregate_action),
        true);

  // Availability zones, migrations, usage, the audit log, extensions.
  flagged(get, R"(/compute/v2\.1/os-availability-zone/?)", "availability-zones", &Service::list_zones, false, false);
  flagged(get, R"(/compute/v2\.1/os-availability-zone/detail)", "availability-zones-detail", &Service::list_zones,
          true, false);
  route(get, R"(/compute/v2\.1/os-migrations/?)", "migrations", H(&Service::list_migrations), false);
  route(get, R"(/compute/v2\.1/os-simple-tenant-usage)", "tenant-usages", H(&Service::list_tenant_usage), false);
  route(get, R"(/compute/v2\.1/os-simple-tenant-usage/([^/]+))", "tenant-usage", H(&Service::show_tenant_usage),
        false);
  route(get, R"(/compute/v2\.1/os-instance_usage_audit_log/?)", "instance-usage-audit-log",
        H(&Service::show_audit_log), false);
  route(get, R"(/compute/v2\.1/os-instance_usage_audit_log/([^/]+))", "instance-usage-audit-log-before",
        H(&Service::show_audit_log), false);
  // A server's diagnostics and password, and the events other services send about servers.
  route(get, R"(/compute/v2\.1/servers/([^/]+)/diagnostics)", "server-diagnostics", H(&Service::show_diagnostics),
        false);
  route(get, R"(/compute/v2\.1/servers/([^/]+)/os-server-password)", "server-password",
        H(&Service::show_server_password), false);
  route(del, R"(/compute/v2\.1/servers/([^/]+)/os-server-password)", "server-password-clear",
        H(&Service::clear_server_password), false);
  route(post, R"(/compute/v2\.1/os-server-external-events)", "server-external-events",
        H(&Service::create_external_events), true);
  // Guest agent builds (os-agents).
  route(get, R"(/compute/v2\.1/os-agents/?)", "agents", H(&Service::list_agents), false);
  route(post, R"(/compute/v2\.1/os-agents/?)", "agent-create", H(&Service::create_agent), true);
  route(put, R"(/compute/v2\.1/os-agents/([^/]+))", "agent-update", H(&Service::update_agent), true);
  route(del, R"(/compute/v2\.1/os-agents/([^/]+))", "agent-delete", H(&Service::delete_agent), false);
  // A server's tags (2.26).
  constexpr const char* kTags = R"(/compute/v2\.1/servers/([^/]+)/tags/?)";
  constexpr const char* kTag = R"(/compute/v2\.1/servers/([^/]+)/tags/([^/]+))";
  route(get, kTags, "tags", H(&Service::list_tags), false);
  route(put, kTags, "tags-replace", H(&Service::replace_tags), true);
  route(del, kTags, "tags-delete", H(&Service::delete_tags), false);
  route(get, kTag, "tag", H(&Service::show_tag), false);
  route(put, kTag, "tag-add", H(&Service::add_tag), false);  // no body (null)
  route(del, kTag, "tag-delete", H(&Service::delete_tag), false);
  // Compute's image proxy (to 2.35).
  flagged(get, R"(/compute/v2\.1/images/?)", "images", &Service::list_images, false, false);
  flagged(get, R"(/compute/v2\.1/images/detail)", "images-detail", &Service::list_images, true, false);
  route(get, R"(/compute/v2\.1/images/([^/]+))", "image", H(&Service::show_image), false);
  route(del, R"(/compute/v2\.1/images/([^/]+))", "image-delete", H(&Service::delete_image), false);
  constexpr const char* kImageMetadata = R"(/compute/v2\.1/images/([^/]+)/metadata/?)";
  constexpr const char* kImageMetadataItem = R"(/compute/v2\.1/images/([^/]+)/metadata/([^/]+))";
  const auto image_metadata = [&](M method, const char* path, std::string_view operation, Service::MetadataEdit how) {
    (server.*method)(path, compute(operation, [&s, how](auto& q, auto& r, auto& c) { s.set_image_metadata(q, r, c, how); },
                                   true));
  };
  route(get, kImageMetadata, "image-metadata", H(&Service::list_image_metadata), false);
  image_metadata(post, kImageMetadata, "image-metadata-update", Service::MetadataEdit::Merge);
  image_metadata(put, kImageMetadata, "image-metadata-replace", Service::MetadataEdit::Replace);
  route(get, kImageMetadataItem, "image-metadata-item", H(&Service::show_image_metadata_item), false);
  image_metadata(put, kImageMetadataItem, "image-metadata-item-set", Service::MetadataEdit::Item);
  image_metadata(del, kImageMetadataItem, "image-metadata-item-delete", Service::MetadataEdit::Remove);
  route(get, R"(/compute/v2\.1/extensions/?)", "extensions", H(&Service::list_extensions), false);
  route(get, R"(/compute/v2\.1/extensions/([^/]+))", "extension", H(&Service::show_extension), false);
}

}  // namespace openstack
