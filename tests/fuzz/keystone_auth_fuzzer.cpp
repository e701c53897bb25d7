// Keystone's POST /identity/v3/auth/tokens body through
// openstack::parse_auth_request: the password, token and
// application_credential methods, users and projects by id or by name in a
// domain, and the scope. A 400's message must render as UTF-8 JSON, and
// every name or id read (echoed in later answers) must be UTF-8.
// Input: the body.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "adapters/openstack/keystone/keystone.h"
#include "tests/fuzz/fuzz_world.h"

namespace {

void require_utf8(const openstack::NamedRef& ref) {
  for (const auto* text : {&ref.id, &ref.name, &ref.domain_id, &ref.domain_name}) fuzz::require_utf8(*text, "a name or id");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto parsed = openstack::parse_auth_request(fuzz::as_text(data, size));
  if (const auto* problem = std::get_if<std::string>(&parsed)) {
    fuzz::require_json(openstack::keystone_error_body(400, "Bad Request", *problem), "a 400 body");
    return 0;
  }
  const auto& request = std::get<openstack::AuthRequest>(parsed);
  if (request.methods.empty()) std::abort();  // a body without methods is a 400
  // A project is read only with a project scope.
  if (request.scope != openstack::AuthRequest::Scope::Project && request.project.given()) std::abort();
  for (const auto& m : request.methods) fuzz::require_utf8(m, "a method");
  require_utf8(request.user);
  require_utf8(request.project);
  require_utf8(request.app_credential);
  return 0;
}
