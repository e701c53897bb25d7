#include "adapters/openstack/neutron/views.h"

#include <ctime>

#include <fmt/chrono.h>
#include <fmt/format.h>

#include "adapters/openstack/neutron/attributes.h"
#include "core/text.h"

namespace openstack::neutron {
namespace {

namespace net = core::net;

// Builds one object; strings are copied into the document's allocator.
class Obj {
 public:
  explicit Obj(Allocator& a) : a_(a), v_(rapidjson::kObjectType) {}
  Obj& str(const char* key, std::string_view value) {
    const auto safe = core::valid_utf8(value);
    v_.AddMember(Value(key, a_), Value(safe.data(), static_cast<rapidjson::SizeType>(safe.size()), a_), a_);
    return *this;
  }
  Obj& null_or(const char* key, const std::string& value) {
    if (value.empty()) return null(key);
    return str(key, value);
  }
  Obj& null(const char* key) {
    v_.AddMember(Value(key, a_), Value(rapidjson::kNullType), a_);
    return *this;
  }
  Obj& flag(const char* key, bool value) {
    v_.AddMember(Value(key, a_), Value(value), a_);
    return *this;
  }
  Obj& number(const char* key, long long value) {
    v_.AddMember(Value(key, a_), Value(static_cast<int64_t>(value)), a_);
    return *this;
  }
  Obj& value(const char* key, Value v) {
    v_.AddMember(Value(key, a_), v, a_);
    return *this;
  }
  Obj& strings(const char* key, const std::vector<std::string>& items) {
    Value list(rapidjson::kArrayType);
    for (const auto& item : items) {
      const auto safe = core::valid_utf8(item);
      list.PushBack(Value(safe.data(), static_cast<rapidjson::SizeType>(safe.size()), a_), a_);
    }
    return value(key, std::move(list));
  }
  // What every standard resource shows: owner, description, tags, times, revision.
  Obj& common(const net::Common& c, const Viewer& v) {
    const auto project = project_of(v.tenants, c.tenant);
    str("id", c.id).str("name", c.name).str("tenant_id", project).str("project_id", project);
    str("description", c.description).strings("tags", c.tags);
    str("created_at", neutron_time(c.created_ms)).str("updated_at", neutron_time(c.updated_ms));
    return number("revision_number", static_cast<long long>(c.revision));
  }
  Value done() { return std::move(v_); }

