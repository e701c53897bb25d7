// The fleet: every server of every tenant, thread-safe, with the lifecycle
// rules of transitions.h, billing, listing with cursors, events and the
// action journal. Protocol-neutral: it never knows a status code, a header or
// a JSON value.
//
// Concurrency: each server has its own mutex; lookups go through sharded
// indexes under shared locks, so no global lock sits on the stop path. Checks
// run in Nova's order: not found, policy, lock, state.
//
// Durability: with a store attached, a change is computed on a copy of the
// server's record, written (group commit), and only then made visible, so an
// answered change is on disk and a refused write changes nothing.
//
// The implementation is split by job: fleet.cpp (the lifecycle operations),
// fleet_index.cpp (indexes and locking), fleet_state.cpp (applying
// transitions and committing them), fleet_ledger.cpp (billing),
// fleet_listing.cpp (pages and cursors), fleet_restore.cpp (loading, export,
// reset and the keepers' documents).
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <queue>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/clock.h"
#include "core/document.h"
#include "core/events.h"
#include "core/faults.h"
#include "core/group_commit.h"
#include "core/ids.h"
#include "core/journal.h"
#include "core/record.h"
#include "core/result.h"
#include "core/server.h"
#include "core/store.h"
#include "core/tenants.h"

namespace core {

// Billing figures of one server, live or deleted.
struct LedgerEntry {
  std::string uuid;
  std::string transfer_id;
  TenantId tenant = 0;
  std::string name;
  State state = State::Running;  // the state it is (or was, when deleted) in
  Millis created_ms = 0;
  std::optional<Millis> deleted_ms;
  Millis billed_ms = 0;   // creation to now (or to deletion)
  Millis running_ms = 0;  // of which powered on
  Millis stopped_ms = 0;  // of which powered off
};

struct ListQuery {
  std::optional<TenantId> tenant;  // nullopt: every tenant
  std::uint64_t after_seq = 0;     // continue after this server (0: from the start)
  std::size_t limit = 1000;
  bool newest_first = false;       // Nova's default order; Transfer's and the control plane's is oldest first
  std::function<bool(const ServerInfo&)> filter;  // optional
};

struct Page {
  std::vector<ServerInfo> servers;
  bool more = false;  // servers exist after the last one returned (before filtering)
};

class Fleet {
 public:
  Fleet(const Clock& clock, IdSource& ids, Tenants& tenants);
  ~Fleet();
  Fleet(const Fleet&) = delete;
  Fleet& operator=(const Fleet&) = delete;

  // How long the in-between state of an action lasts (create, stop, start).
  void set_transition_ms(Action action, Millis ms);
  Millis transition_ms(Action action) const;
  // How long a soft-deleted server can be restored before it is deleted for
  // good (Nova's reclaim_instance_interval); the delete then ends its billing.
  // 0 (the default): it stays soft-deleted until restored or deleted.
  void set_reclaim_ms(Millis ms);
  Millis reclaim_ms() const;

  // A new server in the caller's tenant: Provisioning, then Running.
  Result<ServerInfo> create(const Caller& caller, CreateSpec spec, ActOptions options = {});
  // A server as loaded from a fleet file: settled in spec.initial_state, no transition.
  Result<ServerInfo> seed(TenantId tenant, CreateSpec spec);

