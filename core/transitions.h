// The lifecycle as one table: (action, state) -> the next state, or "not
// allowed". Every state change in the fleet goes through this table.
#pragma once

#include <optional>

#include "core/state.h"

namespace core {

struct Transition {
  bool allowed = false;
  std::optional<State> via;  // the in-between state while the transition lasts (none: immediate)
  State to = State::Running;      // where it settles (or stays, for lock/unlock/delete, a snapshot, ...)
  State failed = State::Running;  // where an injected failure of the transition leaves it
};

// What `action` does to a server in `from`. Create ignores `from`: it starts
// every new server in Provisioning.
Transition transition(Action action, State from);

// For an in-between state (Provisioning, Stopping, Starting, ...): the
// transition it belongs to, i.e. where it settles and where it fails, for a
// transition that began in `from` (a rebuild begun stopped ends stopped).
// Nothing for a settled state.
std::optional<Transition> settling(State in_between, std::optional<State> from = std::nullopt);

// The action that brings a server that does not serve in `from` (powered
// off, or rescued) back to running: start, unpause, resume, unshelve,
// restore or unrescue (Transfer's StartServer does whichever applies).
// Nothing when none applies.
std::optional<Action> power_on_action(State from);

// Whether `from -> to` is a step that the table can produce (an edge of the
// state machine). Tests use it to check event logs.
bool legal_step(State from, State to);

}  // namespace core
