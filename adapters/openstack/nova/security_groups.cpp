// Security groups through Nova: the proxy API (to 2.35, as Nova: the
// openstack CLI and tempest find groups through it) over the network
// model's groups, showing their ingress rules in Nova's format; a server's
// groups (its ports'); and addSecurityGroup / removeSecurityGroup, which
// change every port of the server, as Nova's Neutron driver does.
#include <algorithm>

#include <fmt/format.h>
#include <httplib.h>
#include <rapidjson/document.h>

#include "adapters/openstack/nova/service.h"
#include "core/ids.h"
#include "core/text.h"

namespace openstack {
namespace {

namespace net = core::net;

constexpr int kLastProxyVersion = 35;  // the proxy APIs answer 404 from 2.36

bool gone(const Call& call) { return call.version.at_least(kLastProxyVersion + 1); }

Fault group_not_found(std::string_view id) { return not_found(fmt::format("Security group {} not found.", id)); }

void write_rule(Writer& w, const net::SecurityRule& r, const Call& call, net::Networks& networks) {
  w.StartObject();
  field(w, "id", r.id);
  field(w, "parent_group_id", r.group_id);
  if (r.protocol.empty()) {
    w.Key("ip_protocol");
    w.Null();
  } else {
    field(w, "ip_protocol", r.protocol);
  }
  std::optional<int> from = r.port_min, to = r.port_max;
  if (!r.protocol.empty() && !from && !to) {  // Nova's reading of a rule with no ports
    const bool ported = core::iequals(r.protocol, "tcp") || core::iequals(r.protocol, "udp");
    from = ported ? 1 : -1;
    to = ported ? 65535 : -1;
  }
  w.Key("from_port");
  if (from) w.Int(*from);
  else w.Null();
  w.Key("to_port");
  if (to) w.Int(*to);
  else w.Null();
  w.Key("group");
  w.StartObject();
  if (!r.remote_group_id.empty()) {
    if (auto g = networks.security_group(core::Caller{call.caller.tenant, true, false, true}, r.remote_group_id)) {
      field(w, "name", g->name);
      field(w, "tenant_id", call.identity->project);
    }
  }
  w.EndObject();
  w.Key("ip_range");
  w.StartObject();
  if (r.remote_group_id.empty())
    field(w, "cidr", r.remote_prefix ? net::to_string(*r.remote_prefix) : std::string(r.ethertype == 4 ? "0.0.0.0/0" : "::/0"));
  w.EndObject();
  w.EndObject();
}

}  // namespace

void Service::write_group(Writer& w, const Call& call, const net::SecurityGroup& g) {
  w.StartObject();
  field(w, "id", g.id);
  field(w, "name", g.name);
  field(w, "description", g.description);
  field(w, "tenant_id", fleet.tenants().info(g.tenant).project);
  w.Key("rules");
  w.StartArray();
  for (const auto& r : networks.security_rules(core::Caller{call.caller.tenant, true, false, true}))
    if (r.group_id == g.id && r.direction == "ingress") write_rule(w, r, call, networks);
  w.EndArray();
  w.EndObject();
}

void Service::list_security_groups(const httplib::Request& req, httplib::Response& res, const Call& call) {
  if (gone(call)) return send_fault(res, call, not_found("The resource could not be found."));
  // As Nova: the project's groups (every project's for an admin asking all_tenants).
  const bool all = call.caller.admin && req.has_param("all_tenants");
  const core::Caller scope{call.caller.tenant, all, false, all};
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  w.Key("security_groups");
  w.StartArray();
  for (const auto& g : networks.security_groups(scope)) {
    if (!all && g.tenant != call.caller.tenant) continue;
    if (req.has_param("name") && g.name != req.get_param_value("name")) continue;
    write_group(w, call, g);
  }
  w.EndArray();
  w.EndObject();
  send_json(res, 200, buffer.GetString());
}

void Service::show_security_group(const httplib::Request& req, httplib::Response& res, const Call& call) {
  if (gone(call)) return send_fault(res, call, not_found("The resource could not be found."));
  const auto id = req.matches[1].str();
  auto group = networks.security_group_named(call.caller, id);
  if (!group) return send_fault(res, call, group_not_found(id));
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  w.Key("security_group");
  write_group(w, call, group.value());
  w.EndObject();
  send_json(res, 200, buffer.GetString());
}

std::optional<Fault> Service::read_group_body(const httplib::Request& req, std::string& name, std::string& description) {
  rapidjson::Document doc;
  if (!parse_json(req.body, doc) || !doc.IsObject()) return bad_request("The request body can't be empty");
  const auto it = doc.FindMember("security_group");
  if (it == doc.MemberEnd() || !it->value.IsObject()) return bad_request("Missing parameter security_group");
  for (auto [key, out] : {std::pair{"name", &name}, {"description", &description}}) {
    const auto m = it->value.FindMember(key);
    if (m == it->value.MemberEnd() || !m->value.IsString())
      return bad_request(fmt::format("Security group {} has to be a string.", key));
    if (m->value.GetStringLength() > 255)
      return bad_request(fmt::format("Security group {} should not be greater than 255 characters.", key));
    out->assign(m->value.GetString(), m->value.GetStringLength());
  }
  return std::nullopt;
}

void Service::create_security_group(const httplib::Request& req, httplib::Response& res, const Call& call) {
  if (gone(call)) return send_fault(res, call, not_found("The resource could not be found."));
  net::SecurityGroup draft;
  if (auto fault = read_group_body(req, draft.name, draft.description)) return send_fault(res, call, *fault);
  draft.tenant = call.caller.tenant;
  auto made = networks.create_security_group(call.caller, std::move(draft));
  if (!made) {
    if (made.error().code == core::ErrorCode::OverQuota)
      return send_fault(res, call, Fault{403, "forbidden", "Quota exceeded, too many security groups.", -1});
    return send_fault(res, call, bad_request(made.error().detail));
  }
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  w.Key("security_group");
  write_group(w, call, made.value());
  w.EndObject();
  send_json(res, 200, buffer.GetString());
}

void Service::update_security_group(const httplib::Request& req, httplib::Response& res, const Call& call) {
  if (gone(call)) return send_fault(res, call, not_found("The resource could not be found."));
  const auto id = req.matches[1].str();
  auto group = networks.security_group_named(call.caller, id);
  if (!group) return send_fault(res, call, group_not_found(id));
  std::string name, description;
  if (auto fault = read_group_body(req, name, description)) return send_fault(res, call, *fault);
  auto updated = networks.update_security_group(call.caller, group->id, [&](net::SecurityGroup& g) {
    g.name = name;
    g.description = description;
  });
  if (!updated) return send_fault(res, call, bad_request(updated.error().detail));
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  w.Key("security_group");
  write_group(w, call, updated.value());
  w.EndObject();
  send_json(res, 200, buffer.GetString());
}

void Service::delete_security_group(const httplib::Request& req, httplib::Response& res, const Call& call) {
  if (gone(call)) return send_fault(res, call, not_found("The resource could not be found."));
  const auto id = req.matches[1].str();
  auto group = networks.security_group_named(call.caller, id);
  if (!group) return send_fault(res, call, group_not_found(id));
  call.entry->status = 202;
  if (auto done = networks.delete_security_group(call.caller, group->id); !done) {
    if (done.error().code == core::ErrorCode::Unavailable) return send_fault(res, call, from_core(done.error()));
    return send_fault(res, call, bad_request(done.error().detail));  // Nova: Neutron's 409 becomes Invalid (400)
  }
  res.status = 202;
}

void Service::create_security_group_rule(const httplib::Request& req, httplib::Response& res, const Call& call) {
  if (gone(call)) return send_fault(res, call, not_found("The resource could not be found."));
  rapidjson::Document doc;
  if (!parse_json(req.body, doc) || !doc.IsObject()) return send_fault(res, call, bad_request("The request body can't be empty"));
  const auto it = doc.FindMember("security_group_rule");
  if (it == doc.MemberEnd() || !it->value.IsObject())
    return send_fault(res, call, bad_request("Missing parameter security_group_rule"));
  const auto& body = it->value;
  const auto text = [&](const char* key) -> std::optional<std::string> {
    const auto m = body.FindMember(key);
    if (m == body.MemberEnd() || m->value.IsNull()) return std::nullopt;
    if (m->value.IsString()) return std::string(m->value.GetString(), m->value.GetStringLength());
    if (m->value.IsInt64()) return std::to_string(m->value.GetInt64());
    return std::string("?");
  };
  const auto parent = text("parent_group_id").value_or("");
  if (!core::is_uuid(parent)) return send_fault(res, call, bad_request("Security group id should be uuid"));
  auto group = networks.security_group(call.caller, core::ascii_lower(parent));
  if (!group) return send_fault(res, call, group_not_found(parent));

  net::SecurityRule rule;
  rule.group_id = group->id;
  rule.direction = "ingress";
  const auto protocol = text("ip_protocol"), from = text("from_port"), to = text("to_port");
  const auto cidr = text("cidr"), source = text("group_id");
  if (protocol && from && to) {
    const auto upper = core::ascii_lower(*protocol);
    if (upper != "tcp" && upper != "udp" && upper != "icmp")
      return send_fault(res, call, bad_request(fmt::format("Invalid IP protocol {}.", *protocol)));
    int f = 0, t = 0;
    try {
      f = std::stoi(*from);
      t = std::stoi(*to);
    } catch (...) {
      return send_fault(res, call, bad_request("Invalid port range: ports must be integers."));
    }
    if (upper == "icmp") {
      if (f < -1 || f > 255 || t < -1 || t > 255)
        return send_fault(res, call, bad_request(fmt::format("Invalid port range {}:{}. Type and code must be between -1 and 255.", f, t)));
    } else if (f < 1 || t > 65535 || f > t) {
      return send_fault(res, call, bad_request(fmt::format("Invalid port range {}:{}. Valid TCP ports should be between 1-65535", f, t)));
    }
    rule.protocol = upper;
    if (f != -1) rule.port_min = f;
    if (t != -1) rule.port_max = t;
  } else if (protocol || from || to) {
    return send_fault(res, call, bad_request("Not enough parameters to build a valid rule."));
  }
  if (source) {
    auto remote = networks.security_group(call.caller, core::ascii_lower(*source));
    if (!remote) return send_fault(res, call, group_not_found(*source));
    rule.remote_group_id = remote->id;
  } else {
    auto prefix = core::net::parse_prefix(cidr.value_or("0.0.0.0/0"));
    if (!prefix) return send_fault(res, call, bad_request(fmt::format("Invalid CIDR {}.", cidr.value_or(""))));
    rule.remote_prefix = *prefix;
    rule.ethertype = prefix->network.version;
  }
  auto made = networks.create_security_rule(call.caller, std::move(rule));
  if (!made) {
    if (made.error().code == core::ErrorCode::Unavailable) return send_fault(res, call, from_core(made.error()));
    if (made.error().reason == "rule_exists")
      return send_fault(res, call, bad_request(fmt::format("This rule already exists in group {}", group->id)));
    return send_fault(res, call, bad_request(made.error().detail));
  }
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  w.Key("security_group_rule");
  write_rule(w, made.value(), call, networks);
  w.EndObject();
  send_json(res, 200, buffer.GetString());
}

void Service::delete_security_group_rule(const httplib::Request& req, httplib::Response& res, const Call& call) {
  if (gone(call)) return send_fault(res, call, not_found("The resource could not be found."));
  const auto id = req.matches[1].str();
  if (!networks.security_rule(call.caller, id))
    return send_fault(res, call, not_found(fmt::format("Rule ({}) not found.", id)));
  call.entry->status = 202;
  if (auto done = networks.delete_security_rule(call.caller, id); !done)
    return send_fault(res, call, from_core(done.error()));
  res.status = 202;
}

std::vector<std::string> Service::server_groups(const core::ServerInfo& server) {
  const auto ports = networks.ports_of(server.uuid);
  if (ports.empty()) return requested_security_groups(server);
  std::vector<std::string> names;
  const core::Caller everyone{server.tenant, true, false, true};
  for (const auto& p : ports)
    for (const auto& id : p.security_groups) {
      auto g = networks.security_group(everyone, id);
      const auto name = g ? (g->name.empty() ? g->id : g->name) : id;
      if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
    }
  return names;
}

void Service::list_server_security_groups(const httplib::Request& req, httplib::Response& res, const Call& call) {
  const auto server = server_of(res, call, req.matches[1].str());
  if (!server) return;
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  w.Key("security_groups");
  w.StartArray();
  const core::Caller everyone{server->tenant, true, false, true};
  std::vector<std::string> seen;
  for (const auto& p : networks.ports_of(server->uuid))
    for (const auto& id : p.security_groups) {
      if (std::find(seen.begin(), seen.end(), id) != seen.end()) continue;
      seen.push_back(id);
      if (auto g = networks.security_group(everyone, id)) write_group(w, call, g.value());
    }
  w.EndArray();
  w.EndObject();
  send_json(res, 200, buffer.GetString());
}

std::optional<Fault> Service::change_security_group(const Call& call, const core::ServerInfo& server,
                                                    const std::string& name, bool add) {
  auto group = networks.security_group_named(call.caller, name);
  if (!group)
    return not_found(fmt::format("Security group {} is not found for project {}", name, call.identity->project));
  const auto ports = networks.ports_of(server.uuid);
  if (ports.empty())
    return not_found(fmt::format("instance_id {} could not be found as device id on any ports", server.uuid));
  if (!add) {
    const bool member = std::any_of(ports.begin(), ports.end(), [&](const net::Port& p) {
      return std::find(p.security_groups.begin(), p.security_groups.end(), group->id) != p.security_groups.end();
    });
    if (!member)
      return bad_request(fmt::format("Security group {} is not associated with the instance {}", name, server.uuid));
  }
  const core::Caller owner{server.tenant, true, true, true};
  for (const auto& p : ports) {
    if (add && !p.port_security)
      return bad_request("Unable to add security group to the instance: its port does not meet security requirements");
    auto updated = networks.update_port(owner, p.id, [&](net::Port& port) {
      auto& groups = port.security_groups;
      const auto at = std::find(groups.begin(), groups.end(), group->id);
      if (add && at == groups.end()) groups.push_back(group->id);
      if (!add && at != groups.end()) groups.erase(at);
    }, std::nullopt);
    if (!updated) return from_core(updated.error());
  }
  return std::nullopt;
}

}  // namespace openstack
