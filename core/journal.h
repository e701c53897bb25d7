// The action journal: one entry per call to either API (reads, refusals,
// injected faults and unknown operations included), so a contract test can
// assert which calls its code made and Nova can list instance actions.
// Protocol-neutral: an entry's api, operation and status are the adapter's
// words and numbers, stored as given and never interpreted here.
//
// Cost: appending is O(1); a page or a count is O(page) for one filter (each
// filter has an index), whatever the journal's size. Bounded: past max_entries
// the oldest entries are dropped.
//
// Concurrency: an API call appends its entry (and settles an earlier one)
// into a short pending list, under a lock held only for the push; the
// entries are filed into the journal proper (interned, indexed) by whoever
// reads it next, or by the append that fills the list. So a request thread
// preempted mid-append holds up the others for a push, never for the filing,
// and a read still sees every entry appended before it began.
#pragma once

#include <cstdint>
#include <functional>
#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/state.h"
#include "core/tenants.h"

namespace core {

struct JournalEntry {
  std::uint64_t id = 0;  // given by the journal; 0 until appended
  std::string request_id;
  std::string api;           // "nova", "transfer"
  std::string operation;     // as the client sent it, even when unknown
  std::string caller;        // user name, or access key
  std::string caller_scope;  // project, or account
  std::optional<TenantId> tenant;
  std::string server_uuid;         // the server named: both identities once it is known,
  std::string server_transfer_id;  // else the one the caller gave
  std::optional<Action> action;    // a change: the lifecycle action
  std::optional<State> state_before;
  std::optional<State> state_after;
  int status = 0;            // what the adapter answered, in its protocol
  std::string result;        // "accepted", an error code's name, or "unknown_operation"
  bool injected = false;     // a fault rule produced the answer
  Millis start_ms = 0;
  Millis finish_ms = 0;
  // A change that began a transition: when it settled, and whether it failed.
  std::optional<Millis> settled_ms;
  bool transition_failed = false;
  // A file operation (api sftp): the path the client named, and the bytes
  // moved. Kept in memory; not written to the store.
  std::string path;
  std::uint64_t bytes = 0;

  bool is_change() const { return action.has_value() && result == "accepted"; }
};

// The result word of a call the core accepted.
inline constexpr std::string_view kAccepted = "accepted";

// Names the server a read found in its call's entry, by both identities.
inline void note_server(JournalEntry* call, const std::string& uuid, const std::string& transfer_id) {
  if (!call) return;
  call->server_uuid = uuid;
  call->server_transfer_id = transfer_id;
}

struct JournalQuery {
  std::string api;        // empty: any
  std::string operation;  // empty: any
  std::string server;     // either identity; empty: any
  std::optional<TenantId> tenant;
  std::string result;     // empty: any
  bool changes_only = false;
  std::uint64_t since = 0;   // oldest first: entries after this id
  std::uint64_t before = 0;  // newest first: entries before this id (0: from the newest)
  bool newest_first = false;
  std::size_t limit = 100;
};

class Journal {
 public:
  explicit Journal(std::size_t max_entries = 100000);
  ~Journal();
  Journal(const Journal&) = delete;
  Journal& operator=(const Journal&) = delete;

  void set_max_entries(std::size_t max_entries);
  std::size_t max_entries() const;

  // Gives the entry the next id and keeps it; returns the id.
  std::uint64_t append(const JournalEntry& entry);
  // Finishes the entry of one API call answered with `status`: appends it,
  // or, when its change was already written (it has an id) but the answer
  // changed (the store refused it), records the refusal. An entry with no
  // result yet gets "accepted" below 400 and "internal" otherwise.
  void finish(JournalEntry& call, int status, Millis now);
  // Records that the transition begun by entry `id` settled at `at`.
  void settle(std::uint64_t id, Millis at, bool failed);
  // Rewrites the outcome of entry `id` (a change its store refused).
  void refuse(std::uint64_t id, int status, std::string_view result);
  // Takes entry `id` out: a change another gateway beat, whose call is
  // decided again and journaled once, as whatever it ends as.
  void forget(std::uint64_t id);

  std::optional<JournalEntry> find(std::uint64_t id) const;
  std::vector<JournalEntry> read(const JournalQuery& query) const;
  std::size_t count(const JournalQuery& query) const;

  // Entries restored from a store, oldest first, and the next id to give.
  void restore(std::vector<JournalEntry> entries, std::uint64_t next_id);
  void clear();
  std::uint64_t next_id() const;
  // Appends `entries` (giving each its id) with ids from the first that
  // `reserve` hands out, given the id they would have had; nothing when it
  // hands out none. Another gateway's entries on a shared store take the others.
  bool append_reserved(const std::vector<JournalEntry*>& entries,
                       const std::function<std::optional<std::uint64_t>(std::uint64_t)>& reserve);
  std::uint64_t oldest_id() const;  // the oldest entry kept (next_id() when empty)
  std::size_t size() const;
  // Distinct strings held (servers, callers, operations): bounded by what the
  // kept entries name, however many servers came and went before them.
  std::size_t distinct_strings() const;

 private:
  struct Impl;
  // An append or a settlement not filed yet.
  struct Pending {
    std::uint64_t id = 0;
    std::optional<JournalEntry> entry;  // an append; none: settles entry `id`
    Millis settled_at = 0;
    bool failed = false;
  };
  std::uint64_t push(Pending op);  // returns the id an append was given
  void file_pending() const;         // files what is pending (takes mutex_)
  void file_pending_locked() const;  // the same, mutex_ held for writing

  mutable std::shared_mutex mutex_;  // the filed journal
  std::unique_ptr<Impl> impl_;
  mutable std::mutex pending_mutex_;  // after mutex_ when both are held
  mutable std::vector<Pending> pending_;
  std::uint64_t next_id_ = 1;  // the next id to give, under pending_mutex_
  mutable std::atomic<bool> has_pending_{false};
};

}  // namespace core
