// What every Neutron call goes through (request id, token, caller, journal
// entry), the routes, discovery (versions, resources, extensions, service
// providers), quotas and tags.
#include "adapters/openstack/neutron/service.h"

#include <httplib.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <fmt/format.h>

#include "adapters/openstack/neutron/requests.h"
#include "adapters/openstack/shared/wire.h"
#include "core/call_note.h"
#include "core/ids.h"
#include "core/text.h"

namespace openstack::neutron {
namespace {

constexpr const char* kRoot = "/networking";

std::string written(const Value& v) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  v.Accept(w);
  return {buffer.GetString(), buffer.GetSize()};
}

struct Extension {
  std::string_view alias, name, description;
};

const std::vector<Extension>& extensions_served() {
  static const std::vector<Extension> list = {
      {"router", "Neutron L3 Router", "Router abstraction for basic L3 forwarding between L2 Neutron networks and access to external networks via a NAT gateway."},
      {"ext-gw-mode", "Neutron L3 Configurable external gateway mode", "Extension of the router abstraction for specifying whether SNAT should occur on the external gateway"},
      {"external-net", "Neutron external network", "Adds external network attribute to network resource."},
      {"extraroute", "Neutron Extra Route", "Extra routes configuration for L3 router"},
      {"security-group", "security-group", "The security groups extension."},
      {"quotas", "Quota management support", "Expose functions for quotas management per project"},
      {"quota_details", "Quota details management support", "Expose functions for quotas usage statistics per project"},
      {"tag", "Tag support", "Enables to set tag on resources."},
      {"net-mtu", "Network MTU", "Provides MTU attribute for a network resource."},
      {"net-mtu-writable", "Network MTU (writable)", "Provides a writable MTU attribute for a network resource."},
      {"standard-attr-description", "standard-attr-description", "Extension to add descriptions to standard attributes"},
      {"standard-attr-timestamp", "Resource timestamps", "Adds created_at and updated_at fields to all Neutron resources that have Neutron standard attributes."},
      {"standard-attr-revisions", "Resource revision numbers", "This extension will display the revision number of neutron resources."},
      {"port-security", "Port Security", "Provides port security"},
      {"allowed-address-pairs", "Allowed Address Pairs", "Provides allowed address pairs"},
      {"extra_dhcp_opt", "Neutron Extra DHCP options", "Extra options configuration for DHCP. For example PXE boot options to DHCP clients can be specified (e.g. tftp-server, server-ip-address, bootfile-name)"},
      {"binding", "Port Binding", "Expose port bindings of a virtual port to external application"},
      {"ip-substring-filtering", "IP address substring filtering", "Provides IP address substring filtering when listing ports"},
      {"filter-validation", "Filter parameters validation", "Provides validation on filter parameters."},
      {"project-id", "project_id field enabled", "Extension that indicates that project_id field is enabled."},
      {"sorting", "Sorting support", "Enables sorting of resources."},
      {"pagination", "Pagination support", "Enables pagination of resources."},
      {"service-type", "Neutron Service Type Management", "API for retrieving service providers for Neutron advanced services"},
      {"stateful-security-group", "Stateful security group", "Indicates if the security group is stateful or not"},
  };
  return list;
}

Value extension_view(const Extension& e, Allocator& a) {
  Value o(rapidjson::kObjectType);
  o.AddMember("alias", Value(e.alias.data(), static_cast<rapidjson::SizeType>(e.alias.size()), a), a);
  o.AddMember("name", Value(e.name.data(), static_cast<rapidjson::SizeType>(e.name.size()), a), a);
  o.AddMember("description", Value(e.description.data(), static_cast<rapidjson::SizeType>(e.description.size()), a), a);
  o.AddMember("updated", "2017-01-01T10:00:00-00:00", a);
  o.AddMember("links", Value(rapidjson::kArrayType), a);
  return o;
}

}  // namespace

