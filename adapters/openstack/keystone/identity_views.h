// The identity API's entities as Keystone renders them: each with its
// "links" (self), a collection with its own links (self, previous, next).
// `base` is the API's root the client used ("http://HOST/identity/v3").
#pragma once

#include <functional>
#include <string>

#include "adapters/openstack/keystone/directory.h"
#include "adapters/openstack/shared/wire.h"

namespace openstack {

void write_project(Writer& w, const Project& p, const std::string& base);
void write_user(Writer& w, const DirectoryUser& u, const std::string& base);
void write_role(Writer& w, const Role& r, const std::string& base);
void write_default_domain(Writer& w, const std::string& base);
// `secret`: shown once, in the answer to its creation.
void write_app_credential(Writer& w, const AppCredential& a, const DirectoryState& dir, const std::string& base,
                          const std::string* secret = nullptr);

// {"<key>": <one entity>}
std::string member_body(const char* key, const std::function<void(Writer&)>& write);
// {"<key>": [entities], "links": {"self": <self>, "previous": null, "next": null}}
std::string collection_body(const char* key, const std::string& self,
                            const std::function<void(Writer&)>& write_items);

}  // namespace openstack
