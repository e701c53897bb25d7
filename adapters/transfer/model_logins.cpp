// The service model's constraints on what users, SSH keys, host keys and
// accesses take. AWS validates with Java's regex flavour: \w and \d are
// ASCII, \p{Print} is printable ASCII, and '.' matches anything but a line
// terminator; the patterns are matched against the whole value.
#include <cctype>

#include <fmt/format.h>

#include "adapters/transfer/model.h"
#include "core/text.h"

namespace transfer {
namespace {

bool word(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }
bool hex_digit(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }
bool line_end(char c) { return c == '\n' || c == '\r'; }

bool user_name_ok(std::string_view s) {
  if (s.size() < 3 || s.size() > 100 || !word(s[0])) return false;
  for (char c : s.substr(1))
    if (!word(c) && c != '@' && c != '.' && c != '-') return false;
  return true;
}

bool hex17_after(std::string_view s, std::string_view prefix) {
  if (s.size() != prefix.size() + 17 || s.substr(0, prefix.size()) != prefix) return false;
  for (char c : s.substr(prefix.size()))
    if (!hex_digit(c)) return false;
  return true;
}

bool key_id_ok(std::string_view s) { return hex17_after(s, "key-"); }
bool host_key_id_ok(std::string_view s) { return hex17_after(s, "hostkey-"); }

bool external_id_ok(std::string_view s) {
  if (s.size() <= 4 || s.substr(0, 4) != "S-1-") return false;
  for (char c : s.substr(4))
    if (!std::isdigit(static_cast<unsigned char>(c)) && c != '-') return false;
  return true;
}

// /.* : a slash, then anything but a line end.
bool absolute(std::string_view s) {
  if (s.empty() || s[0] != '/') return false;
  for (char c : s)
    if (line_end(c)) return false;
  return true;
}

bool home_ok(std::string_view s) { return s.empty() || absolute(s); }

bool printable(std::string_view s) {
  for (char c : s)
    if (c < 0x20 || c > 0x7e) return false;
  return true;
}

bool ipv4_shaped(std::string_view s) {
  int groups = 0;
  std::size_t digits = 0;
  for (char c : s) {
    if (std::isdigit(static_cast<unsigned char>(c))) {
      if (++digits > 3) return false;
    } else if (c == '.' && digits > 0 && groups < 3) {
      ++groups;
      digits = 0;
    } else {
      return false;
    }
  }
  return groups == 3 && digits > 0;
}

std::string_view text(const rapidjson::Value& v) { return {v.GetString(), v.GetStringLength()}; }

}  // namespace

std::optional<std::string> Input::matched(const char* name, bool required, std::size_t min, std::size_t max,
                                          bool (*ok)(std::string_view), const char* pattern) {
  auto s = string(name, required, min, max);
  if (s && !ok(*s)) {
    fail(name, *s, fmt::format("Member must satisfy regular expression pattern: {}", pattern));
    return std::nullopt;
  }
  return s;
}

std::optional<std::string> Input::user_name() {
  return matched("UserName", true, 3, 100, user_name_ok, "^[\\w][\\w@.-]{2,99}$");
}

std::optional<std::string> Input::ssh_public_key_id() {
  return matched("SshPublicKeyId", true, 21, 21, key_id_ok, "^key-[0-9a-f]{17}$");
}

std::optional<std::string> Input::host_key_id() {
  return matched("HostKeyId", true, 25, 25, host_key_id_ok, "^hostkey-[0-9a-f]{17}$");
}

std::optional<std::string> Input::external_id() {
  return matched("ExternalId", true, 1, 256, external_id_ok, "^S-1-[\\d-]+$");
}

std::optional<std::string> Input::home_directory() {
  return matched("HomeDirectory", false, 0, 1024, home_ok, "^$|/.*");
}

std::optional<core::HomeType> Input::home_directory_type() {
  auto s = one_of("HomeDirectoryType", {"PATH", "LOGICAL"});
  if (!s) return std::nullopt;
  return *s == "LOGICAL" ? core::HomeType::Logical : core::HomeType::Path;
}

std::optional<std::vector<core::HomeMapping>> Input::home_directory_mappings() {
  const auto* v = member("HomeDirectoryMappings", false);
  if (!v) return std::nullopt;
  if (!v->IsArray()) {
    fail_type("HomeDirectoryMappings", "a list");
    return std::nullopt;
  }
  if (v->Size() < 1 || v->Size() > 50) {
    fail("HomeDirectoryMappings", "[...]", "Member must have length between 1 and 50");
    return std::nullopt;
  }
  std::vector<core::HomeMapping> out;
  for (const auto& m : v->GetArray()) {
    const auto entry = m.IsObject() ? m.FindMember("Entry") : rapidjson::Value::ConstMemberIterator{};
    const auto target = m.IsObject() ? m.FindMember("Target") : rapidjson::Value::ConstMemberIterator{};
    if (!m.IsObject() || entry == m.MemberEnd() || target == m.MemberEnd() || !entry->value.IsString() ||
        !target->value.IsString()) {
      fail_type("HomeDirectoryMappings", "a list of {\"Entry\": string, \"Target\": string}");
      return std::nullopt;
    }
    for (const auto& [name, value] : {std::pair{"Entry", text(entry->value)}, std::pair{"Target", text(target->value)}}) {
      if (value.size() > 1024) {
        fail(name, value, "Member must have length less than or equal to 1024");
        return std::nullopt;
      }
      if (!absolute(value)) {
        fail(name, value, "Member must satisfy regular expression pattern: ^/.*");
        return std::nullopt;
      }
    }
    out.push_back({core::valid_utf8(text(entry->value)), core::valid_utf8(text(target->value))});
  }
  return out;
}

std::optional<core::PosixIdentity> Input::posix_profile() {
  const auto* v = member("PosixProfile", false);
  if (!v) return std::nullopt;
  if (!v->IsObject()) {
    fail_type("PosixProfile", "a structure");
    return std::nullopt;
  }
  constexpr std::uint64_t kMax = 4294967295ULL;
  const auto id = [&](const rapidjson::Value& n, const char* name) -> std::optional<std::uint64_t> {
    if (!n.IsUint64() || n.GetUint64() > kMax) {
      if (n.IsNumber()) fail(name, n.IsInt64() ? std::to_string(n.GetInt64()) : "...",
                             "Member must have value between 0 and 4294967295");
      else fail_type(name, "an integer");
      return std::nullopt;
    }
    return n.GetUint64();
  };
  core::PosixIdentity out;
  for (const auto& [name, slot] : {std::pair{"Uid", &out.uid}, std::pair{"Gid", &out.gid}}) {
    const auto it = v->FindMember(name);
    if (it == v->MemberEnd() || it->value.IsNull()) {
      if (!error_)
        error_ = fmt::format("1 validation error detected: Value null at 'posixProfile.{}' failed to satisfy "
                             "constraint: Member must not be null",
                             name[0] == 'U' ? "uid" : "gid");
      return std::nullopt;
    }
    auto n = id(it->value, name);
    if (!n) return std::nullopt;
    *slot = *n;
  }
  if (const auto gids = v->FindMember("SecondaryGids"); gids != v->MemberEnd() && !gids->value.IsNull()) {
    if (!gids->value.IsArray()) {
      fail_type("SecondaryGids", "a list");
      return std::nullopt;
    }
    if (gids->value.Size() > 16) {
      fail("SecondaryGids", "[...]", "Member must have length less than or equal to 16");
      return std::nullopt;
    }
    for (const auto& g : gids->value.GetArray()) {
      auto n = id(g, "SecondaryGids");
      if (!n) return std::nullopt;
      out.secondary_gids.push_back(*n);
    }
  }
  return out;
}

std::optional<std::string> Input::policy() { return string("Policy", false, 0, 2048); }

std::optional<std::string> Input::description(bool required) {
  return matched("Description", required, 0, 200, printable, "^[\\p{Print}]*$");
}

std::optional<std::string> Input::secret(const char* name, bool required, std::size_t max) {
  const auto* v = member(name, required);
  if (!v) return std::nullopt;
  if (!v->IsString()) {
    fail_type(name, "a string");
    return std::nullopt;
  }
  if (v->GetStringLength() > max) {
    if (!error_) {
      std::string shown(name);
      shown[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(shown[0])));
      error_ = fmt::format("1 validation error detected: Value at '{}' failed to satisfy constraint: Member must "
                           "have length less than or equal to {}",
                           shown, max);
    }
    return std::nullopt;
  }
  return std::string(text(*v));
}

std::optional<std::string> Input::source_ip() {
  return matched("SourceIp", false, 0, 32, ipv4_shaped, "^\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}$");
}

}  // namespace transfer
