// Neutron's request bodies and list queries, through their real parsers
// (adapters/openstack/neutron/requests.h, query.h) and on into the network
// model (core/net): a body that parses is created (or, for "-update", applied
// to the demo project's default network, subnet or port) in a fresh world,
// and the result rendered. Every error must render as UTF-8 JSON, every
// view too, and the model must never crash or hand back an address its
// parser would not read again.
// Input: "<kind>\n<body>", kind one of network, subnet, port, floatingip,
// router, security_group, rule, interface, quota, tags (and network-update,
// subnet-update, port-update, router-update), or "query:<collection>" with a
// query string ("name=private&fields=id&sort_key=name&limit=1").
#include <cstddef>
#include <cstdint>
#include <string>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "adapters/openstack/neutron/errors.h"
#include "adapters/openstack/neutron/query.h"
#include "adapters/openstack/neutron/requests.h"
#include "adapters/openstack/neutron/views.h"
#include "core/net/networks.h"
#include "tests/fuzz/fuzz_world.h"

namespace {

namespace net = core::net;
namespace neutron = openstack::neutron;

std::string written(const rapidjson::Value& v) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  v.Accept(w);
  return {buffer.GetString(), buffer.GetSize()};
}

// A parse that failed renders as UTF-8 JSON; true when it did not fail.
template <typename T>
bool parsed_ok(const neutron::Parsed<T>& parsed) {
  if (const auto* e = std::get_if<neutron::NeutronError>(&parsed)) {
    fuzz::require_json(neutron::error_body(*e), "an error");
    return false;
  }
  return true;
}

void require_error_renders(const core::Error& e) { fuzz::require_json(neutron::error_body(neutron::from_core(e)), "an error"); }

struct NetWorld : fuzz::World {
  net::Networks networks{fleet, ids, tenants};
  core::Caller owner{demo, false, true, false};
  core::Caller admin{tenants.for_project("admin"), true, true, true};
  NetWorld() { (void)fleet.replace(fleet.records(), std::nullopt, true); }

  template <typename T, typename View>
  void show(const core::Result<T>& r, View view) {
    if (!r) return require_error_renders(r.error());
    neutron::Json doc;
    fuzz::require_json(written(view(r.value(), doc.GetAllocator())), "a view");
  }
  neutron::Viewer viewer() { return neutron::Viewer{tenants, true}; }
  std::string first_id(const std::string& kind) {
    if (kind == "network") return networks.networks(owner).back().id;
    if (kind == "subnet") return networks.subnets(owner).back().id;
    if (kind == "port") return networks.ports(admin).front().id;
    return networks.routers(owner).front().id;
  }
};

