// Security groups and their rules.
#include <httplib.h>

#include <fmt/format.h>

#include "adapters/openstack/neutron/requests.h"
#include "adapters/openstack/neutron/service.h"

namespace openstack::neutron {
namespace {

namespace net = core::net;

}  // namespace

void Service::list_groups(const httplib::Request& req, httplib::Response& res, Call& call) {
  Json doc;
  doc.SetArray();
  for (const auto& g : networks_.security_groups(call.caller))
    doc.PushBack(render_group(call, g, doc.GetAllocator()), doc.GetAllocator());
  static const auto attributes = [] {
    Json scratch;
    core::Tenants t;
    return member_names(group_view(net::SecurityGroup{}, {}, Viewer{t, true}, scratch.GetAllocator()));
  }();
  send_list(req, res, call, "security_groups", doc, attributes);
}

void Service::show_group(const httplib::Request& req, httplib::Response& res, Call& call) {
  auto found = networks_.security_group(call.caller, req.matches[1].str());
  if (!found) return send_core_error(res, call, found.error());
  Json doc;
  send_one(req, res, call, 200, "security_group", doc, render_group(call, found.value(), doc.GetAllocator()));
}

void Service::create_group(const httplib::Request& req, httplib::Response& res, Call& call) {
  auto parsed = parse_group(req.body, true);
  if (auto* e = std::get_if<NeutronError>(&parsed)) return send_error(res, call, *e);
  auto& r = std::get<GroupRequest>(parsed);
  net::SecurityGroup draft;
  draft.tenant = tenant_for(call, r.project);
  draft.name = r.name.value_or("");
  draft.description = r.description.value_or("");
  draft.stateful = r.stateful.value_or(true);
  auto made = networks_.create_security_group(call.caller, std::move(draft));
  if (!made) return send_core_error(res, call, made.error());
  Json doc;
  send_one(req, res, call, 201, "security_group", doc, render_group(call, made.value(), doc.GetAllocator()));
}

void Service::update_group(const httplib::Request& req, httplib::Response& res, Call& call) {
  auto parsed = parse_group(req.body, false);
  if (auto* e = std::get_if<NeutronError>(&parsed)) return send_error(res, call, *e);
  const auto& r = std::get<GroupRequest>(parsed);
  auto updated = networks_.update_security_group(call.caller, req.matches[1].str(), [&](net::SecurityGroup& g) {
    if (r.name) g.name = *r.name;
    if (r.description) g.description = *r.description;
    if (r.stateful) g.stateful = *r.stateful;
  });
  if (!updated) return send_core_error(res, call, updated.error());
  Json doc;
  send_one(req, res, call, 200, "security_group", doc, render_group(call, updated.value(), doc.GetAllocator()));
}

void Service::delete_group(const httplib::Request& req, httplib::Response& res, Call& call) {
  if (auto done = networks_.delete_security_group(call.caller, req.matches[1].str()); !done)
    return send_core_error(res, call, done.error());
  send(res, call, 204, "");
}

void Service::list_rules(const httplib::Request& req, httplib::Response& res, Call& call) {
  Json doc;
  doc.SetArray();
  for (const auto& r : networks_.security_rules(call.caller))
    doc.PushBack(rule_view(r, viewer(call), doc.GetAllocator()), doc.GetAllocator());
  static const auto attributes = [] {
    Json scratch;
    core::Tenants t;
    return member_names(rule_view(net::SecurityRule{}, Viewer{t, true}, scratch.GetAllocator()));
  }();
  send_list(req, res, call, "security_group_rules", doc, attributes);
}

void Service::show_rule(const httplib::Request& req, httplib::Response& res, Call& call) {
  auto found = networks_.security_rule(call.caller, req.matches[1].str());
  if (!found) return send_core_error(res, call, found.error());
  Json doc;
  send_one(req, res, call, 200, "security_group_rule", doc, rule_view(found.value(), viewer(call), doc.GetAllocator()));
}

void Service::create_rule(const httplib::Request& req, httplib::Response& res, Call& call) {
  auto parsed = parse_rule(req.body);
  if (auto* e = std::get_if<NeutronError>(&parsed)) return send_error(res, call, *e);
  auto& r = std::get<RuleRequest>(parsed);
  net::SecurityRule draft;
  draft.tenant = tenant_for(call, r.project);
  draft.group_id = r.group_id;
  draft.direction = r.direction;
  draft.ethertype = r.ethertype;
  draft.protocol = r.protocol;
  draft.port_min = r.port_min;
  draft.port_max = r.port_max;
  draft.remote_prefix = r.remote_prefix;
  draft.remote_group_id = r.remote_group_id;
  draft.description = r.description;
  auto made = networks_.create_security_rule(call.caller, std::move(draft));
  if (!made) return send_core_error(res, call, made.error());
  Json doc;
  send_one(req, res, call, 201, "security_group_rule", doc, rule_view(made.value(), viewer(call), doc.GetAllocator()));
}

void Service::delete_rule(const httplib::Request& req, httplib::Response& res, Call& call) {
  if (auto done = networks_.delete_security_rule(call.caller, req.matches[1].str()); !done)
    return send_core_error(res, call, done.error());
  send(res, call, 204, "");
}

}  // namespace openstack::neutron
