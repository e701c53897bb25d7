// The bodies of Keystone's identity API through their real parsers
// (openstack::parse_project_body, parse_user_body, parse_role_body,
// parse_app_credential_body), create and update, and the directory's
// documents as a snapshot or a state file brings them
// (directory_codec::apply). Oracles: a 400 renders as UTF-8 JSON; what a
// body sets, rendered as Keystone's view (extra attributes included), is
// UTF-8 JSON; a document that applies renders and encodes back to JSON.
// Input: "<kind>\n<body>", kind one of project, project-update, user,
// user-update, role, role-update, app-credential, or "document:<kind>" with
// the document's key on the next line, e.g.
// "document:keystone-user\nabc\n{"id": "abc", "name": "x"}".
#include <cstddef>
#include <cstdint>
#include <string>

#include "adapters/openstack/keystone/directory_codec.h"
#include "adapters/openstack/keystone/identity_bodies.h"
#include "adapters/openstack/keystone/identity_views.h"
#include "adapters/openstack/keystone/keystone.h"
#include "tests/fuzz/fuzz_world.h"

namespace {

const std::string kBase = "http://127.0.0.1/identity/v3";

// The parsed body, or nothing once its 400 is checked. `parsed` must outlive the pointer.
template <typename T>
const T* parsed_or_report(const std::variant<T, std::string>& parsed) {
  if (const auto* problem = std::get_if<std::string>(&parsed)) {
    fuzz::require_json(openstack::keystone_error_body(400, "Bad Request", *problem), "a 400 body");
    return nullptr;
  }
  return &std::get<T>(parsed);
}
template <typename T>
const T* parsed_or_report(const std::variant<T, std::string>&& parsed) = delete;  // would dangle

void render(const openstack::DirectoryState& s) {
  for (const auto& entry : s.projects) {
    const auto& p = entry.second;
    fuzz::require_json(
        openstack::member_body("project", [&p](openstack::Writer& w) { openstack::write_project(w, p, kBase); }),
        "a project");
  }
  for (const auto& entry : s.users) {
    const auto& u = entry.second;
    fuzz::require_json(openstack::member_body("user", [&u](openstack::Writer& w) { openstack::write_user(w, u, kBase); }),
                       "a user");
  }
  for (const auto& entry : s.roles) {
    const auto& r = entry.second;
    fuzz::require_json(openstack::member_body("role", [&r](openstack::Writer& w) { openstack::write_role(w, r, kBase); }),
                       "a role");
  }
  for (const auto& entry : s.app_credentials) {
    const auto& a = entry.second;
    fuzz::require_json(openstack::member_body("application_credential", [&a, &s](openstack::Writer& w) {
                         openstack::write_app_credential(w, a, s, kBase);
                       }),
                       "an application credential");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto rest = fuzz::as_text(data, size);
  const auto kind = fuzz::take_line(rest);
  openstack::DirectoryState state = openstack::configured_directory(openstack::default_users());
  const bool create = !kind.ends_with("-update");
  if (kind == "project" || kind == "project-update") {
    const auto parsed = openstack::parse_project_body(rest, create);
    const auto* body = parsed_or_report(parsed);
    if (!body) return 0;
    openstack::Project p;
    p.id = "p";
    p.name = body->name.value_or("x");
    p.description = body->description.value_or("");
    p.tags = body->tags.value_or(std::vector<std::string>{});
    p.extra = body->extra;
    state.projects[p.id] = p;
  } else if (kind == "user" || kind == "user-update") {
    const auto parsed = openstack::parse_user_body(rest, create);
    const auto* body = parsed_or_report(parsed);
    if (!body) return 0;
    openstack::DirectoryUser u;
    u.id = "u";
    u.name = body->name.value_or("x");
    u.description = body->description.value_or("");
    u.default_project = body->default_project_id.value_or("");
    u.extra = body->extra;
    if (body->password) fuzz::require_utf8(*body->password, "a password");
    state.users[u.id] = u;
  } else if (kind == "role" || kind == "role-update") {
    const auto parsed = openstack::parse_role_body(rest, create);
    const auto* body = parsed_or_report(parsed);
    if (!body) return 0;
    state.roles["r"] = openstack::Role{"r", body->name.value_or("x"), body->description.value_or("")};
  } else if (kind == "app-credential") {
    const auto parsed = openstack::parse_app_credential_body(rest);
    const auto* body = parsed_or_report(parsed);
    if (!body) return 0;
    openstack::AppCredential a;
    a.id = "a";
    a.name = body->name;
    a.description = body->description;
    a.user = "demo";
    a.project = "demo";
    a.expires_ms = body->expires_ms;
    for (const auto& ref : body->roles) {
      fuzz::require_utf8(ref.id, "a role id");
      fuzz::require_utf8(ref.name, "a role name");
    }
    if (body->secret) fuzz::require_utf8(*body->secret, "a secret");
    state.app_credentials[a.id] = a;
  } else if (kind.starts_with("document:")) {
    core::Document d;
    d.kind = std::string(kind.substr(9));
    d.key = std::string(fuzz::take_line(rest));
    d.value = std::string(rest);
    if (!openstack::directory_codec::apply(d, state)) return 0;
    for (const auto& [id, p] : state.projects) fuzz::require_json(openstack::directory_codec::document(p).value, "a kept project");
    for (const auto& [id, u] : state.users) fuzz::require_json(openstack::directory_codec::document(u).value, "a kept user");
    for (const auto& g : state.grants) fuzz::require_json(openstack::directory_codec::document(g).value, "a kept grant");
  } else {
    return 0;
  }
  render(state);
  return 0;
}
