// POST /_gateway/credentials: credentials of a tenant, for the page to act
// through the real APIs as that tenant's clients do (a Keystone token of a
// member of the project, or an access key of the account). The control plane
// is the operator's: whoever may reset everything may act as any tenant.
#pragma once

#include "adapters/openstack/api.h"
#include "adapters/transfer/api.h"

namespace httplib {
class Server;
}

namespace gateway {

void mount_credentials(httplib::Server& server, openstack::Api& openstack, transfer::Api& transfer);

}  // namespace gateway
