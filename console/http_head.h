// The head of an HTTP/1.1 request as the console proxy reads it (its request
// line and header fields), and the query and cookie values it looks tokens up
// in. Pure functions over bytes: no sockets, so every edge is fuzzable.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace console {

inline constexpr std::size_t kMaxHeadBytes = 8192;  // a longer head is refused
inline constexpr std::size_t kMaxHeaderFields = 64;

struct RequestHead {
  std::string method;
  std::string path;   // the target up to '?', as sent
  std::string query;  // after '?', as sent (not decoded)
  std::vector<std::pair<std::string, std::string>> fields;  // names lowercased, values trimmed

  // The first field of that (lowercase) name.
  std::optional<std::string_view> field(std::string_view name) const;
  // Whether a comma-separated field (Connection, Upgrade) lists `token`, without case.
  bool lists(std::string_view name, std::string_view token) const;
};

enum class HeadStatus { Incomplete, Complete, Invalid };

struct HeadParse {
  HeadStatus status = HeadStatus::Incomplete;
  RequestHead head;           // when Complete
  std::size_t consumed = 0;   // bytes of the head, its blank line included (Complete)
  std::string problem;        // when Invalid: what is wrong, for the log
};

// The head at the front of `bytes`: Incomplete until its blank line has come
// (Invalid past kMaxHeadBytes), Invalid for a malformed request line or field.
HeadParse parse_head(std::string_view bytes);

// `text` percent-decoded ('+' is a space in a query); nothing for a bad escape.
std::optional<std::string> percent_decoded(std::string_view text, bool plus_is_space);

// The decoded value of the first `name` parameter of a query string.
std::optional<std::string> query_value(std::string_view query, std::string_view name);

// The value of the cookie `name` in a Cookie field ("a=1; b=2").
std::optional<std::string> cookie_value(std::string_view cookies, std::string_view name);

// The console token a request carries, wherever a noVNC client puts it: the
// query's `token`, a `path` parameter holding "?token=..." (noVNC from
// 1.1, which Nova's URLs use), or the cookie `token` (noVNC before 1.1).
std::optional<std::string> request_token(const RequestHead& head);

}  // namespace console
