#include "adapters/openstack/keystone/keystone.h"

#include "adapters/openstack/shared/wire.h"
#include "core/text.h"

#include <algorithm>
#include <mutex>

#include <fmt/chrono.h>
#include <fmt/format.h>
#include <httplib.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "core/call_note.h"
#include "secret/secret.h"

namespace openstack {
namespace {

constexpr const char* kJson = "application/json";
constexpr const char* kTokenKind = "keystone-token";

using Clock = std::chrono::system_clock;

std::int64_t micros(Clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count();
}
Clock::time_point from_micros(std::int64_t us) { return Clock::time_point(std::chrono::microseconds(us)); }

// A token's identity as kept in the state file: a small JSON object.
std::string encode_identity(const Identity& id) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  field(w, "user", id.user);
  field(w, "project", id.project);
  w.Key("roles");
  w.StartArray();
  for (const auto& role : id.roles) w.String(role.c_str());
  w.EndArray();
  w.Key("issued_us");
  w.Int64(micros(id.issued));
  w.Key("expires_us");
  w.Int64(micros(id.expires));
  field(w, "audit_id", id.audit_id);
  w.EndObject();
  return buffer.GetString();
}

std::optional<Identity> decode_identity(const std::string& text) {
  rapidjson::Document doc;
  doc.Parse(text.c_str());
  if (doc.HasParseError() || !doc.IsObject()) return std::nullopt;
  const auto str = [&](const char* key) {
    auto it = doc.FindMember(key);
    return it != doc.MemberEnd() && it->value.IsString() ? std::string(it->value.GetString()) : std::string();
  };
  const auto num = [&](const char* key) {
    auto it = doc.FindMember(key);
    return it != doc.MemberEnd() && it->value.IsInt64() ? it->value.GetInt64() : std::int64_t{0};
  };
  Identity id;
  id.user = str("user");
  id.project = str("project");
  id.audit_id = str("audit_id");
  id.issued = from_micros(num("issued_us"));
  id.expires = from_micros(num("expires_us"));
  if (auto roles = doc.FindMember("roles"); roles != doc.MemberEnd() && roles->value.IsArray())
    for (const auto& role : roles->value.GetArray())
      if (role.IsString()) id.roles.emplace_back(role.GetString());
  if (id.user.empty() || id.project.empty()) return std::nullopt;
  return id;
}

void unavailable(httplib::Response& res) {
  send_keystone_error(res, 503, "Service Unavailable",
                      "The service is unavailable: its state cannot be written. Try again later.");
}

// 24 random bytes as 32 base64url characters (the length a client sent
// before, so the hot path reads no more bytes): the first 12 characters (72
// bits: no two live tokens share them in practice) select the entry, the
// other 20 (120 bits) are its verifier.
constexpr std::size_t kTokenBytes = 24;
constexpr std::size_t kTokenChars = 32;
constexpr std::size_t kSelectorChars = 12;

std::string iso(std::chrono::system_clock::time_point t) {
  const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count() % 1000000;
  return fmt::format("{:%Y-%m-%dT%H:%M:%S}.{:06d}Z", fmt::gmtime(std::chrono::system_clock::to_time_t(t)), micros);
}

// Describes a Keystone call, and its caller once known, for the access log
// (Keystone calls are not journaled).
void note_call(std::string_view operation, const Identity* caller) {
  auto& call = core::this_call();
  call = core::JournalEntry{};
  call.api = "keystone";
  call.operation.assign(operation);
  if (!caller) return;
  call.caller.assign(caller->user);
  call.caller_scope.assign(caller->project);
}

void unauthorized(httplib::Response& res) {
  send_keystone_error(res, 401, "Unauthorized", "The request you have made requires authentication.");
}

void write_version(Writer& w, const std::string& base) {
  write_version_doc(w, {"v3.14", "stable", "2020-04-07T00:00:00Z", base + "/identity/v3/",
                        "application/vnd.openstack.identity-v3+json", "", ""});
}

void write_domain(Writer& w) {
  w.Key("domain");
  w.StartObject();
  field(w, "id", "default");
  field(w, "name", "Default");
  w.EndObject();
}

void write_endpoint_entry(Writer& w, std::string_view type, std::string_view name, const std::string& url) {
  w.StartObject();
  field(w, "type", type);
  field(w, "name", name);
  field(w, "id", std::string(type) + "-service");
  w.Key("endpoints");
  w.StartArray();
  w.StartObject();
  field(w, "id", std::string(type) + "-public");
  field(w, "interface", "public");
  field(w, "region", "RegionOne");
  field(w, "region_id", "RegionOne");
  field(w, "url", url);
  w.EndObject();
  w.EndArray();
  w.EndObject();
}

std::string token_body(const Identity& id, const std::string& base, std::string_view method) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  w.Key("token");
  w.StartObject();
  w.Key("methods");
  w.StartArray();
  w.String(method.data(), static_cast<rapidjson::SizeType>(method.size()));
  w.EndArray();
  w.Key("user");
  w.StartObject();
  write_domain(w);
  field(w, "id", id.user);
  field(w, "name", id.user);
  w.Key("password_expires_at");
  w.Null();
  w.EndObject();
  w.Key("audit_ids");
  w.StartArray();
  w.String(id.audit_id.c_str());
  w.EndArray();
  field(w, "expires_at", iso(id.expires));
  field(w, "issued_at", iso(id.issued));
  w.Key("project");
  w.StartObject();
  write_domain(w);
  field(w, "id", id.project);
  field(w, "name", id.project);
  w.EndObject();
  w.Key("is_domain");
  w.Bool(false);
  w.Key("roles");
  w.StartArray();
  for (const auto& role : id.roles) {
    w.StartObject();
    field(w, "id", role);
    field(w, "name", role);
    w.EndObject();
  }
  w.EndArray();
  w.Key("catalog");
  w.StartArray();
  write_endpoint_entry(w, "compute", "nova", base + "/compute/v2.1");
  write_endpoint_entry(w, "image", "glance", base + "/image");
  write_endpoint_entry(w, "network", "neutron", base + "/networking");
  write_endpoint_entry(w, "identity", "keystone", base + "/identity");
  w.EndArray();
  w.EndObject();
  w.EndObject();
  return buffer.GetString();
}

