// Transfer's wire errors: the one table that maps core errors to them, and
// the way every error is written (both the `__type` body field, which
// botocore reads, and the x-amzn-ErrorType header, which the JS SDK reads).
#pragma once

#include <string>
#include <string_view>

#include "core/error.h"

namespace transfer {

struct WireError {
  std::string_view type;  // "ResourceNotFoundException", ...
  int status = 400;
  std::string message;
  std::string resource;       // ResourceNotFoundException, ResourceExistsException: the id or name
  std::string_view resource_type = "Server";  // and what kind of thing it is ("Server", "User", "HostKey", ...)
  int retry_after_s = -1;     // ThrottlingException: RetryAfterSeconds, and Retry-After
  std::string_view result = "invalid_argument";  // the journal's word for it (a core error's name, ...)
};

// Errors of the protocol itself, before any core call.
WireError serialization_error(std::string message);         // body is not JSON
WireError unknown_operation(std::string_view target);      // X-Amz-Target not ours
WireError missing_authentication();                        // no Authorization header
WireError access_denied(std::string message);               // bad signature, unknown key
WireError invalid_request(std::string message);             // model constraints
WireError invalid_next_token();                             // a token we did not issue

// The table: a core error, for the operation that met it.
WireError from_core(const core::Error& e, std::string_view operation);

// The JSON body of an error: {"__type": ..., "Message": ..., ...}.
std::string error_body(const WireError& e);

}  // namespace transfer
