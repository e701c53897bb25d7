#include "adapters/openstack/keystone/directory_codec.h"

#include <limits>

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace openstack::directory_codec {
namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void str(Writer& w, const char* key, std::string_view v) {
  w.Key(key);
  w.String(v.data(), static_cast<rapidjson::SizeType>(v.size()));
}

void strings(Writer& w, const char* key, const std::vector<std::string>& items) {
  w.Key(key);
  w.StartArray();
  for (const auto& s : items) w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
  w.EndArray();
}

void pairs(Writer& w, const char* key, const core::Pairs& items) {
  w.Key(key);
  w.StartObject();
  for (const auto& [k, v] : items) str(w, k.c_str(), v);
  w.EndObject();
}

core::Document make(std::string_view kind, std::string key, const rapidjson::StringBuffer& buffer) {
  core::Document d;
  d.kind = kind;
  d.key = std::move(key);
  d.value.assign(buffer.GetString(), buffer.GetSize());
  d.expires_ms = core::kNeverExpires;
  return d;
}

// Reads the fields of one object, remembering whether any had the wrong type.
class Fields {
 public:
  explicit Fields(const rapidjson::Value& v) : v_(v) {}
  bool ok() const { return ok_; }
  std::string text(const char* key) {
    const auto it = v_.FindMember(key);
    if (it == v_.MemberEnd()) return {};
    if (!it->value.IsString()) return fail<std::string>();
    return {it->value.GetString(), it->value.GetStringLength()};
  }
  bool flag(const char* key, bool otherwise) {
    const auto it = v_.FindMember(key);
    if (it == v_.MemberEnd()) return otherwise;
    if (!it->value.IsBool()) return fail<bool>();
    return it->value.GetBool();
  }
  std::optional<std::int64_t> number(const char* key) {
    const auto it = v_.FindMember(key);
    if (it == v_.MemberEnd()) return std::nullopt;
    if (!it->value.IsInt64()) return fail<std::optional<std::int64_t>>();
    return it->value.GetInt64();
  }
  std::vector<std::string> list(const char* key) {
    std::vector<std::string> out;
    const auto it = v_.FindMember(key);
    if (it == v_.MemberEnd()) return out;
    if (!it->value.IsArray()) return fail<std::vector<std::string>>();
    for (const auto& s : it->value.GetArray()) {
      if (!s.IsString()) return fail<std::vector<std::string>>();
      out.emplace_back(s.GetString(), s.GetStringLength());
    }
    return out;
  }
  // Extra attributes: each value JSON text (it is written into answers as it is).
  core::Pairs extras(const char* key) {
    core::Pairs out;
    const auto it = v_.FindMember(key);
    if (it == v_.MemberEnd()) return out;
    if (!it->value.IsObject()) return fail<core::Pairs>();
    for (const auto& m : it->value.GetObject()) {
      if (!m.value.IsString()) return fail<core::Pairs>();
      rapidjson::Document json;
      json.Parse<rapidjson::kParseIterativeFlag | rapidjson::kParseValidateEncodingFlag>(m.value.GetString(),
                                                                                          m.value.GetStringLength());
      if (json.HasParseError()) return fail<core::Pairs>();
      out.emplace_back(std::string(m.name.GetString(), m.name.GetStringLength()),
                       std::string(m.value.GetString(), m.value.GetStringLength()));
    }
    return out;
  }

 private:
  template <typename T>
  T fail() {
    ok_ = false;
    return T{};
  }
  const rapidjson::Value& v_;
  bool ok_ = true;
};

template <typename Map, typename T>
bool put(Map& map, T entity, bool ok, const std::string& key) {
  if (!ok || entity.id.empty() || entity.id != key) return false;
  auto id = entity.id;
  map.insert_or_assign(std::move(id), std::move(entity));
  return true;
}

}  // namespace

std::string grant_key(const Grant& g) { return g.user + " " + g.target + " " + g.role; }

core::Document document(const Project& p) {
  rapidjson::StringBuffer b;
  Writer w(b);
  w.StartObject();
  str(w, "id", p.id);
  str(w, "name", p.name);
  str(w, "description", p.description);
  w.Key("enabled");
  w.Bool(p.enabled);
  strings(w, "tags", p.tags);
  pairs(w, "extra", p.extra);
  str(w, "account", p.account);
  str(w, "region", p.region);
  w.EndObject();
  return make(kProject, p.id, b);
}

