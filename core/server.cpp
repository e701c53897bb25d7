#include "core/server.h"

namespace core {

std::optional<std::string_view> find_pair(const Pairs& pairs, std::string_view key) {
  for (const auto& [k, v] : pairs)
    if (k == key) return std::string_view(v);
  return std::nullopt;
}

void set_pair(Pairs& pairs, std::string key, std::string value) {
  for (auto& [k, v] : pairs) {
    if (k == key) {
      v = std::move(value);
      return;
    }
  }
  pairs.emplace_back(std::move(key), std::move(value));
}

}  // namespace core
