#include "core/net/address.h"

#include <charconv>
#include <vector>

namespace core::net {
namespace {

u128 mask_of(int length, int bits) {
  if (length == 0) return 0;
  const u128 all = bits == 32 ? u128{0xffffffffu} : ~u128{0};
  return (all << (bits - length)) & all;
}

std::optional<u128> parse_v4(std::string_view text) {
  u128 value = 0;
  for (int part = 0; part < 4; ++part) {
    const auto dot = text.find('.');
    const auto piece = text.substr(0, part == 3 ? text.size() : dot);
    if (piece.empty() || piece.size() > 3 || (part < 3 && dot == std::string_view::npos)) return std::nullopt;
    if (piece.size() > 1 && piece[0] == '0') return std::nullopt;  // no octal-looking octets
    unsigned octet = 0;
    auto [end, ec] = std::from_chars(piece.data(), piece.data() + piece.size(), octet);
    if (ec != std::errc() || end != piece.data() + piece.size() || octet > 255) return std::nullopt;
    value = (value << 8) | octet;
    if (part < 3) text.remove_prefix(dot + 1);
  }
  return value;
}

// One group of 1..4 hex digits.
std::optional<unsigned> parse_group(std::string_view g) {
  if (g.empty() || g.size() > 4) return std::nullopt;
  unsigned v = 0;
  auto [end, ec] = std::from_chars(g.data(), g.data() + g.size(), v, 16);
  if (ec != std::errc() || end != g.data() + g.size()) return std::nullopt;
  return v;
}

std::optional<u128> parse_v6(std::string_view text) {
  // Split on "::" once; each side is groups separated by ':', the right side
  // may end in a dotted IPv4 address (two groups' worth).
  const auto gap = text.find("::");
  if (gap != std::string_view::npos && text.find("::", gap + 1) != std::string_view::npos) return std::nullopt;
  const auto parse_side = [](std::string_view side, bool last_side, std::vector<unsigned>& out) {
    if (side.empty()) return true;
    while (true) {
      const auto colon = side.find(':');
      const auto piece = side.substr(0, colon);
      if (colon == std::string_view::npos && last_side && piece.find('.') != std::string_view::npos) {
        auto v4 = parse_v4(piece);
        if (!v4) return false;
        out.push_back(static_cast<unsigned>(*v4 >> 16));
        out.push_back(static_cast<unsigned>(*v4 & 0xffff));
        return true;
      }
      auto g = parse_group(piece);
      if (!g) return false;
      out.push_back(*g);
      if (colon == std::string_view::npos) return true;
      side.remove_prefix(colon + 1);
    }
  };
  std::vector<unsigned> head, tail;
  if (gap == std::string_view::npos) {
    if (!parse_side(text, true, head) || head.size() != 8) return std::nullopt;
  } else {
    if (!parse_side(text.substr(0, gap), false, head) || !parse_side(text.substr(gap + 2), true, tail)) return std::nullopt;
    if (head.size() + tail.size() > 7) return std::nullopt;
    head.resize(8 - tail.size(), 0);
    head.insert(head.end(), tail.begin(), tail.end());
  }
  u128 value = 0;
  for (unsigned g : head) value = (value << 16) | g;
  return value;
}

}  // namespace

Address Address::plus(long long n) const {
  Address a = *this;
  a.value = n >= 0 ? value + static_cast<u128>(n) : value - static_cast<u128>(-n);
  if (version == 4) a.value &= 0xffffffffu;
  return a;
}

std::optional<Address> parse_address(std::string_view text) {
  if (text.size() > 45) return std::nullopt;
  if (text.find(':') == std::string_view::npos) {
    auto v = parse_v4(text);
    if (!v) return std::nullopt;
    return Address{4, *v};
  }
  auto v = parse_v6(text);
  if (!v) return std::nullopt;
  return Address{6, *v};
}

std::string to_string(const Address& a) {
  if (a.version == 4) {
    const auto v = static_cast<std::uint32_t>(a.value);
    return std::to_string(v >> 24) + "." + std::to_string((v >> 16) & 255) + "." + std::to_string((v >> 8) & 255) +
           "." + std::to_string(v & 255);
  }
  unsigned g[8];
  for (int i = 0; i < 8; ++i) g[i] = static_cast<unsigned>((a.value >> (16 * (7 - i))) & 0xffff);
  // RFC 5952: the longest run of two or more zero groups (the first of equals) becomes "::".
  int best = -1, best_len = 0;
  for (int i = 0; i < 8;) {
    if (g[i] != 0) {
      ++i;
      continue;
    }
    int j = i;
    while (j < 8 && g[j] == 0) ++j;
    if (j - i > best_len && j - i >= 2) {
      best = i;
      best_len = j - i;
    }
    i = j;
  }
  std::string out;
  char buf[8];
  for (int i = 0; i < 8; ++i) {
    if (i == best) {
      out += "::";
      i += best_len - 1;
      continue;
    }
    if (!out.empty() && out.back() != ':') out += ':';
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, g[i], 16);
    out.append(buf, end);
  }
  return out;
}

Address Prefix::last() const {
  Address a = network;
  const u128 host = ~mask_of(length, bits()) & (bits() == 32 ? u128{0xffffffffu} : ~u128{0});
  a.value |= host;
  return a;
}

bool Prefix::contains(const Address& a) const {
  return a.version == network.version && (a.value & mask_of(length, bits())) == network.value;
}

bool Prefix::overlaps(const Prefix& o) const {
  if (network.version != o.network.version) return false;
  return contains(o.network) || o.contains(network);
}

std::uint64_t Prefix::size() const {
  const int host_bits = bits() - length;
  if (host_bits >= 64) return ~std::uint64_t{0};
  return std::uint64_t{1} << host_bits;
}

std::optional<Prefix> parse_prefix(std::string_view text) {
  const auto slash = text.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  auto address = parse_address(text.substr(0, slash));
  if (!address) return std::nullopt;
  const auto len_text = text.substr(slash + 1);
  int length = -1;
  auto [end, ec] = std::from_chars(len_text.data(), len_text.data() + len_text.size(), length);
  if (len_text.empty() || ec != std::errc() || end != len_text.data() + len_text.size()) return std::nullopt;
  if (len_text.size() > 1 && len_text[0] == '0') return std::nullopt;
  if (length < 0 || length > (address->version == 4 ? 32 : 128)) return std::nullopt;
  return Prefix{*address, length};
}

Prefix normalise(Prefix p) {
  p.network.value &= mask_of(p.length, p.bits());
  return p;
}

std::string to_string(const Prefix& p) { return to_string(p.network) + "/" + std::to_string(p.length); }

}  // namespace core::net
