// Reads JSON input (config files, control-plane bodies) with messages that
// name where the problem is: "servers[2].state: 'x' is not a core state".
#pragma once

#include <algorithm>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>
#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include "core/server.h"
#include "core/text.h"

namespace gateway {

// Parses a control-plane request body into `doc` (iteratively, validating
// UTF-8); the message for its 400 when it is not JSON.
inline std::optional<std::string> parse_json_body(std::string_view text, rapidjson::Document& doc) {
  doc.Parse<rapidjson::kParseValidateEncodingFlag | rapidjson::kParseIterativeFlag>(text.data(), text.size());
  if (!doc.HasParseError()) return std::nullopt;
  return fmt::format("body is not JSON: {} (at byte {})", rapidjson::GetParseError_En(doc.GetParseError()),
                     doc.GetErrorOffset());
}

// Walks a JSON value with a path for messages ("servers[2].state"); the
// first problem found is kept and every later read is a no-op.
class Reader {
 public:
  // `file` prefixes every message; empty for a request body.
  explicit Reader(std::string file = {}) : file_(std::move(file)) {}

  bool failed() const { return error_.has_value(); }
  const std::optional<std::string>& error() const { return error_; }

  void fail(const std::string& path, const std::string& what) {
    if (error_) return;
    error_ = file_.empty() ? fmt::format("{}: {}", path, what) : fmt::format("{}: {}: {}", file_, path, what);
  }

  // Checks `v` is an object whose keys are all in `known`.
  bool object(const rapidjson::Value& v, const std::string& path, std::initializer_list<std::string_view> known) {
    if (failed()) return false;
    if (!v.IsObject()) {
      fail(path, "must be a JSON object");
      return false;
    }
    for (const auto& m : v.GetObject()) {
      const std::string_view key(m.name.GetString(), m.name.GetStringLength());
      if (std::find(known.begin(), known.end(), key) == known.end()) {
        std::string list;
        for (auto k : known) list += fmt::format("{}{}", list.empty() ? "" : ", ", k);
        fail(path, fmt::format("unknown key '{}' (known keys: {})", key, list));
        return false;
      }
    }
    return true;
  }

  bool array(const rapidjson::Value& v, const std::string& path) {
    if (failed()) return false;
    if (!v.IsArray()) fail(path, "must be a JSON array");
    return !failed();
  }

  std::optional<std::string> string(const rapidjson::Value& obj, const char* key, const std::string& path, bool required) {
    if (failed()) return std::nullopt;
    auto it = obj.FindMember(key);
    if (it == obj.MemberEnd()) {
      if (required) fail(path, fmt::format("'{}' is required", key));
      return std::nullopt;
    }
    if (!it->value.IsString()) {
      fail(path + "." + key, "must be a string");
      return std::nullopt;
    }
    return kept(it->value);
  }

  std::optional<long> integer(const rapidjson::Value& obj, const char* key, const std::string& path, long min, long max) {
    if (failed()) return std::nullopt;
    auto it = obj.FindMember(key);
    if (it == obj.MemberEnd()) return std::nullopt;
    if (!it->value.IsInt64() || it->value.GetInt64() < min || it->value.GetInt64() > max) {
      fail(path + "." + key, fmt::format("must be a whole number from {} to {}", min, max));
      return std::nullopt;
    }
    return static_cast<long>(it->value.GetInt64());
  }

  std::optional<bool> boolean(const rapidjson::Value& obj, const char* key, const std::string& path) {
    if (failed()) return std::nullopt;
    auto it = obj.FindMember(key);
    if (it == obj.MemberEnd()) return std::nullopt;
    if (!it->value.IsBool()) {
      fail(path + "." + key, "must be true or false");
      return std::nullopt;
    }
    return it->value.GetBool();
  }

  std::vector<std::string> strings(const rapidjson::Value& obj, const char* key, const std::string& path) {
    std::vector<std::string> out;
    if (failed()) return out;
    auto it = obj.FindMember(key);
    if (it == obj.MemberEnd()) return out;
    if (!array(it->value, path + "." + key)) return out;
    for (const auto& s : it->value.GetArray()) {
      if (!s.IsString()) {
        fail(path + "." + key, "must be an array of strings");
        return out;
      }
      out.emplace_back(kept(s));
    }
    return out;
  }

  // {"key": "value", ...} into ordered pairs.
  core::Pairs pairs(const rapidjson::Value& obj, const char* key, const std::string& path) {
    core::Pairs out;
    if (failed()) return out;
    auto it = obj.FindMember(key);
    if (it == obj.MemberEnd()) return out;
    if (!it->value.IsObject()) {
      fail(path + "." + key, "must be an object of strings");
      return out;
    }
    for (const auto& m : it->value.GetObject()) {
      if (!m.value.IsString()) {
        fail(fmt::format("{}.{}.{}", path, key, m.name.GetString()), "must be a string");
        return out;
      }
      out.emplace_back(kept(m.name), kept(m.value));
    }
    return out;
  }

 private:
  // A string read into the configuration (and shown later). RapidJSON decodes
  // a lone surrogate escape ("\udc00") into bytes that are not UTF-8; valid
  // JSON all the same, so it is kept as U+FFFD rather than refused.
  static std::string kept(const rapidjson::Value& v) {
    return core::valid_utf8(std::string_view(v.GetString(), v.GetStringLength()));
  }

  std::string file_;
  std::optional<std::string> error_;
};

}  // namespace gateway
