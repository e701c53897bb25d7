// The closed set of lifecycle errors. Errors carry facts (which action, which
// state, which id); the adapters turn facts into words and status codes.
// This header must never know a status code or a wire format.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/state.h"

namespace core {

enum class ErrorCode {
  NotFound,         // no server with that identity is visible to the caller
  InvalidState,     // the action is not allowed from the state the server is in
  Locked,           // the server is locked and the caller may not override it
  Forbidden,        // the caller is known but its role does not allow the action
  Unauthenticated,  // the caller could not be identified (bad or missing credential)
  InvalidArgument,  // the request names something malformed or out of range
  Conflict,         // the request collides with what exists: a name or address taken, a thing in use, none left
  OverQuota,        // the caller's tenant would go over one of its quotas
  Throttled,        // the caller must slow down; retry_after_s says for how long
  Unavailable,      // the service cannot take work now (draining, injected outage)
  Internal,         // a broken invariant or an injected fault: never the caller's fault
};

// "not_found", "invalid_state", ...: the word the journal records as a call's result.
std::string_view name(ErrorCode code);

struct Error {
  ErrorCode code = ErrorCode::Internal;
  Action action = Action::Create;       // what the caller tried
  State state = State::Running;         // InvalidState: the state the server was in
  std::optional<Action> task;           // InvalidState: the transition under way, if any
  LockOwner lock_owner = LockOwner::Owner;  // Locked / Forbidden on unlock: who holds the lock
  std::string subject;                  // the id or field the error is about
  std::string detail;                   // InvalidArgument, Conflict: what is wrong, in plain words
  std::string reason;                   // Conflict, OverQuota, NotFound of a non-server: which rule or resource
                                        // (a word an adapter's table maps, e.g. "no_address_free", "network")
  int retry_after_s = 0;                // Throttled: seconds to wait
};

// One-line constructors, so call sites read as the rule they apply.
Error not_found(std::string id, Action action);
Error invalid_state(std::string id, Action action, State state);
Error locked(std::string id, Action action, LockOwner owner);
Error forbidden(std::string id, Action action);
Error unauthenticated(std::string detail);
Error invalid_argument(std::string field, std::string detail);
// `reason`: the rule that refused it (see Error::reason); `subject`: what it is about.
Error conflict(std::string reason, std::string subject, std::string detail);
Error over_quota(std::string resource, std::string detail);
// Something other than a server (a network, a port, a user) that is not there.
Error missing(std::string kind, std::string id);
Error throttled(int retry_after_s);
Error unavailable(std::string detail);
Error internal(std::string detail);

}  // namespace core
