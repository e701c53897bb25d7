#include "adapters/openstack/nova/keypairs.h"

#include <limits>

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace openstack {
namespace {

constexpr std::string_view kKeypairKind = "nova-keypair";

// The store's key: user and name, which Nova's schema keeps free of newlines.
std::string key_of(const std::string& user, const std::string& name) { return user + "\n" + name; }

std::string encode(const Keypair& k) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  w.StartObject();
  for (const auto& [key, value] : {std::pair<const char*, const std::string*>{"user", &k.user}, {"name", &k.name},
                                   {"type", &k.type}, {"public_key", &k.public_key},
                                   {"fingerprint", &k.fingerprint}}) {
    w.Key(key);
    w.String(value->c_str(), static_cast<rapidjson::SizeType>(value->size()));
  }
  w.Key("created_ms");
  w.Int64(k.created_ms);
  w.Key("id");
  w.Uint64(k.id);
  w.EndObject();
  return {buffer.GetString(), buffer.GetSize()};
}

std::optional<Keypair> decode(std::string_view text) {
  rapidjson::Document d;
  d.Parse(text.data(), text.size());
  if (d.HasParseError() || !d.IsObject()) return std::nullopt;
  Keypair k;
  for (auto [key, out] : {std::pair<const char*, std::string*>{"user", &k.user}, {"name", &k.name},
                          {"type", &k.type}, {"public_key", &k.public_key}, {"fingerprint", &k.fingerprint}}) {
    const auto it = d.FindMember(key);
    if (it == d.MemberEnd() || !it->value.IsString()) return std::nullopt;
    *out = it->value.GetString();
  }
  if (d.HasMember("created_ms") && d["created_ms"].IsInt64()) k.created_ms = d["created_ms"].GetInt64();
  if (d.HasMember("id") && d["id"].IsUint64()) k.id = d["id"].GetUint64();
  return k;
}

core::Document document(const Keypair& k) {
  core::Document d;
  d.kind = kKeypairKind;
  d.key = key_of(k.user, k.name);
  d.value = encode(k);
  d.expires_ms = core::kNeverExpires;
  return d;
}

}  // namespace

KeypairStore::KeypairStore(core::Fleet& fleet) : fleet_(fleet) { fleet_.add_keeper(*this); }

bool KeypairStore::owns(std::string_view kind) const { return kind == kKeypairKind; }

std::optional<std::string> KeypairStore::verify(const std::vector<core::Document>& documents) const {
  for (const auto& d : documents)
    if (!decode(d.value)) return "documents: key pair '" + d.key + "' cannot be read";
  return std::nullopt;
}

void KeypairStore::load(const std::vector<core::Document>& documents) {
  std::lock_guard lock(mutex_);
  keypairs_.clear();
  for (const auto& d : documents) {
    if (auto k = decode(d.value)) {
      next_id_ = std::max(next_id_, k->id + 1);
      // The key is built before the key pair is moved in (as in ImageCatalog::load).
      auto key = std::pair{k->user, k->name};
      keypairs_[std::move(key)] = std::move(*k);
    }
  }
}

void KeypairStore::reset() {
  std::lock_guard lock(mutex_);
  keypairs_.clear();
}

std::vector<core::Document> KeypairStore::documents() const {
  std::lock_guard lock(mutex_);
  std::vector<core::Document> out;
  for (const auto& [key, k] : keypairs_) out.push_back(document(k));
  return out;
}

std::optional<Keypair> KeypairStore::find(const std::string& user, const std::string& name) {
  std::lock_guard lock(mutex_);
  const auto it = keypairs_.find({user, name});
  if (it == keypairs_.end()) return std::nullopt;
  return it->second;
}

std::vector<Keypair> KeypairStore::list(const std::string& user) {
  std::lock_guard lock(mutex_);
  std::vector<Keypair> out;
  for (auto it = keypairs_.lower_bound({user, ""}); it != keypairs_.end() && it->first.first == user; ++it)
    out.push_back(it->second);
  return out;
}

core::Result<Keypair> KeypairStore::add(Keypair keypair) {
  {
    std::lock_guard lock(mutex_);
    if (keypairs_.count({keypair.user, keypair.name})) {
      auto e = core::invalid_state(keypair.name, core::Action::Create, core::State::Running);
      e.detail = "exists";
      return e;
    }
    keypair.id = next_id_++;
  }
  keypair.created_ms = fleet_.clock().now_ms();
  if (auto kept = fleet_.keep({document(keypair)}); !kept) return kept.error();
  std::lock_guard lock(mutex_);
  auto [it, added] = keypairs_.emplace(std::pair{keypair.user, keypair.name}, keypair);
  if (!added) {  // two creates of one name raced: the first one won
    auto e = core::invalid_state(keypair.name, core::Action::Create, core::State::Running);
    e.detail = "exists";
    return e;
  }
  return keypair;
}

core::Result<core::Done> KeypairStore::remove(const std::string& user, const std::string& name) {
  {
    std::lock_guard lock(mutex_);
    if (!keypairs_.count({user, name})) return core::not_found(name, core::Action::Delete);
  }
  if (auto dropped = fleet_.keep({core::removal(std::string(kKeypairKind), key_of(user, name))}); !dropped)
    return dropped.error();
  std::lock_guard lock(mutex_);
  keypairs_.erase({user, name});
  return core::Done{};
}

}  // namespace openstack
