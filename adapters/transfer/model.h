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

#include "core/logins.h"
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
  std::optional<std::string> role(const char* member, bool nullable, bool required = false);
  std::optional<std::string> security_policy(bool required = false);
  // Protocols: 1..4 of SFTP, FTP, FTPS, AS2; joined with commas.
  std::optional<std::string> protocols();
  std::optional<int> integer(const char* member, int min, int max);
  // Tags: 1..50 of {Key 0..128, Value 0..256}.
  std::optional<core::Pairs> tags(bool required);
  // TagKeys: 1..50 strings of 0..128.
  std::optional<std::vector<std::string>> tag_keys();

  // What users, keys and accesses take (model_logins.cpp).
  // UserName: 3..100, ^[\w][\w@.-]{2,99}$ (\w: ASCII letters, digits, '_').
  std::optional<std::string> user_name();
  // SshPublicKeyId: ^key-[0-9a-f]{17}$.
  std::optional<std::string> ssh_public_key_id();
  // HostKeyId: ^hostkey-[0-9a-f]{17}$.
  std::optional<std::string> host_key_id();
  // ExternalId: 1..256, ^S-1-[\d-]+$.
  std::optional<std::string> external_id();
  // HomeDirectory: up to 1024, empty or an absolute path (^$|/.*).
  std::optional<std::string> home_directory();
  // HomeDirectoryType: PATH or LOGICAL.
  std::optional<core::HomeType> home_directory_type();
  // HomeDirectoryMappings: 1..50 of {Entry, Target}, each up to 1024 and absolute (^/.*).
  std::optional<std::vector<core::HomeMapping>> home_directory_mappings();
  // PosixProfile: {Uid, Gid} of 0..4294967295, SecondaryGids 0..16 of them.
  std::optional<core::PosixIdentity> posix_profile();
  // Policy: up to 2048.
  std::optional<std::string> policy();
  // Description (a host key's): 0..200 printable ASCII (^[\p{Print}]*$).
  std::optional<std::string> description(bool required);
  // A sensitive string (a key's body, a password): up to `max`; its value
  // is never shown in a message.
  std::optional<std::string> secret(const char* member, bool required, std::size_t max);
  // SourceIp: up to 32, ^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$.
  std::optional<std::string> source_ip();

 private:
  const rapidjson::Value* member(const char* name, bool required);
  void fail(const char* member, std::string_view value, const std::string& constraint);
  void fail_type(const char* member, const char* expected);
  // A string member matched by `ok`, else a failed pattern.
  std::optional<std::string> matched(const char* member, bool required, std::size_t min, std::size_t max,
                                     bool (*ok)(std::string_view), const char* pattern);

  const rapidjson::Value& body_;
  std::optional<std::string> error_;
};

}  // namespace transfer
