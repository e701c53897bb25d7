// The logins' documents as text (core/codec.h's length-prefixed fields, by
// name): what the store and snapshots keep of a user, a host key, an access.
// A value that cannot be read decodes to nothing, never to half a record.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/logins.h"

namespace core {

std::string encode_user(const LoginUser& user);
std::optional<LoginUser> decode_user(std::string_view text);

std::string encode_host_key(const HostKey& key);
std::optional<HostKey> decode_host_key(std::string_view text);

std::string encode_access(const Access& access);
std::optional<Access> decode_access(std::string_view text);

}  // namespace core
