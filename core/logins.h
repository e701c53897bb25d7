// Who may log in to a server and how the server proves who it is: its users
// (a home directory or logical mappings, a POSIX identity, SSH public keys),
// the host keys it presents, and the directory groups given access. A
// keeper (core/document.h): kept as documents, written in the fleet's
// commits, deleted with their server in the server's own commit.
//
// Protocol-neutral: keys arrive already checked (secret/ parses them; the
// core compares fingerprints), an adapter's own fields (a role, a session
// policy) ride in `attributes`, and ids, names and errors are facts
// (core::missing(kind, id), core::conflict(kind, id, ...)) that the
// adapter puts in its own words.
//
// Concurrency: every change runs under its server's lock (Fleet::change_beside),
// so two changes to one server (two imports of the same key, a delete of the
// server) happen one after the other, never interleaved; reads take a
// shared lock of their own and never wait for a write to the store.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/document.h"
#include "core/fleet.h"
#include "core/ids.h"
#include "core/result.h"

namespace core {

// Where a user lands: a directory (PATH), or a view made of mappings (LOGICAL).
enum class HomeType { Path, Logical };

struct HomeMapping {
  std::string entry;   // the path the user sees
  std::string target;  // where it leads
};

struct Home {
  HomeType type = HomeType::Path;
  std::string directory;              // PATH: where the user starts and stays (empty: the root)
  std::vector<HomeMapping> mappings;  // LOGICAL: the user's whole view
};

struct PosixIdentity {
  std::uint64_t uid = 0;
  std::uint64_t gid = 0;
  std::vector<std::uint64_t> secondary_gids;
};

struct PublicKey {
  std::string id;           // "key-" and 17 hex digits, given at import
  std::string type;         // "ssh-ed25519", ...
  std::string body;         // the key as imported (one line)
  std::string fingerprint;  // equal fingerprints: the same key
  Millis imported_ms = 0;
};

struct LoginUser {
  std::string server;  // the server's Transfer identity
  std::string name;
  Home home;
  std::optional<PosixIdentity> posix;
  Pairs tags;
  Pairs attributes;             // the adapter's own fields, stored and never read here
  std::vector<PublicKey> keys;  // in the order imported
  Millis created_ms = 0;
};

struct HostKey {
  std::string server;       // the server's Transfer identity (empty for a generated key)
  std::string id;           // "hostkey-" and 17 hex digits (empty for a generated key)
  std::string type;         // "ssh-rsa", "ecdsa-sha2-nistp256", ..., "ssh-ed25519"
  std::string fingerprint;  // of the public half
  std::string public_line;  // "<type> <base64>"
  std::string private_pem;  // the private key, PEM
  std::string description;
  Pairs tags;
  Millis imported_ms = 0;
};

struct Access {
  std::string server;
  std::string external_id;  // the directory group's identifier
  Home home;
  std::optional<PosixIdentity> posix;
  Pairs attributes;
  Millis created_ms = 0;
};

// How the core gets the key a server presents when none was imported,
// without knowing any cryptography (secret/ does it; tests fake it).
class HostKeyMaker {
 public:
  virtual ~HostKeyMaker() = default;
  // A new secret for generate(): random, unguessable.
  virtual std::string new_secret() const = 0;
  // The same secret and server give the same key, every time.
  virtual HostKey generate(std::string_view secret, std::string_view server) const = 0;
};

// A page of a listing; `more`: there are items after the last one.
template <typename T>
struct Listing {
  std::vector<T> items;
  bool more = false;
};

// The most SSH public keys a user holds (the service model's bound on a user's keys).
inline constexpr std::size_t kMaxKeysPerUser = 5;

// A change's options: its journal entry (written with it, as a change of
// the server: action update), and the adapter's own test of the server
// (its identity provider, say), made under the server's lock.
struct LoginCall {
  JournalEntry* call = nullptr;
  std::function<std::optional<Error>(const ServerInfo&)> admit;
};

// What the logins hold, for metrics.
struct LoginCounts {
  std::size_t users = 0;
  std::size_t public_keys = 0;
  std::size_t host_keys = 0;
  std::size_t accesses = 0;
};

class Logins final : public Keeper {
 public:
  // Registers itself as a keeper of `fleet` (before the fleet is seeded).
  Logins(Fleet& fleet, IdSource& ids, const HostKeyMaker& maker);
  Logins(const Logins&) = delete;
  Logins& operator=(const Logins&) = delete;

