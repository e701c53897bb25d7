#include "adapters/openstack/keystone/identity_views.h"

#include <chrono>

#include "adapters/openstack/keystone/token_view.h"

namespace openstack {
namespace {

void links(Writer& w, const std::string& self) {
  w.Key("links");
  w.StartObject();
  field(w, "self", self);
  w.EndObject();
}

void empty_options(Writer& w) {
  w.Key("options");
  w.StartObject();
  w.EndObject();
}

// Extra attributes were kept as the JSON a client sent.
void extras(Writer& w, const core::Pairs& extra) {
  for (const auto& [key, json] : extra) {
    w.Key(key.data(), static_cast<rapidjson::SizeType>(key.size()));
    w.RawValue(json.data(), json.size(), rapidjson::kObjectType);
  }
}

void nullable(Writer& w, const char* key, const std::string& value) {
  w.Key(key);
  if (value.empty()) w.Null();
  else w.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
}

}  // namespace

void write_project(Writer& w, const Project& p, const std::string& base) {
  w.StartObject();
  extras(w, p.extra);
  field(w, "id", p.id);
  field(w, "name", p.name);
  field(w, "domain_id", kDefaultDomain);
  field(w, "description", p.description);
  w.Key("enabled");
  w.Bool(p.enabled);
  field(w, "parent_id", kDefaultDomain);
  w.Key("is_domain");
  w.Bool(false);
  w.Key("tags");
  w.StartArray();
  for (const auto& t : p.tags) w.String(t.data(), static_cast<rapidjson::SizeType>(t.size()));
  w.EndArray();
  empty_options(w);
  links(w, base + "/projects/" + p.id);
  w.EndObject();
}

void write_user(Writer& w, const DirectoryUser& u, const std::string& base) {
  w.StartObject();
  extras(w, u.extra);
  field(w, "id", u.id);
  field(w, "name", u.name);
  field(w, "domain_id", kDefaultDomain);
  w.Key("enabled");
  w.Bool(u.enabled);
  if (!u.default_project.empty()) field(w, "default_project_id", u.default_project);
  if (!u.description.empty()) field(w, "description", u.description);
  w.Key("password_expires_at");
  w.Null();
  empty_options(w);
  links(w, base + "/users/" + u.id);
  w.EndObject();
}

void write_role(Writer& w, const Role& r, const std::string& base) {
  w.StartObject();
  field(w, "id", r.id);
  field(w, "name", r.name);
  w.Key("domain_id");
  w.Null();
  nullable(w, "description", r.description);
  empty_options(w);
  links(w, base + "/roles/" + r.id);
  w.EndObject();
}

void write_default_domain(Writer& w, const std::string& base) {
  w.StartObject();
  field(w, "id", kDefaultDomain);
  field(w, "name", kDefaultDomainName);
  field(w, "description", "The default domain");
  w.Key("enabled");
  w.Bool(true);
  w.Key("tags");
  w.StartArray();
  w.EndArray();
  empty_options(w);
  links(w, base + "/domains/" + std::string(kDefaultDomain));
  w.EndObject();
}

void write_app_credential(Writer& w, const AppCredential& a, const DirectoryState& dir, const std::string& base,
                          const std::string* secret) {
  w.StartObject();
  field(w, "id", a.id);
  field(w, "name", a.name);
  nullable(w, "description", a.description);
  field(w, "user_id", a.user);
  field(w, "project_id", a.project);
  w.Key("system");
  w.Null();
  w.Key("roles");
  w.StartArray();
  for (const auto& role_id : a.roles) {
    const auto* role = dir.role(role_id);
    w.StartObject();
    field(w, "id", role_id);
    field(w, "name", role ? role->name : role_id);
    w.Key("domain_id");
    w.Null();
    nullable(w, "description", role ? role->description : "");
    empty_options(w);
    w.EndObject();
  }
  w.EndArray();
  w.Key("expires_at");
  if (a.expires_ms) {
    const auto at = keystone_time(std::chrono::system_clock::time_point(std::chrono::milliseconds(*a.expires_ms)));
    w.String(at.data(), static_cast<rapidjson::SizeType>(at.size()));
  } else {
    w.Null();
  }
  w.Key("unrestricted");
  w.Bool(a.unrestricted);
  w.Key("access_rules");
  w.StartArray();
  w.EndArray();
  if (secret) field(w, "secret", *secret);
  links(w, base + "/users/" + a.user + "/application_credentials/" + a.id);
  w.EndObject();
}

std::string member_body(const char* key, const std::function<void(Writer&)>& write) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  w.Key(key);
  write(w);
  w.EndObject();
  return {buffer.GetString(), buffer.GetSize()};
}

std::string collection_body(const char* key, const std::string& self,
                            const std::function<void(Writer&)>& write_items) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  w.Key(key);
  w.StartArray();
  write_items(w);
  w.EndArray();
  w.Key("links");
  w.StartObject();
  field(w, "self", self);
  w.Key("previous");
  w.Null();
  w.Key("next");
  w.Null();
  w.EndObject();
  w.EndObject();
  return {buffer.GetString(), buffer.GetSize()};
}

}  // namespace openstack