const rapidjson::Value* member(const rapidjson::Value& v, const char* name) {
  if (!v.IsObject()) return nullptr;
  auto it = v.FindMember(name);
  return it == v.MemberEnd() ? nullptr : &it->value;
}

std::string string_of(const rapidjson::Value* v) {
  return v && v->IsString() ? std::string(v->GetString(), v->GetStringLength()) : std::string();
}

}  // namespace

std::variant<AuthRequest, std::string> parse_auth_request(std::string_view body) {
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseIterativeFlag | rapidjson::kParseValidateEncodingFlag>(body.data(), body.size());
  if (doc.HasParseError() || !doc.IsObject()) return std::string("The request body is not a valid JSON object.");
  const auto* auth = member(doc, "auth");
  const auto* identity = auth ? member(*auth, "identity") : nullptr;
  if (!identity) return std::string("'identity' is a required property");
  const auto* methods = member(*identity, "methods");
  if (!methods || !methods->IsArray() || methods->Empty() || !(*methods)[0].IsString())
    return std::string("'methods' is a required property");
  AuthRequest request;
  request.method = (*methods)[0].GetString();
  if (request.method == "password") {
    const auto* password = member(*identity, "password");
    const auto* user = password ? member(*password, "user") : nullptr;
    if (!user) return std::string("'user' is a required property");
    request.user = string_of(member(*user, "name"));
    if (request.user.empty()) request.user = string_of(member(*user, "id"));
    request.password = string_of(member(*user, "password"));
  } else if (request.method == "token") {
    const auto* token = member(*identity, "token");
    request.token = string_of(token ? member(*token, "id") : nullptr);
  }
  if (const auto* scope = member(*auth, "scope")) {
    request.scoped = true;
    if (const auto* project = member(*scope, "project")) {
      auto name = string_of(member(*project, "name"));
      if (name.empty()) name = string_of(member(*project, "id"));
      request.project = std::move(name);
    }
  }
  return request;
}