  // Users. `server` is either identity of a server the caller sees.
  // A user whose name the server has: Conflict("user"). No such user: missing("user").
  Result<LoginUser> add_user(const Caller& caller, std::string_view server, LoginUser user, const LoginCall& how = {});
  Result<LoginUser> user(const Caller& caller, std::string_view server, std::string_view name,
                         JournalEntry* call = nullptr);
  // Users by name, after `after` (empty: from the first).
  Result<Listing<LoginUser>> users(const Caller& caller, std::string_view server, std::string_view after,
                                   std::size_t limit, JournalEntry* call = nullptr);
  // Edits a user (not its name, server or keys); `edit` may refuse, and then nothing changes.
  Result<LoginUser> update_user(const Caller& caller, std::string_view server, std::string_view name,
                                const std::function<std::optional<Error>(LoginUser&)>& edit, const LoginCall& how = {});
  Result<Done> remove_user(const Caller& caller, std::string_view server, std::string_view name,
                           const LoginCall& how = {});

  // A user's SSH public keys. The same key twice (one fingerprint):
  // Conflict("public_key", the existing key's id). More than kMaxKeysPerUser:
  // OverQuota("public_key"). `key.id` and `key.imported_ms` are given here.
  Result<PublicKey> add_public_key(const Caller& caller, std::string_view server, std::string_view user,
                                   PublicKey key, const LoginCall& how = {});
  Result<Done> remove_public_key(const Caller& caller, std::string_view server, std::string_view user,
                                 std::string_view key_id, const LoginCall& how = {});

  // Host keys. The same key twice: Conflict("host_key", the existing id).
  // No such key: missing("host_key"). `key.id`, `server` and `imported_ms` are given here.
  Result<HostKey> add_host_key(const Caller& caller, std::string_view server, HostKey key, const LoginCall& how = {});
  Result<HostKey> host_key(const Caller& caller, std::string_view server, std::string_view id,
                           JournalEntry* call = nullptr);
  // Oldest first (import time, then id), after the key `after` (empty: from the first).
  Result<Listing<HostKey>> host_keys(const Caller& caller, std::string_view server, std::string_view after,
                                     std::size_t limit, JournalEntry* call = nullptr);
  Result<HostKey> update_host_key(const Caller& caller, std::string_view server, std::string_view id,
                                  const std::function<void(HostKey&)>& edit, const LoginCall& how = {});
  Result<Done> remove_host_key(const Caller& caller, std::string_view server, std::string_view id,
                               const LoginCall& how = {});

  // Accesses, by external id: Conflict("access") / missing("access").
  Result<Access> add_access(const Caller& caller, std::string_view server, Access access, const LoginCall& how = {});
  Result<Access> access(const Caller& caller, std::string_view server, std::string_view external_id,
                        JournalEntry* call = nullptr);
  Result<Listing<Access>> accesses(const Caller& caller, std::string_view server, std::string_view after,
                                   std::size_t limit, JournalEntry* call = nullptr);
  Result<Access> update_access(const Caller& caller, std::string_view server, std::string_view external_id,
                               const std::function<std::optional<Error>(Access&)>& edit, const LoginCall& how = {});
  Result<Done> remove_access(const Caller& caller, std::string_view server, std::string_view external_id,
                             const LoginCall& how = {});

