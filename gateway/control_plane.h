// The control plane on /_gateway: health and the fleet as the core sees it
// (both identities, core state, lock, tenant). Wiring only; it reads the core.
#pragma once

#include "core/fleet.h"

namespace httplib {
class Server;
}

namespace gateway {

void mount_control_plane(httplib::Server& server, core::Fleet& fleet);

}  // namespace gateway