void send_keystone_error(httplib::Response& res, int status, std::string_view title, const std::string& message) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  w.Key("error");
  w.StartObject();
  w.Key("code");
  w.Int(status);
  field(w, "title", title);
  field(w, "message", core::valid_utf8(message));  // may echo a token header's bytes
  w.EndObject();
  w.EndObject();
  res.status = status;
  res.set_content(buffer.GetString(), kJson);
}

bool Identity::has_role(std::string_view role) const {
  return std::find(roles.begin(), roles.end(), role) != roles.end();
}

// Only the selector goes through the hash table, whose timing can at most
// hint at a selector; the verifier, which alone grants access once a
// selector is known, is compared in constant time.
const Keystone::Issued* Keystone::find(std::string_view token) const {
  if (token.size() != kTokenChars) return nullptr;
  const auto it = tokens_.find(token.substr(0, kSelectorChars));
  if (it == tokens_.end() || !secret::equal(it->second.verifier, token.substr(kSelectorChars))) return nullptr;
  return &it->second;
}

Keystone::Keystone(const Settings& settings, core::Fleet& fleet) : settings_(settings), fleet_(fleet) {
  fleet_.add_keeper(*this);
}

core::Document Keystone::token_document(const std::string& token, const Identity& id) {
  core::Document d;
  d.kind = kTokenKind;
  d.key = token;
  d.value = encode_identity(id);
  d.expires_ms = std::chrono::duration_cast<std::chrono::milliseconds>(id.expires.time_since_epoch()).count();
  return d;
}

bool Keystone::owns(std::string_view kind) const { return kind == kTokenKind; }

std::optional<std::string> Keystone::verify(const std::vector<core::Document>&) const {
  return std::nullopt;  // tokens never travel in snapshots
}

void Keystone::reset() {}  // a reset of the fleet signs no one out

std::vector<core::Document> Keystone::documents() const {
  std::shared_lock lock(mutex_);
  std::vector<core::Document> out;
  out.reserve(tokens_.size());
  for (const auto& [selector, issued] : tokens_) out.push_back(token_document(selector + issued.verifier, *issued.identity));
  return out;
}

std::optional<std::string> Keystone::issue(Identity& id) {
  id.issued = std::chrono::system_clock::now();
  id.expires = id.issued + std::chrono::seconds(settings_.token_ttl_s);
  id.audit_id = secret::random_hex(11);
  auto token = secret::random_base64url(kTokenBytes);
  // Kept before it is given out: a restart honours every token issued.
  if (!fleet_.keep({token_document(token, id)})) return std::nullopt;
  std::unique_lock lock(mutex_);
  // Expired tokens are swept when the table has doubled since the last
  // sweep: amortised O(1) per token, and the table stays bounded by twice
  // the live tokens.
  if (tokens_.size() >= sweep_at_) {
    std::erase_if(tokens_, [&](const auto& t) { return t.second.identity->expires <= id.issued; });
    sweep_at_ = std::max<std::size_t>(1024, 2 * tokens_.size());
  }
  tokens_.insert_or_assign(token.substr(0, kSelectorChars),
                           Issued{token.substr(kSelectorChars), std::make_shared<const Identity>(id)});
  return token;
}

std::optional<std::string> Keystone::issue_for_project(const std::string& project) {
  if (settings_.auth == AuthMode::NoAuth) return "dashboard:" + project;
  Identity id;
  id.user = "dashboard";
  id.project = project;
  id.roles = {"member", "reader"};
  return issue(id);
}

void Keystone::load(const std::vector<core::Document>& documents) {
  const auto now = Clock::now();
  std::unique_lock lock(mutex_);
  tokens_.clear();
  for (const auto& c : documents) {
    auto id = decode_identity(c.value);
    if (id && id->expires > now && c.key.size() == kTokenChars)
      tokens_.insert_or_assign(c.key.substr(0, kSelectorChars),
                               Issued{c.key.substr(kSelectorChars), std::make_shared<const Identity>(std::move(*id))});
  }
}

