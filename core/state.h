// The protocol-neutral server states and lifecycle actions, with their names.
// Nothing here knows how Nova or Transfer spell a state: adapters map them.
#pragma once

#include <optional>
#include <string_view>

#include <fmt/format.h>

namespace core {

// Settled states, and in-between ones (a transition under way: it settles
// where the transition table says, or in its failed state).
enum class State {
  Provisioning,  // in between: being created, then Running
  Running,
  Stopping,      // in between: Stopped
  Stopped,
  Starting,      // in between: Running
  StopFailed,
  StartFailed,
  Rebooting,           // in between (a soft reboot): Running
  RebootingHard,       // in between (a hard reboot, from any of several states): Running
  Pausing,             // in between: Paused
  Paused,              // memory kept, CPU stopped
  Unpausing,           // in between: Running
  Suspending,          // in between: Suspended
  Suspended,           // memory saved to disk, powered off
  Resuming,            // in between: Running
  Shelving,            // in between (from any of several states): ShelvedOffloaded
  Shelved,             // powered off, still on its host
  ShelvingOffloading,  // in between: ShelvedOffloaded
  ShelvedOffloaded,    // powered off, its host's resources given back
  Unshelving,          // in between (from either shelved state): Running
  Rebuilding,          // in between (a new image, from several states): Running, or Stopped when begun stopped
  Resizing,            // in between (a new flavor): Resized, or ResizedStopped when begun stopped
  Resized,             // the new flavor runs, to be confirmed or reverted (powered on)
  ResizedStopped,      // the same, for a server resized while stopped (powered off)
  ConfirmingResize,    // in between: Running, or Stopped when it was resized stopped
  RevertingResize,     // in between (the old flavor back): Running, or Stopped when it was resized stopped
  SoftDeleted,         // deleted but restorable until reclaimed (powered off, still billed)
  Restoring,           // in between: Running
  Rescuing,            // in between (from several states): Rescued
  Rescued,             // booted from a rescue image, its own disk attached (powered on)
  Unrescuing,          // in between: Running
  Snapshotting,        // in between (an image of the server, from several states): where it began
  BackingUp,           // in between (a backup image, from several states): where it began
};
inline constexpr int kStateCount = 33;

enum class Action {
  Create, Stop, Start, Delete, Lock, Unlock, Update,
  Reboot, RebootHard, Pause, Unpause, Suspend, Resume, Shelve, ShelveOffload, Unshelve,
  Rebuild, Resize, ConfirmResize, RevertResize,
  ResetActive, ResetError,          // an admin sets the state (Nova's os-resetState)
  SoftDelete, Restore,              // a delete that can be undone until it is reclaimed
  CreateImage, CreateBackup, ChangePassword,  // allowed from some states, change none
  SetMetadata,                      // Nova's metadata API: a change of metadata, from some states
  Rescue, Unrescue,                 // boot from a rescue image, and back from it
};
inline constexpr int kActionCount = 30;

enum class LockOwner { Owner, Admin };

std::string_view name(State s);      // "provisioning", "running", ... (GATEWAY.md)
std::string_view name(Action a);     // "create", "stop", ...
std::string_view name(LockOwner o);  // "owner" / "admin"
std::optional<State> parse_state(std::string_view text);
std::optional<Action> parse_action(std::string_view text);

// The action whose transition is under way in an in-between state, if any.
std::optional<Action> task_under_way(State s);

// Whether a lock stops the action for a caller who is not an admin. Nova's
// lock guards against changes: snapshots and backups are taken anyway.
bool lock_applies(Action a);

// Whether the machine counts as powered on in that state: billing splits the
// billed time into running (powered on) and stopped (powered off) seconds.
// Paused, suspended and shelved count as off; rescued counts as on. An in-between state counts as
// the state its transition began in (`from`); without one, as its own kind.
bool powered_on(State s, std::optional<State> from = std::nullopt);

// Whether a server loaded in `s` with no history (a fleet file's, or a
// snapshot's that leaves launched_ms out) has run, so has a launch time:
// every state but Provisioning. StartFailed counts as run: a failed build
// ends there too, but a loaded server is one the gateway did not build, and
// every other way into StartFailed (a failed start, reboot, unpause, resume,
// unshelve, rebuild, resize or restore, an admin's reset of a stopped
// server) begins from a server that has run. Nova soft-deletes only a
// server with a launch time (must_have_launched).
bool has_run(State s);

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
