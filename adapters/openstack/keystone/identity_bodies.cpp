// Keystone validates bodies with JSON schemas: a missing member is "'x' is
// a required property", a wrong one "Invalid input for field/attribute
// <path>. Value: <value>. <reason>". Unknown attributes of a project or a
// user are Keystone's "extra" attributes: kept and shown back.
#include "adapters/openstack/keystone/identity_bodies.h"

#include <algorithm>

#include <fmt/format.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "adapters/openstack/shared/iso_time.h"
#include "adapters/openstack/shared/wire.h"
#include "core/text.h"

namespace openstack {
namespace {

using Value = rapidjson::Value;

// A value as JSON text (for messages and extra attributes), UTF-8 throughout.
std::string json_text(const Value& v) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  v.Accept(w);
  return core::valid_utf8({buffer.GetString(), buffer.GetSize()});
}

// Characters, as JSON schema's lengths count them (the text is UTF-8).
std::size_t length(std::string_view s) {
  return static_cast<std::size_t>(std::count_if(s.begin(), s.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}

std::string text(const Value& v) { return core::valid_utf8({v.GetString(), v.GetStringLength()}); }

std::string invalid(std::string_view path, const Value& v, std::string_view reason) {
  auto shown = json_text(v);
  if (shown.size() > 200) shown = shown.substr(0, 200) + "...";
  return fmt::format("Invalid input for field/attribute {}. Value: {}. {}", path, core::valid_utf8(shown), reason);
}

// Keystone's names: 1 to max characters, not all whitespace.
std::optional<std::string> check_name(std::string_view path, const Value& v, std::size_t max) {
  if (!v.IsString()) return invalid(path, v, fmt::format("{} is not of type 'string'", json_text(v)));
  const auto s = text(v);
  if (s.empty()) return invalid(path, v, "'' is too short");
  if (length(s) > max) return invalid(path, v, "is too long");
  if (s.find_first_not_of(" \t\r\n\f\v") == std::string::npos)
    return invalid(path, v, fmt::format("{} does not match '[\\\\S]+'", json_text(v)));
  return std::nullopt;
}

// The one member `key` of the body's object, or a message.
std::variant<const Value*, std::string> entity(const rapidjson::Document& doc, const char* key) {
  if (!doc.IsObject()) return std::string("The request body must be a JSON object.");
  const auto it = doc.FindMember(key);
  if (it == doc.MemberEnd()) return fmt::format("'{}' is a required property", key);
  if (!it->value.IsObject()) return invalid(key, it->value, fmt::format("{} is not of type 'object'", json_text(it->value)));
  for (const auto& m : doc.GetObject())
    if (std::string_view(m.name.GetString(), m.name.GetStringLength()) != key)
      return fmt::format("Additional properties are not allowed ('{}' was unexpected)", text(m.name));
  return &it->value;
}

std::optional<std::string> nullable_string(const std::string& path, const Value& v, std::optional<std::string>& out) {
  if (v.IsNull()) out = std::string();
  else if (v.IsString()) out = text(v);
  else return invalid(path, v, fmt::format("{} is not of type 'string', 'null'", json_text(v)));
  return std::nullopt;
}

std::optional<std::string> boolean(const std::string& path, const Value& v, std::optional<bool>& out) {
  if (!v.IsBool()) return invalid(path, v, fmt::format("{} is not of type 'boolean'", json_text(v)));
  out = v.GetBool();
  return std::nullopt;
}

bool parse(std::string_view body, rapidjson::Document& doc) { return parse_json(body, doc); }

constexpr const char* kNotJson = "The request body is not a valid JSON object.";

}  // namespace

std::variant<ProjectBody, std::string> parse_project_body(std::string_view body, bool create) {
  rapidjson::Document doc;
  if (!parse(body, doc)) return std::string(kNotJson);
  auto found = entity(doc, "project");
  if (auto* message = std::get_if<std::string>(&found)) return *message;
  const auto& project = *std::get<const Value*>(found);
  if (create && !project.HasMember("name")) return std::string("'name' is a required property");
  if (!create && project.ObjectEmpty()) return std::string("{} does not have enough properties");
  ProjectBody out;
  for (const auto& m : project.GetObject()) {
    const auto key = text(m.name);
    const auto path = "project/" + key;
    const auto& v = m.value;
    std::optional<std::string> problem;
    if (key == "name") {
      problem = check_name(path, v, 64);
      if (!problem) out.name = text(v);
    } else if (key == "description") {
      problem = nullable_string(path, v, out.description);
    } else if (key == "domain_id" || key == "parent_id") {
      std::optional<std::string> id;
      problem = nullable_string(path, v, id);
      if (!problem && key == "domain_id") out.domain_id = id;
      // A parent other than the domain: hierarchies are not served here.
      if (!problem && key == "parent_id" && id && !id->empty() && *id != "default")
        problem = invalid(path, v, "only the domain may be a project's parent here");
      if (!create && key == "domain_id") problem = fmt::format("Additional properties are not allowed ('{}' was unexpected)", key);
    } else if (key == "enabled") {
      problem = boolean(path, v, out.enabled);
    } else if (key == "is_domain") {
      std::optional<bool> is_domain;
      problem = boolean(path, v, is_domain);
      if (!problem && *is_domain) problem = invalid(path, v, "projects acting as domains are not served here");
    } else if (key == "tags") {
      if (!v.IsArray()) problem = invalid(path, v, fmt::format("{} is not of type 'array'", json_text(v)));
      else if (v.Size() > 80) problem = invalid(path, v, "is too long");
      std::vector<std::string> tags;
      for (std::size_t i = 0; !problem && i < v.Size(); ++i) {
        const auto& t = v[static_cast<rapidjson::SizeType>(i)];
        if (!t.IsString() || t.GetStringLength() == 0 || length(text(t)) > 255 ||
            text(t).find_first_of(",/") != std::string::npos)
          problem = invalid(path, v, "a tag is a string of 1 to 255 characters without ',' or '/'");
        else if (std::find(tags.begin(), tags.end(), text(t)) != tags.end())
          problem = invalid(path, v, "has non-unique elements");
        else tags.push_back(text(t));
      }
      if (!problem) out.tags = std::move(tags);
    } else if (key == "options") {
      if (!v.IsObject()) problem = invalid(path, v, fmt::format("{} is not of type 'object'", json_text(v)));
    } else if (key == "id" || key == "links") {
      problem = fmt::format("Additional properties are not allowed ('{}' was unexpected)", key);
    } else {
      core::set_pair(out.extra, key, json_text(v));
    }
    if (problem) return *problem;
  }
  return out;
}

std::variant<UserBody, std::string> parse_user_body(std::string_view body, bool create) {
  rapidjson::Document doc;
  if (!parse(body, doc)) return std::string(kNotJson);
  auto found = entity(doc, "user");
  if (auto* message = std::get_if<std::string>(&found)) return *message;
  const auto& user = *std::get<const Value*>(found);
  if (create && !user.HasMember("name")) return std::string("'name' is a required property");
  if (!create && user.ObjectEmpty()) return std::string("{} does not have enough properties");
  UserBody out;
  for (const auto& m : user.GetObject()) {
    const auto key = text(m.name);
    const auto path = "user/" + key;
    const auto& v = m.value;
    std::optional<std::string> problem;
    if (key == "name") {
      problem = check_name(path, v, 255);
      if (!problem) out.name = text(v);
    } else if (key == "description") {
      problem = nullable_string(path, v, out.description);
    } else if (key == "domain_id") {
      if (!v.IsString()) problem = invalid(path, v, fmt::format("{} is not of type 'string'", json_text(v)));
      else out.domain_id = text(v);
    } else if (key == "default_project_id") {
      problem = nullable_string(path, v, out.default_project_id);
    } else if (key == "password") {
      problem = nullable_string(path, v, out.password);
      if (!problem && out.password && out.password->size() > 4096)
        problem = "The password length must be less than or equal to 4096. The server could not comply with the "
                  "request because the password is invalid.";
    } else if (key == "enabled") {
      problem = boolean(path, v, out.enabled);
    } else if (key == "options" || key == "federated") {
      if (!v.IsObject() && !v.IsArray()) problem = invalid(path, v, fmt::format("{} is not of type 'object'", json_text(v)));
    } else if (key == "id" || key == "links" || key == "password_expires_at") {
      problem = fmt::format("Additional properties are not allowed ('{}' was unexpected)", key);
    } else {
      core::set_pair(out.extra, key, json_text(v));
    }
    if (problem) return *problem;
  }
  return out;
}

std::variant<RoleBody, std::string> parse_role_body(std::string_view body, bool create) {
  rapidjson::Document doc;
  if (!parse(body, doc)) return std::string(kNotJson);
  auto found = entity(doc, "role");
  if (auto* message = std::get_if<std::string>(&found)) return *message;
  const auto& role = *std::get<const Value*>(found);
  if (create && !role.HasMember("name")) return std::string("'name' is a required property");
  if (!create && role.ObjectEmpty()) return std::string("{} does not have enough properties");
  RoleBody out;
  for (const auto& m : role.GetObject()) {
    const auto key = text(m.name);
    const auto path = "role/" + key;
    const auto& v = m.value;
    std::optional<std::string> problem;
    if (key == "name") {
      problem = check_name(path, v, 255);
      if (!problem) out.name = text(v);
    } else if (key == "description") {
      problem = nullable_string(path, v, out.description);
    } else if (key == "domain_id") {
      problem = nullable_string(path, v, out.domain_id);
    } else if (key == "options") {
      if (!v.IsObject()) problem = invalid(path, v, fmt::format("{} is not of type 'object'", json_text(v)));
    } else {
      problem = fmt::format("Additional properties are not allowed ('{}' was unexpected)", key);
    }
    if (problem) return *problem;
  }
  return out;
}

std::variant<AppCredentialBody, std::string> parse_app_credential_body(std::string_view body) {
  rapidjson::Document doc;
  if (!parse(body, doc)) return std::string(kNotJson);
  auto found = entity(doc, "application_credential");
  if (auto* message = std::get_if<std::string>(&found)) return *message;
  const auto& cred = *std::get<const Value*>(found);
  if (!cred.HasMember("name")) return std::string("'name' is a required property");
  AppCredentialBody out;
  for (const auto& m : cred.GetObject()) {
    const auto key = text(m.name);
    const auto path = "application_credential/" + key;
    const auto& v = m.value;
    std::optional<std::string> problem;
    std::optional<std::string> nullable;
    if (key == "name") {
      problem = check_name(path, v, 255);
      if (!problem) out.name = text(v);
    } else if (key == "description") {
      problem = nullable_string(path, v, nullable);
      if (!problem) out.description = *nullable;
    } else if (key == "secret") {
      problem = nullable_string(path, v, nullable);
      if (!problem && !nullable->empty()) out.secret = *nullable;
    } else if (key == "expires_at") {
      problem = nullable_string(path, v, nullable);
      if (!problem && !nullable->empty()) {
        out.expires_ms = parse_iso8601(*nullable);
        if (!out.expires_ms)
          problem = "Invalid application credential: Timestamp not in expected format. The server could not comply "
                    "with the request since it is either malformed or otherwise incorrect. The client is assumed to "
                    "be in error.";
      }
    } else if (key == "unrestricted") {
      std::optional<bool> flag;
      if (!v.IsNull()) problem = boolean(path, v, flag);
      out.unrestricted = flag.value_or(false);
    } else if (key == "roles") {
      if (!v.IsArray()) problem = invalid(path, v, fmt::format("{} is not of type 'array'", json_text(v)));
      for (std::size_t i = 0; !problem && i < v.Size(); ++i) {
        const auto& r = v[static_cast<rapidjson::SizeType>(i)];
        if (!r.IsObject() || r.MemberCount() != 1) {
          problem = invalid(path, r, "a role is an object with exactly one of 'id' or 'name'");
          break;
        }
        const auto& only = *r.MemberBegin();
        const std::string_view which(only.name.GetString(), only.name.GetStringLength());
        if ((which != "id" && which != "name") || !only.value.IsString() || only.value.GetStringLength() == 0) {
          problem = invalid(path, r, "a role is an object with exactly one of 'id' or 'name'");
          break;
        }
        AppCredentialBody::RoleRef ref;
        (which == "id" ? ref.id : ref.name) = text(only.value);
        out.roles.push_back(std::move(ref));
      }
    } else if (key == "access_rules") {
      if (!v.IsArray()) problem = invalid(path, v, fmt::format("{} is not of type 'array'", json_text(v)));
      else if (!v.Empty()) problem = invalid(path, v, "access rules are not served here");
    } else if (key == "id" || key == "project_id" || key == "system") {
      // Keystone's schema lists them; they are the server's to set, and ignored.
    } else {
      problem = fmt::format("Additional properties are not allowed ('{}' was unexpected)", key);
    }
    if (problem) return *problem;
  }
  return out;
}

}  // namespace openstack
