// Every change follows one path: the server is opened under its lock
// (Fleet::change_beside: found, visible, not deleted), the rule is checked
// against what is held, the document is written with the call's journal
// entry (fleet.keep: durable with --state before the answer), and only then
// is it made visible. The server's lock makes check-then-write safe: a
// second change to the same server, or its delete (stage_delete runs under
// the same lock), waits for the first to be kept.
#include "core/logins.h"

#include <algorithm>

#include "core/logins_documents.h"

namespace core {

using namespace logins_documents;

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

}  // namespace core
