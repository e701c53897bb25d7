// Neutron attributes the network model keeps for the adapter, in
// core::net's `extra` pairs (the model never reads them).
#pragma once

#include <string_view>

namespace openstack::neutron {

inline constexpr std::string_view kIpv6RaMode = "neutron.ipv6_ra_mode";
inline constexpr std::string_view kIpv6AddressMode = "neutron.ipv6_address_mode";
inline constexpr std::string_view kExtraDhcpOpts = "neutron.extra_dhcp_opts";  // JSON text
inline constexpr std::string_view kVnicType = "neutron.binding:vnic_type";
inline constexpr std::string_view kHostId = "neutron.binding:host_id";
inline constexpr std::string_view kBindingProfile = "neutron.binding:profile";  // JSON text

}  // namespace openstack::neutron
