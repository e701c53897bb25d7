#include "core/state.h"

#include <array>

namespace core {
namespace {

constexpr std::array<std::string_view, kStateCount> kStateNames = {
    "provisioning", "running",   "stopping",  "stopped",   "starting",         "stop_failed",
    "start_failed", "rebooting", "rebooting_hard", "pausing", "paused",        "unpausing",
    "suspending",   "suspended", "resuming",  "shelving",  "shelved",          "shelving_offloading",
    "shelved_offloaded", "unshelving", "rebuilding", "resizing", "resized", "resized_stopped",
    "confirming_resize", "reverting_resize", "soft_deleted", "restoring", "rescuing", "rescued", "unrescuing",
    "snapshotting", "backing_up"};
constexpr std::array<std::string_view, kActionCount> kActionNames = {
    "create", "stop",   "start",   "delete", "lock",   "unlock",        "update",   "reboot",
    "reboot_hard", "pause", "unpause", "suspend", "resume", "shelve", "shelve_offload", "unshelve",
    "rebuild", "resize", "confirm_resize", "revert_resize", "reset_active", "reset_error", "soft_delete",
    "restore", "create_image", "create_backup", "change_password", "set_metadata", "rescue", "unrescue"};

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
    case State::Rebuilding: return Action::Rebuild;
    case State::Resizing: return Action::Resize;
    case State::ConfirmingResize: return Action::ConfirmResize;
    case State::RevertingResize: return Action::RevertResize;
    case State::Restoring: return Action::Restore;
    case State::Rescuing: return Action::Rescue;
    case State::Unrescuing: return Action::Unrescue;
    case State::Snapshotting: return Action::CreateImage;
    case State::BackingUp: return Action::CreateBackup;
    default: return std::nullopt;
  }
}

bool lock_applies(Action a) { return a != Action::CreateImage && a != Action::CreateBackup; }

bool has_run(State s) { return s != State::Provisioning; }

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
    case State::Shelving:
    case State::Rebuilding:
    case State::Resizing:
    case State::Resized:
    case State::ConfirmingResize:
    case State::RevertingResize:
    case State::Rescuing:
    case State::Rescued:
    case State::Unrescuing: return true;
    default: return false;
  }
}

}  // namespace core
