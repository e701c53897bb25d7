// Nova validates bodies with JSON schemas and words its 400s after the
// schema error: "Invalid input for field/attribute <field>. Value: <v>. <why>".
// We keep that wording, showing values as JSON where Nova shows Python reprs.
#include "adapters/openstack/nova/json_fields.h"

#include <arpa/inet.h>

#include <algorithm>
#include <set>

#include <fmt/format.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "core/text.h"

namespace openstack::fields {

std::string_view text_of(const Value& v) { return {v.GetString(), v.GetStringLength()}; }

// RapidJSON decodes a lone surrogate escape ("\udc00") into bytes that are
// not UTF-8; valid JSON all the same, so it is kept as U+FFFD rather than
// refused (found by fuzzing).
std::string kept(const Value& v) { return core::valid_utf8(text_of(v)); }

std::string show(const Value& v) {
  if (v.IsString()) return std::string(text_of(v));
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  v.Accept(w);
  return {buffer.GetString(), buffer.GetSize()};
}

Fault invalid(std::string_view field, const Value& value, std::string_view why) {
  const auto shown = show(value);
  if (why.rfind("is ", 0) == 0)
    return bad_request(fmt::format("Invalid input for field/attribute {}. Value: {}. {} {}", field, shown,
                                   value.IsString() ? fmt::format("'{}'", shown) : shown, why));
  return bad_request(fmt::format("Invalid input for field/attribute {}. Value: {}. {}", field, shown, why));
}

Fault unexpected(std::string_view field, const Value& object, std::string_view key) {
  return invalid(field, object, fmt::format("Additional properties are not allowed ('{}' was unexpected)", key));
}

std::optional<Fault> only(std::string_view field, const Value& object,
                          std::initializer_list<std::string_view> allowed) {
  for (const auto& m : object.GetObject())
    if (std::find(allowed.begin(), allowed.end(), text_of(m.name)) == allowed.end())
      return unexpected(field, object, text_of(m.name));
  return std::nullopt;
}

std::optional<Fault> object_with(std::string_view field, const Value& object,
                                 std::initializer_list<std::string_view> required) {
  if (!object.IsObject()) return invalid(field, object, "is not of type 'object'");
  for (auto key : required)
    if (!object.HasMember(rapidjson::StringRef(key.data(), key.size())))
      return invalid(field, object, fmt::format("'{}' is a required property", key));
  return std::nullopt;
}

std::string last_segment(std::string_view ref) {
  if (auto slash = ref.rfind('/'); slash != std::string_view::npos) ref.remove_prefix(slash + 1);
  return std::string(ref);
}

bool uuid_like(std::string_view text) {
  int digits = 0;
  for (char c : text) {
    if (c == '-') continue;
    if (!std::isxdigit(static_cast<unsigned char>(c))) return false;
    ++digits;
  }
  return digits == 32;
}

std::optional<std::string> canonical_ipv4(std::string_view text) {
  in_addr address{};
  const std::string s(text);
  if (s.size() > 15 || inet_pton(AF_INET, s.c_str(), &address) != 1) return std::nullopt;
  char out[INET_ADDRSTRLEN];
  return std::string(inet_ntop(AF_INET, &address, out, sizeof out));
}

std::optional<std::string> canonical_ipv6(std::string_view text) {
  in6_addr address{};
  const std::string s(text);
  if (s.size() > 45 || inet_pton(AF_INET6, s.c_str(), &address) != 1) return std::nullopt;
  char out[INET6_ADDRSTRLEN];
  return std::string(inet_ntop(AF_INET6, &address, out, sizeof out));
}

bool base64(std::string_view text) {
  if (text.size() % 4 != 0) return false;
  std::size_t padding = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '=') {
      ++padding;
      continue;
    }
    if (padding || !(std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '/')) return false;
  }
  return padding <= 2;
}

