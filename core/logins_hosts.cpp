// Host keys, accesses, and what a server presents: the same path as the
// users' changes (core/logins.cpp), under the server's lock.
#include "core/logins.h"

#include <algorithm>

#include "core/logins_documents.h"

namespace core {

using namespace logins_documents;

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

}  // namespace core
