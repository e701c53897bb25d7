// GATEWAY.md's state mapping, Transfer side: one name per core state.
#include "adapters/transfer/api.h"

namespace transfer {

std::string_view state_name(core::State state) {
  switch (state) {
    case core::State::Provisioning: return "STARTING";
    case core::State::Running: return "ONLINE";
    case core::State::Stopping: return "STOPPING";
    case core::State::Stopped: return "OFFLINE";
    case core::State::Starting: return "STARTING";
    case core::State::StopFailed: return "STOP_FAILED";
    case core::State::StartFailed: return "START_FAILED";
  }
  return "OFFLINE";
}

}  // namespace transfer