core::Document document(const DirectoryUser& u) {
  rapidjson::StringBuffer b;
  Writer w(b);
  w.StartObject();
  str(w, "id", u.id);
  str(w, "name", u.name);
  str(w, "description", u.description);
  str(w, "default_project", u.default_project);
  w.Key("enabled");
  w.Bool(u.enabled);
  pairs(w, "extra", u.extra);
  str(w, "password_hash", u.password_hash);
  w.EndObject();
  return make(kUser, u.id, b);
}

core::Document document(const Role& r) {
  rapidjson::StringBuffer b;
  Writer w(b);
  w.StartObject();
  str(w, "id", r.id);
  str(w, "name", r.name);
  str(w, "description", r.description);
  w.EndObject();
  return make(kRole, r.id, b);
}

core::Document document(const Grant& g) {
  rapidjson::StringBuffer b;
  Writer w(b);
  w.StartObject();
  str(w, "user", g.user);
  str(w, "target", g.target);
  str(w, "role", g.role);
  w.EndObject();
  return make(kGrant, grant_key(g), b);
}

core::Document document(const AppCredential& a) {
  rapidjson::StringBuffer b;
  Writer w(b);
  w.StartObject();
  str(w, "id", a.id);
  str(w, "name", a.name);
  str(w, "description", a.description);
  str(w, "user", a.user);
  str(w, "project", a.project);
  strings(w, "roles", a.roles);
  str(w, "secret_hash", a.secret_hash);
  if (a.expires_ms) {
    w.Key("expires_ms");
    w.Int64(*a.expires_ms);
  }
  w.Key("unrestricted");
  w.Bool(a.unrestricted);
  w.EndObject();
  return make(kAppCredential, a.id, b);
}

core::Document tombstone(std::string_view kind, std::string key) {
  rapidjson::StringBuffer b;
  Writer w(b);
  w.StartObject();
  w.Key("removed");
  w.Bool(true);
  w.EndObject();
  return make(kind, std::move(key), b);
}

bool apply(const core::Document& d, DirectoryState& state) {
  rapidjson::Document doc;
  // Every text read is shown in answers later: UTF-8 or refused.
  doc.Parse<rapidjson::kParseValidateEncodingFlag>(d.value.data(), d.value.size());
  if (doc.HasParseError() || !doc.IsObject()) return false;
  Fields f(doc);
  if (f.flag("removed", false)) {
    if (!f.ok()) return false;
    if (d.kind == kProject) return state.projects.erase(d.key), true;
    if (d.kind == kUser) return state.users.erase(d.key), true;
    if (d.kind == kRole) return state.roles.erase(d.key), true;
    if (d.kind == kAppCredential) return state.app_credentials.erase(d.key), true;
    if (d.kind == kGrant) {
      std::erase_if(state.grants, [&](const Grant& g) { return grant_key(g) == d.key; });
      return true;
    }
    return false;
  }
  if (d.kind == kProject) {
    Project p;
    p.id = f.text("id");
    p.name = f.text("name");
    p.description = f.text("description");
    p.enabled = f.flag("enabled", true);
    p.tags = f.list("tags");
    p.extra = f.extras("extra");
    p.account = f.text("account");
    p.region = f.text("region");
    return put(state.projects, std::move(p), f.ok(), d.key);
  }
  if (d.kind == kUser) {
    DirectoryUser u;
    u.id = f.text("id");
    u.name = f.text("name");
    u.description = f.text("description");
    u.default_project = f.text("default_project");
    u.enabled = f.flag("enabled", true);
    u.extra = f.extras("extra");
    u.password_hash = f.text("password_hash");
    return put(state.users, std::move(u), f.ok(), d.key);
  }
  if (d.kind == kRole) {
    Role r;
    r.id = f.text("id");
    r.name = f.text("name");
    r.description = f.text("description");
    return put(state.roles, std::move(r), f.ok(), d.key);
  }
  if (d.kind == kAppCredential) {
    AppCredential a;
    a.id = f.text("id");
    a.name = f.text("name");
    a.description = f.text("description");
    a.user = f.text("user");
    a.project = f.text("project");
    a.roles = f.list("roles");
    a.secret_hash = f.text("secret_hash");
    a.expires_ms = f.number("expires_ms");
    a.unrestricted = f.flag("unrestricted", false);
    return put(state.app_credentials, std::move(a), f.ok(), d.key);
  }
  if (d.kind == kGrant) {
    Grant g{f.text("user"), f.text("target"), f.text("role")};
    if (!f.ok() || g.user.empty() || g.target.empty() || g.role.empty() || grant_key(g) != d.key) return false;
    state.grants.insert(std::move(g));
    return true;
  }
  return false;
}

}  // namespace openstack::directory_codec
