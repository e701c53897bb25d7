// The token table: issue, check, revoke, and keeping tokens as documents.
#include "adapters/openstack/keystone/keystone.h"

#include <algorithm>
#include <mutex>

#include <httplib.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "adapters/openstack/shared/wire.h"
#include "core/text.h"
#include "secret/secret.h"

namespace openstack {
namespace {

constexpr const char* kTokenKind = "keystone-token";

using Clock = std::chrono::system_clock;

Clock::time_point from_micros(std::int64_t us) { return Clock::time_point(std::chrono::microseconds(us)); }

// A token's identity as kept in the state file: a small JSON object.
std::string encode_identity(const Identity& id) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  const auto list = [&](const char* key, const std::vector<std::string>& items) {
    w.Key(key);
    w.StartArray();
    for (const auto& s : items) w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
    w.EndArray();
  };
  w.StartObject();
  field(w, "user", id.user);
  field(w, "user_name", id.user_name);
  field(w, "project", id.project);
  field(w, "project_name", id.project_name);
  list("roles", id.roles);
  list("role_ids", id.role_ids);
  w.Key("issued_us");
  w.Int64(epoch_micros(id.issued));
  w.Key("expires_us");
  w.Int64(epoch_micros(id.expires));
  field(w, "audit_id", id.audit_id);
  field(w, "method", id.method);
  if (!id.app_credential.empty()) {
    field(w, "app_credential", id.app_credential);
    field(w, "app_credential_name", id.app_credential_name);
    w.Key("app_credential_unrestricted");
    w.Bool(id.app_credential_unrestricted);
  }
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
  const auto list = [&](const char* key) {
    std::vector<std::string> out;
    if (auto it = doc.FindMember(key); it != doc.MemberEnd() && it->value.IsArray())
      for (const auto& s : it->value.GetArray())
        if (s.IsString()) out.emplace_back(s.GetString());
    return out;
  };
  Identity id;
  id.user = str("user");
  id.user_name = str("user_name");
  id.project = str("project");
  id.project_name = str("project_name");
  id.audit_id = str("audit_id");
  id.issued = from_micros(num("issued_us"));
  id.expires = from_micros(num("expires_us"));
  id.roles = list("roles");
  id.role_ids = list("role_ids");
  id.method = str("method");
  id.app_credential = str("app_credential");
  id.app_credential_name = str("app_credential_name");
  if (auto it = doc.FindMember("app_credential_unrestricted"); it != doc.MemberEnd() && it->value.IsBool())
    id.app_credential_unrestricted = it->value.GetBool();
  // A token kept before names and ids differed: its names are its ids.
  if (id.user_name.empty()) id.user_name = id.user;
  if (id.project_name.empty()) id.project_name = id.project;
  if (id.role_ids.size() != id.roles.size()) id.role_ids = id.roles;
  if (id.method.empty()) id.method = "password";
  if (id.user.empty()) return std::nullopt;
  return id;
}

// 24 random bytes as 32 base64url characters (the length a client sent
// before, so the hot path reads no more bytes): the first 12 characters (72
// bits: no two live tokens share them in practice) select the entry, the
// other 20 (120 bits) are its verifier.
constexpr std::size_t kTokenBytes = 24;
constexpr std::size_t kTokenChars = 32;
constexpr std::size_t kSelectorChars = 12;

}  // namespace

std::string keystone_error_body(int status, std::string_view title, const std::string& message) {
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
  return {buffer.GetString(), buffer.GetSize()};
}

