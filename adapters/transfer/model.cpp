#include "adapters/transfer/model.h"

#include <cctype>

#include <fmt/format.h>

#include "core/ids.h"
#include "core/text.h"

namespace transfer {
namespace {

// The model's member names in AWS's messages start lowercase ("serverId").
std::string message_name(const char* member) {
  std::string s(member);
  if (!s.empty()) s[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(s[0])));
  return s;
}

std::string_view text(const rapidjson::Value& v) { return {v.GetString(), v.GetStringLength()}; }

// A string the service keeps (and later answers show). RapidJSON decodes a
// lone surrogate escape ("\udc00") into bytes that are not UTF-8; valid JSON
// all the same, so it is kept as U+FFFD rather than refused.
std::string kept(std::string_view s) { return core::valid_utf8(s); }

}  // namespace

const rapidjson::Value* Input::member(const char* name, bool required) {
  if (error_) return nullptr;
  auto it = body_.FindMember(name);
  if (it == body_.MemberEnd() || it->value.IsNull()) {
    if (required)
      error_ = fmt::format("1 validation error detected: Value null at '{}' failed to satisfy constraint: "
                           "Member must not be null",
                           message_name(name));
    return nullptr;
  }
  return &it->value;
}

void Input::fail(const char* member, std::string_view value, const std::string& constraint) {
  if (error_) return;
  // At most 200 bytes of the value, cut between characters: the message is JSON, in UTF-8.
  auto shown = value.substr(0, 200);
  while (shown.size() < value.size() && !shown.empty() && (static_cast<unsigned char>(value[shown.size()]) & 0xc0) == 0x80)
    shown.remove_suffix(1);
  error_ = fmt::format("1 validation error detected: Value '{}' at '{}' failed to satisfy constraint: {}", shown,
                       message_name(member), constraint);
}

void Input::fail_type(const char* member, const char* expected) {
  if (!error_) error_ = fmt::format("Value at '{}' must be {}", message_name(member), expected);
}

std::optional<std::string> Input::string(const char* name, bool required, std::size_t min, std::size_t max) {
  const auto* v = member(name, required);
  if (!v) return std::nullopt;
  if (!v->IsString()) {
    fail_type(name, "a string");
    return std::nullopt;
  }
  const auto s = text(*v);
  if (s.size() < min || s.size() > max) {
    fail(name, s, fmt::format("Member must have length between {} and {}", min, max));
    return std::nullopt;
  }
  return kept(s);
}

std::optional<std::string> Input::server_id() {
  auto s = string("ServerId", true, 0, 1u << 20);
  if (s && !core::is_transfer_id(*s)) {
    fail("ServerId", *s, "Member must satisfy regular expression pattern: ^s-([0-9a-f]{17})$");
    return std::nullopt;
  }
  return s;
}

std::optional<std::string> Input::arn() {
  auto s = string("Arn", true, 20, 1600);
  if (s && s->rfind("arn:", 0) != 0) {
    fail("Arn", *s, "Member must satisfy regular expression pattern: arn:.*");
    return std::nullopt;
  }
  return s;
}

std::optional<std::string> Input::one_of(const char* name, std::initializer_list<std::string_view> values) {
  auto s = string(name, false, 0, 1u << 20);
  if (!s) return std::nullopt;
  for (auto v : values)
    if (*s == v) return s;
  std::string list;
  for (auto v : values) list += fmt::format("{}{}", list.empty() ? "" : ", ", v);
  fail(name, *s, fmt::format("Member must satisfy enum value set: [{}]", list));
  return std::nullopt;
}

std::optional<std::string> Input::role(const char* name, bool nullable, bool required) {
  auto s = string(name, required, 0, 2048);
  if (!s || (nullable && s->empty())) return s;
  if (s->size() < 20 || s->rfind("arn:", 0) != 0 || s->find("role/") == std::string::npos) {
    fail(name, *s, "Member must satisfy regular expression pattern: arn:.*role/.*");
    return std::nullopt;
  }
  return s;
}