  // Lookup by either identity (a UUID in any case, or a Transfer id).
  Result<ServerInfo> get(const Caller& caller, std::string_view id);
  // The same, finding deleted servers too (the ledger keeps them), as Nova's
  // read_deleted does; `deleted` says which it found.
  Result<ServerInfo> get_even_deleted(const Caller& caller, std::string_view id, bool& deleted);
  Result<StopReceipt> stop(const Caller& caller, std::string_view id, ActOptions options = {});
  Result<ServerInfo> start(const Caller& caller, std::string_view id, ActOptions options = {});
  // Any lifecycle action of the transition table (reboot, pause, shelve,
  // rebuild, a soft delete, ...). A soft delete is reclaimed (deleted for
  // good) reclaim_ms() after it, unless it is restored first.
  Result<ServerInfo> perform(const Caller& caller, std::string_view id, Action action, ActOptions options = {});
  // Back to running from whatever state of not serving the server is in: a
  // start, unpause, resume, unshelve, restore or unrescue (transitions.h's power_on_action).
  Result<ServerInfo> power_on(const Caller& caller, std::string_view id, ActOptions options = {});
  Result<ServerInfo> remove(const Caller& caller, std::string_view id, ActOptions options = {});
  Result<ServerInfo> lock(const Caller& caller, std::string_view id, std::string reason = {},
                          ActOptions options = {});
  Result<ServerInfo> unlock(const Caller& caller, std::string_view id, ActOptions options = {});
  // Changes name, tags, metadata or attributes (Action::Update); the lock does not apply.
  Result<ServerInfo> update(const Caller& caller, std::string_view id, const std::function<void(Editable&)>& edit,
                            ActOptions options = {});

  // A page in creation order. Cost: the page size (plus skipped non-matches).
  Page list(const ListQuery& query);
  // Opaque cursors bound to a listing scope (a tenant, or nullopt for all):
  // a cursor from another scope, or one this fleet did not issue, is refused.
  std::string cursor_after(std::optional<TenantId> scope, std::uint64_t seq) const;
  Result<std::uint64_t> cursor_position(std::optional<TenantId> scope, std::string_view cursor) const;

  // Settles every transition whose time has come (the clock moved). Returns how many.
  std::size_t settle_due();
  // When the next transition settles, if any is under way.
  std::optional<Millis> next_due();

  std::vector<LedgerEntry> ledger();
  std::size_t size() const;
  std::array<std::int64_t, kStateCount> count_by_state() const;

  // Durable state. attach_store: from now on every change is written to
  // `store` before it is visible; the fleet as it is now is written first
  // when `write_all` is set (a new file).
  Result<Done> attach_store(Store& store, bool write_all);
  bool durable() const { return commit_ != nullptr; }
  // Every server, the ledger's deleted ones too, in creation order.
  std::vector<ServerRecord> records();
  // Everything there is to keep: servers (the ledger's deleted ones too),
  // their tenants, the journal's changes, the keepers' documents, and the
  // cursor secret.
  StoredState export_state();
  // Restores what a store kept (a restart): the fleet must be empty. Returns
  // true when tenants got other ids in this run (the config changed), so the
  // store must be written anew (attach_store with write_all).
  bool restore(StoredState state);
  // Replaces every server with `records` (fixed identities; the tenants in
  // their info must exist), as the control plane's reset and snapshots do,
  // and rewrites the store. The keepers load `documents` (a snapshot's; the
  // keepers that keep none out of snapshots are left as they are), or with
  // nullopt start over (reset) and stage for each server what a create
  // would (its port). The journal is cleared when `clear_journal`.
  Result<Done> replace(std::vector<ServerRecord> records, std::optional<std::vector<Document>> documents,
                       bool clear_journal);

  // Empties the journal, in the store too (ids are not reused).
  Result<Done> clear_journal();

  // A shared store (several gateways): what the others changed, made this
  // fleet's and published as events, as if changed here (fleet_elsewhere.cpp).
  void take_elsewhere(Elsewhere changed);

  // Keepers (core/document.h): each owns kinds of documents, written with
  // the fleet's changes and given back at restore, reset and snapshots.
  // Added before the fleet is seeded; they outlive the fleet's use of them.
  void add_keeper(Keeper& keeper);
  // Writes documents of a keeper (a no-op in memory): Done once kept. With
  // `call`, an accepted change's journal entry is written with them (and
  // given its id), as a server's change writes its own.
  Result<Done> keep(std::vector<Document> documents, JournalEntry* call = nullptr);
  // Runs `change` with the server's lock held, once the server is found,
  // visible, settled, not deleted and the caller may change things: for
  // keepers whose documents hang on a server (its users), so that a change of
  // them and the server's delete happen one after the other. The call's
  // entry names the server and records an update of it (no state change);
  // `change` writes it with keep(). The lock does not apply (it guards the
  // lifecycle).
  Result<ServerInfo> change_beside(const Caller& caller, std::string_view id,
                                   const std::function<Result<Done>(const ServerInfo&)>& change,
                                   JournalEntry* call = nullptr);
  // Every keeper's documents; `snapshot`: only those that travel in snapshots.
  std::vector<Document> documents(bool snapshot) const;
  // Checks a snapshot's documents with their keepers: a message when one is
  // unreadable or of a kind no keeper owns.
  std::optional<std::string> check_documents(const std::vector<Document>& documents) const;

