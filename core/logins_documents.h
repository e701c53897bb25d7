// The logins' documents, as the logins' files share them (private to
// core/logins*.cpp): their kinds, how they are keyed ("<server>/<name or
// id>"), and the order listings and presented keys follow.
#pragma once

#include <string>
#include <string_view>
#include <tuple>

#include "core/logins.h"
#include "core/logins_codec.h"

namespace core::logins_documents {

inline constexpr std::string_view kUser = "login-user";
inline constexpr std::string_view kHostKey = "login-host-key";
inline constexpr std::string_view kAccess = "login-access";
inline constexpr std::string_view kSecret = "login-secret";
inline constexpr std::string_view kSecretKey = "host-keys";

inline std::string key_of(std::string_view server, std::string_view name) {
  std::string key(server);
  key += '/';
  key.append(name);
  return key;
}

inline Document document(std::string_view kind, std::string key, std::string value) {
  Document d;
  d.kind = std::string(kind);
  d.key = std::move(key);
  d.value = std::move(value);
  return d;
}

inline Document user_document(const LoginUser& u) {
  return document(kUser, key_of(u.server, u.name), encode_user(u));
}
inline Document host_key_document(const HostKey& k) {
  return document(kHostKey, key_of(k.server, k.id), encode_host_key(k));
}
inline Document access_document(const Access& a) {
  return document(kAccess, key_of(a.server, a.external_id), encode_access(a));
}

// Host keys oldest first: by import time, then id.
inline bool older(const HostKey& a, const HostKey& b) {
  return std::tie(a.imported_ms, a.id) < std::tie(b.imported_ms, b.id);
}

// A page of a map in key order, after `after`.
template <typename Map, typename T = typename Map::mapped_type>
Listing<T> page(const Map& map, std::string_view after, std::size_t limit) {
  Listing<T> out;
  for (auto it = after.empty() ? map.begin() : map.upper_bound(after); it != map.end(); ++it) {
    if (out.items.size() == limit) {
      out.more = true;
      break;
    }
    out.items.push_back(it->second);
  }
  return out;
}

}  // namespace core::logins_documents