const std::vector<std::string_view>& extension_aliases() {
  static const std::vector<std::string_view> aliases = [] {
    std::vector<std::string_view> out;
    for (const auto& e : extensions_served()) out.push_back(e.alias);
    return out;
  }();
  return aliases;
}

Service::Service(core::Fleet& fleet, core::net::Networks& networks, const Keystone& keystone)
    : fleet_(fleet), networks_(networks), keystone_(keystone) {}

std::function<void(const httplib::Request&, httplib::Response&)> Service::wrap(std::string operation, Handler handler) {
  return [this, operation = std::move(operation), handler](const httplib::Request& req, httplib::Response& res) {
    core::JournalEntry entry;
    entry.api = "neutron";
    entry.operation = operation;
    entry.start_ms = fleet_.clock().now_ms();
    entry.request_id = "req-" + core::request_uuid();
    res.set_header("X-Openstack-Request-Id", entry.request_id);
    Call call;
    call.entry = &entry;
    call.base = base_url(req);
    call.identity = keystone_.check(req.get_header_value("X-Auth-Token"));
    if (!call.identity) {
      res.set_header("WWW-Authenticate", "Keystone uri=\"" + call.base + "/identity\"");
      entry.result = "unauthenticated";
      send_json(res, 401, R"({"error":{"code":401,"title":"Unauthorized","message":"The request you have made requires authentication."}})");
    } else {
      const auto& id = *call.identity;
      const bool admin = id.has_role("admin");
      call.caller = core::Caller{fleet_.tenants().for_project(id.project), admin, admin || id.has_role("member"), admin};
      entry.caller = id.user;
      entry.caller_scope = id.project;
      entry.tenant = call.caller.tenant;
      (this->*handler)(req, res, call);
    }
    fleet_.journal().finish(entry, res.status, fleet_.clock().now_ms());
    core::this_call() = std::move(entry);  // for the access log
  };
}

void Service::send(httplib::Response& res, Call& call, int status, std::string body) {
  if (call.entry && call.entry->result.empty() && status < 400) call.entry->result = core::kAccepted;
  if (status == 204) {
    res.status = 204;
    return;
  }
  send_json(res, status, std::move(body));
}

void Service::send_error(httplib::Response& res, Call& call, const NeutronError& e) {
  if (call.entry) {
    call.entry->result = e.status == 404 ? "not_found"
                         : e.status == 409 ? "conflict"
                         : e.status == 403 ? "forbidden"
                         : e.status == 503 ? "unavailable"
                         : e.status >= 500 ? "internal"
                                           : "invalid_argument";
  }
  send_json(res, e.status, error_body(e));
}

void Service::send_list(const httplib::Request& req, httplib::Response& res, Call& call, const std::string& collection,
                        Json& doc, const std::set<std::string>& attributes) {
  auto parsed = parse_list_query(req.params, attributes);
  if (auto* e = std::get_if<NeutronError>(&parsed)) return send_error(res, call, *e);
  const auto& q = std::get<ListQuery>(parsed);
  auto page = apply_list_query(q, doc, doc.GetAllocator());
  if (auto* e = std::get_if<NeutronError>(&page)) return send_error(res, call, *e);
  Json out;
  out.SetObject();
  auto& a = out.GetAllocator();
  Value items;
  items.CopyFrom(doc, a);
  out.AddMember(Value(collection.c_str(), a), items, a);
  const auto links = page_links(q, std::get<PageInfo>(page), call.base + req.path);
  if (!links.empty()) {
    Value list(rapidjson::kArrayType);
    for (const auto& [rel, href] : links) {
      Value link(rapidjson::kObjectType);
      link.AddMember("rel", Value(rel.c_str(), a), a);
      link.AddMember("href", Value(href.c_str(), a), a);
      list.PushBack(link, a);
    }
    out.AddMember(Value((collection + "_links").c_str(), a), list, a);
  }
  send(res, call, 200, written(out));
}