std::shared_ptr<const Identity> Keystone::check(std::string_view token) const {
  if (token.empty()) return nullptr;
  if (settings_.auth == AuthMode::NoAuth) {
    const auto colon = token.find(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == token.size()) return nullptr;
    auto id = std::make_shared<Identity>();
    // Header bytes, shown in views (user_id, tenant_id): kept as UTF-8.
    id->user = core::valid_utf8(token.substr(0, colon));
    id->project = core::valid_utf8(token.substr(colon + 1));
    id->roles = id->user == "admin" ? std::vector<std::string>{"admin", "member", "reader"}
                                    : std::vector<std::string>{"member", "reader"};
    id->expires = std::chrono::system_clock::time_point::max();
    return id;
  }
  std::shared_lock lock(mutex_);
  const auto* issued = find(token);
  if (!issued || issued->identity->expires <= std::chrono::system_clock::now()) return nullptr;
  return issued->identity;
}

void Keystone::mount(httplib::Server& server) {
  server.Get(R"(/identity/?)", [](const httplib::Request& req, httplib::Response& res) {
    rapidjson::StringBuffer buffer;
    Writer w(buffer);
    w.StartObject();
    w.Key("versions");
    w.StartObject();
    w.Key("values");
    w.StartArray();
    write_version(w, base_url(req));
    w.EndArray();
    w.EndObject();
    w.EndObject();
    res.status = 300;
    res.set_content(buffer.GetString(), kJson);
  });

  server.Get(R"(/identity/v3/?)", [](const httplib::Request& req, httplib::Response& res) {
    rapidjson::StringBuffer buffer;
    Writer w(buffer);
    w.StartObject();
    w.Key("version");
    write_version(w, base_url(req));
    w.EndObject();
    res.set_content(buffer.GetString(), kJson);
  });

  server.Post("/identity/v3/auth/tokens", [this](const httplib::Request& req, httplib::Response& res) {
    note_call("issue_token", nullptr);
    auto parsed = parse_auth_request(req.body);
    if (auto* problem = std::get_if<std::string>(&parsed)) return send_keystone_error(res, 400, "Bad Request", *problem);
    const auto& request = std::get<AuthRequest>(parsed);
    const auto& method = request.method;

    Identity id;
    if (method == "password") {
      const auto& users = settings_.users;
      const auto found =
          std::find_if(users.begin(), users.end(), [&](const User& u) { return u.name == request.user; });
      if (found == users.end() || !secret::equal(found->password, request.password)) return unauthorized(res);
      id.user = found->name;
      id.project = found->project;
      id.roles = found->roles;
    } else if (method == "token") {
      auto existing = check(request.token);
      if (!existing) return unauthorized(res);
      id = *existing;
    } else {
      return unauthorized(res);
    }
    // A project scope must name the user's own project: roles are granted there only.
    if (request.scoped && request.project != id.project) return unauthorized(res);

    note_call("issue_token", &id);
    const auto token = issue(id);
    if (!token) return unavailable(res);
    res.status = 201;
    res.set_header("X-Subject-Token", *token);
    res.set_content(token_body(id, base_url(req), method), kJson);
  });

  server.Get("/identity/v3/auth/tokens", [this](const httplib::Request& req, httplib::Response& res) {
    const auto caller = check(req.get_header_value("X-Auth-Token"));
    note_call("validate_token", caller.get());
    if (!caller) return unauthorized(res);
    const auto subject = req.get_header_value("X-Subject-Token");
    auto id = check(subject);
    if (!id) return send_keystone_error(res, 404, "Not Found", fmt::format("Could not find token: {}.", subject));
    res.set_header("X-Subject-Token", subject);
    res.set_content(token_body(*id, base_url(req), "password"), kJson);
  });

  server.Delete("/identity/v3/auth/tokens", [this](const httplib::Request& req, httplib::Response& res) {
    const auto caller = check(req.get_header_value("X-Auth-Token"));
    note_call("revoke_token", caller.get());
    if (!caller) return unauthorized(res);
    const auto subject = req.get_header_value("X-Subject-Token");
    if (!check(subject)) return send_keystone_error(res, 404, "Not Found", fmt::format("Could not find token: {}.", subject));
    if (!fleet_.keep({core::removal(std::string(kTokenKind), subject)})) return unavailable(res);
    std::unique_lock lock(mutex_);
    tokens_.erase(subject.substr(0, kSelectorChars));
    res.status = 204;
  });
}

}  // namespace openstack
