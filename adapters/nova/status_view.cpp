// GATEWAY.md's state mapping, Nova side: one row per core state.
#include "adapters/nova/api.h"

namespace nova {

StatusView status_view(core::State state) {
  switch (state) {
    case core::State::Provisioning: return {"BUILD", "building", "spawning", 0};
    case core::State::Running: return {"ACTIVE", "active", "", 1};
    case core::State::Stopping: return {"ACTIVE", "active", "powering-off", 1};
    case core::State::Stopped: return {"SHUTOFF", "stopped", "", 4};
    case core::State::Starting: return {"SHUTOFF", "stopped", "powering-on", 4};
    case core::State::StopFailed: return {"ERROR", "error", "", 1};
    case core::State::StartFailed: return {"ERROR", "error", "", 4};
  }
  return {"ERROR", "error", "", 0};
}

}  // namespace nova