void send_keystone_error(httplib::Response& res, int status, std::string_view title, const std::string& message) {
  res.status = status;
  res.set_content(keystone_error_body(status, title, message), "application/json");
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

Keystone::Keystone(const Settings& settings, core::Fleet& fleet)
    : settings_(settings), fleet_(fleet), revocations_(settings.token_ttl_s),
      directory_(settings, fleet, revocations_) {
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

bool Keystone::owns(std::string_view kind) const { return kind == kTokenKind || Revocations::owns(kind); }

std::optional<std::string> Keystone::verify(const std::vector<core::Document>&) const {
  return std::nullopt;  // tokens and revocation events never travel in snapshots
}

void Keystone::reset() {}  // a reset of the fleet signs no one out

std::vector<core::Document> Keystone::documents() const {
  std::vector<core::Document> out = revocations_.documents();
  std::shared_lock lock(mutex_);
  out.reserve(out.size() + tokens_.size());
  for (const auto& [selector, issued] : tokens_) out.push_back(token_document(selector + issued.verifier, *issued.identity));
  return out;
}

std::optional<std::string> Keystone::issue(Identity& id) {
  // An expiry already set caps the new one: a rescoped token lives no
  // longer than the one it came from, an application credential's no
  // longer than the credential (as Keystone's).
  const auto cap = id.expires;
  // To the microsecond: what the state file keeps, so revocation events compare the same after a restart.
  id.issued = std::chrono::floor<std::chrono::microseconds>(std::chrono::system_clock::now());
  id.expires = id.issued + std::chrono::seconds(settings_.token_ttl_s);
  if (cap.time_since_epoch().count() != 0 && cap < id.expires) id.expires = cap;
  id.audit_id = secret::random_base64url(16).substr(0, 22);
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

bool Keystone::revoke(const std::string& token) {
  if (!fleet_.keep({core::removal(std::string(kTokenKind), token)})) return false;
  std::unique_lock lock(mutex_);
  tokens_.erase(token.substr(0, kSelectorChars));
  return true;
}

std::optional<std::string> Keystone::issue_for_project(const std::string& project) {
  if (settings_.auth == AuthMode::NoAuth) return "dashboard:" + project;
  const auto hold = directory_.hold_for_issue();
  Identity id;
  id.user = id.user_name = "dashboard";
  id.project = id.project_name = project;
  if (const auto* p = directory_.reader()->project(project)) id.project_name = p->name;
  id.roles = id.role_ids = {"member", "reader"};
  return issue(id);
}

void Keystone::load(const std::vector<core::Document>& documents) {
  revocations_.load(documents);
  const auto now = Clock::now();
  std::unique_lock lock(mutex_);
  tokens_.clear();
  for (const auto& c : documents) {
    if (c.kind != kTokenKind) continue;
    auto id = decode_identity(c.value);
    if (id && id->expires > now && c.key.size() == kTokenChars)
      tokens_.insert_or_assign(c.key.substr(0, kSelectorChars),
                               Issued{c.key.substr(kSelectorChars), std::make_shared<const Identity>(std::move(*id))});
  }
}

std::shared_ptr<const Identity> Keystone::check_any(std::string_view token) const {
  if (token.empty()) return nullptr;
  if (settings_.auth == AuthMode::NoAuth) {
    const auto colon = token.find(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == token.size()) return nullptr;
    auto id = std::make_shared<Identity>();
    // Header bytes, shown in views (user_id, tenant_id): kept as UTF-8.
    id->user = id->user_name = core::valid_utf8(token.substr(0, colon));
    id->project = id->project_name = core::valid_utf8(token.substr(colon + 1));
    id->roles = id->user == "admin" ? std::vector<std::string>{"admin", "member", "reader"}
                                    : std::vector<std::string>{"member", "reader"};
    id->role_ids = id->roles;
    id->expires = std::chrono::system_clock::time_point::max();
    return id;
  }
  const auto lookup = [this, token]() -> std::shared_ptr<const Identity> {
    std::shared_lock lock(mutex_);
    const auto* issued = find(token);
    if (!issued || issued->identity->expires <= std::chrono::system_clock::now()) return nullptr;
    return issued->identity;
  };
  auto found = lookup();
  if (!found && token.size() == kTokenChars) {
    // Several gateways on one store: a token another one issued a moment
    // ago is read from the store now (a no-op on a store of our own).
    core::Elsewhere tokens;
    tokens.document_kinds = {kTokenKind};
    fleet_.take_elsewhere(std::move(tokens));
    found = lookup();
  }
  if (!found) return nullptr;
  if (revocations_.any() && revocations_.revoked(*found)) return nullptr;
  return found;
}

std::shared_ptr<const Identity> Keystone::check(std::string_view token) const {
  auto id = check_any(token);
  return id && !id->project.empty() ? id : nullptr;
}

}  // namespace openstack
