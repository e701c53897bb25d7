// The Transfer operations over the core: each takes the caller's context and
// the parsed body, and answers with a body or a wire error.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <rapidjson/document.h>

#include "adapters/transfer/errors.h"
#include "core/fleet.h"
#include "core/logins.h"

namespace transfer {

struct Context {
  core::Fleet& fleet;
  core::Logins& logins;  // the servers' users, keys, host keys and accesses
  core::Caller caller;
  std::string access_key;
  std::string account;
  std::string region;
  core::ActOptions options;  // faults for this call
};

struct Reply {
  std::string body;  // empty: no body (operations with no output shape)
  bool billing_note = false;
  std::optional<WireError> error;
};

using Operation = Reply (*)(Context&, const rapidjson::Value& body);

// A parsed request body, allocating from pools the caller provides (the
// handler's are on its stack, so lifecycle calls never touch the heap).
using PoolAllocator = rapidjson::MemoryPoolAllocator<>;
using Body = rapidjson::GenericDocument<rapidjson::UTF8<>, PoolAllocator, PoolAllocator>;

// Parses a request body into `body`: empty is {}; iteratively (deep nesting
// is an error, not a recursion) and validating UTF-8. A SerializationException
// when it is not JSON, an InvalidRequestException when not an object.
std::optional<WireError> parse_body(std::string_view text, Body& body);

struct NamedOperation {
  std::string_view name;
  Operation run;
};

// The operations, by the file that serves them: servers (operations.cpp),
// tags of any resource (tags.cpp), users and their SSH keys (users.cpp,
// ssh_keys.cpp), host keys (host_keys.cpp), accesses (accesses.cpp), and
// security policies and TestIdentityProvider (policies.cpp).
std::span<const NamedOperation> server_operations();
std::span<const NamedOperation> tag_operations();
std::span<const NamedOperation> user_operations();
std::span<const NamedOperation> ssh_key_operations();
std::span<const NamedOperation> host_key_operations();
std::span<const NamedOperation> access_operations();
std::span<const NamedOperation> policy_operations();

// The operation of an X-Amz-Target suffix ("StopServer"), if we serve it.
Operation find_operation(std::string_view name);
// Every operation served, by name (for the README's list and its test).
std::vector<std::string_view> operation_names();

}  // namespace transfer
