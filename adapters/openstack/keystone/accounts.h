// The AWS tenant of a project made through Keystone, so the Transfer side
// sees it at once: the account and region the config's project_accounts
// give its name, when no other project holds them; else an account derived
// from its id, in us-east-1 (the id's first ten hex digits as a number,
// modulo 10^12, twelve digits with leading zeros; the next number up while
// another project holds it). The same id always gets the same account.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "adapters/openstack/shared/settings.h"
#include "core/tenants.h"

namespace openstack {

// (account, region) for the new project `id` named `name`.
std::pair<std::string, std::string> account_for(const std::string& id, const std::string& name,
                                                const std::vector<ProjectAccount>& configured,
                                                const core::Tenants& tenants);

}  // namespace openstack
