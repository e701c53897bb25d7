// What the logins hold, and the logins as a keeper: loaded at a restart or
// from a snapshot, started over at a reset, deleted with their server in
// the server's own commit; the generated keys' secret kept apart.
#include "core/logins.h"

#include <algorithm>

#include "core/logins_documents.h"

namespace core {

using namespace logins_documents;

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