void bodies(NetWorld& w, std::string_view kind, std::string_view body) {
  const auto v = w.viewer();
  if (kind == "network" || kind == "network-update") {
    auto p = neutron::parse_network(body, kind == "network");
    if (!parsed_ok(p)) return;
    const auto& r = std::get<neutron::NetworkRequest>(p);
    const auto edit = [&](net::Network& n) {
      if (r.name) n.name = *r.name;
      if (r.description) n.description = *r.description;
      if (r.mtu) n.mtu = *r.mtu;
    };
    net::Network draft;
    edit(draft);
    auto made = kind == "network" ? w.networks.create_network(w.owner, draft)
                                  : w.networks.update_network(w.owner, w.first_id("network"), edit);
    w.show(made, [&](const net::Network& n, auto& a) { return neutron::network_view(n, {}, v, a); });
  } else if (kind == "subnet" || kind == "subnet-update") {
    auto p = neutron::parse_subnet(body, kind == "subnet");
    if (!parsed_ok(p)) return;
    const auto& r = std::get<neutron::SubnetRequest>(p);
    std::optional<net::Networks::GatewayChoice> gateway;
    if (r.gateway) gateway = net::Networks::GatewayChoice{true, *r.gateway};
    const auto edit = [&](net::Subnet& s) {
      if (r.pools) s.pools = *r.pools;
      if (r.host_routes) s.host_routes = *r.host_routes;
      if (r.dns_nameservers) s.dns_nameservers = *r.dns_nameservers;
    };
    core::Result<net::Subnet> made = core::missing("subnet", "");
    if (kind == "subnet") {
      net::Subnet draft;
      draft.network_id = w.first_id("network");  // the body's names a network no world has
      draft.cidr = *r.cidr;
      edit(draft);
      made = w.networks.create_subnet(w.owner, draft, gateway.value_or(net::Networks::GatewayChoice{}));
    } else {
      made = w.networks.update_subnet(w.owner, w.first_id("subnet"), edit, gateway);
    }
    w.show(made, [&](const net::Subnet& s, auto& a) { return neutron::subnet_view(s, v, a); });
    if (made)
      for (const auto& pool : made->pools) fuzz::require_utf8(net::to_string(pool.start), "a pool");
  } else if (kind == "port" || kind == "port-update") {
    auto p = neutron::parse_port(body, kind == "port");
    if (!parsed_ok(p)) return;
    const auto& r = std::get<neutron::PortRequest>(p);
    net::Port draft;
    draft.network_id = w.first_id("network");
    if (r.name) draft.name = *r.name;
    if (r.mac) draft.mac = *r.mac;
    auto made = kind == "port" ? w.networks.create_port(w.owner, draft, r.fixed_ips)
                               : w.networks.update_port(w.admin, w.first_id("port"), [](net::Port&) {}, r.fixed_ips);
    w.show(made, [&](const net::Port& port, auto& a) { return neutron::port_view(port, v, a); });
    if (made)
      for (const auto& ip : made->fixed_ips)
        if (net::parse_address(net::to_string(ip.address)) != ip.address) std::abort();
  } else if (kind == "floatingip") {
    auto p = neutron::parse_floating_ip(body, true);
    if (!parsed_ok(p)) return;
    const auto& r = std::get<neutron::FloatingIpRequest>(p);
    net::FloatingIp draft;
    for (const auto& n : w.networks.networks(w.owner))
      if (n.external) draft.network_id = n.id;
    std::optional<net::Networks::Association> association;
    if (r.port_id && *r.port_id) association = net::Networks::Association{w.first_id("port"), r.fixed_address};
    w.show(w.networks.create_floating_ip(w.owner, draft, r.address, association),
           [&](const net::FloatingIp& f, auto& a) { return neutron::floating_ip_view(f, v, a); });
  } else if (kind == "router" || kind == "router-update") {
    auto p = neutron::parse_router(body, kind == "router");
    if (!parsed_ok(p)) return;
    const auto& r = std::get<neutron::RouterRequest>(p);
    auto made = kind == "router" ? w.networks.create_router(w.owner, net::Router{}, std::nullopt)
                                 : w.networks.update_router(w.owner, w.first_id("router"), [](net::Router&) {},
                                                            r.gateway, r.routes);
    w.show(made, [&](const net::Router& router, auto& a) { return neutron::router_view(router, v, a); });
  } else if (kind == "security_group") {
    auto p = neutron::parse_group(body, true);
    if (!parsed_ok(p)) return;
    net::SecurityGroup draft;
    draft.name = std::get<neutron::GroupRequest>(p).name.value_or("");
    w.show(w.networks.create_security_group(w.owner, draft),
           [&](const net::SecurityGroup& g, auto& a) { return neutron::group_view(g, {}, v, a); });
  } else if (kind == "rule") {
    auto p = neutron::parse_rule(body);
    if (!parsed_ok(p)) return;
    const auto& r = std::get<neutron::RuleRequest>(p);
    net::SecurityRule draft;
    draft.group_id = w.networks.security_groups(w.owner).front().id;  // a group the world has
    draft.direction = r.direction;
    draft.ethertype = r.ethertype;
    draft.protocol = r.protocol;
    draft.port_min = r.port_min;
    draft.port_max = r.port_max;
    draft.remote_prefix = r.remote_prefix;
    w.show(w.networks.create_security_rule(w.owner, draft),
           [&](const net::SecurityRule& rule, auto& a) { return neutron::rule_view(rule, v, a); });
  } else if (kind == "interface") {
    (void)parsed_ok(neutron::parse_interface(body));
  } else if (kind == "quota") {
    (void)parsed_ok(neutron::parse_quota(body));
  } else if (kind == "tags") {
    auto p = neutron::parse_tags(body);
    if (parsed_ok(p))
      for (const auto& t : std::get<std::vector<std::string>>(p)) fuzz::require_utf8(t, "a tag");
  }
}

void query(NetWorld& w, std::string_view collection, std::string_view text) {
  neutron::Params params;
  while (!text.empty()) {
    const auto amp = text.find('&');
    const auto pair = text.substr(0, amp);
    const auto eq = pair.find('=');
    params.emplace(std::string(pair.substr(0, eq)), eq == std::string_view::npos ? "" : std::string(pair.substr(eq + 1)));
    text = amp == std::string_view::npos ? std::string_view{} : text.substr(amp + 1);
  }
  neutron::Json doc;
  doc.SetArray();
  auto& a = doc.GetAllocator();
  const auto v = w.viewer();
  if (collection == "ports")
    for (const auto& p : w.networks.ports(w.admin)) doc.PushBack(neutron::port_view(p, v, a), a);
  else
    for (const auto& n : w.networks.networks(w.admin)) doc.PushBack(neutron::network_view(n, {}, v, a), a);
  std::set<std::string> attributes;
  if (!doc.Empty())
    for (auto it = doc[0].MemberBegin(); it != doc[0].MemberEnd(); ++it) attributes.emplace(it->name.GetString());
  auto parsed = neutron::parse_list_query(params, attributes);
  if (const auto* e = std::get_if<neutron::NeutronError>(&parsed))
    return fuzz::require_json(neutron::error_body(*e), "an error");
  const auto& q = std::get<neutron::ListQuery>(parsed);
  auto page = neutron::apply_list_query(q, doc, a);
  if (const auto* e = std::get_if<neutron::NeutronError>(&page))
    return fuzz::require_json(neutron::error_body(*e), "an error");
  fuzz::require_json(written(doc), "a list");
  for (const auto& [rel, href] : neutron::page_links(q, std::get<neutron::PageInfo>(page), "http://h/networking"))
    fuzz::require_utf8(href, "a link");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto rest = fuzz::as_text(data, size);
  const auto kind = fuzz::take_line(rest);
  NetWorld world;
  // A server made the way Nova makes one, so ports and addresses exist to change.
  core::CreateSpec spec;
  spec.name = "fuzzed";
  spec.nics = std::vector<core::NicRequest>{core::NicRequest{}};
  (void)world.fleet.create(world.owner, spec);
  if (kind.starts_with("query:")) query(world, kind.substr(6), rest);
  else bodies(world, kind, rest);
  return 0;
}
