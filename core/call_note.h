// The call this thread has just served, described as the journal records it
// (api, operation, caller, server, status, result), for whoever reports on
// calls after the answer: the access log. No HTTP here.
#pragma once

#include "core/journal.h"

namespace core {

// The description of the call this thread is serving. A call is served from
// start to finish on one thread (cpp-httplib's model: routing, handler and
// logger run on the connection's worker), so it needs no lock and no
// plumbing through handler signatures. An adapter moves its finished journal
// entry here (Keystone, not journaled, sets it whole); the gateway clears the
// api per call. An empty api: no adapter described this call, and the other
// fields are stale.
JournalEntry& this_call();

}  // namespace core
