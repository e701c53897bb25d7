// Compute API microversions: negotiation by either header, as Nova does it.
#pragma once

#include <string>
#include <variant>

#include "adapters/openstack/nova/faults.h"

namespace openstack {

struct Version {
  int major = 2;
  int minor = 1;
  bool at_least(int mi) const { return minor >= mi; }
  std::string text() const { return std::to_string(major) + "." + std::to_string(minor); }
};

inline constexpr Version kMinVersion{2, 1};
// The highest version whose views we render exactly: tempest's 2.79 schemas validate them.
inline constexpr Version kMaxVersion{2, 79};

// From "OpenStack-API-Version: compute X.Y" (or "latest"), else
// "X-OpenStack-Nova-API-Version: X.Y"; absent: 2.1. A fault when malformed
// (400) or out of range (406).
std::variant<Version, Fault> negotiate(const std::string& openstack_api_version, const std::string& nova_api_version);

}  // namespace openstack
