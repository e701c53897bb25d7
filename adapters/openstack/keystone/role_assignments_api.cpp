// GET /v3/role_assignments, what `openstack role assignment list` reads:
// filtered by user, role and scope; `effective` adds the roles the granted
// ones imply; `include_names` names each part, as Keystone does.
#include <fmt/format.h>
#include <httplib.h>

#include "adapters/openstack/keystone/identity_api.h"
#include "adapters/openstack/keystone/identity_views.h"
#include "core/text.h"

namespace openstack {
namespace {

bool flag(const httplib::Request& req, const char* name) {
  if (!req.has_param(name)) return false;
  const auto v = req.get_param_value(name);
  return v.empty() || !(v == "0" || core::iequals(v, "false"));
}

struct Row {
  Grant grant;
  std::string prior;  // effective: the granted role that implies this one
};

void write_row(Writer& w, const Row& row, const DirectoryState& dir, const std::string& base, bool names) {
  const auto& g = row.grant;
  const auto domain = [&] {
    w.Key("domain");
    w.StartObject();
    field(w, "id", kDefaultDomain);
    field(w, "name", kDefaultDomainName);
    w.EndObject();
  };
  w.StartObject();
  std::string link;
  w.Key("scope");
  w.StartObject();
  if (g.target.starts_with("project:")) {
    const auto id = g.target.substr(8);
    w.Key("project");
    w.StartObject();
    field(w, "id", id);
    if (names) {
      const auto* p = dir.project(id);
      field(w, "name", p ? p->name : id);
      domain();
    }
    w.EndObject();
    link = "/projects/" + id;
  } else if (g.target.starts_with("domain:")) {
    const auto id = g.target.substr(7);
    w.Key("domain");
    w.StartObject();
    field(w, "id", id);
    if (names) field(w, "name", kDefaultDomainName);
    w.EndObject();
    link = "/domains/" + id;
  } else {
    w.Key("system");
    w.StartObject();
    w.Key("all");
    w.Bool(true);
    w.EndObject();
    link = "/system";
  }
  w.EndObject();
  w.Key("user");
  w.StartObject();
  field(w, "id", g.user);
  if (names) {
    const auto* u = dir.user(g.user);
    field(w, "name", u ? u->name : g.user);
    domain();
  }
  w.EndObject();
  link += "/users/" + g.user;
  w.Key("role");
  w.StartObject();
  field(w, "id", g.role);
  if (names) {
    const auto* r = dir.role(g.role);
    field(w, "name", r ? r->name : g.role);
  }
  w.EndObject();
  w.Key("links");
  w.StartObject();
  if (row.prior.empty()) {
    field(w, "assignment", base + link + "/roles/" + g.role);
  } else {
    field(w, "assignment", base + link + "/roles/" + row.prior);
    field(w, "prior_role", base + "/prior_role/" + row.prior + "/implies/" + g.role);
  }
  w.EndObject();
  w.EndObject();
}

void list_role_assignments(IdentityCall& call) {
  const auto& q = call.req;
  const auto given = [&](const char* name) { return q.has_param(name) && !q.get_param_value(name).empty(); };
  if (given("scope.domain.id") && given("scope.project.id")) return call.bad_request("Specify a domain or project, not both");
  if (given("scope.domain.id") && given("scope.system")) return call.bad_request("Specify system or domain, not both");
  if (given("scope.project.id") && given("scope.system")) return call.bad_request("Specify system or project, not both");
  if (given("user.id") && given("group.id")) return call.bad_request("Specify a user or group, not both");
  const bool effective = flag(q, "effective");
  if (effective && given("group.id"))
    return call.bad_request("Combining effective and group filter will always result in an empty list.");
  const bool names = flag(q, "include_names");
  const auto dir = call.keystone.directory().reader();
  std::vector<Row> rows;
  for (const auto& g : dir->grants) {
    if (effective) {
      // The granted role and every role it implies.
      for (const auto* r : dir->effective_roles(g.user, g.target)) {
        const bool direct = r->id == g.role;
        const bool implied_by_this = !direct && !dir->grants.count(Grant{g.user, g.target, r->id});
        if (direct) rows.push_back(Row{g, {}});
        else if (implied_by_this) rows.push_back(Row{Grant{g.user, g.target, r->id}, g.role});
      }
    } else {
      rows.push_back(Row{g, {}});
    }
  }
  // An implied role reached from two granted roles is listed once.
  std::vector<Row> unique;
  for (auto& row : rows)
    if (std::none_of(unique.begin(), unique.end(), [&](const Row& u) { return u.grant == row.grant; }))
      unique.push_back(std::move(row));
  const auto matches = [&](const Grant& g) {
    if (given("group.id")) return false;  // no groups here
    if (given("user.id") && g.user != q.get_param_value("user.id")) return false;
    if (given("role.id") && g.role != q.get_param_value("role.id")) return false;
    if (given("scope.project.id") && g.target != project_target(q.get_param_value("scope.project.id"))) return false;
    if (given("scope.domain.id") && g.target != "domain:" + q.get_param_value("scope.domain.id")) return false;
    if (given("scope.system") && g.target != "system:all") return false;
    return true;
  };
  call.send(200, collection_body("role_assignments", call.base + "/role_assignments", [&](Writer& w) {
    for (const auto& row : unique)
      if (matches(row.grant)) write_row(w, row, *dir, call.base, names);
  }));
}

}  // namespace

void mount_role_assignments(httplib::Server& server, Keystone& keystone) {
  server.Get(R"(/identity/v3/role_assignments/?)",
             identity_route(keystone, "list_role_assignments", Policy::Admin, list_role_assignments));
}

}  // namespace openstack
