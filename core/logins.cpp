// Every change follows one path: the server is opened under its lock
// (Fleet::change_beside: found, visible, not deleted), the rule is checked
// against what is held, the document is written with the call's journal
// entry (fleet.keep: durable with --state before the answer), and only then
// is it made visible. The server's lock makes check-then-write safe: a
// second change to the same server, or its delete (stage_delete runs under
// the same lock), waits for the first to be kept.
#include "core/logins.h"

#include <algorithm>
#include <tuple>

#include "core/logins_codec.h"

namespace core {
namespace {

constexpr std::string_view kUser = "login-user";
constexpr std::string_view kHostKey = "login-host-key";
constexpr std::string_view kAccess = "login-access";
constexpr std::string_view kSecret = "login-secret";
constexpr std::string_view kSecretKey = "host-keys";

std::string key_of(std::string_view server, std::string_view name) {
  std::string key(server);
  key += '/';
  key.append(name);
  return key;
}

Document document(std::string_view kind, std::string key, std::string value) {
  Document d;
  d.kind = std::string(kind);
  d.key = std::move(key);
  d.value = std::move(value);
  return d;
}

Document user_document(const LoginUser& u) { return document(kUser, key_of(u.server, u.name), encode_user(u)); }
Document host_key_document(const HostKey& k) { return document(kHostKey, key_of(k.server, k.id), encode_host_key(k)); }
Document access_document(const Access& a) {
  return document(kAccess, key_of(a.server, a.external_id), encode_access(a));
}

// Host keys oldest first: by import time, then id.
bool older(const HostKey& a, const HostKey& b) {
  return std::tie(a.imported_ms, a.id) < std::tie(b.imported_ms, b.id);
}

// A page of a map in key order, after `after`.
template <typename Map, typename T = typename Map::mapped_type>
Listing<T> page(const Map& map, std::string_view after, std::size_t limit) {
  Listing<T> out;
  for (auto it = after.empty() ? map.begin() : map.upper_bound(after); it != map.end(); ++it) {
    if (out.items.size() == limit) {
      out.more = true;
      break;
    }
    out.items.push_back(it->second);
  }
  return out;
}

}  // namespace

Logins::Logins(Fleet& fleet, IdSource& ids, const HostKeyMaker& maker)
    : fleet_(fleet), ids_(ids), maker_(maker), secret_(maker.new_secret()) {
  fleet_.add_keeper(*this);
  fleet_.add_keeper(secret_keeper_);
}

std::string Logins::next_id(std::string_view prefix) {
  // 17 hex digits from the id source, as a server's Transfer identity has.
  return std::string(prefix) + ids_.next_transfer_id().substr(2);
}

Result<ServerInfo> Logins::change(const Caller& caller, std::string_view server, const LoginCall& how,
                                  const std::function<Result<Done>(const ServerInfo&)>& change) {
  return fleet_.change_beside(caller, server, [&](const ServerInfo& info) -> Result<Done> {
    if (how.admit)
      if (auto refused = how.admit(info)) return *refused;
    return change(info);
  }, how.call);
}

template <typename F>
auto Logins::read(const Caller& caller, std::string_view server, JournalEntry* call, F&& f)
    -> decltype(f(std::declval<const ServerLogins*>(), std::declval<const ServerInfo&>())) {
  auto found = fleet_.get(caller, server);
  if (!found) return found.error();
  note_server(call, found->uuid, found->transfer_id);
  std::shared_lock lock(mutex_);
  const auto it = by_server_.find(found->transfer_id);
  return f(it == by_server_.end() ? nullptr : &it->second, found.value());
}

// --- users ---------------------------------------------------------------

Result<LoginUser> Logins::add_user(const Caller& caller, std::string_view server, LoginUser user,
                                   const LoginCall& how) {
  auto changed = change(caller, server, how, [&](const ServerInfo& info) -> Result<Done> {
    {
      std::shared_lock lock(mutex_);
      const auto it = by_server_.find(info.transfer_id);
      if (it != by_server_.end() && it->second.users.count(user.name))
        return conflict("user", user.name, "User already exists");
    }
    user.server = info.transfer_id;
    user.created_ms = fleet_.clock().now_ms();
    for (auto& key : user.keys) {
      key.id = next_id("key-");
      key.imported_ms = user.created_ms;
    }
    if (auto kept = fleet_.keep({user_document(user)}, how.call); !kept) return kept.error();
    std::unique_lock lock(mutex_);
    by_server_[info.transfer_id].users[user.name] = user;
    return Done{};
  });
  if (!changed) return changed.error();
  return user;
}

Result<LoginUser> Logins::user(const Caller& caller, std::string_view server, std::string_view name,
                               JournalEntry* call) {
  return read(caller, server, call, [&](const ServerLogins* held, const ServerInfo&) -> Result<LoginUser> {
    if (held)
      if (const auto it = held->users.find(name); it != held->users.end()) return it->second;
    return missing("user", std::string(name));
  });
}

Result<Listing<LoginUser>> Logins::users(const Caller& caller, std::string_view server, std::string_view after,
                                         std::size_t limit, JournalEntry* call) {
  return read(caller, server, call, [&](const ServerLogins* held, const ServerInfo&) -> Result<Listing<LoginUser>> {
    if (!held) return Listing<LoginUser>{};
    return page(held->users, after, limit);
  });
}

Result<LoginUser> Logins::update_user(const Caller& caller, std::string_view server, std::string_view name,
                                      const std::function<std::optional<Error>(LoginUser&)>& edit,
                                      const LoginCall& how) {
  LoginUser next;
  auto changed = change(caller, server, how, [&](const ServerInfo& info) -> Result<Done> {
    {
      std::shared_lock lock(mutex_);
      const auto it = by_server_.find(info.transfer_id);
      if (it == by_server_.end() || !it->second.users.count(name)) return missing("user", std::string(name));
      next = it->second.users.find(name)->second;
    }
    const auto keys = next.keys;
    if (auto refused = edit(next)) return *refused;
    next.server = info.transfer_id;  // what identifies it stays
    next.name = std::string(name);
    next.keys = keys;
    if (auto kept = fleet_.keep({user_document(next)}, how.call); !kept) return kept.error();
    std::unique_lock lock(mutex_);
    by_server_[info.transfer_id].users[next.name] = next;
    return Done{};
  });
  if (!changed) return changed.error();
  return next;
}

Result<Done> Logins::remove_user(const Caller& caller, std::string_view server, std::string_view name,
                                 const LoginCall& how) {
  auto changed = change(caller, server, how, [&](const ServerInfo& info) -> Result<Done> {
    {
      std::shared_lock lock(mutex_);
      const auto it = by_server_.find(info.transfer_id);
      if (it == by_server_.end() || !it->second.users.count(name)) return missing("user", std::string(name));
    }
    if (auto kept = fleet_.keep({removal(std::string(kUser), key_of(info.transfer_id, name))}, how.call); !kept)
      return kept.error();
    std::unique_lock lock(mutex_);
    auto& users = by_server_[info.transfer_id].users;
    if (const auto it = users.find(name); it != users.end()) users.erase(it);  // a reset may have raced
    return Done{};
  });
  if (!changed) return changed.error();
  return Done{};
}

// --- a user's public keys --------------------------------------------------

Result<PublicKey> Logins::add_public_key(const Caller& caller, std::string_view server, std::string_view user,
                                         PublicKey key, const LoginCall& how) {
  auto changed = change(caller, server, how, [&](const ServerInfo& info) -> Result<Done> {
    LoginUser next;
    {
      std::shared_lock lock(mutex_);
      const auto it = by_server_.find(info.transfer_id);
      const auto found = it == by_server_.end() ? nullptr : &it->second.users;
      if (!found || !found->count(user)) return missing("user", std::string(user));
      next = found->find(user)->second;
    }
    for (const auto& held : next.keys)
      if (held.fingerprint == key.fingerprint) return conflict("public_key", held.id, "Public key already exists");
    if (next.keys.size() >= kMaxKeysPerUser)
      return over_quota("public_key", "User " + next.name + " already has " + std::to_string(kMaxKeysPerUser) +
                                          " SSH public keys, the most a user may have");
    key.id = next_id("key-");
    key.imported_ms = fleet_.clock().now_ms();
    next.keys.push_back(key);
    if (auto kept = fleet_.keep({user_document(next)}, how.call); !kept) return kept.error();
    std::unique_lock lock(mutex_);
    by_server_[info.transfer_id].users[next.name] = std::move(next);
    return Done{};
  });
  if (!changed) return changed.error();
  return key;
}

Result<Done> Logins::remove_public_key(const Caller& caller, std::string_view server, std::string_view user,
                                       std::string_view key_id, const LoginCall& how) {
  auto changed = change(caller, server, how, [&](const ServerInfo& info) -> Result<Done> {
    LoginUser next;
    {
      std::shared_lock lock(mutex_);
      const auto it = by_server_.find(info.transfer_id);
      const auto found = it == by_server_.end() ? nullptr : &it->second.users;
      if (!found || !found->count(user)) return missing("user", std::string(user));
      next = found->find(user)->second;
    }
    const auto key = std::find_if(next.keys.begin(), next.keys.end(), [&](const PublicKey& k) { return k.id == key_id; });
    if (key == next.keys.end()) return missing("public_key", std::string(key_id));
    next.keys.erase(key);
    if (auto kept = fleet_.keep({user_document(next)}, how.call); !kept) return kept.error();
    std::unique_lock lock(mutex_);
    by_server_[info.transfer_id].users[next.name] = std::move(next);
    return Done{};
  });
  if (!changed) return changed.error();
  return Done{};
}

// --- host keys -------------------------------------------------------------

Result<HostKey> Logins::add_host_key(const Caller& caller, std::string_view server, HostKey key,
                                     const LoginCall& how) {
  auto changed = change(caller, server, how, [&](const ServerInfo& info) -> Result<Done> {
    {
      std::shared_lock lock(mutex_);
      const auto it = by_server_.find(info.transfer_id);
      if (it != by_server_.end())
        for (const auto& [id, held] : it->second.host_keys)
          if (held.fingerprint == key.fingerprint) return conflict("host_key", id, "Host key already exists");
    }
    key.server = info.transfer_id;
    key.id = next_id("hostkey-");
    key.imported_ms = fleet_.clock().now_ms();
    if (auto kept = fleet_.keep({host_key_document(key)}, how.call); !kept) return kept.error();
    std::unique_lock lock(mutex_);
    by_server_[info.transfer_id].host_keys[key.id] = key;
    return Done{};
  });
  if (!changed) return changed.error();
  return key;
}

Result<HostKey> Logins::host_key(const Caller& caller, std::string_view server, std::string_view id,
                                 JournalEntry* call) {
  return read(caller, server, call, [&](const ServerLogins* held, const ServerInfo&) -> Result<HostKey> {
    if (held)
      if (const auto it = held->host_keys.find(id); it != held->host_keys.end()) return it->second;
    return missing("host_key", std::string(id));
  });
}

Result<Listing<HostKey>> Logins::host_keys(const Caller& caller, std::string_view server, std::string_view after,
                                           std::size_t limit, JournalEntry* call) {
  return read(caller, server, call, [&](const ServerLogins* held, const ServerInfo&) -> Result<Listing<HostKey>> {
    Listing<HostKey> out;
    if (!held) return out;
    std::vector<const HostKey*> ordered;
    for (const auto& [id, key] : held->host_keys) ordered.push_back(&key);
    std::sort(ordered.begin(), ordered.end(), [](const HostKey* a, const HostKey* b) { return older(*a, *b); });
    auto from = ordered.begin();
    if (!after.empty()) {
      // After the key named, by its place in the order (a key deleted since is placed by its id).
      const auto named = held->host_keys.find(after);
      from = named == held->host_keys.end()
                 ? std::find_if(ordered.begin(), ordered.end(), [&](const HostKey* k) { return k->id > after; })
                 : std::upper_bound(ordered.begin(), ordered.end(), &named->second,
                                    [](const HostKey* a, const HostKey* b) { return older(*a, *b); });
    }
    for (auto it = from; it != ordered.end(); ++it) {
      if (out.items.size() == limit) {
        out.more = true;
        break;
      }
      out.items.push_back(**it);
    }
    return out;
  });
}

Result<HostKey> Logins::update_host_key(const Caller& caller, std::string_view server, std::string_view id,
                                        const std::function<void(HostKey&)>& edit, const LoginCall& how) {
  HostKey next;
  auto changed = change(caller, server, how, [&](const ServerInfo& info) -> Result<Done> {
    {
      std::shared_lock lock(mutex_);
      const auto it = by_server_.find(info.transfer_id);
      const auto found = it == by_server_.end() ? nullptr : &it->second.host_keys;
      if (!found || !found->count(id)) return missing("host_key", std::string(id));
      next = found->find(id)->second;
    }
    const auto fixed = next;
    edit(next);
    next.server = fixed.server;  // only the description and tags change
    next.id = fixed.id;
    next.type = fixed.type;
    next.fingerprint = fixed.fingerprint;
    next.public_line = fixed.public_line;
    next.private_pem = fixed.private_pem;
    next.imported_ms = fixed.imported_ms;
    if (auto kept = fleet_.keep({host_key_document(next)}, how.call); !kept) return kept.error();
    std::unique_lock lock(mutex_);
    by_server_[info.transfer_id].host_keys[next.id] = next;
    return Done{};
  });
  if (!changed) return changed.error();
  return next;
}

Result<Done> Logins::remove_host_key(const Caller& caller, std::string_view server, std::string_view id,
                                     const LoginCall& how) {
  auto changed = change(caller, server, how, [&](const ServerInfo& info) -> Result<Done> {
    {
      std::shared_lock lock(mutex_);
      const auto it = by_server_.find(info.transfer_id);
      if (it == by_server_.end() || !it->second.host_keys.count(id)) return missing("host_key", std::string(id));
    }
    if (auto kept = fleet_.keep({removal(std::string(kHostKey), key_of(info.transfer_id, id))}, how.call); !kept)
      return kept.error();
    std::unique_lock lock(mutex_);
    auto& keys = by_server_[info.transfer_id].host_keys;
    if (const auto it = keys.find(id); it != keys.end()) keys.erase(it);  // a reset may have raced
    return Done{};
  });
  if (!changed) return changed.error();
  return Done{};
}

// --- accesses --------------------------------------------------------------

Result<Access> Logins::add_access(const Caller& caller, std::string_view server, Access access,
                                  const LoginCall& how) {
  auto changed = change(caller, server, how, [&](const ServerInfo& info) -> Result<Done> {
    {
      std::shared_lock lock(mutex_);
      const auto it = by_server_.find(info.transfer_id);
      if (it != by_server_.end() && it->second.accesses.count(access.external_id))
        return conflict("access", access.external_id, "Access already exists");
    }
    access.server = info.transfer_id;
    access.created_ms = fleet_.clock().now_ms();
    if (auto kept = fleet_.keep({access_document(access)}, how.call); !kept) return kept.error();
    std::unique_lock lock(mutex_);
    by_server_[info.transfer_id].accesses[access.external_id] = access;
    return Done{};
  });
  if (!changed) return changed.error();
  return access;
}

Result<Access> Logins::access(const Caller& caller, std::string_view server, std::string_view external_id,
                              JournalEntry* call) {
  return read(caller, server, call, [&](const ServerLogins* held, const ServerInfo&) -> Result<Access> {
    if (held)
      if (const auto it = held->accesses.find(external_id); it != held->accesses.end()) return it->second;
    return missing("access", std::string(external_id));
  });
}

Result<Listing<Access>> Logins::accesses(const Caller& caller, std::string_view server, std::string_view after,
                                         std::size_t limit, JournalEntry* call) {
  return read(caller, server, call, [&](const ServerLogins* held, const ServerInfo&) -> Result<Listing<Access>> {
    if (!held) return Listing<Access>{};
    return page(held->accesses, after, limit);
  });
}

Result<Access> Logins::update_access(const Caller& caller, std::string_view server, std::string_view external_id,
                                     const std::function<std::optional<Error>(Access&)>& edit, const LoginCall& how) {
  Access next;
  auto changed = change(caller, server, how, [&](const ServerInfo& info) -> Result<Done> {
    {
      std::shared_lock lock(mutex_);
      const auto it = by_server_.find(info.transfer_id);
      const auto found = it == by_server_.end() ? nullptr : &it->second.accesses;
      if (!found || !found->count(external_id)) return missing("access", std::string(external_id));
      next = found->find(external_id)->second;
    }
    if (auto refused = edit(next)) return *refused;
    next.server = info.transfer_id;
    next.external_id = std::string(external_id);
    if (auto kept = fleet_.keep({access_document(next)}, how.call); !kept) return kept.error();
    std::unique_lock lock(mutex_);
    by_server_[info.transfer_id].accesses[next.external_id] = next;
    return Done{};
  });
  if (!changed) return changed.error();
  return next;
}

Result<Done> Logins::remove_access(const Caller& caller, std::string_view server, std::string_view external_id,
                                   const LoginCall& how) {
  auto changed = change(caller, server, how, [&](const ServerInfo& info) -> Result<Done> {
    {
      std::shared_lock lock(mutex_);
      const auto it = by_server_.find(info.transfer_id);
      if (it == by_server_.end() || !it->second.accesses.count(external_id))
        return missing("access", std::string(external_id));
    }
    if (auto kept = fleet_.keep({removal(std::string(kAccess), key_of(info.transfer_id, external_id))}, how.call);
        !kept)
      return kept.error();
    std::unique_lock lock(mutex_);
    auto& accesses = by_server_[info.transfer_id].accesses;
    if (const auto it = accesses.find(external_id); it != accesses.end()) accesses.erase(it);  // a reset may have raced
    return Done{};
  });
  if (!changed) return changed.error();
  return Done{};
}

// --- what a server presents --------------------------------------------------

std::string Logins::secret() const {
  std::shared_lock lock(mutex_);
  return secret_;
}

std::string Logins::generated_fingerprint(std::string_view transfer_id) const {
  const auto slot = Hash{}(transfer_id) % kRemembered;
  {
    std::lock_guard lock(generated_mutex_);
    if (generated_[slot].server == transfer_id) return generated_[slot].fingerprint;
  }
  auto fingerprint = maker_.generate(secret(), transfer_id).fingerprint;  // outside the lock: it takes a while
  std::lock_guard lock(generated_mutex_);
  generated_[slot] = {std::string(transfer_id), fingerprint};
  return fingerprint;
}

void Logins::forget_generated(std::string_view transfer_id) {
  std::lock_guard lock(generated_mutex_);
  auto& slot = generated_[Hash{}(transfer_id) % kRemembered];
  if (slot.server == transfer_id) slot = {};
}

std::vector<HostKey> Logins::presented_host_keys(const ServerInfo& server) const {
  std::map<std::string, HostKey> oldest;  // by key family: RSA, ECDSA, ED25519
  {
    std::shared_lock lock(mutex_);
    if (const auto it = by_server_.find(server.transfer_id); it != by_server_.end()) {
      for (const auto& [id, key] : it->second.host_keys) {
        const auto family = key.type.rfind("ecdsa-", 0) == 0 ? std::string("ecdsa") : key.type;
        auto [held, added] = oldest.emplace(family, key);
        if (!added && older(key, held->second)) held->second = key;
      }
    }
  }
  std::vector<HostKey> out;
  for (auto& [family, key] : oldest) out.push_back(std::move(key));
  if (out.empty()) out.push_back(maker_.generate(secret(), server.transfer_id));
  return out;
}

std::string Logins::host_key_fingerprint(const ServerInfo& server) const {
  {
    std::shared_lock lock(mutex_);
    if (const auto it = by_server_.find(server.transfer_id); it != by_server_.end() && !it->second.host_keys.empty()) {
      const HostKey* first = nullptr;
      for (const auto& [id, key] : it->second.host_keys)
        if (!first || older(key, *first)) first = &key;
      return first->fingerprint;
    }
  }
  return generated_fingerprint(server.transfer_id);
}

std::size_t Logins::user_count(std::string_view transfer_id) const {
  std::shared_lock lock(mutex_);
  const auto it = by_server_.find(transfer_id);
  return it == by_server_.end() ? 0 : it->second.users.size();
}

LoginCounts Logins::counts() const {
  LoginCounts out;
  std::shared_lock lock(mutex_);
  for (const auto& [server, held] : by_server_) {
    out.users += held.users.size();
    for (const auto& [name, user] : held.users) out.public_keys += user.keys.size();
    out.host_keys += held.host_keys.size();
    out.accesses += held.accesses.size();
  }
  return out;
}

Result<Done> Logins::save_secret() {
  Document d;
  {
    std::shared_lock lock(mutex_);
    if (secret_saved_) return Done{};
    d = document(kSecret, std::string(kSecretKey), secret_);
  }
  auto kept = fleet_.keep({std::move(d)});
  if (kept) {
    std::unique_lock lock(mutex_);
    secret_saved_ = true;
  }
  return kept;
}

// --- core::Keeper ------------------------------------------------------------

bool Logins::owns(std::string_view kind) const { return kind == kUser || kind == kHostKey || kind == kAccess; }

std::optional<std::string> Logins::verify(const std::vector<Document>& documents) const {
  for (const auto& d : documents) {
    const bool readable = d.kind == kUser      ? decode_user(d.value).has_value()
                          : d.kind == kHostKey ? decode_host_key(d.value).has_value()
                                               : decode_access(d.value).has_value();
    if (!readable) return "documents: " + d.kind + " '" + d.key + "' cannot be read";
  }
  return std::nullopt;
}

void Logins::load(const std::vector<Document>& documents) {
  std::unique_lock lock(mutex_);
  by_server_.clear();
  for (const auto& d : documents) {
    if (d.removed) continue;
    if (d.kind == kUser) {
      if (auto u = decode_user(d.value)) {
        auto& held = by_server_[u->server];
        held.users[u->name] = std::move(*u);
      }
    } else if (d.kind == kHostKey) {
      if (auto k = decode_host_key(d.value)) {
        auto& held = by_server_[k->server];
        held.host_keys[k->id] = std::move(*k);
      }
    } else if (d.kind == kAccess) {
      if (auto a = decode_access(d.value)) {
        auto& held = by_server_[a->server];
        held.accesses[a->external_id] = std::move(*a);
      }
    }
  }
}

void Logins::reset() {
  // The secret stays: a server keeps presenting the same generated key.
  std::unique_lock lock(mutex_);
  by_server_.clear();
}

std::vector<Document> Logins::documents() const {
  std::vector<Document> out;
  std::shared_lock lock(mutex_);
  for (const auto& [server, held] : by_server_) {
    for (const auto& [name, user] : held.users) out.push_back(user_document(user));
    for (const auto& [id, key] : held.host_keys) out.push_back(host_key_document(key));
    for (const auto& [id, access] : held.accesses) out.push_back(access_document(access));
  }
  return out;
}

Staged Logins::stage_delete(const ServerInfo& server, Millis) {
  // Runs under the server's lock: no change of its logins is under way, and
  // none starts before the delete is decided.
  Staged staged;
  {
    std::shared_lock lock(mutex_);
    const auto it = by_server_.find(server.transfer_id);
    if (it != by_server_.end()) {
      const auto& held = it->second;
      for (const auto& [name, user] : held.users)
        staged.documents.push_back(removal(std::string(kUser), key_of(server.transfer_id, name)));
      for (const auto& [id, key] : held.host_keys)
        staged.documents.push_back(removal(std::string(kHostKey), key_of(server.transfer_id, id)));
      for (const auto& [id, access] : held.accesses)
        staged.documents.push_back(removal(std::string(kAccess), key_of(server.transfer_id, id)));
    }
  }
  staged.finish = [this, id = server.transfer_id](bool kept) {
    if (!kept) return;
    {
      std::unique_lock lock(mutex_);
      by_server_.erase(id);
    }
    forget_generated(id);
  };
  return staged;
}

bool Logins::SecretKeeper::owns(std::string_view kind) const { return kind == kSecret; }

std::optional<std::string> Logins::SecretKeeper::verify(const std::vector<Document>& documents) const {
  for (const auto& d : documents)
    if (d.value.empty()) return "documents: " + d.kind + " '" + d.key + "' is empty";
  return std::nullopt;
}

void Logins::SecretKeeper::load(const std::vector<Document>& documents) {
  // What a store kept; a store without one (made before there were
  // generated keys) keeps the secret drawn at start, and save_secret writes it.
  {
    std::unique_lock lock(owner_.mutex_);
    owner_.secret_saved_ = false;
    for (const auto& d : documents) {
      if (d.removed || d.value.empty()) continue;
      owner_.secret_ = d.value;
      owner_.secret_saved_ = true;
    }
  }
  std::lock_guard lock(owner_.generated_mutex_);
  owner_.generated_.assign(kRemembered, {});  // made from another secret
}

std::vector<Document> Logins::SecretKeeper::documents() const {
  std::shared_lock lock(owner_.mutex_);
  return {document(kSecret, std::string(kSecretKey), owner_.secret_)};
}

}  // namespace core
