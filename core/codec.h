// Plain records as text, for what the core keeps in documents and the store
// in its columns: length-prefixed fields ("<len>:<bytes>"), so any bytes
// round-trip and a damaged value is detected, not misread. No JSON: the
// core knows no wire format.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/server.h"

namespace core {

// Pairs as "<len>:<key><len>:<value>..." (key, value, key, ...).
std::string encode_pairs(const Pairs& pairs);
std::optional<Pairs> decode_pairs(std::string_view text);

// A list of strings as "<len>:<item>...".
std::string encode_list(const std::vector<std::string>& items);
std::optional<std::vector<std::string>> decode_list(std::string_view text);

}  // namespace core
