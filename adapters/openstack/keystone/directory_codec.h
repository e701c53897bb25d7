// The directory's documents: each entity as one small JSON object under
// its id (a grant under "user target role"), and a tombstone for a
// configured entity a client removed. Decoding checks every field's type:
// a snapshot that carries anything else is refused before it changes a thing.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "adapters/openstack/keystone/directory.h"
#include "core/document.h"

namespace openstack::directory_codec {

inline constexpr std::string_view kProject = "keystone-project";
inline constexpr std::string_view kUser = "keystone-user";
inline constexpr std::string_view kRole = "keystone-role";
inline constexpr std::string_view kGrant = "keystone-grant";
inline constexpr std::string_view kAppCredential = "keystone-app-credential";

core::Document document(const Project& p);
core::Document document(const DirectoryUser& u);  // the hash only: a configured password is never written
core::Document document(const Role& r);
core::Document document(const Grant& g);
core::Document document(const AppCredential& a);
// A configured entity removed: kept as a tombstone, so a restart does not bring it back.
core::Document tombstone(std::string_view kind, std::string key);
std::string grant_key(const Grant& g);

// What a document holds: an entity put (into `state`), or removed; false when it cannot be read.
bool apply(const core::Document& d, DirectoryState& state);

}  // namespace openstack::directory_codec
