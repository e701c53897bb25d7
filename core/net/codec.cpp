// Network records as documents: each a core/codec.h list of pairs, fields
// by name, lists and nested records encoded in place. Reading checks every
// field, so a damaged document or a hand-edited snapshot is refused with
// the field it trips on, never half-read.
#include <charconv>

#include <fmt/format.h>

#include "core/codec.h"
#include "core/net/state.h"

namespace core::net {
namespace {

class Writer {
 public:
  Writer& text(std::string key, std::string value) {
    pairs_.emplace_back(std::move(key), std::move(value));
    return *this;
  }
  Writer& number(std::string key, long long value) { return text(std::move(key), std::to_string(value)); }
  Writer& flag(std::string key, bool value) { return text(std::move(key), value ? "1" : "0"); }
  Writer& list(std::string key, const std::vector<std::string>& items) { return text(std::move(key), encode_list(items)); }
  Writer& common(const Common& c, const Tenants& tenants) {
    text("id", c.id).text("tenant", tenants.key(c.tenant)).text("name", c.name).text("description", c.description);
    list("tags", c.tags).number("created_ms", c.created_ms).number("updated_ms", c.updated_ms);
    number("revision", static_cast<long long>(c.revision));
    return text("extra", encode_pairs(c.extra));
  }
  Document done(std::string_view kind, const std::string& key) const {
    Document d;
    d.kind = kind;
    d.key = key;
    d.value = encode_pairs(pairs_);
    return d;
  }

 private:
  Pairs pairs_;
};

// Reads named fields; the first problem is kept and every later read is a no-op.
class Reader {
 public:
  Reader(std::string_view value, Tenants& tenants) : tenants_(tenants) {
    auto pairs = decode_pairs(value);
    if (!pairs) problem_ = "it is not a record";
    else pairs_ = std::move(*pairs);
  }
  const std::optional<std::string>& problem() const { return problem_; }

  std::string text(std::string_view key) {
    if (problem_) return {};
    for (const auto& [k, v] : pairs_)
      if (k == key) return v;
    problem_ = fmt::format("'{}' is missing", key);
    return {};
  }
  long long number(std::string_view key) {
    const auto t = text(key);
    long long v = 0;
    if (!problem_ && std::from_chars(t.data(), t.data() + t.size(), v).ptr != t.data() + t.size())
      problem_ = fmt::format("'{}' is not a number", key);
    return v;
  }
  bool flag(std::string_view key) { return text(key) == "1"; }
  std::vector<std::string> list(std::string_view key) {
    auto items = decode_list(text(key));
    if (!items && !problem_) problem_ = fmt::format("'{}' is not a list", key);
    return items.value_or(std::vector<std::string>{});
  }
  Pairs pairs(std::string_view key) {
    auto p = decode_pairs(text(key));
    if (!p && !problem_) problem_ = fmt::format("'{}' is not a record", key);
    return p.value_or(Pairs{});
  }
  Address address(std::string_view key) {
    const auto t = text(key);
    auto a = parse_address(t);
    if (!a && !problem_) problem_ = fmt::format("'{}' is not an address", key);
    return a.value_or(Address{});
  }
  std::optional<Address> maybe_address(std::string_view key) {
    if (text(key).empty()) return std::nullopt;
    return address(key);
  }
  Prefix prefix(std::string_view key) { return prefix_of(text(key), key); }
  Prefix prefix_of(const std::string& t, std::string_view what) {
    auto p = parse_prefix(t);
    if (!p && !problem_) problem_ = fmt::format("'{}' is not a prefix", what);
    return p.value_or(Prefix{});
  }
  Address address_of(const std::string& t, std::string_view what) {
    auto a = parse_address(t);
    if (!a && !problem_) problem_ = fmt::format("'{}' holds a bad address", what);
    return a.value_or(Address{});
  }
  TenantId tenant(std::string_view key) {
    const auto t = text(key);
    auto id = problem_ ? std::optional<TenantId>(0) : tenants_.from_key(t);
    if (!id && !problem_) problem_ = fmt::format("'{}' is not a tenant", key);
    return id.value_or(0);
  }
  void common(Common& c) {
    c.id = text("id");
    c.tenant = tenant("tenant");
    c.name = text("name");
    c.description = text("description");
    c.tags = list("tags");
    c.created_ms = number("created_ms");
    c.updated_ms = number("updated_ms");
    c.revision = static_cast<std::uint64_t>(number("revision"));
    c.extra = pairs("extra");
  }

