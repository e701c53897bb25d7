// ISO 8601 times as Nova's query parameters take them (changes-since,
// changes-before): the forms python's iso8601.parse_date accepts.
#pragma once

#include <optional>
#include <string_view>

#include "core/clock.h"

namespace openstack {

// "2024-01-31", "2024-01-31T10:00", "2024-01-31T10:00:05.123456Z",
// "2024-01-31T10:00:05+02:00", ...: milliseconds since the epoch (UTC when
// no offset is given), or nothing if the text is not such a time.
std::optional<core::Millis> parse_iso8601(std::string_view text);

}  // namespace openstack
