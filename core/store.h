// What the core needs from durable storage, in the core's own terms: write a
// batch of changes atomically, load everything at start, replace everything
// (reset, snapshots). A change holds servers, journal entries and documents
// (core/document.h). An engine (SQLite today) implements Store in a library
// of its own; nothing of the engine crosses this interface.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/document.h"
#include "core/journal.h"
#include "core/record.h"
#include "core/result.h"
#include "core/tenants.h"

namespace core {

// A settled transition, for the journal entry of the call that began it.
struct Settlement {
  std::uint64_t journal_id = 0;
  Millis at_ms = 0;
  bool failed = false;
};

// One unit of change: everything in it is written together or not at all.
struct Change {
  std::vector<std::pair<TenantId, TenantInfo>> tenants;  // tenants the store has not seen
  std::vector<ServerRecord> servers;                     // whole records, replacing what was kept (by seq)
  std::vector<JournalEntry> journal;                     // appended; ids already given
  std::vector<Settlement> settlements;
  std::vector<Document> documents;                       // kept (replacing the same kind and key), or removed
  std::uint64_t journal_floor = 0;  // entries below this id may be forgotten
  std::size_t journal_bound = 0;     // shared: keep about this many of the newest entries
  std::uint64_t journal_next_id = 0;
  // Set by a shared store: a server of this change was changed elsewhere
  // since its version was read, so nothing of this change was written.
  mutable bool stale = false;

  bool empty() const {
    return servers.empty() && journal.empty() && settlements.empty() && documents.empty();
  }
};

// Everything a store keeps.
struct StoredState {
  std::vector<std::pair<TenantId, TenantInfo>> tenants;
  std::vector<ServerRecord> servers;  // live and deleted (the ledger), in creation order
  std::vector<JournalEntry> journal;  // oldest first
  std::vector<Document> documents;  // every keeper's
  std::uint64_t journal_next_id = 1;
  std::uint64_t cursor_secret = 0;
};

// What other gateways on a shared store changed: servers (whole records, at
// their new version) and the kinds of documents to read again; `everything`:
// a reset, a snapshot or a lost connection, so read it all again.
struct Elsewhere {
  std::vector<std::pair<TenantId, TenantInfo>> tenants;  // every tenant the store has (its ids)
  std::vector<ServerRecord> servers;
  std::vector<std::string> document_kinds;
  bool everything = false;
  // Store::replaces() when these rows were read: the fleet takes them as they
  // are unless a replace of its own (a reset here) may have come since.
  std::uint64_t read_at = 0;
};

class Store {
 public:
  virtual ~Store() = default;
  // Several gateways write this store (PostgreSQL): a write then leaves out
  // each change whose servers' versions moved on (Change::stale), ids come
  // from the store, and watch() reports the others' changes.
  virtual bool shared() const { return false; }
  // Shared: the first of `count` journal ids no other gateway gets, at least `at_least`.
  virtual Result<std::uint64_t> reserve_journal_ids(std::size_t count, std::uint64_t at_least) {
    (void)count;
    return at_least;
  }
  // Shared: a server sequence no other gateway gets (0: the fleet's own counter).
  virtual Result<std::uint64_t> reserve_seq() { return std::uint64_t{0}; }
  // Shared: the kept record of server `seq`, if any; and every document of `kinds`.
  virtual Result<std::optional<ServerRecord>> load_server(std::uint64_t seq) {
    (void)seq;
    return std::optional<ServerRecord>();
  }
  // Shared: the server one of whose identities is `identity` (a lowercase
  // UUID or a Transfer id), with every tenant the store has, as a notice
  // would bring it; no server when the store has none by that identity.
  virtual Result<Elsewhere> find_server(std::string_view identity) {
    (void)identity;
    return Elsewhere{};
  }
  virtual Result<std::vector<Document>> load_documents(const std::vector<std::string>& kinds) {
    (void)kinds;
    return std::vector<Document>();
  }
  // Shared: counts this store's replaces twice, as each begins and ends (odd:
  // one under way), so rows read at an even count equal to the current one
  // were read with no replace of ours since.
  virtual std::uint64_t replaces() const { return 0; }
  // Shared: calls `changed` (on a thread of the store's) with what others wrote.
  virtual void watch(std::function<void(Elsewhere)> changed) { (void)changed; }
  // Writes every change of the batch in one atomic step, durable when it
  // returns Done. On an error nothing of the batch is kept.
  virtual Result<Done> write(const std::vector<const Change*>& batch) = 0;
  // Everything kept, for the restart.
  virtual Result<StoredState> load() = 0;
  // Replaces everything kept with `state`, atomically.
  virtual Result<Done> replace(const StoredState& state) = 0;
};

}  // namespace core