void Service::send_one(const httplib::Request& req, httplib::Response& res, Call& call, int status,
                       const char* singular, Json& doc, Value object) {
  if (req.has_param("fields")) {
    std::vector<std::string> fields;
    for (std::size_t i = 0; i < req.get_param_value_count("fields"); ++i) {
      const auto value = req.get_param_value("fields", i);
      std::size_t start = 0;
      while (start <= value.size()) {
        const auto comma = value.find(',', start);
        auto f = value.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
        if (!f.empty()) fields.push_back(f);
        if (comma == std::string::npos) break;
        start = comma + 1;
      }
    }
    cut_to_fields(object, fields);
  }
  Json out;
  out.SetObject();
  Value copy;
  copy.CopyFrom(object, out.GetAllocator());
  out.AddMember(Value(singular, out.GetAllocator()), copy, out.GetAllocator());
  (void)doc;
  send(res, call, status, written(out));
}

core::TenantId Service::tenant_for(const Call& call, const std::optional<std::string>& project) {
  if (!project || !call.caller.admin) return call.caller.tenant;
  return fleet_.tenants().for_project(*project);
}

std::vector<std::string> Service::subnet_ids(const Call& call, const std::string& network_id) {
  std::vector<std::string> out;
  const core::Caller everyone{call.caller.tenant, true, false, true};
  for (const auto& s : networks_.subnets(everyone))
    if (s.network_id == network_id) out.push_back(s.id);
  return out;
}

std::vector<core::net::SecurityRule> Service::rules_of(const Call& call, const std::string& group_id) {
  std::vector<core::net::SecurityRule> out;
  const core::Caller everyone{call.caller.tenant, true, false, true};
  for (auto& r : networks_.security_rules(everyone))
    if (r.group_id == group_id) out.push_back(std::move(r));
  return out;
}

Value Service::render_network(const Call& call, const core::net::Network& n, Allocator& a) {
  return network_view(n, subnet_ids(call, n.id), viewer(call), a);
}

Value Service::render_group(const Call& call, const core::net::SecurityGroup& g, Allocator& a) {
  return group_view(g, rules_of(call, g.id), viewer(call), a);
}

// --- discovery ------------------------------------------------------------

void Service::versions(const httplib::Request&, httplib::Response& res, Call& call) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  w.Key("versions");
  w.StartArray();
  w.StartObject();
  field(w, "id", "v2.0");
  field(w, "status", "CURRENT");
  w.Key("links");
  w.StartArray();
  w.StartObject();
  field(w, "href", call.base + "/networking/v2.0/");  // the Host header's bytes: written as JSON, never pasted
  field(w, "rel", "self");
  w.EndObject();
  w.EndArray();
  w.EndObject();
  w.EndArray();
  w.EndObject();
  send(res, call, 200, {buffer.GetString(), buffer.GetSize()});
}

void Service::resources(const httplib::Request&, httplib::Response& res, Call& call) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  w.Key("resources");
  w.StartArray();
  for (const auto& [singular, collection] :
       {std::pair{"network", "networks"}, {"subnet", "subnets"}, {"port", "ports"}, {"router", "routers"},
        {"floatingip", "floatingips"}, {"security_group", "security-groups"},
        {"security_group_rule", "security-group-rules"}, {"quota", "quotas"}, {"extension", "extensions"},
        {"service_provider", "service-providers"}}) {
    w.StartObject();
    field(w, "name", singular);
    field(w, "collection", collection);
    w.Key("links");
    w.StartArray();
    w.StartObject();
    field(w, "href", call.base + "/networking/v2.0/" + collection);
    field(w, "rel", "self");
    w.EndObject();
    w.EndArray();
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  send(res, call, 200, {buffer.GetString(), buffer.GetSize()});
}

