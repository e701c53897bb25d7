#include "core/ids.h"

#include <fmt/format.h>

namespace core {
namespace {

bool is_hex(char c, bool lower_only) {
  if (c >= '0' && c <= '9') return true;
  if (c >= 'a' && c <= 'f') return true;
  return !lower_only && c >= 'A' && c <= 'F';
}

// Written by hand, not with fmt: every answer of both APIs carries a fresh
// request id, so this is on the hot path.
void put_hex(char* out, std::uint64_t value, int digits) {
  static constexpr char kDigits[] = "0123456789abcdef";
  for (int i = digits - 1; i >= 0; --i, value >>= 4) out[i] = kDigits[value & 0xf];
}

std::string format_uuid(std::uint64_t hi, std::uint64_t lo) {
  // Version 4, variant 10xx.
  hi = (hi & 0xffffffffffff0fffULL) | 0x0000000000004000ULL;
  lo = (lo & 0x3fffffffffffffffULL) | 0x8000000000000000ULL;
  std::string out(36, '-');  // 8-4-4-4-12
  put_hex(&out[0], hi >> 32, 8);
  put_hex(&out[9], hi >> 16, 4);
  put_hex(&out[14], hi, 4);
  put_hex(&out[19], lo >> 48, 4);
  put_hex(&out[24], lo, 12);
  return out;
}

}  // namespace

RandomIds::RandomIds() : RandomIds(std::random_device{}() ^ (std::uint64_t{std::random_device{}()} << 32)) {}

RandomIds::RandomIds(std::uint64_t seed) : rng_(seed) { secret_ = rng_(); }

std::string RandomIds::next_uuid() {
  std::lock_guard lock(mutex_);
  const auto hi = rng_();
  const auto lo = rng_();
  return format_uuid(hi, lo);
}

std::string RandomIds::next_transfer_id() {
  std::lock_guard lock(mutex_);
  // 17 hex digits are 68 bits: one digit from a second draw.
  const auto a = rng_();
  const auto b = rng_() & 0xf;
  return fmt::format("s-{:x}{:016x}", b, a);
}

std::string SequentialIds::next_uuid() {
  std::lock_guard lock(mutex_);
  return format_uuid(0, next_uuid_++);
}

std::string SequentialIds::next_transfer_id() {
  std::lock_guard lock(mutex_);
  return fmt::format("s-{:017x}", next_transfer_++);
}

std::string request_uuid() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  const auto hi = rng();
  const auto lo = rng();
  return format_uuid(hi, lo);
}

bool is_uuid(std::string_view text) {
  if (text.size() != 36) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? text[i] != '-' : !is_hex(text[i], false)) return false;
  }
  return true;
}

bool is_transfer_id(std::string_view text) {
  if (text.size() != 19 || text[0] != 's' || text[1] != '-') return false;
  for (std::size_t i = 2; i < text.size(); ++i)
    if (!is_hex(text[i], true)) return false;
  return true;
}

}  // namespace core
