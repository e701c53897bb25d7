#include "core/state.h"

#include <array>

namespace core {
namespace {

constexpr std::array<std::string_view, kStateCount> kStateNames = {
    "provisioning", "running",   "stopping",  "stopped",   "starting",         "stop_failed",
    "start_failed", "rebooting", "rebooting_hard", "pausing", "paused",        "unpausing",
    "suspending",   "suspended", "resuming",  "shelving",  "shelved",          "shelving_offloading",
    "shelved_offloaded", "unshelving"};
constexpr std::array<std::string_view, kActionCount> kActionNames = {
    "create", "stop",   "start",   "delete", "lock",   "unlock",        "update",   "reboot",
    "reboot_hard", "pause", "unpause", "suspend", "resume", "shelve", "shelve_offload", "unshelve"};

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
    case State::Rebooting: return Action::Reboot;
    case State::RebootingHard: return Action::RebootHard;
    case State::Pausing: return Action::Pause;
    case State::Unpausing: return Action::Unpause;
    case State::Suspending: return Action::Suspend;
    case State::Resuming: return Action::Resume;
    case State::Shelving: return Action::Shelve;
    case State::ShelvingOffloading: return Action::ShelveOffload;
    case State::Unshelving: return Action::Unshelve;
    default: return std::nullopt;
  }
}

bool powered_on(State s, std::optional<State> from) {
  if (task_under_way(s) && from) return powered_on(*from);
  switch (s) {
    case State::Provisioning:
    case State::Running:
    case State::Stopping:
    case State::StopFailed:
    case State::Rebooting:
    case State::RebootingHard:
    case State::Pausing:
    case State::Suspending:
    case State::Shelving: return true;
    default: return false;
  }
}

}  // namespace core
