#include "adapters/openstack/nova/console_tokens.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "secret/secret.h"

namespace openstack {
namespace {

constexpr std::string_view kConsoleTokenKind = "nova-console-token";
constexpr std::size_t kTokenBytes = 24;  // 32 characters of base64url
constexpr std::size_t kTokenChars = 32;

std::string encode(const ConsoleAuth& a) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  w.StartObject();
  for (const auto& [key, value] : {std::pair<const char*, const std::string*>{"instance_uuid", &a.instance_uuid},
                                   {"console_type", &a.console_type}, {"host", &a.host}}) {
    w.Key(key);
    w.String(value->c_str(), static_cast<rapidjson::SizeType>(value->size()));
  }
  w.Key("port");
  w.Int(a.port);
  w.Key("expires_ms");
  w.Int64(a.expires_ms);
  w.EndObject();
  return {buffer.GetString(), buffer.GetSize()};
}

std::optional<ConsoleAuth> decode(std::string_view text) {
  rapidjson::Document d;
  d.Parse(text.data(), text.size());
  if (d.HasParseError() || !d.IsObject()) return std::nullopt;
  ConsoleAuth a;
  for (auto [key, out] : {std::pair<const char*, std::string*>{"instance_uuid", &a.instance_uuid},
                          {"console_type", &a.console_type}, {"host", &a.host}}) {
    const auto it = d.FindMember(key);
    if (it == d.MemberEnd() || !it->value.IsString()) return std::nullopt;
    *out = it->value.GetString();
  }
  const auto port = d.FindMember("port");
  const auto expires = d.FindMember("expires_ms");
  if (port == d.MemberEnd() || !port->value.IsInt() || expires == d.MemberEnd() || !expires->value.IsInt64())
    return std::nullopt;
  a.port = port->value.GetInt();
  a.expires_ms = expires->value.GetInt64();
  return a;
}

core::Document document(const std::string& hash, const ConsoleAuth& a) {
  core::Document d;
  d.kind = kConsoleTokenKind;
  d.key = hash;
  d.value = encode(a);
  d.expires_ms = a.expires_ms;
  return d;
}

}  // namespace

std::string console_token_hash(std::string_view token) { return secret::digest_hex("sha256", token); }

ConsoleTokens::ConsoleTokens(core::Fleet& fleet, core::Millis ttl_ms) : fleet_(fleet), ttl_ms_(ttl_ms) {
  fleet_.add_keeper(*this);
}

void ConsoleTokens::set_proxy(std::string base_url) {
  std::lock_guard lock(mutex_);
  proxy_ = std::move(base_url);
}

std::string ConsoleTokens::proxy() const {
  std::lock_guard lock(mutex_);
  return proxy_;
}

core::Result<std::string> ConsoleTokens::authorize(ConsoleAuth auth) {
  const auto now = fleet_.clock().now_ms();
  auth.expires_ms = now + ttl_ms_;
  auto token = secret::random_base64url(kTokenBytes);
  const auto hash = console_token_hash(token);
  // Expired tokens are dropped as new ones come, in the same write: the
  // state file holds no more than the tokens of the last ttl.
  std::vector<core::Document> writes{document(hash, auth)};
  {
    std::lock_guard lock(mutex_);
    for (const auto& [h, a] : by_hash_)
      if (a.expires_ms <= now) writes.push_back(core::removal(std::string(kConsoleTokenKind), h));
  }
  if (auto kept = fleet_.keep(std::move(writes)); !kept) return kept.error();
  std::lock_guard lock(mutex_);
  std::erase_if(by_hash_, [now](const auto& entry) { return entry.second.expires_ms <= now; });
  by_hash_[hash] = std::move(auth);
  return token;
}

std::optional<ConsoleAuth> ConsoleTokens::find(const std::string& hash) const {
  std::lock_guard lock(mutex_);
  const auto it = by_hash_.find(hash);
  if (it == by_hash_.end() || it->second.expires_ms <= fleet_.clock().now_ms()) return std::nullopt;
  return it->second;
}

std::optional<ConsoleAuth> ConsoleTokens::validate(std::string_view token) {
  // Only the hash is looked up: its timing tells nothing of the token.
  const auto hash = console_token_hash(token);
  if (auto found = find(hash)) return found;
  // Several gateways on one store: a token another one issued a moment ago
  // is read from the store now (a no-op on a store of our own); only one of
  // a token's shape, so junk never costs a read of the store.
  if (token.size() != kTokenChars) return std::nullopt;
  core::Elsewhere tokens;
  tokens.document_kinds = {std::string(kConsoleTokenKind)};
  fleet_.take_elsewhere(std::move(tokens));
  return find(hash);
}

bool ConsoleTokens::owns(std::string_view kind) const { return kind == kConsoleTokenKind; }

std::optional<std::string> ConsoleTokens::verify(const std::vector<core::Document>&) const {
  return std::nullopt;  // never in snapshots
}

void ConsoleTokens::load(const std::vector<core::Document>& documents) {
  const auto now = fleet_.clock().now_ms();
  std::lock_guard lock(mutex_);
  by_hash_.clear();
  for (const auto& d : documents)
    if (auto a = decode(d.value); a && a->expires_ms > now) by_hash_[d.key] = std::move(*a);
}

void ConsoleTokens::reset() {
  std::lock_guard lock(mutex_);
  by_hash_.clear();
}

std::vector<core::Document> ConsoleTokens::documents() const {
  std::lock_guard lock(mutex_);
  std::vector<core::Document> out;
  for (const auto& [hash, a] : by_hash_) out.push_back(document(hash, a));
  return out;
}

core::Staged ConsoleTokens::stage_delete(const core::ServerInfo& server, core::Millis) {
  // Nova's clean_console_auths_for_instance: a deleted server's consoles close for good.
  core::Staged staged;
  std::vector<std::string> hashes;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [hash, a] : by_hash_)
      if (a.instance_uuid == server.uuid) hashes.push_back(hash);
  }
  if (hashes.empty()) return staged;
  for (const auto& hash : hashes) staged.documents.push_back(core::removal(std::string(kConsoleTokenKind), hash));
  staged.finish = [this, hashes](bool kept) {
    if (!kept) return;
    std::lock_guard lock(mutex_);
    for (const auto& hash : hashes) by_hash_.erase(hash);
  };
  return staged;
}

}  // namespace openstack