 private:
  Tenants& tenants_;
  Pairs pairs_;
  std::optional<std::string> problem_;
};

std::vector<std::string> fixed_ips_text(const std::vector<FixedIp>& ips) {
  std::vector<std::string> out;
  for (const auto& ip : ips) out.push_back(encode_list({ip.subnet_id, to_string(ip.address)}));
  return out;
}

std::vector<FixedIp> read_fixed_ips(Reader& r, std::string_view key) {
  std::vector<FixedIp> out;
  for (const auto& item : r.list(key)) {
    auto parts = decode_list(item).value_or(std::vector<std::string>{});
    if (parts.size() != 2) parts = {"", ""};
    out.push_back({parts[0], r.address_of(parts[1], key)});
  }
  return out;
}

std::vector<std::string> routes_text(const std::vector<Route>& routes) {
  std::vector<std::string> out;
  for (const auto& route : routes) out.push_back(encode_list({to_string(route.destination), to_string(route.nexthop)}));
  return out;
}

std::vector<Route> read_routes(Reader& r, std::string_view key) {
  std::vector<Route> out;
  for (const auto& item : r.list(key)) {
    auto parts = decode_list(item).value_or(std::vector<std::string>{});
    if (parts.size() != 2) parts = {"", ""};
    out.push_back({r.prefix_of(parts[0], key), r.address_of(parts[1], key)});
  }
  return out;
}

std::string optional_text(const std::optional<Address>& a) { return a ? to_string(*a) : std::string(); }
std::string optional_text(const std::optional<int>& n) { return n ? std::to_string(*n) : std::string(); }

}  // namespace

Document to_document(const Network& n, const Tenants& tenants) {
  Writer w;
  w.common(n, tenants).flag("admin_up", n.admin_up).flag("shared", n.shared).flag("external", n.external);
  w.number("mtu", n.mtu).flag("port_security", n.port_security).flag("tenant_default", n.tenant_default);
  return w.done(kNetworkKind, n.id);
}

Document to_document(const Subnet& s, const Tenants& tenants) {
  Writer w;
  std::vector<std::string> pools;
  for (const auto& p : s.pools) pools.push_back(encode_list({to_string(p.start), to_string(p.end)}));
  w.common(s, tenants).text("network_id", s.network_id).text("cidr", to_string(s.cidr));
  w.text("gateway", optional_text(s.gateway)).list("pools", pools).flag("dhcp", s.dhcp);
  w.list("dns_nameservers", s.dns_nameservers).list("host_routes", routes_text(s.host_routes));
  return w.done(kSubnetKind, s.id);
}

Document to_document(const Port& p, const Tenants& tenants) {
  Writer w;
  std::vector<std::string> pairs;
  for (const auto& a : p.allowed_address_pairs) pairs.push_back(encode_list({a.ip, a.mac}));
  w.common(p, tenants).text("network_id", p.network_id).text("mac", p.mac).list("fixed_ips", fixed_ips_text(p.fixed_ips));
  w.text("device_id", p.device_id).text("device_owner", p.device_owner).flag("admin_up", p.admin_up);
  w.list("security_groups", p.security_groups).flag("port_security", p.port_security);
  w.list("allowed_address_pairs", pairs).flag("made_for_server", p.made_for_server);
  return w.done(kPortKind, p.id);
}

Document to_document(const FloatingIp& f, const Tenants& tenants) {
  Writer w;
  w.common(f, tenants).text("network_id", f.network_id).text("subnet_id", f.subnet_id);
  w.text("address", to_string(f.address)).text("port_id", f.port_id);
  w.text("fixed_address", optional_text(f.fixed_address)).text("router_id", f.router_id);
  return w.done(kFloatingIpKind, f.id);
}

Document to_document(const Router& r, const Tenants& tenants) {
  Writer w;
  w.common(r, tenants).flag("admin_up", r.admin_up).list("routes", routes_text(r.routes));
  if (r.gateway) {
    const auto& g = *r.gateway;
    w.text("gateway", encode_list({g.network_id, g.enable_snat ? "1" : "0", encode_list(fixed_ips_text(g.fixed_ips)),
                                   g.port_id}));
  } else {
    w.text("gateway", "");
  }
  return w.done(kRouterKind, r.id);
}

Document to_document(const SecurityGroup& g, const Tenants& tenants) {
  Writer w;
  w.common(g, tenants).flag("stateful", g.stateful);
  return w.done(kGroupKind, g.id);
}

Document to_document(const SecurityRule& r, const Tenants& tenants) {
  Writer w;
  w.text("id", r.id).text("tenant", tenants.key(r.tenant)).text("group_id", r.group_id).text("direction", r.direction);
  w.number("ethertype", r.ethertype).text("protocol", r.protocol).text("port_min", optional_text(r.port_min));
  w.text("port_max", optional_text(r.port_max));
  w.text("remote_prefix", r.remote_prefix ? to_string(*r.remote_prefix) : std::string());
  w.text("remote_group_id", r.remote_group_id).text("description", r.description);
  w.number("created_ms", r.created_ms).number("updated_ms", r.updated_ms).number("revision", static_cast<long long>(r.revision));
  return w.done(kRuleKind, r.id);
}

Document to_document(const TenantRecord& t, const Tenants& tenants) {
  Writer w;
  Pairs limits;
  for (const auto& [resource, limit] : t.limits) limits.emplace_back(resource, std::to_string(limit));
  w.text("tenant", tenants.key(t.tenant)).flag("defaults_made", t.defaults_made).text("limits", encode_pairs(limits));
  return w.done(kTenantKind, t.id);
}

std::optional<std::string> Networks::State::read(const Document& d, Tenants& registry) {
  Reader r(d.value, registry);
  const auto fail = [&]() -> std::optional<std::string> {
    if (!r.problem()) return std::nullopt;
    return fmt::format("documents: {} '{}': {}", d.kind, d.key, *r.problem());
  };
  const auto optional_int = [&](std::string_view key) -> std::optional<int> {
    if (r.text(key).empty()) return std::nullopt;
    return static_cast<int>(r.number(key));
  };
  if (d.kind == kNetworkKind) {
    Network n;
    r.common(n);
    n.admin_up = r.flag("admin_up");
    n.shared = r.flag("shared");
    n.external = r.flag("external");
    n.mtu = static_cast<int>(r.number("mtu"));
    n.port_security = r.flag("port_security");
    n.tenant_default = r.flag("tenant_default");
    if (!r.problem()) networks.put(std::move(n));
  } else if (d.kind == kSubnetKind) {
    Subnet s;
    r.common(s);
    s.network_id = r.text("network_id");
    s.cidr = r.prefix("cidr");
    s.gateway = r.maybe_address("gateway");
    for (const auto& item : r.list("pools")) {
      auto ends = decode_list(item).value_or(std::vector<std::string>{});
      if (ends.size() != 2) ends = {"", ""};
      s.pools.push_back({r.address_of(ends[0], "pools"), r.address_of(ends[1], "pools")});
    }
    s.dhcp = r.flag("dhcp");
    s.dns_nameservers = r.list("dns_nameservers");
    s.host_routes = read_routes(r, "host_routes");
    if (!r.problem()) subnets.put(std::move(s));
  } else if (d.kind == kPortKind) {
    Port p;
    r.common(p);
    p.network_id = r.text("network_id");
    p.mac = r.text("mac");
    p.fixed_ips = read_fixed_ips(r, "fixed_ips");
    p.device_id = r.text("device_id");
    p.device_owner = r.text("device_owner");
    p.admin_up = r.flag("admin_up");
    p.security_groups = r.list("security_groups");
    p.port_security = r.flag("port_security");
    for (const auto& item : r.list("allowed_address_pairs")) {
      auto parts = decode_list(item).value_or(std::vector<std::string>{});
      if (parts.size() == 2) p.allowed_address_pairs.push_back({parts[0], parts[1]});
    }
    p.made_for_server = r.flag("made_for_server");
    if (!r.problem()) ports.put(std::move(p));
  } else if (d.kind == kFloatingIpKind) {
    FloatingIp f;
    r.common(f);
    f.network_id = r.text("network_id");
    f.subnet_id = r.text("subnet_id");
    f.address = r.address("address");
    f.port_id = r.text("port_id");
    f.fixed_address = r.maybe_address("fixed_address");
    f.router_id = r.text("router_id");
    if (!r.problem()) floating_ips.put(std::move(f));
  } else if (d.kind == kRouterKind) {
    Router rt;
    r.common(rt);
    rt.admin_up = r.flag("admin_up");
    rt.routes = read_routes(r, "routes");
    const auto gateway = r.text("gateway");
    if (!gateway.empty()) {
      auto parts = decode_list(gateway).value_or(std::vector<std::string>{});
      if (parts.size() != 4) return fmt::format("documents: {} '{}': 'gateway' cannot be read", d.kind, d.key);
      Gateway g{parts[0], parts[1] == "1", {}, parts[3]};
      Reader inner(encode_pairs({{"ips", parts[2]}}), registry);  // the fixed IPs are a list within the list
      g.fixed_ips = read_fixed_ips(inner, "ips");
      if (inner.problem()) return fmt::format("documents: {} '{}': 'gateway' cannot be read", d.kind, d.key);
      rt.gateway = std::move(g);
    }
    if (!r.problem()) routers.put(std::move(rt));
  } else if (d.kind == kGroupKind) {
    SecurityGroup g;
    r.common(g);
    g.stateful = r.flag("stateful");
    if (!r.problem()) groups.put(std::move(g));
  } else if (d.kind == kRuleKind) {
    SecurityRule rule;
    rule.id = r.text("id");
    rule.tenant = r.tenant("tenant");
    rule.group_id = r.text("group_id");
    rule.direction = r.text("direction");
    rule.ethertype = static_cast<int>(r.number("ethertype"));
    rule.protocol = r.text("protocol");
    rule.port_min = optional_int("port_min");
    rule.port_max = optional_int("port_max");
    if (const auto prefix = r.text("remote_prefix"); !prefix.empty()) rule.remote_prefix = r.prefix("remote_prefix");
    rule.remote_group_id = r.text("remote_group_id");
    rule.description = r.text("description");
    rule.created_ms = r.number("created_ms");
    rule.updated_ms = r.number("updated_ms");
    rule.revision = static_cast<std::uint64_t>(r.number("revision"));
    if (!r.problem()) rules.put(std::move(rule));
  } else if (d.kind == kTenantKind) {
    TenantRecord t;
    t.id = d.key;
    t.tenant = r.tenant("tenant");
    t.defaults_made = r.flag("defaults_made");
    for (const auto& [resource, limit] : r.pairs("limits")) {
      int n = 0;
      if (std::from_chars(limit.data(), limit.data() + limit.size(), n).ptr != limit.data() + limit.size())
        return fmt::format("documents: {} '{}': a limit is not a number", d.kind, d.key);
      t.limits[resource] = n;
    }
    if (!r.problem()) tenants.put(std::move(t));
  } else {
    return fmt::format("documents: '{}' is not a kind of the network service", d.kind);
  }
  return fail();
}

}  // namespace core::net
