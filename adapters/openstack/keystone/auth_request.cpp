#include "adapters/openstack/keystone/auth_request.h"

#include <algorithm>

#include <rapidjson/document.h>

#include "core/text.h"

namespace openstack {
namespace {

const rapidjson::Value* member(const rapidjson::Value& v, const char* name) {
  if (!v.IsObject()) return nullptr;
  auto it = v.FindMember(name);
  return it == v.MemberEnd() ? nullptr : &it->value;
}

// A string field as UTF-8 (ids and names are echoed in messages); "" when absent or not a string.
std::string string_of(const rapidjson::Value* v) {
  return v && v->IsString() ? core::valid_utf8({v->GetString(), v->GetStringLength()}) : std::string();
}

NamedRef named(const rapidjson::Value* v) {
  NamedRef ref;
  if (!v) return ref;
  ref.id = string_of(member(*v, "id"));
  ref.name = string_of(member(*v, "name"));
  if (const auto* domain = member(*v, "domain")) {
    ref.domain_id = string_of(member(*domain, "id"));
    ref.domain_name = string_of(member(*domain, "name"));
  }
  return ref;
}

}  // namespace

bool AuthRequest::has(std::string_view method) const {
  return std::find(methods.begin(), methods.end(), method) != methods.end();
}

std::variant<AuthRequest, std::string> parse_auth_request(std::string_view body) {
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseIterativeFlag | rapidjson::kParseValidateEncodingFlag>(body.data(), body.size());
  if (doc.HasParseError() || !doc.IsObject()) return std::string("The request body is not a valid JSON object.");
  const auto* auth = member(doc, "auth");
  if (!auth || !auth->IsObject()) return std::string("'auth' is a required property");
  const auto* identity = member(*auth, "identity");
  if (!identity || !identity->IsObject()) return std::string("'identity' is a required property");
  const auto* methods = member(*identity, "methods");
  if (!methods || !methods->IsArray() || methods->Empty()) return std::string("'methods' is a required property");
  AuthRequest request;
  for (const auto& m : methods->GetArray()) {
    if (!m.IsString()) return std::string("Invalid input for field 'identity/methods': not a string");
    request.methods.push_back(core::valid_utf8({m.GetString(), m.GetStringLength()}));
  }
  if (request.has("password")) {
    const auto* password = member(*identity, "password");
    const auto* user = password ? member(*password, "user") : nullptr;
    if (!user || !user->IsObject()) return std::string("'user' is a required property");
    request.user = named(user);
    request.password = string_of(member(*user, "password"));
  }
  if (request.has("token")) {
    const auto* token = member(*identity, "token");
    if (!token || !token->IsObject()) return std::string("'token' is a required property");
    request.token = string_of(member(*token, "id"));
  }
  if (request.has("application_credential")) {
    const auto* cred = member(*identity, "application_credential");
    if (!cred || !cred->IsObject()) return std::string("'application_credential' is a required property");
    request.app_credential = named(cred);
    request.secret = string_of(member(*cred, "secret"));
    if (const auto* user = member(*cred, "user")) request.user = named(user);
  }
  if (const auto* scope = member(*auth, "scope")) {
    if (!scope->IsObject()) return std::string("Invalid input for field 'auth/scope': not an object");
    if (const auto* project = member(*scope, "project")) {
      request.scope = AuthRequest::Scope::Project;
      request.project = named(project);
    } else if (member(*scope, "domain")) {
      request.scope = AuthRequest::Scope::Domain;
    } else if (member(*scope, "system")) {
      request.scope = AuthRequest::Scope::System;
    } else if (!scope->ObjectEmpty()) {
      return std::string("Invalid input for field 'auth/scope': unknown scope");
    }
  }
  return request;
}

}  // namespace openstack