void Service::extensions(const httplib::Request&, httplib::Response& res, Call& call) {
  Json out;
  out.SetObject();
  Value list(rapidjson::kArrayType);
  for (const auto& e : extensions_served()) list.PushBack(extension_view(e, out.GetAllocator()), out.GetAllocator());
  out.AddMember("extensions", list, out.GetAllocator());
  send(res, call, 200, written(out));
}

void Service::extension(const httplib::Request& req, httplib::Response& res, Call& call) {
  const auto alias = req.matches[1].str();
  for (const auto& e : extensions_served()) {
    if (e.alias != alias) continue;
    Json out;
    out.SetObject();
    out.AddMember("extension", extension_view(e, out.GetAllocator()), out.GetAllocator());
    return send(res, call, 200, written(out));
  }
  send_error(res, call, {404, "ExtensionNotFound", fmt::format("Extension with alias {} does not exist", core::valid_utf8(alias))});
}

void Service::agents(const httplib::Request&, httplib::Response& res, Call& call) {
  send(res, call, 200, R"({"agents":[]})");  // no data plane, so no agents (the agent extension is not listed)
}

void Service::service_providers(const httplib::Request&, httplib::Response& res, Call& call) {
  send(res, call, 200, R"({"service_providers":[{"service_type":"L3_ROUTER_NAT","name":"default","default":true}]})");
}

// --- quotas -----------------------------------------------------------------

namespace {

void write_limits(Writer& w, const core::net::Limits& limits) {
  for (const auto& [resource, limit] : limits) {
    w.Key(resource.c_str(), static_cast<rapidjson::SizeType>(resource.size()));
    w.Int(limit);
  }
}

std::string quota_body(const core::net::Limits& limits) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  w.Key("quota");
  w.StartObject();
  write_limits(w, limits);
  w.EndObject();
  w.EndObject();
  return {buffer.GetString(), buffer.GetSize()};
}

}  // namespace

