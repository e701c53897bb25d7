#include "core/call_note.h"

namespace core {
namespace {

// Constant-initialised (std::string's default constructor is constexpr), so
// reaching it costs no guard check on the hot path.
thread_local CallNote note;

}  // namespace

void CallNote::clear() {
  api = {};
  operation.clear();
  server.clear();
  principal_kind = {};
  principal.clear();
  scope_kind = {};
  scope.clear();
}

CallNote& this_call() { return note; }

}  // namespace core
