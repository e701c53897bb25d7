// A server's console log (os-getConsoleOutput) and Nova's tail of it. Pure.
#pragma once

#include <optional>
#include <string>

#include "core/server.h"

namespace openstack {

// The boot messages of `s`, each line ending in a newline.
std::string console_log(const core::ServerInfo& s);

// Nova's tail: the last `length` pieces of `log` between newlines (a log
// ending in a newline ends in an empty piece); nothing or -1: all of it.
std::string tail(const std::string& log, std::optional<long long> length);

}  // namespace openstack
