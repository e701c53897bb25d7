// The fleet: every server of every tenant, thread-safe, with the lifecycle
// rules of transitions.h, billing, listing with cursors and events.
// Protocol-neutral: it never knows a status code, a header or a JSON value.
//
// Concurrency: each server has its own mutex; lookups go through sharded
// indexes under shared locks, so no global lock sits on the stop path. Checks
// run in Nova's order: not found, policy, lock, state.
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
#include "core/events.h"
#include "core/faults.h"
#include "core/ids.h"
#include "core/result.h"
#include "core/server.h"
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

  // A new server in the caller's tenant: Provisioning, then Running.
  Result<ServerInfo> create(const Caller& caller, CreateSpec spec, ActOptions options = {});
  // A server as loaded from a fleet file: settled in spec.initial_state, no transition.
  Result<ServerInfo> seed(TenantId tenant, CreateSpec spec);

  // Lookup by either identity (a UUID in any case, or a Transfer id).
  Result<ServerInfo> get(const Caller& caller, std::string_view id);
  Result<StopReceipt> stop(const Caller& caller, std::string_view id, ActOptions options = {});
  Result<ServerInfo> start(const Caller& caller, std::string_view id, ActOptions options = {});
  Result<ServerInfo> remove(const Caller& caller, std::string_view id);
  Result<ServerInfo> lock(const Caller& caller, std::string_view id, std::string reason = {});
  Result<ServerInfo> unlock(const Caller& caller, std::string_view id);
  // Changes name, tags, metadata or attributes; the lock does not apply.
  Result<ServerInfo> update(const Caller& caller, std::string_view id,
                            const std::function<void(Editable&)>& edit);

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
  // Removes every server and forgets the ledger (the control plane's reset).
  void clear();

  EventBus& events() { return events_; }
  // The fault rules adapters consult before each operation.
  Faults& faults() { return faults_; }
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
  Result<Opened> open_for_change(const Caller& caller, std::string_view id, Action action);

  RecordPtr find(std::string_view id) const;
  Result<RecordPtr> find_visible(const Caller& caller, std::string_view id, Action action) const;
  Result<ServerInfo> insert(TenantId tenant, CreateSpec spec, Action cause, ActOptions options);
  Result<ServerInfo> act(const Caller& caller, std::string_view id, Action action, ActOptions options);

  // These run with the record's mutex held.
  void settle_if_due(Record& r, Millis now);
  void change_state(Record& r, State to, Millis at, Action cause);
  void begin(const RecordPtr& r, Action action, Millis now, ActOptions options);
  // Makes the in-between state settle `transition_ms(action)` from now.
  void schedule(const RecordPtr& r, Action action, Millis now, bool fail);
  void publish(const Record& r, EventKind kind, std::optional<State> old_state, Millis at,
               std::optional<Action> cause);
  LedgerEntry ledger_entry(const Record& r, Millis now) const;

  Shard& shard_of(std::string_view id) const;

  const Clock& clock_;
  IdSource& ids_;
  Tenants& tenants_;
  EventBus events_;
  Faults faults_;
  std::array<std::atomic<Millis>, kActionCount> transition_ms_{};
  std::atomic<std::uint64_t> next_seq_{1};
  std::array<std::atomic<std::int64_t>, kStateCount> by_state_{};

  mutable std::array<Shard, kShards> shards_;

  mutable std::shared_mutex order_mutex_;  // guards the two ordered indexes
  std::map<std::uint64_t, RecordPtr> ordered_;
  std::unordered_map<TenantId, std::map<std::uint64_t, RecordPtr>> ordered_by_tenant_;

  std::mutex due_mutex_;
  std::priority_queue<Due, std::vector<Due>, std::greater<>> due_;

  std::mutex deleted_mutex_;
  std::deque<LedgerEntry> deleted_;
};

}  // namespace core