 private:
  Allocator& a_;
  Value v_;
};

Value routes(const std::vector<net::Route>& routes, Allocator& a) {
  Value list(rapidjson::kArrayType);
  for (const auto& r : routes)
    list.PushBack(Obj(a).str("destination", net::to_string(r.destination)).str("nexthop", net::to_string(r.nexthop)).done(),
                  a);
  return list;
}

Value fixed_ips(const std::vector<net::FixedIp>& ips, Allocator& a) {
  Value list(rapidjson::kArrayType);
  for (const auto& ip : ips)
    list.PushBack(Obj(a).str("subnet_id", ip.subnet_id).str("ip_address", net::to_string(ip.address)).done(), a);
  return list;
}

// An attribute kept as JSON text in `extra` (a binding profile, DHCP options), or its default.
Value kept_json(const core::Pairs& extra, std::string_view key, const char* fallback, Allocator& a) {
  const auto text = core::find_pair(extra, key).value_or(fallback);
  rapidjson::Document parsed(&a);
  parsed.Parse(text.data(), text.size());
  if (parsed.HasParseError()) parsed.Parse(fallback);
  Value out;
  out.CopyFrom(parsed, a);
  return out;
}

}  // namespace

std::string project_of(const core::Tenants& tenants, core::TenantId tenant) {
  const auto info = tenants.info(tenant);
  return info.project.empty() ? info.account : info.project;
}

std::string neutron_time(core::Millis ms) {
  return fmt::format("{:%Y-%m-%dT%H:%M:%SZ}", fmt::gmtime(static_cast<std::time_t>(ms / 1000)));
}

Value network_view(const net::Network& n, const std::vector<std::string>& subnet_ids, const Viewer& v, Allocator& a) {
  Obj o(a);
  o.common(n, v).flag("admin_state_up", n.admin_up).str("status", "ACTIVE").strings("subnets", subnet_ids);
  o.flag("shared", n.shared).flag("router:external", n.external).number("mtu", n.mtu);
  o.flag("port_security_enabled", n.port_security);
  return o.done();
}

Value subnet_view(const net::Subnet& s, const Viewer& v, Allocator& a) {
  Obj o(a);
  o.common(s, v).str("network_id", s.network_id).number("ip_version", s.cidr.network.version);
  o.str("cidr", net::to_string(s.cidr));
  if (s.gateway) o.str("gateway_ip", net::to_string(*s.gateway));
  else o.null("gateway_ip");
  Value pools(rapidjson::kArrayType);
  for (const auto& p : s.pools)
    pools.PushBack(Obj(a).str("start", net::to_string(p.start)).str("end", net::to_string(p.end)).done(), a);
  o.value("allocation_pools", std::move(pools)).flag("enable_dhcp", s.dhcp).strings("dns_nameservers", s.dns_nameservers);
  o.value("host_routes", routes(s.host_routes, a));
  o.null_or("ipv6_ra_mode", std::string(core::find_pair(s.extra, kIpv6RaMode).value_or("")));
  o.null_or("ipv6_address_mode", std::string(core::find_pair(s.extra, kIpv6AddressMode).value_or("")));
  o.null("subnetpool_id");
  return o.done();
}

Value port_view(const net::Port& p, const Viewer& v, Allocator& a) {
  Obj o(a);
  const bool bound = !p.device_owner.empty() && !p.device_id.empty();
  o.common(p, v).str("network_id", p.network_id).str("mac_address", p.mac).flag("admin_state_up", p.admin_up);
  o.str("status", bound && p.admin_up ? "ACTIVE" : "DOWN").str("device_id", p.device_id);
  o.str("device_owner", p.device_owner).value("fixed_ips", fixed_ips(p.fixed_ips, a));
  Value pairs(rapidjson::kArrayType);
  for (const auto& pair : p.allowed_address_pairs)
    pairs.PushBack(Obj(a).str("ip_address", pair.ip).str("mac_address", pair.mac.empty() ? p.mac : pair.mac).done(), a);
  o.value("allowed_address_pairs", std::move(pairs));
  o.value("extra_dhcp_opts", kept_json(p.extra, kExtraDhcpOpts, "[]", a));
  o.strings("security_groups", p.security_groups).flag("port_security_enabled", p.port_security);
  o.str("binding:vnic_type", core::find_pair(p.extra, kVnicType).value_or("normal"));
  if (v.admin) {
    const auto host = core::find_pair(p.extra, kHostId).value_or(p.device_owner == net::kOwnerCompute ? "gateway-host" : "");
    o.str("binding:host_id", host);
    o.str("binding:vif_type", bound ? "ovs" : "unbound");
    o.value("binding:profile", kept_json(p.extra, kBindingProfile, "{}", a));
    o.value("binding:vif_details", Value(rapidjson::kObjectType));
  }
  return o.done();
}

Value floating_ip_view(const net::FloatingIp& f, const Viewer& v, Allocator& a) {
  Obj o(a);
  const auto project = project_of(v.tenants, f.tenant);
  o.str("id", f.id).str("tenant_id", project).str("project_id", project).str("description", f.description);
  o.strings("tags", f.tags).str("floating_network_id", f.network_id);
  o.str("floating_ip_address", net::to_string(f.address));
  if (f.fixed_address) o.str("fixed_ip_address", net::to_string(*f.fixed_address));
  else o.null("fixed_ip_address");
  o.null_or("port_id", f.port_id).null_or("router_id", f.router_id).str("status", f.port_id.empty() ? "DOWN" : "ACTIVE");
  o.str("created_at", neutron_time(f.created_ms)).str("updated_at", neutron_time(f.updated_ms));
  o.number("revision_number", static_cast<long long>(f.revision));
  return o.done();
}

Value router_view(const net::Router& r, const Viewer& v, Allocator& a) {
  Obj o(a);
  o.common(r, v).flag("admin_state_up", r.admin_up).str("status", "ACTIVE");
  if (r.gateway) {
    o.value("external_gateway_info", Obj(a).str("network_id", r.gateway->network_id)
                                         .flag("enable_snat", r.gateway->enable_snat)
                                         .value("external_fixed_ips", fixed_ips(r.gateway->fixed_ips, a))
                                         .done());
  } else {
    o.null("external_gateway_info");
  }
  o.value("routes", routes(r.routes, a));
  return o.done();
}

Value rule_view(const net::SecurityRule& r, const Viewer& v, Allocator& a) {
  Obj o(a);
  const auto project = project_of(v.tenants, r.tenant);
  o.str("id", r.id).str("security_group_id", r.group_id).str("tenant_id", project).str("project_id", project);
  o.str("direction", r.direction).str("ethertype", r.ethertype == 4 ? "IPv4" : "IPv6").null_or("protocol", r.protocol);
  if (r.port_min) o.number("port_range_min", *r.port_min);
  else o.null("port_range_min");
  if (r.port_max) o.number("port_range_max", *r.port_max);
  else o.null("port_range_max");
  if (r.remote_prefix) o.str("remote_ip_prefix", net::to_string(*r.remote_prefix));
  else o.null("remote_ip_prefix");
  o.null_or("remote_group_id", r.remote_group_id).str("description", r.description);
  o.str("created_at", neutron_time(r.created_ms)).str("updated_at", neutron_time(r.updated_ms));
  o.number("revision_number", static_cast<long long>(r.revision));
  return o.done();
}

Value group_view(const net::SecurityGroup& g, const std::vector<net::SecurityRule>& rules, const Viewer& v,
                 Allocator& a) {
  Obj o(a);
  o.common(g, v).flag("stateful", g.stateful);
  Value list(rapidjson::kArrayType);
  for (const auto& r : rules) list.PushBack(rule_view(r, v, a), a);
  o.value("security_group_rules", std::move(list));
  return o.done();
}

}  // namespace openstack::neutron
