#include "core/codec.h"

#include <charconv>

namespace core {
namespace {

// Takes one "<len>:<bytes>" field off the front of `text`.
std::optional<std::string> take(std::string_view& text) {
  const auto colon = text.find(':');
  std::size_t n = 0;
  if (colon == std::string_view::npos ||
      std::from_chars(text.data(), text.data() + colon, n).ptr != text.data() + colon || n > text.size() - colon - 1)
    return std::nullopt;
  std::string value(text.substr(colon + 1, n));
  text.remove_prefix(colon + 1 + n);
  return value;
}

void put(std::string& out, std::string_view item) { out.append(std::to_string(item.size())).append(":").append(item); }

}  // namespace

std::string encode_pairs(const Pairs& pairs) {
  std::string out;
  for (const auto& [k, v] : pairs) {
    put(out, k);
    put(out, v);
  }
  return out;
}

std::optional<Pairs> decode_pairs(std::string_view text) {
  Pairs out;
  while (!text.empty()) {
    auto k = take(text);
    auto v = k ? take(text) : std::nullopt;
    if (!v) return std::nullopt;
    out.emplace_back(std::move(*k), std::move(*v));
  }
  return out;
}

std::string encode_list(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) put(out, item);
  return out;
}

std::optional<std::vector<std::string>> decode_list(std::string_view text) {
  std::vector<std::string> out;
  while (!text.empty()) {
    auto item = take(text);
    if (!item) return std::nullopt;
    out.push_back(std::move(*item));
  }
  return out;
}

}  // namespace core