namespace {

// Nova's 'name' format: printable characters, no whitespace at either end.
bool printable_name(std::string_view name) {
  const auto space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; };
  if (space(name.front()) || space(name.back())) return false;
  return std::none_of(name.begin(), name.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u < 0x20 || u == 0x7f;
  });
}

const Value* member(const Value& object, const char* key) {
  const auto it = object.FindMember(key);
  return it == object.MemberEnd() ? nullptr : &it->value;
}

// Nova's metadata keys: 1 to 255 of letters, digits and "-_:. ".
bool metadata_key(std::string_view key) {
  return !key.empty() && key.size() <= 255 && std::all_of(key.begin(), key.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == ':' || c == '.' || c == ' ';
  });
}

}  // namespace

std::optional<Fault> read_name(const Value& object, const char* key, std::optional<std::string>& out) {
  const auto* v = member(object, key);
  if (!v) return std::nullopt;
  if (!v->IsString()) return invalid(key, *v, "is not of type 'string'");
  if (v->GetStringLength() == 0) return invalid(key, *v, "'' is too short");
  if (v->GetStringLength() > 255) return invalid(key, *v, "is too long");
  if (!printable_name(text_of(*v)))
    return bad_request("An invalid 'name' value was provided. The name must be: printable characters. Can not start "
                       "or end with whitespace.");
  out = kept(*v);
  return std::nullopt;
}

std::optional<Fault> read_metadata(const Value& object, const char* key, std::optional<core::Pairs>& out) {
  const auto* m = member(object, key);
  if (!m) return std::nullopt;
  if (!m->IsObject()) return invalid(key, *m, "is not of type 'object'");
  core::Pairs pairs;
  for (const auto& entry : m->GetObject()) {
    if (!metadata_key(text_of(entry.name))) return unexpected(key, *m, text_of(entry.name));
    const auto name = kept(entry.name);
    if (!entry.value.IsString()) return invalid(name, entry.value, "is not of type 'string'");
    if (entry.value.GetStringLength() > 255) return invalid(name, entry.value, "is too long");
    pairs.emplace_back(name, kept(entry.value));
  }
  out = std::move(pairs);
  return std::nullopt;
}

namespace {

// An access IP: a string the format `format` accepts, kept in `canonical`'s form.
std::optional<Fault> read_address(const Value& object, const char* key, const char* format,
                                  std::optional<std::string> (*canonical)(std::string_view),
                                  std::optional<std::string>& out) {
  const auto* v = member(object, key);
  if (!v) return std::nullopt;
  if (!v->IsString()) return invalid(key, *v, "is not of type 'string'");
  auto text = canonical(text_of(*v));
  if (!text) return invalid(key, *v, fmt::format("is not a '{}'", format));
  out = std::move(text);
  return std::nullopt;
}

}  // namespace

std::optional<Fault> read_ipv4(const Value& object, const char* key, std::optional<std::string>& out) {
  return read_address(object, key, "ipv4", canonical_ipv4, out);
}

std::optional<Fault> read_ipv6(const Value& object, const char* key, std::optional<std::string>& out) {
  return read_address(object, key, "ipv6", canonical_ipv6, out);
}

std::optional<Fault> read_disk_config(const Value& object, std::optional<std::string>& out) {
  const auto* v = member(object, "OS-DCF:diskConfig");
  if (!v) return std::nullopt;
  if (!v->IsString()) return invalid("OS-DCF:diskConfig", *v, "is not of type 'string'");
  if (text_of(*v) != "AUTO" && text_of(*v) != "MANUAL")
    return invalid("OS-DCF:diskConfig", *v, "is not one of ['AUTO', 'MANUAL']");
  out = std::string(text_of(*v));
  return std::nullopt;
}

std::optional<Fault> read_string(const Value& object, const char* key, std::optional<std::string>& out) {
  const auto* v = member(object, key);
  if (!v) return std::nullopt;
  if (!v->IsString()) return invalid(key, *v, "is not of type 'string'");
  out = kept(*v);
  return std::nullopt;
}

