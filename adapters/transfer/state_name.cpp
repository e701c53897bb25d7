// GATEWAY.md's and NOVA.md's state mapping, Transfer side: one name per core
// state. Transfer has six states; a state it lacks shows as the nearest one:
// a server that serves is ONLINE (a resize awaiting confirmation included),
// one that does not is OFFLINE (paused, suspended, shelved, soft-deleted),
// and one on the move is STARTING when its transition ends serving (a boot,
// a reboot, a rebuild, a resize, an unpause, a restore, ...) and STOPPING
// when it ends not serving (a stop, a pause, a shelve, the rebuild of a
// stopped server, ...). A snapshot or a backup under way shows where it began.
#include "adapters/transfer/api.h"

#include "core/transitions.h"

namespace transfer {
namespace {

bool serving(core::State s) { return s == core::State::Running || s == core::State::Resized; }

}  // namespace

std::string_view state_name(core::State state, std::optional<core::State> from) {
  using enum core::State;
  switch (state) {
    case StopFailed: return "STOP_FAILED";
    case StartFailed: return "START_FAILED";
    // An image of the server does not change whether it serves.
    case Snapshotting:
    case BackingUp: return serving(from.value_or(Running)) ? "ONLINE" : "OFFLINE";
    default: break;
  }
  if (const auto moving = core::settling(state, from)) return serving(moving->to) ? "STARTING" : "STOPPING";
  return serving(state) ? "ONLINE" : "OFFLINE";
}

}  // namespace transfer
