#include "adapters/openstack/neutron/errors.h"

#include <map>

#include <fmt/format.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "core/text.h"

namespace openstack::neutron {
namespace {

// A resource that is not there, by the kind core::missing names.
NeutronError missing(const core::Error& e) {
  const auto& id = e.subject;
  if (e.reason == "network") return {404, "NetworkNotFound", fmt::format("Network {} could not be found.", id)};
  if (e.reason == "subnet") return {404, "SubnetNotFound", fmt::format("Subnet {} could not be found.", id)};
  if (e.reason == "port") return {404, "PortNotFound", fmt::format("Port {} could not be found.", id)};
  if (e.reason == "router") return {404, "RouterNotFound", fmt::format("Router {} could not be found.", id)};
  if (e.reason == "floatingip") return {404, "FloatingIPNotFound", fmt::format("Floating IP {} could not be found", id)};
  if (e.reason == "security_group")
    return {404, "SecurityGroupNotFound", fmt::format("Security group {} does not exist", id)};
  if (e.reason == "security_group_rule")
    return {404, "SecurityGroupRuleNotFound", fmt::format("Security group rule {} does not exist", id)};
  if (e.reason == "external_gateway") return {404, "ExternalGatewayForFloatingIPNotFound", id};
  return {404, "HTTPNotFound", fmt::format("The resource {} could not be found.", id)};
}

// The network model's conflicts, by rule.
const std::map<std::string, std::pair<int, std::string>, std::less<>>& conflicts() {
  static const std::map<std::string, std::pair<int, std::string>, std::less<>> table = {
      {"network_in_use", {409, "NetworkInUse"}},
      {"subnet_in_use", {409, "SubnetInUse"}},
      {"address_in_use", {409, "IpAddressAlreadyAllocated"}},
      {"no_address_free", {409, "IpAddressGenerationFailure"}},
      {"mac_in_use", {409, "MacAddressInUse"}},
      {"port_in_use", {409, "PortInUse"}},
      {"port_owned", {409, "ServicePortInUse"}},
      {"router_in_use", {409, "RouterInUse"}},
      {"interface_in_use", {409, "RouterInterfaceInUseByFloatingIP"}},
      {"no_such_interface", {404, "RouterInterfaceNotFound"}},
      {"gateway_in_use", {409, "RouterExternalGatewayInUseByFloatingIp"}},
      {"fixed_ip_taken", {409, "FloatingIPPortAlreadyAssociated"}},
      {"default_group", {409, "SecurityGroupCannotRemoveDefault"}},
      {"default_group_exists", {409, "SecurityGroupDefaultAlreadyExists"}},
      {"group_in_use", {409, "SecurityGroupInUse"}},
      {"rule_exists", {409, "SecurityGroupRuleExists"}},
      {"external_network_in_use", {409, "ExternalNetworkInUse"}},
      {"port_security_disabled", {409, "PortSecurityPortHasSecurityGroup"}},
      {"exists", {409, "Conflict"}},
  };
  return table;
}

}  // namespace

NeutronError bad_request(std::string message) { return {400, "HTTPBadRequest", std::move(message)}; }
NeutronError invalid_input(std::string message) { return {400, "InvalidInput", std::move(message)}; }
NeutronError not_found(std::string message) { return {404, "HTTPNotFound", std::move(message)}; }

NeutronError policy_refused(std::string_view rule) {
  return {403, "HTTPForbidden", fmt::format("rule:{} is disallowed by policy", rule)};
}

NeutronError from_core(const core::Error& e) {
  switch (e.code) {
    case core::ErrorCode::NotFound: return missing(e);
    case core::ErrorCode::Conflict: {
      const auto it = conflicts().find(e.reason);
      if (it == conflicts().end()) return {409, "Conflict", e.detail};
      return {it->second.first, it->second.second, e.detail};
    }
    case core::ErrorCode::OverQuota: return {409, "OverQuota", e.detail};
    case core::ErrorCode::InvalidArgument: return bad_request(e.detail.empty() ? e.subject : e.detail);
    case core::ErrorCode::Forbidden:
    case core::ErrorCode::Locked:
      return {403, "HTTPForbidden", "The request you have made is not allowed by policy."};
    case core::ErrorCode::Unauthenticated: return {401, "HTTPUnauthorized", "Authentication required"};
    case core::ErrorCode::InvalidState: return {409, "Conflict", e.detail.empty() ? e.subject : e.detail};
    case core::ErrorCode::Throttled: return {429, "HTTPTooManyRequests", "Rate limit exceeded."};
    case core::ErrorCode::Unavailable:
      return {503, "ServiceUnavailable", "The service is unavailable at this time."};
    case core::ErrorCode::Internal: break;
  }
  return {500, "HTTPInternalServerError", "Request Failed: internal server error while processing your request."};
}

std::string error_body(const NeutronError& e) {
  const auto message = core::valid_utf8(e.message);
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  w.StartObject();
  w.Key("NeutronError");
  w.StartObject();
  w.Key("type");
  w.String(e.type.c_str(), static_cast<rapidjson::SizeType>(e.type.size()));
  w.Key("message");
  w.String(message.c_str(), static_cast<rapidjson::SizeType>(message.size()));
  w.Key("detail");
  w.String("");
  w.EndObject();
  w.EndObject();
  return {buffer.GetString(), buffer.GetSize()};
}

}  // namespace openstack::neutron