  EventBus& events() { return events_; }
  // The fault rules adapters consult before each operation.
  Faults& faults() { return faults_; }
  Journal& journal() { return journal_; }
  Tenants& tenants() { return tenants_; }
  const Clock& clock() const { return clock_; }

 private:
  struct Record;
  using RecordPtr = std::shared_ptr<Record>;
  struct Shard {
    mutable std::shared_mutex mutex;
    std::unordered_map<std::string_view, RecordPtr> by_id;  // both identities; keys view into the record
  };
  struct Due {
    Millis at;
    std::uint64_t seq;
    std::weak_ptr<Record> record;
    bool operator>(const Due& o) const { return at != o.at ? at > o.at : seq > o.seq; }
  };
  static constexpr std::size_t kShards = 64;

  // A server opened for a change: found, visible, locked, settled, not
  // deleted, and the caller allowed to change things (in that order).
  struct Opened {
    RecordPtr record;
    std::unique_lock<std::mutex> lock;
    Millis now;
  };
  Result<Opened> open_for_change(const Caller& caller, std::string_view id, Action action, JournalEntry* call);
  // Runs `action` (or, with nullopt, the power-on action of the server's state).
  Result<ServerInfo> act(const Caller& caller, std::string_view id, std::optional<Action> action,
                         ActOptions options);

  // fleet_index.cpp
  RecordPtr find(std::string_view id) const;
  Result<RecordPtr> find_visible(const Caller& caller, std::string_view id, Action action) const;
  // find_visible, and on a shared store a server not known here looked up in
  // the store (made by another gateway, its notice not here yet). `change`:
  // the store unreachable answers unavailable (a read answers from memory).
  Result<RecordPtr> find_anywhere(const Caller& caller, std::string_view id, Action action, bool change);
  // Files a new record under both identities and, when `listed`, in
  // creation order (seq 0: the next one). Fails if either identity is taken.
  Result<Done> index(const RecordPtr& record, std::uint64_t seq, bool listed = true);
  // Takes a record out of the listings, and with `identities` out of the lookups too.
  void unindex(const Record& record, bool identities);
  Shard& shard_of(std::string_view id) const;
  Result<ServerInfo> insert(TenantId tenant, CreateSpec spec, ActOptions options);

  // fleet_state.cpp: these run with the record's mutex held. The change
  // functions edit `next`, a copy of the record, and collect the events that
  // commit() publishes once it is kept.
  void change_state(ServerRecord& next, State to, Millis at, Action cause, std::vector<Event>& events) const;
  void begin(ServerRecord& next, Action action, Millis now, ActOptions options, std::vector<Event>& events) const;
  void schedule(ServerRecord& next, Action action, Millis now, bool fail, std::uint64_t journal_id) const;
  // A soft-deleted server's deletion for good, due reclaim_ms() from `now`.
  void schedule_reclaim(ServerRecord& next, Millis now) const;
  // Ends the record's billing at `at` and marks it deleted.
  void close_books(ServerRecord& next, Millis at) const;
  bool settle_if_due(Record& r, Millis now);
  // Writes `next` (with the call's journal entry, if the change was
  // accepted) and then makes it the record's state; `is_new`: a record being created.
  // `staged`: the keepers' part of a create or delete, written with it and
  // finished with the commit's outcome.
  Result<Done> commit(Record& r, ServerRecord next, JournalEntry* call, std::vector<Event> events,
                      std::vector<Settlement> settled = {}, bool is_new = false, std::vector<Staged> staged = {});
  void apply(Record& r, ServerRecord next, const std::vector<Event>& events, bool is_new);
  Event event(const ServerRecord& s, EventKind kind, std::optional<State> old_state, Millis at,
              std::optional<Action> cause) const;
  void note_call(JournalEntry* call, const ServerRecord& before, const ServerRecord& after, Action action,
                 Millis now) const;
  Result<Done> persist(Change& change);

