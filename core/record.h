// A server's whole state as the fleet keeps it and a store saves it: what
// clients see (ServerInfo), a transition under way, and its billing. Plain
// data: the fleet changes copies of it and a store writes it as it is.
#pragma once

#include <cstdint>
#include <optional>

#include "core/server.h"

namespace core {

// A transition under way: where it settles, when, and whether it fails.
struct PendingTransition {
  Action action = Action::Stop;
  State to = State::Running;
  State failed = State::Running;
  bool fail = false;                // an injected failure: it settles in `failed`
  Millis due_ms = 0;
  std::uint64_t journal_id = 0;     // the journal entry of the call that began it (0: none)
};

// PendingTransition::journal_id of a change not yet committed: "the journal
// entry written with this change", whose id the commit gives.
inline constexpr std::uint64_t kJournalIdOfThisChange = ~std::uint64_t{0};

struct ServerRecord {
  ServerInfo info;
  std::optional<PendingTransition> pending;
  Millis billed_since = 0;  // billing is accounted up to here
  Millis running_ms = 0;    // billed while powered on
  Millis stopped_ms = 0;    // billed while powered off
  std::optional<Millis> deleted_ms;  // set: deleted, kept for the ledger
  // Bumped by every change: a store shared by several gateways writes a
  // change only over the version it was computed on (compare-and-swap).
  std::uint64_t version = 0;
};

}  // namespace core
