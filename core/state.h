// The protocol-neutral server states and lifecycle actions, with their names.
// Nothing here knows how Nova or Transfer spell a state: adapters map them.
#pragma once

#include <optional>
#include <string_view>

#include <fmt/format.h>

namespace core {

enum class State {
  Provisioning,  // being created; settles to Running (or StartFailed)
  Running,
  Stopping,      // a stop is under way; settles to Stopped (or StopFailed)
  Stopped,
  Starting,      // a start is under way; settles to Running (or StartFailed)
  StopFailed,
  StartFailed,
};
inline constexpr int kStateCount = 7;

enum class Action { Create, Stop, Start, Delete, Lock, Unlock, Update };
inline constexpr int kActionCount = 7;

enum class LockOwner { Owner, Admin };

std::string_view name(State s);      // "provisioning", "running", ... (GATEWAY.md)
std::string_view name(Action a);     // "create", "stop", ...
std::string_view name(LockOwner o);  // "owner" / "admin"
std::optional<State> parse_state(std::string_view text);
std::optional<Action> parse_action(std::string_view text);

// The action whose transition is under way in an in-between state, if any.
std::optional<Action> task_under_way(State s);

// Whether the machine counts as powered on in that state: billing splits the
// billed time into running (powered on) and stopped (powered off) seconds.
bool powered_on(State s);

}  // namespace core

template <>
struct fmt::formatter<core::State> : fmt::formatter<std::string_view> {
  auto format(core::State s, format_context& ctx) const {
    return fmt::formatter<std::string_view>::format(core::name(s), ctx);
  }
};
template <>
struct fmt::formatter<core::Action> : fmt::formatter<std::string_view> {
  auto format(core::Action a, format_context& ctx) const {
    return fmt::formatter<std::string_view>::format(core::name(a), ctx);
  }
};
