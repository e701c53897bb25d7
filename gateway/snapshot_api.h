// Snapshots: GET /_gateway/snapshot returns the whole fleet as a fleet file
// (--fleet loads it unchanged); POST replaces the fleet with one, validated
// whole before anything changes.
#pragma once

#include "core/fleet.h"
#include "core/ids.h"

namespace httplib {
class Server;
}

namespace gateway {

void mount_snapshots(httplib::Server& server, core::Fleet& fleet, core::IdSource& ids);

}  // namespace gateway
