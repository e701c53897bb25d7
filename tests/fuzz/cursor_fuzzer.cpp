// Listing cursors (Transfer's NextToken) through core::Fleet::cursor_position:
// a cursor is accepted only in the scope it was issued for, and an accepted
// one is exactly what cursor_after issues for its position (no second
// spelling of the same cursor exists).
// Input: "<scope>\n<cursor>", scope "all" or a tenant number.
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>

#include "tests/fuzz/fuzz_world.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto rest = fuzz::as_text(data, size);
  const auto scope_text = fuzz::take_line(rest);
  std::optional<core::TenantId> scope;
  if (scope_text != "all") {
    core::TenantId tenant = 0;
    std::from_chars(scope_text.data(), scope_text.data() + scope_text.size(), tenant);
    scope = tenant;
  }
  static fuzz::World world;  // cursors depend only on the id source's secret
  const auto position = world.fleet.cursor_position(scope, rest);
  if (!position) return 0;
  if (world.fleet.cursor_after(scope, *position) != rest) std::abort();
  // Bound to its scope: the same cursor means nothing in another one.
  const std::optional<core::TenantId> other = scope ? std::nullopt : std::optional<core::TenantId>(0);
  if (world.fleet.cursor_position(other, rest)) std::abort();
  return 0;
}