std::optional<Fault> read_nullable(const Value& object, const char* key, std::size_t max, bool one_of,
                                   std::optional<std::optional<std::string>>& out) {
  const auto* v = member(object, key);
  if (!v) return std::nullopt;
  if (v->IsNull()) {
    out.emplace(std::nullopt);
    return std::nullopt;
  }
  constexpr std::string_view kOneOf = "is not valid under any of the given schemas";
  if (!v->IsString()) return invalid(key, *v, one_of ? kOneOf : "is not of type 'string', 'null'");
  if (v->GetStringLength() > max) return invalid(key, *v, one_of ? kOneOf : "is too long");
  if (one_of && v->GetStringLength() == 0) return invalid(key, *v, kOneOf);
  out.emplace(kept(*v));
  return std::nullopt;
}

std::optional<Fault> read_user_data(const Value& object, bool nullable,
                                    std::optional<std::optional<std::string>>& out) {
  const auto* v = member(object, "user_data");
  if (!v) return std::nullopt;
  if (v->IsNull() && nullable) {
    out.emplace(std::nullopt);
    return std::nullopt;
  }
  const char* why = nullable ? "is not valid under any of the given schemas" : nullptr;
  if (!v->IsString()) return invalid("user_data", *v, why ? why : "is not of type 'string'");
  if (!base64(text_of(*v))) return invalid("user_data", *v, why ? why : "is not a 'base64'");
  if (v->GetStringLength() > 65535) return invalid("user_data", *v, why ? why : "is too long");
  out.emplace(std::string(text_of(*v)));
  return std::nullopt;
}

std::optional<Fault> read_personality(const Value& object, InjectedFiles& out) {
  const auto* p = member(object, "personality");
  if (!p) return std::nullopt;
  if (!p->IsArray()) return invalid("personality", *p, "is not of type 'array'");
  InjectedFiles files;
  // Python's len(): characters, not bytes (the text is UTF-8; base64 is ASCII).
  const auto characters = [](const Value& v) {
    const auto text = text_of(v);
    return static_cast<std::size_t>(std::count_if(
        text.begin(), text.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
  };
  for (const auto& file : p->GetArray()) {
    if (!file.IsObject()) return invalid("personality", file, "is not of type 'object'");
    if (auto fault = only("personality", file, {"path", "contents"})) return fault;
    if (const auto* path = member(file, "path")) {
      if (!path->IsString()) return invalid("path", *path, "is not of type 'string'");
      files.longest_path = std::max(files.longest_path, characters(*path));
    }
    if (const auto* contents = member(file, "contents")) {
      if (!contents->IsString()) return invalid("contents", *contents, "is not of type 'string'");
      if (!base64(text_of(*contents))) return invalid("contents", *contents, "is not a 'base64'");
      files.longest_contents = std::max(files.longest_contents, characters(*contents));
    }
    ++files.count;
  }
  out = files;
  return std::nullopt;
}

std::optional<Fault> read_trusted_certs(const Value& object,
                                        std::optional<std::optional<std::vector<std::string>>>& out) {
  const auto* v = member(object, "trusted_image_certificates");
  if (!v) return std::nullopt;
  const char* field = "trusted_image_certificates";
  if (v->IsNull()) {
    out.emplace(std::nullopt);
    return std::nullopt;
  }
  if (!v->IsArray()) return invalid(field, *v, "is not of type 'array', 'null'");
  if (v->Empty()) return invalid(field, *v, "[] is too short");
  if (v->Size() > 50) return invalid(field, *v, "is too long");
  std::vector<std::string> ids;
  std::set<std::string_view> seen;
  for (const auto& id : v->GetArray()) {
    if (!id.IsString()) return invalid(field, id, "is not of type 'string'");
    if (id.GetStringLength() == 0) return invalid(field, id, "'' is too short");
    if (!seen.insert(text_of(id)).second) return invalid(field, *v, "has non-unique elements");
    ids.push_back(kept(id));
  }
  out.emplace(std::move(ids));
  return std::nullopt;
}

}  // namespace openstack::fields
