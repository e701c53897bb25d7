#include "adapters/openstack/shared/iso_time.h"

#include <chrono>

namespace openstack {
namespace {

// Reads exactly `digits` digits at `at`, advancing it.
std::optional<int> digits(std::string_view s, std::size_t& at, int count) {
  if (at + static_cast<std::size_t>(count) > s.size()) return std::nullopt;
  int v = 0;
  for (int i = 0; i < count; ++i) {
    const char c = s[at + static_cast<std::size_t>(i)];
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  at += static_cast<std::size_t>(count);
  return v;
}

bool take(std::string_view s, std::size_t& at, char c) {
  if (at < s.size() && s[at] == c) {
    ++at;
    return true;
  }
  return false;
}

}  // namespace

std::optional<core::Millis> parse_iso8601(std::string_view s) {
  using namespace std::chrono;
  std::size_t at = 0;
  const auto year = digits(s, at, 4);
  if (!year || !take(s, at, '-')) return std::nullopt;
  const auto month = digits(s, at, 2);
  if (!month || !take(s, at, '-')) return std::nullopt;
  const auto day = digits(s, at, 2);
  if (!day) return std::nullopt;
  const year_month_day date{std::chrono::year(*year), std::chrono::month(static_cast<unsigned>(*month)),
                            std::chrono::day(static_cast<unsigned>(*day))};
  if (!date.ok()) return std::nullopt;
  core::Millis ms = duration_cast<milliseconds>(sys_days(date).time_since_epoch()).count();
  if (at == s.size()) return ms;
  if (!take(s, at, 'T') && !take(s, at, ' ')) return std::nullopt;
  const auto hour = digits(s, at, 2);
  if (!hour || *hour > 23 || !take(s, at, ':')) return std::nullopt;
  const auto minute = digits(s, at, 2);
  if (!minute || *minute > 59) return std::nullopt;
  ms += (*hour * 3600LL + *minute * 60LL) * 1000;
  if (take(s, at, ':')) {
    const auto second = digits(s, at, 2);
    if (!second || *second > 60) return std::nullopt;
    ms += *second * 1000LL;
    if (take(s, at, '.') || take(s, at, ',')) {
      int scale = 100, fraction_ms = 0, seen = 0;
      while (at < s.size() && s[at] >= '0' && s[at] <= '9') {
        fraction_ms += (s[at++] - '0') * scale;
        scale /= 10;
        ++seen;
      }
      if (seen == 0) return std::nullopt;
      ms += fraction_ms;
    }
  }
  if (at == s.size() || take(s, at, 'Z')) return at == s.size() ? std::optional(ms) : std::nullopt;
  const bool plus = take(s, at, '+');
  if (!plus && !take(s, at, '-')) return std::nullopt;
  const auto off_hours = digits(s, at, 2);
  if (!off_hours) return std::nullopt;
  take(s, at, ':');
  const auto off_minutes = at < s.size() ? digits(s, at, 2) : std::optional<int>(0);
  if (!off_minutes || at != s.size()) return std::nullopt;
  const core::Millis offset = (*off_hours * 60LL + *off_minutes) * 60'000;
  return plus ? ms - offset : ms + offset;
}

}  // namespace openstack