  // What a server presents to clients: of each key type the oldest key
  // imported, or, when none was, the key generated for it.
  std::vector<HostKey> presented_host_keys(const ServerInfo& server) const;
  // The fingerprint a server shows as its own: its oldest imported key's,
  // or its generated key's.
  std::string host_key_fingerprint(const ServerInfo& server) const;
  // How many users a server has (cheap: for every server of a listing).
  std::size_t user_count(std::string_view transfer_id) const;
  LoginCounts counts() const;
  // Writes the secret generated keys come from, when the store has none
  // (a file from before it existed): call once the store is attached.
  Result<Done> save_secret();

  // core::Keeper: documents of kinds "login-user", "login-host-key" and
  // "login-access", keyed "<server>/<name or id>". The secret generated keys
  // come from ("login-secret") is kept by a keeper of its own, with the store
  // and never in snapshots (as the cursors' secret): a snapshot loaded
  // elsewhere brings its imported keys, not that gateway's generated ones.
  bool owns(std::string_view kind) const override;
  std::optional<std::string> verify(const std::vector<Document>& documents) const override;
  void load(const std::vector<Document>& documents) override;
  void reset() override;
  std::vector<Document> documents() const override;
  Staged stage_delete(const ServerInfo& server, Millis now) override;

 private:
  class SecretKeeper final : public Keeper {
   public:
    explicit SecretKeeper(Logins& owner) : owner_(owner) {}
    bool owns(std::string_view kind) const override;
    bool in_snapshots() const override { return false; }
    std::optional<std::string> verify(const std::vector<Document>& documents) const override;
    void load(const std::vector<Document>& documents) override;
    void reset() override {}  // a reset keeps it: servers keep presenting the same keys
    std::vector<Document> documents() const override;

   private:
    Logins& owner_;
  };

  struct ServerLogins {
    std::map<std::string, LoginUser, std::less<>> users;
    std::map<std::string, HostKey, std::less<>> host_keys;  // by id
    std::map<std::string, Access, std::less<>> accesses;
  };
  // Runs `change` under the server's lock, journaled as an update of it.
  Result<ServerInfo> change(const Caller& caller, std::string_view server, const LoginCall& how,
                            const std::function<Result<Done>(const ServerInfo&)>& change);
  // The server's logins as they are now, read under a shared lock.
  template <typename F>
  auto read(const Caller& caller, std::string_view server, JournalEntry* call, F&& f)
      -> decltype(f(std::declval<const ServerLogins*>(), std::declval<const ServerInfo&>())) {
    auto found = fleet_.get(caller, server);
    if (!found) return found.error();
    note_server(call, found->uuid, found->transfer_id);
    std::shared_lock lock(mutex_);
    const auto it = by_server_.find(found->transfer_id);
    return f(it == by_server_.end() ? nullptr : &it->second, found.value());
  }
  std::string next_id(std::string_view prefix);
  // The generated key's fingerprint, remembered for the servers seen lately
  // (DescribeServer shows it: making the key costs a hundred microseconds).
  std::string generated_fingerprint(std::string_view transfer_id) const;
  void forget_generated(std::string_view transfer_id);
  std::string secret() const;

  // Lookups by a view of an id, without building a string.
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  struct Remembered {
    std::string server;
    std::string fingerprint;
  };
  static constexpr std::size_t kRemembered = 4096;

  Fleet& fleet_;
  IdSource& ids_;
  const HostKeyMaker& maker_;
  mutable std::shared_mutex mutex_;
  std::unordered_map<std::string, ServerLogins, Hash, std::equal_to<>> by_server_;  // by Transfer identity
  std::string secret_;
  bool secret_saved_ = false;
  SecretKeeper secret_keeper_{*this};
  mutable std::mutex generated_mutex_;
  // Bounded, so a fleet described server by server does not grow it: slot
  // hash(id) % kRemembered holds the last server seen there.
  mutable std::vector<Remembered> generated_ = std::vector<Remembered>(kRemembered);
};

}  // namespace core