  // fleet_elsewhere.cpp. A shared store: one server as another gateway
  // left it; reload: record `r` (its lock held) read again, after a change
  // of it that another gateway beat.
  void adopt_elsewhere(ServerRecord s, const std::map<TenantId, TenantId>& tenant_ids);
  void reload(Record& r);
  void reload_from(Record& r, ServerRecord s);
  // A shared store: `refusal`, decided on this gateway's copy of `r` (its
  // lock held), stands only when the store has no newer version of it; else
  // the record is read again and the call is decided again (a Conflict
  // changed_elsewhere, which again_if_beaten runs once more).
  Error refused_on_current(Record& r, Error refusal);
  std::map<TenantId, TenantId> tenant_ids(const std::vector<std::pair<TenantId, TenantInfo>>& kept);
  // Runs `once` again (up to three times) while another gateway beat its
  // change: each run decides on the record as that gateway left it.
  template <typename Once>
  auto again_if_beaten(Once once) -> decltype(once()) {
    for (int attempt = 1;; ++attempt) {
      auto result = once();
      if (result || attempt == 3 || result.error().reason != kChangedElsewhere) return result;
    }
  }
  void add_new_tenants(Change& change, TenantId tenant);

  // fleet_ledger.cpp
  LedgerEntry ledger_entry(const ServerRecord& r, Millis now) const;

  // What every keeper stages for this server's create (a fault ends it in
  // error), update or delete. Run with the record's lock held.
  std::vector<Staged> stage_create(ServerRecord& next, const CreateSpec& spec, Millis now);
  std::vector<Staged> stage_delete(const ServerRecord& next, Millis now);
  std::vector<Staged> stage_update(const ServerRecord& before, const ServerRecord& after, Millis now);

  // fleet_restore.cpp
  // `from_store`: a restart's records, their seq and launch times kept as they are.
  void load(std::vector<ServerRecord> records, bool from_store);
  // Hands each keeper its documents (`snapshot`: only those that travel in snapshots).
  void load_keepers(const std::vector<Document>& documents, bool snapshot);
  void clear_memory();

  const Clock& clock_;
  IdSource& ids_;
  Tenants& tenants_;
  EventBus events_;
  Faults faults_;
  Journal journal_;
  std::array<std::atomic<Millis>, kActionCount> transition_ms_{};
  std::atomic<Millis> reclaim_ms_{0};
  std::atomic<std::uint64_t> next_seq_{1};
  std::atomic<std::uint64_t> cursor_secret_;
  std::array<std::atomic<std::int64_t>, kStateCount> by_state_{};

  mutable std::array<Shard, kShards> shards_;

  mutable std::shared_mutex order_mutex_;  // guards the two ordered indexes
  std::map<std::uint64_t, RecordPtr> ordered_;
  std::unordered_map<TenantId, std::map<std::uint64_t, RecordPtr>> ordered_by_tenant_;

  std::mutex due_mutex_;
  std::priority_queue<Due, std::vector<Due>, std::greater<>> due_;

  std::mutex deleted_mutex_;
  std::deque<RecordPtr> deleted_;  // the ledger's deleted servers (still found by identity, never listed)

  std::vector<Keeper*> keepers_;  // set before the fleet serves, read-only after
  Store* store_ = nullptr;
  std::unique_ptr<GroupCommit> commit_;
  std::mutex tenants_written_mutex_;
  std::vector<bool> tenants_written_;  // by TenantId: the store has this tenant
};

}  // namespace core
