#include "adapters/openstack/neutron/requests.h"

#include <algorithm>
#include <array>
#include <set>

#include <fmt/format.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "adapters/openstack/neutron/input.h"
#include "adapters/openstack/shared/wire.h"

namespace openstack::neutron {
namespace {

namespace net = core::net;

void read_common(Input& in, CommonRequest& r) {
  r.name = in.string("name");
  r.description = in.string("description");
  auto tenant = in.string("tenant_id"), project = in.string("project_id");
  if (tenant && project && *tenant != *project) in.fail("'project_id' and 'tenant_id' do not match");
  r.project = project ? project : tenant;
}

std::optional<net::Address> address_of(Input& in, const rapidjson::Value& v, const char* key) {
  if (v.IsString())
    if (auto a = net::parse_address(std::string_view(v.GetString(), v.GetStringLength()))) return a;
  in.fail(fmt::format("Invalid input for {}. Reason: '{}' is not a valid IP address.", key, Input::shown(v)));
  return std::nullopt;
}

std::optional<net::Prefix> prefix_of(Input& in, const rapidjson::Value& v, const char* key) {
  if (v.IsString())
    if (auto p = net::parse_prefix(std::string_view(v.GetString(), v.GetStringLength()))) return p;
  in.fail(fmt::format("Invalid input for {}. Reason: '{}' is not a valid IP subnet.", key, Input::shown(v)));
  return std::nullopt;
}

// A list of objects, each with only `known` members of string values.
const rapidjson::Value* object_list(Input& in, const char* key) {
  const auto* v = in.raw(key);
  if (!v) return nullptr;
  if (!v->IsArray()) {
    in.fail(fmt::format("Invalid input for {}. Reason: '{}' is not a list.", key, Input::shown(*v)));
    return nullptr;
  }
  for (const auto& item : v->GetArray())
    if (!item.IsObject()) {
      in.fail(fmt::format("Invalid input for {}. Reason: '{}' is not a dictionary.", key, Input::shown(item)));
      return nullptr;
    }
  return v;
}

std::optional<std::vector<net::Route>> routes_of(Input& in, const char* key) {
  if (const auto* raw = in.raw(key); raw && raw->IsNull()) return std::vector<net::Route>{};  // null: none
  const auto* v = object_list(in, key);
  if (!v) return std::nullopt;
  std::vector<net::Route> out;
  for (const auto& item : v->GetArray()) {
    const auto d = item.FindMember("destination"), n = item.FindMember("nexthop");
    if (d == item.MemberEnd() || n == item.MemberEnd() || item.MemberCount() != 2) {
      in.fail(fmt::format("Invalid input for {}. Reason: Validation of dictionary's keys failed. Expected keys: "
                          "{{'destination', 'nexthop'}} Provided keys: {}.", key, Input::shown(item)));
      return std::nullopt;
    }
    auto dest = prefix_of(in, d->value, key);
    auto hop = address_of(in, n->value, key);
    if (!dest || !hop) return std::nullopt;
    out.push_back({net::normalise(*dest), *hop});
  }
  return out;
}

std::optional<std::vector<net::IpRequest>> fixed_ips_in(Input& in, const rapidjson::Value& v, const char* key) {
  if (!v.IsArray()) {
    in.fail(fmt::format("Invalid input for {}. Reason: '{}' is not a list.", key, Input::shown(v)));
    return std::nullopt;
  }
  std::vector<net::IpRequest> out;
  for (const auto& item : v.GetArray()) {
    if (!item.IsObject()) {
      in.fail(fmt::format("Invalid input for {}. Reason: '{}' is not a dictionary.", key, Input::shown(item)));
      return std::nullopt;
    }
    net::IpRequest r;
    for (auto m = item.MemberBegin(); m != item.MemberEnd(); ++m) {
      const std::string_view name(m->name.GetString(), m->name.GetStringLength());
      if (name == "subnet_id" && m->value.IsString()) {
        r.subnet_id.assign(m->value.GetString(), m->value.GetStringLength());
      } else if (name == "ip_address") {
        r.address = address_of(in, m->value, key);
        if (!r.address) return std::nullopt;
      } else {
        in.fail(fmt::format("Invalid input for {}. Reason: Unrecognized attribute(s) '{}'.", key, name));
        return std::nullopt;
      }
    }
    if (r.subnet_id.empty() && !r.address) {
      in.fail(fmt::format("Invalid input for {}. Reason: a fixed IP names a subnet_id or an ip_address.", key));
      return std::nullopt;
    }
    out.push_back(std::move(r));
  }
  return out;
}

std::optional<std::vector<net::IpRequest>> fixed_ips_of(Input& in, const char* key) {
  const auto* v = in.raw(key);
  if (!v) return std::nullopt;
  return fixed_ips_in(in, *v, key);
}

bool is_mac(std::string_view m) {
  if (m.size() != 17) return false;
  for (std::size_t i = 0; i < m.size(); ++i) {
    const char c = m[i];
    if (i % 3 == 2 ? c != ':' && c != '-' : !std::isxdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

std::optional<std::string> mac_of(Input& in, const char* key) {
  auto text = in.string(key);
  if (!text) return std::nullopt;
  if (!is_mac(*text)) {
    in.fail(fmt::format("Invalid input for {}. Reason: '{}' is not a valid MAC address.", key, *text));
    return std::nullopt;
  }
  std::string mac = *text;
  for (auto& c : mac) c = c == '-' ? ':' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return mac;
}

std::string json_text(const rapidjson::Value& v) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  v.Accept(w);
  return {buffer.GetString(), buffer.GetSize()};
}

template <typename T>
Parsed<T> result(Input& in, T value) {
  if (!in.ok()) return in.error();
  return value;
}

constexpr std::array kProtocols = {"ah",        "dccp",       "egp",       "esp",        "gre",  "hopopt", "icmp",
                                   "igmp",      "ipip",       "ipv6-encap", "ipv6-frag", "ipv6-icmp", "icmpv6",
                                   "ipv6-nonxt", "ipv6-opts", "ipv6-route", "ospf",      "pgm",  "rsvp",   "sctp",
                                   "tcp",       "udp",        "udplite",   "vrrp",       "any"};

}  // namespace

Parsed<NetworkRequest> parse_network(std::string_view body, bool create) {
  Input in(body, "network");
  in.only({"name", "description", "tenant_id", "project_id", "admin_state_up", "shared", "router:external", "mtu",
           "port_security_enabled"});
  if (!create) in.read_only({"tenant_id", "project_id"});
  NetworkRequest r;
  read_common(in, r);
  r.admin_up = in.boolean("admin_state_up");
  r.shared = in.boolean("shared");
  r.external = in.boolean("router:external");
  r.port_security = in.boolean("port_security_enabled");
  if (auto mtu = in.integer("mtu", 68, 65535)) r.mtu = static_cast<int>(*mtu);
  return result(in, std::move(r));
}

Parsed<SubnetRequest> parse_subnet(std::string_view body, bool create) {
  Input in(body, "subnet");
  in.only({"name", "description", "tenant_id", "project_id", "network_id", "ip_version", "cidr", "gateway_ip",
           "allocation_pools", "enable_dhcp", "dns_nameservers", "host_routes", "ipv6_ra_mode", "ipv6_address_mode",
           "subnetpool_id", "service_types"});
  if (!create)
    in.read_only({"network_id", "ip_version", "cidr", "tenant_id", "project_id", "subnetpool_id", "ipv6_ra_mode",
                  "ipv6_address_mode"});
  SubnetRequest r;
  read_common(in, r);
  r.network_id = in.uuid("network_id");
  if (auto v = in.integer("ip_version", 0, 100)) {
    if (*v != 4 && *v != 6) in.fail(fmt::format("Invalid input for ip_version. Reason: '{}' is not in [4, 6].", *v));
    r.ip_version = static_cast<int>(*v);
  }
  if (const auto* c = in.raw("cidr")) r.cidr = prefix_of(in, *c, "cidr");
  if (const auto* g = in.raw("gateway_ip")) {
    if (g->IsNull()) r.gateway = std::optional<net::Address>{};
    else if (auto a = address_of(in, *g, "gateway_ip")) r.gateway = std::optional(*a);
  }
  if (const auto* pools = object_list(in, "allocation_pools")) {
    std::vector<net::Range> ranges;
    for (const auto& p : pools->GetArray()) {
      const auto s = p.FindMember("start"), e = p.FindMember("end");
      if (s == p.MemberEnd() || e == p.MemberEnd() || p.MemberCount() != 2) {
        in.fail(fmt::format("Invalid input for allocation_pools. Reason: Validation of dictionary's keys failed. "
                            "Expected keys: {{'start', 'end'}} Provided keys: {}.", Input::shown(p)));
        break;
      }
      auto start = address_of(in, s->value, "allocation_pools"), end = address_of(in, e->value, "allocation_pools");
      if (!start || !end) break;
      ranges.push_back({*start, *end});
    }
    r.pools = std::move(ranges);
  }
  r.dhcp = in.boolean("enable_dhcp");
  if (auto dns = in.strings("dns_nameservers")) {
    std::set<std::string> seen;
    for (const auto& server : *dns) {
      if (!net::parse_address(server))
        in.fail(fmt::format("Invalid input for dns_nameservers. Reason: '{}' is not a valid nameserver.", server));
      if (!seen.insert(server).second)
        in.fail(fmt::format("Invalid input for dns_nameservers. Reason: Duplicate nameserver '{}'.", server));
    }
    r.dns_nameservers = std::move(dns);
  }
  r.host_routes = routes_of(in, "host_routes");
  for (auto [key, out] : {std::pair{"ipv6_ra_mode", &r.ra_mode}, {"ipv6_address_mode", &r.address_mode}}) {
    if (auto mode = in.nullable_string(key)) {
      if (*mode && **mode != "slaac" && **mode != "dhcpv6-stateful" && **mode != "dhcpv6-stateless")
        in.fail(fmt::format("Invalid input for {}. Reason: '{}' is not in ['dhcpv6-stateful', 'dhcpv6-stateless', "
                            "'slaac', None].", key, **mode));
      *out = mode->value_or("");
    }
  }
  if (const auto* pool = in.raw("subnetpool_id"); pool && !pool->IsNull())
    in.fail("Invalid input for subnetpool_id: subnet pools are not served (the subnet_allocation extension is not "
            "listed).");
  if (create) {
    if (!r.network_id && in.ok()) in.fail("Invalid input for operation: 'network_id' is required.");
    if (!r.cidr && in.ok()) in.fail("Bad subnets request: a subnetpool must be specified in the absence of a cidr.");
    if (r.cidr && !r.ip_version) r.ip_version = r.cidr->network.version;
    if (r.cidr && r.ip_version && *r.ip_version != r.cidr->network.version)
      in.fail(fmt::format("Invalid input for operation: cidr '{}' does not match the ip_version '{}'.",
                          net::to_string(*r.cidr), *r.ip_version));
  }
  return result(in, std::move(r));
}

Parsed<PortRequest> parse_port(std::string_view body, bool create) {
  Input in(body, "port");
  in.only({"name", "description", "tenant_id", "project_id", "network_id", "mac_address", "admin_state_up",
           "fixed_ips", "device_id", "device_owner", "security_groups", "port_security_enabled",
           "allowed_address_pairs", "extra_dhcp_opts", "binding:host_id", "binding:vnic_type", "binding:profile"});
  if (!create) in.read_only({"network_id", "tenant_id", "project_id"});
  PortRequest r;
  read_common(in, r);
  r.network_id = in.uuid("network_id");
  r.mac = mac_of(in, "mac_address");
  r.admin_up = in.boolean("admin_state_up");
  r.port_security = in.boolean("port_security_enabled");
  r.fixed_ips = fixed_ips_of(in, "fixed_ips");
  r.device_id = in.string("device_id");
  r.device_owner = in.string("device_owner");
  r.host_id = in.string("binding:host_id");
  r.vnic_type = in.string("binding:vnic_type");
  if (r.vnic_type) {
    static const std::set<std::string, std::less<>> kinds = {"normal", "direct", "macvtap", "baremetal",
                                                             "direct-physical", "virtio-forwarder", "smart-nic",
                                                             "vdpa", "remote-managed"};
    if (!kinds.count(*r.vnic_type))
      in.fail(fmt::format("Invalid input for binding:vnic_type. Reason: '{}' is not in the supported types.",
                          *r.vnic_type));
  }
  if (const auto* groups = in.raw("security_groups")) {
    if (groups->IsNull()) {
      r.security_groups = std::vector<std::string>{};
    } else if (auto ids = in.strings("security_groups")) {
      r.security_groups = std::move(ids);
    }
  }
  if (const auto* pairs = object_list(in, "allowed_address_pairs")) {
    std::vector<net::AddressPair> out;
    for (const auto& p : pairs->GetArray()) {
      const auto ip = p.FindMember("ip_address"), mac = p.FindMember("mac_address");
      if (ip == p.MemberEnd() || !ip->value.IsString()) {
        in.fail("Invalid input for allowed_address_pairs. Reason: AllowedAddressPair must contain ip_address.");
        break;
      }
      const std::string ip_text(ip->value.GetString(), ip->value.GetStringLength());
      if (!net::parse_address(ip_text) && !net::parse_prefix(ip_text)) {
        in.fail(fmt::format("Invalid input for allowed_address_pairs. Reason: '{}' is not a valid IP address.",
                            ip_text));
        break;
      }
      std::string mac_text;
      if (mac != p.MemberEnd()) {
        if (!mac->value.IsString() || !is_mac(std::string_view(mac->value.GetString(), mac->value.GetStringLength()))) {
          in.fail(fmt::format("Invalid input for allowed_address_pairs. Reason: '{}' is not a valid MAC address.",
                              Input::shown(mac->value)));
          break;
        }
        mac_text.assign(mac->value.GetString(), mac->value.GetStringLength());
      }
      out.push_back({ip_text, mac_text});
    }
    r.address_pairs = std::move(out);
  }
  if (const auto* opts = object_list(in, "extra_dhcp_opts")) {
    for (const auto& o : opts->GetArray()) {
      const auto name = o.FindMember("opt_name");
      if (name == o.MemberEnd() || !name->value.IsString())
        in.fail("Invalid input for extra_dhcp_opts. Reason: each option needs an opt_name.");
    }
    r.dhcp_options_json = json_text(*opts);
  }
  if (const auto* profile = in.raw("binding:profile")) {
    if (!profile->IsObject() && !profile->IsNull())
      in.fail(fmt::format("Invalid input for binding:profile. Reason: '{}' is not a dictionary.", Input::shown(*profile)));
    else r.profile_json = profile->IsNull() ? "{}" : json_text(*profile);
  }
  if (create && !r.network_id && in.ok()) in.fail("Invalid input for operation: 'network_id' is required.");
  return result(in, std::move(r));
}

Parsed<FloatingIpRequest> parse_floating_ip(std::string_view body, bool create) {
  Input in(body, "floatingip");
  in.only({"description", "tenant_id", "project_id", "floating_network_id", "subnet_id", "floating_ip_address",
           "port_id", "fixed_ip_address", "dns_name", "dns_domain"});
  if (!create) in.read_only({"floating_network_id", "subnet_id", "floating_ip_address", "tenant_id", "project_id"});
  FloatingIpRequest r;
  r.description = in.string("description");
  auto tenant = in.string("tenant_id"), project = in.string("project_id");
  r.project = project ? project : tenant;
  r.network_id = in.uuid("floating_network_id");
  r.subnet_id = in.uuid("subnet_id");
  if (const auto* a = in.raw("floating_ip_address")) r.address = address_of(in, *a, "floating_ip_address");
  if (const auto* p = in.raw("port_id")) {
    if (p->IsNull()) r.port_id = std::optional<std::string>{};
    else if (auto id = in.uuid("port_id")) r.port_id = std::optional(*id);
  }
  if (const auto* a = in.raw("fixed_ip_address"); a && !a->IsNull())
    r.fixed_address = address_of(in, *a, "fixed_ip_address");
  if (create && !r.network_id && in.ok()) in.fail("Invalid input for operation: 'floating_network_id' is required.");
  return result(in, std::move(r));
}

Parsed<RouterRequest> parse_router(std::string_view body, bool create) {
  Input in(body, "router");
  in.only({"name", "description", "tenant_id", "project_id", "admin_state_up", "external_gateway_info", "routes"});
  if (!create) in.read_only({"tenant_id", "project_id"});
  RouterRequest r;
  read_common(in, r);
  r.admin_up = in.boolean("admin_state_up");
  if (const auto* g = in.raw("external_gateway_info")) {
    if (g->IsNull() || (g->IsObject() && g->MemberCount() == 0)) {
      r.gateway = std::optional<net::Networks::GatewayRequest>{};
    } else if (!g->IsObject()) {
      in.fail(fmt::format("Invalid input for external_gateway_info. Reason: '{}' is not a dictionary.", Input::shown(*g)));
    } else {
      net::Networks::GatewayRequest req;
      for (auto m = g->MemberBegin(); m != g->MemberEnd(); ++m) {
        const std::string_view name(m->name.GetString(), m->name.GetStringLength());
        if (name == "network_id" && m->value.IsString()) {
          req.network_id.assign(m->value.GetString(), m->value.GetStringLength());
        } else if (name == "enable_snat" && m->value.IsBool()) {
          req.enable_snat = m->value.GetBool();
        } else if (name == "external_fixed_ips") {
          req.ips = fixed_ips_in(in, m->value, "external_fixed_ips");
        } else {
          in.fail(fmt::format("Invalid input for external_gateway_info. Reason: Unexpected keys supplied: {}.", name));
        }
      }
      if (req.network_id.empty())
        in.fail("Invalid input for external_gateway_info. Reason: Validation of dictionary's keys failed. Expected "
                "keys: {'network_id'}.");
      r.gateway = std::optional(std::move(req));
    }
  }
  r.routes = routes_of(in, "routes");
  return result(in, std::move(r));
}

Parsed<GroupRequest> parse_group(std::string_view body, bool create) {
  Input in(body, "security_group");
  in.only({"name", "description", "tenant_id", "project_id", "stateful"});
  if (!create) in.read_only({"tenant_id", "project_id"});
  GroupRequest r;
  read_common(in, r);
  r.stateful = in.boolean("stateful");
  return result(in, std::move(r));
}

Parsed<RuleRequest> parse_rule(std::string_view body) {
  Input in(body, "security_group_rule");
  in.only({"security_group_id", "direction", "ethertype", "protocol", "port_range_min", "port_range_max",
           "remote_ip_prefix", "remote_group_id", "description", "tenant_id", "project_id", "remote_address_group_id"});
  RuleRequest r;
  r.group_id = in.uuid("security_group_id").value_or("");
  if (in.ok() && r.group_id.empty()) in.fail("Invalid input for operation: 'security_group_id' is required.");
  r.direction = in.string("direction").value_or("");
  if (in.ok() && r.direction != "ingress" && r.direction != "egress")
    in.fail(fmt::format("Invalid input for direction. Reason: '{}' is not in ['ingress', 'egress'].", r.direction));
  if (auto ethertype = in.string("ethertype")) {
    if (*ethertype == "IPv4" || *ethertype == "ipv4") r.ethertype = 4;
    else if (*ethertype == "IPv6" || *ethertype == "ipv6") r.ethertype = 6;
    else in.fail(fmt::format("Invalid input for ethertype. Reason: '{}' is not in ['IPv4', 'IPv6'].", *ethertype));
  }
  if (const auto* p = in.raw("protocol"); p && !p->IsNull()) {
    std::string protocol = p->IsInt() ? std::to_string(p->GetInt()) : p->IsString() ? p->GetString() : "?";
    const bool number = !protocol.empty() && std::all_of(protocol.begin(), protocol.end(), ::isdigit);
    const bool named = std::find(kProtocols.begin(), kProtocols.end(), protocol) != kProtocols.end();
    if ((number && std::stoi(protocol.substr(0, 4)) > 255) || (!number && !named))
      in.fail(neutron::NeutronError{400, "SecurityGroupRuleInvalidProtocol",
                                    fmt::format("Security group rule protocol {} not supported. Only protocol values "
                                                "[None, 'ah', 'dccp', 'egp', 'esp', 'gre', 'hopopt', 'icmp', 'igmp', "
                                                "'ipip', 'ipv6-encap', 'ipv6-frag', 'ipv6-icmp', 'icmpv6', "
                                                "'ipv6-nonxt', 'ipv6-opts', 'ipv6-route', 'ospf', 'pgm', 'rsvp', "
                                                "'sctp', 'tcp', 'udp', 'udplite', 'vrrp'] and integer "
                                                "representations [0 to 255] are supported.", protocol)});
    r.protocol = protocol == "any" ? "" : protocol;
  }
  for (auto [key, out] : {std::pair{"port_range_min", &r.port_min}, {"port_range_max", &r.port_max}})
    if (const auto* v = in.raw(key); v && !v->IsNull())
      if (auto n = in.integer(key, -2147483648LL, 2147483647LL)) *out = static_cast<int>(*n);
  if (const auto* v = in.raw("remote_ip_prefix"); v && !v->IsNull()) r.remote_prefix = prefix_of(in, *v, "remote_ip_prefix");
  // Not checked as a UUID: Neutron answers an id that is not one with its 404.
  if (const auto* v = in.raw("remote_group_id"); v && !v->IsNull()) r.remote_group_id = in.string("remote_group_id").value_or("");
  r.description = in.string("description").value_or("");
  auto tenant = in.string("tenant_id"), project = in.string("project_id");
  r.project = project ? project : tenant;
  if (in.ok() && r.remote_prefix && !r.remote_group_id.empty())
    in.fail("Only remote_ip_prefix or remote_group_id may be provided.");
  if (in.ok() && (r.port_min || r.port_max)) {
    const auto& p = r.protocol;
    const bool icmp = p == "icmp" || p == "1" || p == "ipv6-icmp" || p == "icmpv6" || p == "58";
    const bool ported = p == "tcp" || p == "udp" || p == "sctp" || p == "dccp" || p == "udplite" || p == "6" ||
                        p == "17" || p == "132" || p == "33" || p == "136";
    if (p.empty()) {
      in.fail("Must also specify protocol if port range is given.");
    } else if (icmp) {
      for (auto [what, v] : {std::pair{"type", r.port_min}, {"code", r.port_max}})
        if (v && (*v > 255 || *v < 0))
          in.fail(neutron::NeutronError{400, "SecurityGroupInvalidIcmpValue",
                                        fmt::format("Invalid value for ICMP {} (port-range-{}): {}. It must be 0 to 255.",
                                                    what, what == std::string_view("type") ? "min" : "max", *v)});
      if (!r.port_min && r.port_max)
        in.fail(neutron::NeutronError{400, "SecurityGroupMissingIcmpType",
                                      fmt::format("ICMP code (port-range-max) {} is provided but ICMP type "
                                                  "(port-range-min) is missing.", *r.port_max)});
    } else if (ported) {
      for (auto v : {r.port_min, r.port_max})
        if (v && (*v < 0 || *v > 65535))
          in.fail(neutron::NeutronError{400, "SecurityGroupInvalidPortValue", fmt::format("Invalid value for port {}", *v)});
      if (!r.port_min || !r.port_max || *r.port_min > *r.port_max)
        in.fail(neutron::NeutronError{400, "SecurityGroupInvalidPortRange",
                                      "For TCP/UDP protocols, port_range_min must be <= port_range_max"});
    } else {
      in.fail(neutron::NeutronError{400, "SecurityGroupInvalidProtocolForPort",
                                    fmt::format("Invalid protocol {} for port range, only supported for TCP, UDP, "
                                                "UDPLITE, SCTP and DCCP.", p)});
    }
  }
  return result(in, std::move(r));
}

Parsed<InterfaceRequest> parse_interface(std::string_view body) {
  rapidjson::Document doc;
  if (!parse_json(body, doc) || !doc.IsObject()) return bad_request("Body contains invalid data.");
  InterfaceRequest r;
  for (auto m = doc.MemberBegin(); m != doc.MemberEnd(); ++m) {
    const std::string_view name(m->name.GetString(), m->name.GetStringLength());
    if ((name != "subnet_id" && name != "port_id") || !m->value.IsString())
      return bad_request(fmt::format("Bad router request: Unrecognized attribute '{}'.", name));
    (name == "subnet_id" ? r.subnet_id : r.port_id).assign(m->value.GetString(), m->value.GetStringLength());
  }
  if (r.subnet_id.empty() == r.port_id.empty())
    return bad_request("Bad router request: Either subnet_id or port_id must be specified.");
  return r;
}

Parsed<core::net::Limits> parse_quota(std::string_view body) {
  Input in(body, "quota");
  const auto defaults = net::default_limits();
  in.only({"network", "subnet", "port", "router", "floatingip", "security_group", "security_group_rule"});
  net::Limits out;
  for (const auto& [resource, limit] : defaults)
    if (auto n = in.integer(resource.c_str(), -1, 2147483647)) out[resource] = static_cast<int>(*n);
  return result(in, std::move(out));
}

Parsed<std::vector<std::string>> parse_tags(std::string_view body) {
  rapidjson::Document doc;
  if (!parse_json(body, doc) || !doc.IsObject() || !doc.HasMember("tags") || !doc["tags"].IsArray())
    return bad_request("Invalid input for tags: a list of strings is required.");
  std::vector<std::string> tags;
  for (const auto& t : doc["tags"].GetArray()) {
    if (!t.IsString() || t.GetStringLength() == 0 || t.GetStringLength() > 255)
      return bad_request(fmt::format("Invalid input for tags. Reason: '{}' is not a valid tag.", Input::shown(t)));
    std::string tag(t.GetString(), t.GetStringLength());
    if (std::find(tags.begin(), tags.end(), tag) == tags.end()) tags.push_back(std::move(tag));
  }
  return tags;
}

}  // namespace openstack::neutron
