#include "core/state.h"

#include <array>

namespace core {
namespace {

constexpr std::array<std::string_view, kStateCount> kStateNames = {
    "provisioning", "running", "stopping", "stopped", "starting", "stop_failed", "start_failed"};
constexpr std::array<std::string_view, kActionCount> kActionNames = {
    "create", "stop", "start", "delete", "lock", "unlock", "update"};

}  // namespace

std::string_view name(State s) { return kStateNames[static_cast<int>(s)]; }
std::string_view name(Action a) { return kActionNames[static_cast<int>(a)]; }
std::string_view name(LockOwner o) { return o == LockOwner::Admin ? "admin" : "owner"; }

std::optional<State> parse_state(std::string_view text) {
  for (int i = 0; i < kStateCount; ++i)
    if (kStateNames[i] == text) return static_cast<State>(i);
  return std::nullopt;
}

std::optional<Action> parse_action(std::string_view text) {
  for (int i = 0; i < kActionCount; ++i)
    if (kActionNames[i] == text) return static_cast<Action>(i);
  return std::nullopt;
}

std::optional<Action> task_under_way(State s) {
  switch (s) {
    case State::Provisioning: return Action::Create;
    case State::Stopping: return Action::Stop;
    case State::Starting: return Action::Start;
    default: return std::nullopt;
  }
}

bool powered_on(State s) {
  switch (s) {
    case State::Provisioning:
    case State::Running:
    case State::Stopping:
    case State::StopFailed: return true;
    default: return false;
  }
}

}  // namespace core
