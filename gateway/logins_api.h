// GET /_gateway/servers/{id}/logins: who may log in to a server and the
// host keys it presents, for the dashboard and tests (either identity; any
// tenant's). Private key material is never shown.
#pragma once

#include "core/fleet.h"
#include "core/logins.h"

namespace httplib {
class Server;
}

namespace gateway {

void mount_logins(httplib::Server& server, core::Fleet& fleet, core::Logins& logins);

}  // namespace gateway
