// Nova's fault bodies, and the one table that maps core errors to them:
// {"<name>": {"code": N, "message": "..."}} with Nova's exact messages.
#pragma once

#include <string>
#include <string_view>

#include "core/error.h"

namespace openstack {

struct Fault {
  int status = 500;
  std::string_view name;  // itemNotFound, conflictingRequest, ...
  std::string message;
  int retry_after_s = -1;  // overLimit: retryAfter and Retry-After
  std::string_view result = {};  // the journal's word for it; empty: from the status (journal_result)
};

// The journal's result for a fault: its own, or the one its status implies.
std::string_view journal_result(const Fault& f);

Fault bad_request(std::string message);
Fault not_found(std::string message);
Fault conflicting_request(std::string message);  // 409 conflictingRequest
// 403 "Policy doesn't allow <rule> to be performed."
Fault policy_refused(std::string_view rule);
Fault unauthorized();  // keystonemiddleware's 401 (its own body shape)

// The table: a core error met by `action` ("stop", "start", "lock", ...).
Fault from_core(const core::Error& e);

// The JSON body of a fault; the 401 has keystonemiddleware's shape.
std::string fault_body(const Fault& f);

// The policy name Nova checks for an action (os_compute_api:servers:stop, ...).
std::string policy_name(core::Action action, bool unlock_override);

// Nova's name for an action, in its 409 messages and instance actions:
// "stop", "reboot" (soft or hard), "shelveOffload", ...
std::string_view action_name(core::Action action);

}  // namespace openstack
