// The control plane on /_gateway (and /metrics): health, the fleet as the
// core sees it, billing, fault rules, the clock, reset and metrics. Wiring
// only: it reads and steers the core, never a wire protocol.
#pragma once

#include <atomic>
#include <functional>
#include <string>

#include "core/clock.h"
#include "core/fleet.h"
#include "gateway/metrics.h"

namespace httplib {
class Server;
}

namespace gateway {

struct ControlPlane {
  core::Fleet& fleet;
  core::SwitchableClock& clock;
  Metrics& metrics;
  const std::atomic<bool>& stopping;
  std::function<std::string()> reset;  // back to the fleet loaded at start; "" or what failed
};

void mount_control_plane(httplib::Server& server, ControlPlane plane);

}  // namespace gateway
