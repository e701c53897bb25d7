// ASCII case folding for identifiers and protocol tokens (ids, header names,
// media types, query flags). Deliberately not locale-aware: these are wire
// tokens, and the answer must not change with the process's locale.
#pragma once

#include <string>
#include <string_view>

namespace core {

constexpr char ascii_lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

std::string ascii_lower(std::string_view text);

// Equal when ASCII letters are compared without case.
bool iequals(std::string_view a, std::string_view b);

}  // namespace core
