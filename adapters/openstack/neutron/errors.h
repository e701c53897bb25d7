// Neutron's error body, {"NeutronError": {"type", "message", "detail"}},
// and the one table that maps core errors (and the network model's rules,
// by core::Error::reason) to Neutron's types and status codes.
#pragma once

#include <string>
#include <string_view>

#include "core/error.h"

namespace openstack::neutron {

struct NeutronError {
  int status = 500;
  std::string type;     // NetworkNotFound, IpAddressGenerationFailure, ...
  std::string message;
};

NeutronError bad_request(std::string message);  // HTTPBadRequest
NeutronError invalid_input(std::string message);  // InvalidInput, "Invalid input for operation: ..."
NeutronError not_found(std::string message);    // HTTPNotFound
NeutronError policy_refused(std::string_view rule);  // HTTPForbidden, "rule:<rule> is disallowed by policy"
NeutronError from_core(const core::Error& e);

// The body of an error (its message kept UTF-8).
std::string error_body(const NeutronError& e);

}  // namespace openstack::neutron
