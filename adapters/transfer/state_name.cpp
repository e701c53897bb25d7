// GATEWAY.md's and NOVA.md's state mapping, Transfer side: one name per core
// state. Transfer has six states; a state it lacks shows as the nearest one:
// paused, suspended and shelved servers do not serve (OFFLINE), a reboot or
// any way back to running is STARTING, any way down is STOPPING.
#include "adapters/transfer/api.h"

namespace transfer {

std::string_view state_name(core::State state) {
  using enum core::State;
  switch (state) {
    case Running: return "ONLINE";
    case Stopped:
    case Paused:
    case Suspended:
    case Shelved:
    case ShelvedOffloaded: return "OFFLINE";
    case Stopping:
    case Pausing:
    case Suspending:
    case Shelving:
    case ShelvingOffloading: return "STOPPING";
    case Provisioning:
    case Starting:
    case Rebooting:
    case RebootingHard:
    case Unpausing:
    case Resuming:
    case Unshelving: return "STARTING";
    case StopFailed: return "STOP_FAILED";
    case StartFailed: return "START_FAILED";
  }
  return "OFFLINE";
}

}  // namespace transfer
