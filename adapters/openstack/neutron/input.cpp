#include "adapters/openstack/neutron/input.h"

#include <fmt/format.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "adapters/openstack/shared/wire.h"
#include "core/ids.h"
#include "core/text.h"

namespace openstack::neutron {

std::optional<bool> parse_bool(std::string_view text) {
  if (core::iequals(text, "true") || text == "1") return true;
  if (core::iequals(text, "false") || text == "0") return false;
  return std::nullopt;
}

Input::Input(std::string_view body, const char* resource) {
  if (!parse_json(body, doc_) || !doc_.IsObject()) {
    fail("Body contains invalid data.");
    return;
  }
  const auto it = doc_.FindMember(resource);
  if (it == doc_.MemberEnd()) {
    fail(fmt::format("Resource body required"));
    return;
  }
  if (!it->value.IsObject()) {
    fail(fmt::format("Unable to find '{}' in request body", resource));
    return;
  }
  if (doc_.MemberCount() != 1) {
    fail(fmt::format("Unrecognized attribute(s) outside '{}'", resource));
    return;
  }
  object_ = &it->value;
}

std::set<std::string> member_names(const rapidjson::Value& object) {
  std::set<std::string> out;
  for (auto it = object.MemberBegin(); it != object.MemberEnd(); ++it) out.emplace(it->name.GetString());
  return out;
}

std::string Input::shown(const rapidjson::Value& v) {
  if (v.IsString()) return core::valid_utf8(std::string_view(v.GetString(), v.GetStringLength()));
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  v.Accept(w);
  std::string out(buffer.GetString(), buffer.GetSize());
  return out.size() > 200 ? out.substr(0, 200) + "..." : out;
}

void Input::only(std::initializer_list<std::string_view> known) {
  if (!object_ || error_) return;
  std::string unknown;
  for (auto it = object_->MemberBegin(); it != object_->MemberEnd(); ++it) {
    const std::string_view name(it->name.GetString(), it->name.GetStringLength());
    bool found = false;
    for (auto k : known) found = found || k == name;
    if (!found) unknown += (unknown.empty() ? "" : ", ") + core::valid_utf8(name);
  }
  if (!unknown.empty()) fail(fmt::format("Unrecognized attribute(s) '{}'", unknown));
}

void Input::read_only(std::initializer_list<std::string_view> keys) {
  if (!object_ || error_) return;
  for (auto k : keys)
    if (object_->HasMember(rapidjson::Value(rapidjson::StringRef(k.data(), k.size()))))
      return fail(fmt::format("Cannot update read-only attribute {}", k));
}

bool Input::has(const char* key) const { return object_ && object_->HasMember(key); }

const rapidjson::Value* Input::raw(const char* key) const {
  if (!object_ || error_) return nullptr;
  const auto it = object_->FindMember(key);
  return it == object_->MemberEnd() ? nullptr : &it->value;
}

std::optional<std::string> Input::string(const char* key, std::size_t max) {
  const auto* v = raw(key);
  if (!v) return std::nullopt;
  if (!v->IsString()) {
    fail(fmt::format("Invalid input for {}. Reason: '{}' is not a valid string.", key, shown(*v)));
    return std::nullopt;
  }
  std::string text(v->GetString(), v->GetStringLength());
  if (text.size() > max) {
    fail(fmt::format("Invalid input for {}. Reason: '{}' exceeds maximum length of {}.", key, shown(*v), max));
    return std::nullopt;
  }
  return text;
}

std::optional<std::optional<std::string>> Input::nullable_string(const char* key, std::size_t max) {
  const auto* v = raw(key);
  if (!v) return std::nullopt;
  if (v->IsNull()) return std::optional<std::string>{};
  auto s = string(key, max);
  if (!s) return std::nullopt;
  return std::optional<std::string>(std::move(*s));
}

std::optional<bool> Input::boolean(const char* key) {
  const auto* v = raw(key);
  if (!v) return std::nullopt;
  if (v->IsBool()) return v->GetBool();
  if (v->IsString())
    if (auto b = parse_bool(std::string_view(v->GetString(), v->GetStringLength()))) return b;
  if (v->IsInt() && (v->GetInt() == 0 || v->GetInt() == 1)) return v->GetInt() == 1;
  fail(fmt::format("Invalid input for {}. Reason: '{}' cannot be converted to boolean.", key, shown(*v)));
  return std::nullopt;
}

std::optional<long long> Input::integer(const char* key, long long min, long long max) {
  const auto* v = raw(key);
  if (!v) return std::nullopt;
  long long n = 0;
  if (v->IsInt64()) {
    n = v->GetInt64();
  } else if (v->IsString()) {
    const std::string text(v->GetString(), v->GetStringLength());
    std::size_t used = 0;
    try {
      n = std::stoll(text, &used);
    } catch (...) {
      used = 0;
    }
    if (used == 0 || used != text.size()) {
      fail(fmt::format("Invalid input for {}. Reason: '{}' is not an integer.", key, shown(*v)));
      return std::nullopt;
    }
  } else {
    fail(fmt::format("Invalid input for {}. Reason: '{}' is not an integer.", key, shown(*v)));
    return std::nullopt;
  }
  if (n < min || n > max) {
    fail(fmt::format("Invalid input for {}. Reason: '{}' is not in range {} through {}.", key, n, min, max));
    return std::nullopt;
  }
  return n;
}

std::optional<std::vector<std::string>> Input::strings(const char* key, std::size_t max_items) {
  const auto* v = raw(key);
  if (!v) return std::nullopt;
  if (!v->IsArray() || v->Size() > max_items) {
    fail(fmt::format("Invalid input for {}. Reason: '{}' is not a list.", key, shown(*v)));
    return std::nullopt;
  }
  std::vector<std::string> out;
  for (const auto& item : v->GetArray()) {
    if (!item.IsString() || item.GetStringLength() > 255) {
      fail(fmt::format("Invalid input for {}. Reason: '{}' is not a valid string.", key, shown(item)));
      return std::nullopt;
    }
    out.emplace_back(item.GetString(), item.GetStringLength());
  }
  return out;
}

std::optional<std::string> Input::uuid(const char* key) {
  const auto* v = raw(key);
  if (!v) return std::nullopt;
  if (!v->IsString() || !core::is_uuid(std::string_view(v->GetString(), v->GetStringLength()))) {
    fail(fmt::format("Invalid input for {}. Reason: '{}' is not a valid UUID.", key, shown(*v)));
    return std::nullopt;
  }
  return core::ascii_lower(std::string_view(v->GetString(), v->GetStringLength()));
}

}  // namespace openstack::neutron