std::optional<std::string> Input::security_policy(bool required) {
  auto s = string("SecurityPolicyName", required, 0, 100);
  if (s && (s->size() <= 23 || s->rfind("TransferSecurityPolicy-", 0) != 0)) {
    fail("SecurityPolicyName", *s, "Member must satisfy regular expression pattern: TransferSecurityPolicy-.+");
    return std::nullopt;
  }
  return s;
}

std::optional<std::string> Input::protocols() {
  const auto* v = member("Protocols", false);
  if (!v) return std::nullopt;
  if (!v->IsArray()) {
    fail_type("Protocols", "a list");
    return std::nullopt;
  }
  if (v->Size() < 1 || v->Size() > 4) {
    fail("Protocols", "[...]", "Member must have length between 1 and 4");
    return std::nullopt;
  }
  std::string joined;
  for (const auto& p : v->GetArray()) {
    if (!p.IsString()) {
      fail_type("Protocols", "a list of strings");
      return std::nullopt;
    }
    const auto s = text(p);
    if (s != "SFTP" && s != "FTP" && s != "FTPS" && s != "AS2") {
      fail("Protocols", s, "Member must satisfy enum value set: [SFTP, FTP, FTPS, AS2]");
      return std::nullopt;
    }
    joined += fmt::format("{}{}", joined.empty() ? "" : ",", s);
  }
  return joined;
}

std::optional<int> Input::integer(const char* name, int min, int max) {
  const auto* v = member(name, false);
  if (!v) return std::nullopt;
  if (!v->IsInt64()) {
    fail_type(name, "an integer");
    return std::nullopt;
  }
  const auto n = v->GetInt64();
  if (n < min || n > max) {
    fail(name, std::to_string(n), fmt::format("Member must have value {} {}", n < min ? "greater than or equal to" : "less than or equal to", n < min ? min : max));
    return std::nullopt;
  }
  return static_cast<int>(n);
}

std::optional<core::Pairs> Input::tags(bool required) {
  const auto* v = member("Tags", required);
  if (!v) return std::nullopt;
  if (!v->IsArray()) {
    fail_type("Tags", "a list");
    return std::nullopt;
  }
  if (v->Size() < 1 || v->Size() > 50) {
    fail("Tags", "[...]", "Member must have length between 1 and 50");
    return std::nullopt;
  }
  core::Pairs out;
  for (const auto& t : v->GetArray()) {
    auto key = t.IsObject() ? t.FindMember("Key") : rapidjson::Value::ConstMemberIterator{};
    auto value = t.IsObject() ? t.FindMember("Value") : rapidjson::Value::ConstMemberIterator{};
    if (!t.IsObject() || key == t.MemberEnd() || value == t.MemberEnd() || !key->value.IsString() ||
        !value->value.IsString()) {
      fail_type("Tags", "a list of {\"Key\": string, \"Value\": string}");
      return std::nullopt;
    }
    if (key->value.GetStringLength() > 128) {
      fail("Tags", text(key->value), "Member must have length less than or equal to 128");
      return std::nullopt;
    }
    if (value->value.GetStringLength() > 256) {
      fail("Tags", text(value->value), "Member must have length less than or equal to 256");
      return std::nullopt;
    }
    core::set_pair(out, kept(text(key->value)), kept(text(value->value)));
  }
  return out;
}

std::optional<std::vector<std::string>> Input::tag_keys() {
  const auto* v = member("TagKeys", true);
  if (!v) return std::nullopt;
  if (!v->IsArray()) {
    fail_type("TagKeys", "a list");
    return std::nullopt;
  }
  if (v->Size() < 1 || v->Size() > 50) {
    fail("TagKeys", "[...]", "Member must have length between 1 and 50");
    return std::nullopt;
  }
  std::vector<std::string> out;
  for (const auto& k : v->GetArray()) {
    if (!k.IsString() || k.GetStringLength() > 128) {
      fail_type("TagKeys", "a list of strings of at most 128 characters");
      return std::nullopt;
    }
    out.emplace_back(kept(text(k)));
  }
  return out;
}

}  // namespace transfer
