// Reads a request body against the service model's constraints (required
// members, types, lengths, patterns, enums), as AWS validates it, with AWS's
// wording: "1 validation error detected: Value 's-1' at 'serverId' failed to
// satisfy constraint: ...". The first problem wins.
#pragma once

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <rapidjson/document.h>

#include "core/server.h"

namespace transfer {

class Input {
 public:
  explicit Input(const rapidjson::Value& body) : body_(body) {}

  const std::optional<std::string>& error() const { return error_; }

  // ServerId: required, ^s-([0-9a-f]{17})$.
  std::optional<std::string> server_id();
  // Arn: required, 20..1600, arn:.*
  std::optional<std::string> arn();
  std::optional<std::string> string(const char* member, bool required, std::size_t min, std::size_t max);
  std::optional<std::string> one_of(const char* member, std::initializer_list<std::string_view> values);
  // Role: 20..2048, arn:.*role/.* (empty allowed when `nullable`).
  std::optional<std::string> role(const char* member, bool nullable);
  std::optional<std::string> security_policy();
  // Protocols: 1..4 of SFTP, FTP, FTPS, AS2; joined with commas.
  std::optional<std::string> protocols();
  std::optional<int> integer(const char* member, int min, int max);
  // Tags: 1..50 of {Key 0..128, Value 0..256}.
  std::optional<core::Pairs> tags(bool required);
  // TagKeys: 1..50 strings of 0..128.
  std::optional<std::vector<std::string>> tag_keys();

 private:
  const rapidjson::Value* member(const char* name, bool required);
  void fail(const char* member, std::string_view value, const std::string& constraint);
  void fail_type(const char* member, const char* expected);

  const rapidjson::Value& body_;
  std::optional<std::string> error_;
};

}  // namespace transfer
