// What the core knows of a server, and who is asking. Plain data: adapters
// render ServerInfo in their own vocabulary and build a Caller from their
// credentials.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/clock.h"
#include "core/error.h"
#include "core/state.h"
#include "core/tenants.h"

namespace core {

// The billing note every successful stop carries (GATEWAY.md).
inline constexpr std::string_view kBillingNote =
    "server remains billable while stopped; delete it to stop billing";

using Pairs = std::vector<std::pair<std::string, std::string>>;

struct LockInfo {
  bool locked = false;
  LockOwner by = LockOwner::Owner;
  std::string reason;
};

struct ServerInfo {
  std::string uuid;         // Nova identity, lowercase, fixed at creation
  std::string transfer_id;  // Transfer identity, s-<17 hex>, fixed at creation
  TenantId tenant = 0;
  std::string name;
  State state = State::Provisioning;
  LockInfo lock;
  Millis created_ms = 0;
  Millis updated_ms = 0;
  std::optional<Millis> launched_ms;  // the first time it reached Running
  bool clean_shutdown = false;        // the last stop shut the server down cleanly
  std::optional<State> transition_from;  // in between: the settled state the transition began in
  Pairs tags;        // ordered key/value tags, as given
  Pairs metadata;    // key/value metadata
  Pairs attributes;  // adapter-owned properties ("nova.flavor", ...): stored, never read by the core
  std::string fault;  // why the server is in error, when something it asked for could not be given
  std::uint64_t seq = 0;  // creation order: the stable listing order
};

// The value of a key in a Pairs, if present.
std::optional<std::string_view> find_pair(const Pairs& pairs, std::string_view key);
// Sets key to value, replacing an existing entry in place or appending.
void set_pair(Pairs& pairs, std::string key, std::string value);

// Who is asking, as the adapter authenticated them.
struct Caller {
  TenantId tenant = 0;
  bool admin = false;        // may stop/start/delete a locked server and unlock any lock
  bool may_act = true;       // false for read-only roles: every change is Forbidden
  bool all_tenants = false;  // lookups see every tenant's servers (Nova admin)
};

// A network interface a new server asks for: an existing port (by id), or
// a new one on a network (by id; empty: its tenant's default network),
// optionally with a fixed address.
struct NicRequest {
  std::string network;
  std::string port;
  std::string fixed_ip;
};

struct CreateSpec {
  std::string name;  // empty: the Transfer id is used as the name
  Pairs tags;
  Pairs metadata;
  Pairs attributes;
  // For servers loaded from a fleet file: fixed identities (validated and
  // checked for uniqueness), a settled initial state and a lock.
  std::optional<std::string> uuid;
  std::optional<std::string> transfer_id;
  std::optional<State> initial_state;
  LockInfo lock;
  // Its interfaces, each required (one that cannot be given fails the
  // create, as Nova's). Nothing given: one on its tenant's default network
  // if an address is free there, and none otherwise (a Transfer server, a
  // server loaded from a file); an empty list: none.
  std::optional<std::vector<NicRequest>> nics;
  // The security groups (ids or names) of the interfaces it gets; none: the tenant's `default`.
  std::vector<std::string> security_groups;
};

struct JournalEntry;
struct Editable;

// How to carry out one lifecycle call: faults the control plane decided, and
// the journal entry of the API call behind it.
struct ActOptions {
  bool fail_transition = false;  // the transition ends in its failed state
  // Edits made with the action, in the same commit, once every check has
  // passed (a rebuild's new image, a resize's flavor). It may refuse with
  // an error (a check of the adapter's own, made after the core's): then
  // nothing changes.
  std::function<std::optional<Error>(Editable&)> edit;
  // The call's journal entry, as the adapter began it (api, operation,
  // caller, request id, and the status it answers with when the change is
  // accepted). The fleet fills in the server and the states; an accepted
  // change writes it with the change and gives it an id. Null: not journaled.
  JournalEntry* call = nullptr;
};

// What a successful stop returns: the server and the billing note.
struct StopReceipt {
  ServerInfo server;
  std::string_view billing_note = kBillingNote;
};

// The fields an update may change.
struct Editable {
  std::string& name;
  Pairs& tags;
  Pairs& metadata;
  Pairs& attributes;
};

}  // namespace core
