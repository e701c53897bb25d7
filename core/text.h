// ASCII case folding for identifiers and protocol tokens (ids, header names,
// media types, query flags). Deliberately not locale-aware: these are wire
// tokens, and the answer must not change with the process's locale. And
// well-formed UTF-8 for client bytes an answer echoes.
#pragma once

#include <string>
#include <string_view>

namespace core {

constexpr char ascii_lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

std::string ascii_lower(std::string_view text);

// Equal when ASCII letters are compared without case.
bool iequals(std::string_view a, std::string_view b);

// `text` with each byte that is not part of well-formed UTF-8 (RFC 3629: no
// overlong forms, no surrogates, nothing above U+10FFFF) replaced by U+FFFD.
// Headers, query strings and paths carry any bytes; an answer that echoes
// them in JSON must still be UTF-8, or clients cannot parse it.
std::string valid_utf8(std::string_view text);
// Whether `text` is well-formed UTF-8 (valid_utf8 would return it unchanged).
bool is_utf8(std::string_view text);

}  // namespace core
