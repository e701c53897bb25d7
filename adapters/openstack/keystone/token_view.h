// A token's body as Keystone renders it ({"token": {...}}): methods, user,
// project and catalog when scoped, roles, times, audit ids, and the
// application credential it was issued through.
#pragma once

#include <string>

#include "adapters/openstack/keystone/identity.h"

namespace openstack {

// `base`: the scheme and host the client used (the catalog's URLs).
std::string token_body(const Identity& id, const std::string& base);

// Keystone's times: "2024-01-31T10:00:05.123456Z".
std::string keystone_time(std::chrono::system_clock::time_point t);

}  // namespace openstack
