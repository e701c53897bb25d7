// Keystone's POST /identity/v3/auth/tokens body through
// openstack::parse_auth_request: the password and token methods, and the project
// scope. A 400's message must render as UTF-8 JSON.
// Input: the body.
#include <cstddef>
#include <cstdint>
#include <string>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "adapters/openstack/keystone/keystone.h"
#include "tests/fuzz/fuzz_world.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto parsed = openstack::parse_auth_request(fuzz::as_text(data, size));
  if (const auto* problem = std::get_if<std::string>(&parsed)) {
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
    w.String(problem->c_str(), static_cast<rapidjson::SizeType>(problem->size()));
    fuzz::require_json({buffer.GetString(), buffer.GetSize()}, "a 400 message");
    return 0;
  }
  const auto& request = std::get<openstack::AuthRequest>(parsed);
  if (!request.scoped && request.project) std::abort();  // a project only comes with a scope
  return 0;
}
