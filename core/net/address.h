// IP addresses and prefixes (IPv4 and IPv6) as numbers: parsed strictly,
// printed canonically, compared and counted. Pure: what the network model's
// allocation rules are built on, and what a fuzz target feeds.
#pragma once

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace core::net {

// GCC and clang have 128-bit integers; __extension__ keeps -Wpedantic quiet about it.
__extension__ typedef unsigned __int128 u128;

struct Address {
  int version = 4;  // 4 or 6
  u128 value = 0;   // IPv4 in the low 32 bits

  bool operator==(const Address&) const = default;
  auto operator<=>(const Address& o) const {
    if (version != o.version) return version <=> o.version;
    return value < o.value ? std::strong_ordering::less
                           : value > o.value ? std::strong_ordering::greater : std::strong_ordering::equal;
  }
  // The address `n` above this one (n may be negative), in the same family.
  Address plus(long long n) const;
};

// "10.0.0.5" (four decimal octets, no leading zeros) or an RFC 4291 IPv6
// address ("2001:db8::1", "::ffff:1.2.3.4"); nothing when malformed.
std::optional<Address> parse_address(std::string_view text);
// Dotted decimal, or RFC 5952's canonical IPv6 form.
std::string to_string(const Address& a);

struct Prefix {
  Address network;  // the first address (host bits zero)
  int length = 0;   // 0..32 or 0..128

  int bits() const { return network.version == 4 ? 32 : 128; }
  Address first() const { return network; }
  Address last() const;
  bool contains(const Address& a) const;
  bool overlaps(const Prefix& other) const;
  // How many addresses it holds, capped at 2^64 (an IPv6 /64 and wider).
  std::uint64_t size() const;
  bool operator==(const Prefix&) const = default;
};

// "10.0.0.0/24": an address, then a length in range (host bits may be set:
// see normalise()).
std::optional<Prefix> parse_prefix(std::string_view text);
std::string to_string(const Prefix& p);
// The prefix with its host bits cleared.
Prefix normalise(Prefix p);

// An inclusive range of addresses (an allocation pool).
struct Range {
  Address start;
  Address end;
  bool contains(const Address& a) const { return start <= a && a <= end; }
  bool overlaps(const Range& o) const { return !(end < o.start || o.end < start); }
};

}  // namespace core::net
