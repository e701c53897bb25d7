// The compute API's admin side mounted on the server: flavors' changes,
// quotas and limits, server groups, hypervisors, services, hosts,
// aggregates, availability zones, migrations, usage, extensions, guest
// agents, and a server's extras (diagnostics, password, tags). Each
// route goes through api.cpp's pipeline (`compute`: request ids, token,
// microversion, journal) before its handler.
#pragma once

#include <functional>
#include <string_view>

#include "adapters/openstack/nova/service.h"

namespace httplib {
class Server;
}

namespace openstack {

using ComputeHandler = std::function<void(const httplib::Request&, httplib::Response&, const Call&)>;
// Wraps a handler in the compute pipeline, journaled under `operation`.
using ComputePipeline =
    std::function<std::function<void(const httplib::Request&, httplib::Response&)>(std::string_view operation,
                                                                                   ComputeHandler handler,
                                                                                   bool takes_body)>;

void mount_admin_routes(httplib::Server& server, Service& service, const ComputePipeline& compute);

// The methods an admin path takes (for the 405's Allow), or null when it is not one of them.
const char* admin_methods(const std::string& path);

}  // namespace openstack