void Service::list_quotas(const httplib::Request&, httplib::Response& res, Call& call) {
  if (!call.caller.admin) return send_error(res, call, {403, "HTTPForbidden", "rule:get_quota is disallowed by policy"});
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  w.Key("quotas");
  w.StartArray();
  for (auto tenant : networks_.tenants_with_limits()) {
    w.StartObject();
    write_limits(w, networks_.limits(tenant));
    const auto project = project_of(fleet_.tenants(), tenant);
    field(w, "project_id", project);
    field(w, "tenant_id", project);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  send(res, call, 200, {buffer.GetString(), buffer.GetSize()});
}

void Service::show_quota(const httplib::Request& req, httplib::Response& res, Call& call) {
  const auto project = req.matches[1].str();
  if (!call.caller.admin && project != call.identity->project)
    return send_error(res, call, {403, "HTTPForbidden", "rule:get_quota is disallowed by policy"});
  send(res, call, 200, quota_body(networks_.limits(fleet_.tenants().for_project(project))));
}

void Service::default_quota(const httplib::Request&, httplib::Response& res, Call& call) {
  send(res, call, 200, quota_body(core::net::default_limits()));
}

void Service::quota_details(const httplib::Request& req, httplib::Response& res, Call& call) {
  const auto project = req.matches[1].str();
  if (!call.caller.admin && project != call.identity->project)
    return send_error(res, call, {403, "HTTPForbidden", "rule:get_quota is disallowed by policy"});
  const auto tenant = fleet_.tenants().for_project(project);
  const auto limits = networks_.limits(tenant);
  const auto used = networks_.usage(tenant);
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  w.Key("quota");
  w.StartObject();
  for (const auto& [resource, limit] : limits) {
    const auto it = used.find(resource);
    w.Key(resource.c_str(), static_cast<rapidjson::SizeType>(resource.size()));
    w.StartObject();
    w.Key("limit");
    w.Int(limit);
    w.Key("used");
    w.Int(it == used.end() ? 0 : it->second);
    w.Key("reserved");
    w.Int(0);
    w.EndObject();
  }
  w.EndObject();
  w.EndObject();
  send(res, call, 200, {buffer.GetString(), buffer.GetSize()});
}

void Service::update_quota(const httplib::Request& req, httplib::Response& res, Call& call) {
  if (!call.caller.admin) return send_error(res, call, {403, "HTTPForbidden", "rule:update_quota is disallowed by policy"});
  auto parsed = parse_quota(req.body);
  if (auto* e = std::get_if<NeutronError>(&parsed)) return send_error(res, call, *e);
  auto set = networks_.set_limits(fleet_.tenants().for_project(req.matches[1].str()),
                                  std::get<core::net::Limits>(parsed));
  if (!set) return send_core_error(res, call, set.error());
  send(res, call, 200, quota_body(set.value()));
}

void Service::delete_quota(const httplib::Request& req, httplib::Response& res, Call& call) {
  if (!call.caller.admin) return send_error(res, call, {403, "HTTPForbidden", "rule:delete_quota is disallowed by policy"});
  if (auto done = networks_.reset_limits(fleet_.tenants().for_project(req.matches[1].str())); !done)
    return send_core_error(res, call, done.error());
  send(res, call, 204, "");
}

// --- tags -------------------------------------------------------------------

std::optional<NeutronError> Service::edit_tags(Call& call, std::string_view collection, const std::string& id,
                                               const std::function<void(std::vector<std::string>&)>& edit,
                                               std::vector<std::string>* now) {
  const auto& c = call.caller;
  std::optional<core::Error> error;
  const auto keep = [&](auto result) {
    if (!result) error = result.error();
    else if (now) *now = result->tags;
  };
  const auto tag_edit = [&](auto& record) { edit(record.tags); };
  if (collection == "networks") keep(networks_.update_network(c, id, tag_edit));
  else if (collection == "subnets") keep(networks_.update_subnet(c, id, tag_edit, std::nullopt));
  else if (collection == "ports") keep(networks_.update_port(c, id, tag_edit, std::nullopt));
  else if (collection == "routers") keep(networks_.update_router(c, id, tag_edit, std::nullopt, std::nullopt));
  else if (collection == "floatingips") keep(networks_.update_floating_ip(c, id, tag_edit, std::nullopt));
  else keep(networks_.update_security_group(c, id, tag_edit));
  if (error) return from_core(*error);
  return std::nullopt;
}

void Service::show_tags(const httplib::Request& req, httplib::Response& res, Call& call) {
  std::vector<std::string> tags;
  if (auto e = edit_tags(call, req.matches[1].str(), req.matches[2].str(), [](auto&) {}, &tags))
    return send_error(res, call, *e);
  Json out;
  out.SetObject();
  Value list(rapidjson::kArrayType);
  for (const auto& t : tags) list.PushBack(Value(t.c_str(), out.GetAllocator()), out.GetAllocator());
  out.AddMember("tags", list, out.GetAllocator());
  send(res, call, 200, written(out));
}

void Service::check_tag(const httplib::Request& req, httplib::Response& res, Call& call) {
  std::vector<std::string> tags;
  if (auto e = edit_tags(call, req.matches[1].str(), req.matches[2].str(), [](auto&) {}, &tags))
    return send_error(res, call, *e);
  const auto tag = req.matches[3].str();
  if (std::find(tags.begin(), tags.end(), tag) == tags.end())
    return send_error(res, call, {404, "TagNotFound", fmt::format("Tag {} could not be found for {} {}.",
                                                                  core::valid_utf8(tag), req.matches[1].str(),
                                                                  req.matches[2].str())});
  send(res, call, 204, "");
}

void Service::replace_tags(const httplib::Request& req, httplib::Response& res, Call& call) {
  auto parsed = parse_tags(req.body);
  if (auto* e = std::get_if<NeutronError>(&parsed)) return send_error(res, call, *e);
  const auto wanted = std::get<std::vector<std::string>>(parsed);
  std::vector<std::string> tags;
  if (auto e = edit_tags(call, req.matches[1].str(), req.matches[2].str(), [&](auto& t) { t = wanted; }, &tags))
    return send_error(res, call, *e);
  Json out;
  out.SetObject();
  Value list(rapidjson::kArrayType);
  for (const auto& t : tags) list.PushBack(Value(t.c_str(), out.GetAllocator()), out.GetAllocator());
  out.AddMember("tags", list, out.GetAllocator());
  send(res, call, 200, written(out));
}

void Service::add_tag(const httplib::Request& req, httplib::Response& res, Call& call) {
  const auto tag = req.matches[3].str();
  if (tag.empty() || tag.size() > 255 || !core::is_utf8(tag))
    return send_error(res, call, bad_request(fmt::format("Invalid input for tags. Reason: '{}' is not a valid tag.",
                                                         core::valid_utf8(tag))));
  if (auto e = edit_tags(call, req.matches[1].str(), req.matches[2].str(),
                         [&](auto& t) {
                           if (std::find(t.begin(), t.end(), tag) == t.end()) t.push_back(tag);
                         },
                         nullptr))
    return send_error(res, call, *e);
  send(res, call, 201, "");
}

void Service::remove_tags(const httplib::Request& req, httplib::Response& res, Call& call) {
  if (auto e = edit_tags(call, req.matches[1].str(), req.matches[2].str(), [](auto& t) { t.clear(); }, nullptr))
    return send_error(res, call, *e);
  send(res, call, 204, "");
}

void Service::remove_tag(const httplib::Request& req, httplib::Response& res, Call& call) {
  const auto tag = req.matches[3].str();
  bool found = false;
  if (auto e = edit_tags(call, req.matches[1].str(), req.matches[2].str(),
                         [&](auto& t) {
                           const auto before = t.size();
                           std::erase(t, tag);
                           found = t.size() != before;
                         },
                         nullptr))
    return send_error(res, call, *e);
  if (!found)
    return send_error(res, call, {404, "TagNotFound", fmt::format("Tag {} could not be found for {} {}.",
                                                                  core::valid_utf8(tag), req.matches[1].str(),
                                                                  req.matches[2].str())});
  send(res, call, 204, "");
}

// --- routes -----------------------------------------------------------------

void Service::mount(httplib::Server& server) {
  const auto route = [&](auto method, const std::string& path, std::string operation, Handler handler) {
    // Neutron takes a ".json" suffix on any path (tempest's quota details uses it).
    (server.*method)(std::string(kRoot) + path + R"((?:\.json)?)", wrap(std::move(operation), handler));
  };
  using M = httplib::Server& (httplib::Server::*)(const std::string&, httplib::Server::Handler);
  const M get = &httplib::Server::Get, post = &httplib::Server::Post, put = &httplib::Server::Put,
          del = &httplib::Server::Delete;
  const std::string id = "/([^/]+?)";
  route(get, "/?", "versions", &Service::versions);
  route(get, R"(/v2\.0/?)", "resources", &Service::resources);
  route(get, R"(/v2\.0/extensions/?)", "list_extensions", &Service::extensions);
  route(get, R"(/v2\.0/extensions)" + id, "get_extension", &Service::extension);
  route(get, R"(/v2\.0/service-providers/?)", "list_service_providers", &Service::service_providers);
  route(get, R"(/v2\.0/agents/?)", "list_agents", &Service::agents);

  struct Family {
    const char* collection;
    const char* singular;
    Handler list, show, create, update, remove;
  };
  const Family families[] = {
      {"networks", "network", &Service::list_networks, &Service::show_network, &Service::create_network,
       &Service::update_network, &Service::delete_network},
      {"subnets", "subnet", &Service::list_subnets, &Service::show_subnet, &Service::create_subnet,
       &Service::update_subnet, &Service::delete_subnet},
      {"ports", "port", &Service::list_ports, &Service::show_port, &Service::create_port, &Service::update_port,
       &Service::delete_port},
      {"routers", "router", &Service::list_routers, &Service::show_router, &Service::create_router,
       &Service::update_router, &Service::delete_router},
      {"floatingips", "floatingip", &Service::list_floating_ips, &Service::show_floating_ip,
       &Service::create_floating_ip, &Service::update_floating_ip, &Service::delete_floating_ip},
      {"security-groups", "security_group", &Service::list_groups, &Service::show_group, &Service::create_group,
       &Service::update_group, &Service::delete_group},
      {"security-group-rules", "security_group_rule", &Service::list_rules, &Service::show_rule,
       &Service::create_rule, nullptr, &Service::delete_rule},
  };
  for (const auto& f : families) {
    const std::string base = std::string(R"(/v2\.0/)") + f.collection;
    const std::string singular = f.singular;
    route(get, base + "/?", "list_" + std::string(f.collection), f.list);
    route(post, base + "/?", "create_" + singular, f.create);
    route(get, base + id, "get_" + singular, f.show);
    if (f.update) route(put, base + id, "update_" + singular, f.update);
    route(del, base + id, "delete_" + singular, f.remove);
  }
  route(put, R"(/v2\.0/routers)" + id + "/add_router_interface", "add_router_interface", &Service::add_interface);
  route(put, R"(/v2\.0/routers)" + id + "/remove_router_interface", "remove_router_interface",
        &Service::remove_interface);
  const std::string tagged = R"(/v2\.0/(networks|subnets|ports|routers|floatingips|security-groups))" + id + "/tags";
  route(get, tagged + "/?", "get_tags", &Service::show_tags);
  route(put, tagged + "/?", "update_tags", &Service::replace_tags);
  route(del, tagged + "/?", "delete_tags", &Service::remove_tags);
  route(get, tagged + id, "get_tag", &Service::check_tag);
  route(put, tagged + id, "update_tag", &Service::add_tag);
  route(del, tagged + id, "delete_tag", &Service::remove_tag);
  route(get, R"(/v2\.0/quotas/?)", "list_quotas", &Service::list_quotas);
  route(get, R"(/v2\.0/quotas)" + id + "/default", "get_quota_default", &Service::default_quota);
  route(get, R"(/v2\.0/quotas)" + id + "/details", "get_quota_details", &Service::quota_details);
  route(get, R"(/v2\.0/quotas)" + id, "get_quota", &Service::show_quota);
  route(put, R"(/v2\.0/quotas)" + id, "update_quota", &Service::update_quota);
  route(del, R"(/v2\.0/quotas)" + id, "delete_quota", &Service::delete_quota);
}

bool Service::render_http_error(const httplib::Request& req, httplib::Response& res) {
  const auto& path = req.path;
  if (path.rfind(kRoot, 0) != 0 || (path.size() > 11 && path[11] != '/')) return false;
  NeutronError e;
  switch (res.status) {
    case 404: e = not_found(fmt::format("The resource could not be found.")); break;
    case 405: e = {405, "HTTPMethodNotAllowed", "The method is not allowed for the requested URL."}; break;
    case 413: e = {413, "HTTPRequestEntityTooLarge", "Request body too large."}; break;
    case 411: e = {411, "HTTPLengthRequired", "A request body needs a Content-Length header."}; break;
    case 414: e = {414, "HTTPRequestURITooLong", "The request URI is too long."}; break;
    default:
      e = res.status >= 500 ? NeutronError{res.status, "HTTPInternalServerError", "Request Failed: internal server error while processing your request."}
                            : bad_request("The request could not be understood.");
  }
  res.set_header("X-Openstack-Request-Id", "req-" + core::request_uuid());
  send_json(res, e.status, error_body(e));
  return true;
}

}  // namespace openstack::neutron
