// What one API call was, in words an operator reads: the API, the operation,
// the server it named and who called. The adapter that serves a call notes
// it; the gateway reports it (the JSON access log). No HTTP here, only names.
#pragma once

#include <string>
#include <string_view>

namespace core {

struct CallNote {
  std::string_view api;        // "nova", "transfer", "keystone"; empty: no adapter noted this call
  std::string operation;       // "os-stop", "StopServer", "list", ... as the client asked
  std::string server;          // the server identity the call named; empty: none
  // The caller, as two named parts: ("user", "demo") and ("project", "demo"),
  // or ("access_key", "AKID...") and ("account", "000000000000"). Empty: not
  // authenticated (yet).
  std::string_view principal_kind;
  std::string principal;
  std::string_view scope_kind;
  std::string scope;

  // Back to empty, keeping the strings' capacity (no allocation per call).
  void clear();
};

// The note of the call this thread is serving. A call is served from start
// to finish on one thread (cpp-httplib's model: routing, handler and logger
// run on the connection's worker), so the note needs no lock and no
// plumbing through handler signatures. The gateway clears it per call.
CallNote& this_call();

}  // namespace core
