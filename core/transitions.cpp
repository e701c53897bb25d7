#include "core/transitions.h"

#include <array>
#include <initializer_list>

namespace core {
namespace {

using enum State;

// One row per lifecycle action: the states it is allowed from, the
// in-between state while it lasts (none: the change is immediate), where it
// settles (none: where it was), where it settles instead when it began
// stopped (Nova keeps a SHUTOFF server SHUTOFF through a rebuild or a
// resize), and where an injected failure leaves it (the failed state
// Transfer's view and Nova's ERROR show).
struct Row {
  Action action;
  std::initializer_list<State> from;  // empty: any state
  std::optional<State> via;
  std::optional<State> to;
  State failed;
  std::optional<State> stopped_to = std::nullopt;
};

// Nova's compute API allows each action from these vm_states (stop also from
// ERROR; start also from a failed start, as Transfer retries one). Shelve
// offloads at once (Nova's shelved_offload_time = 0), so it ends offloaded.
// Delete, lock, unlock and update are not rows: any state, no change.
const std::array<Row, 26> kTable = {{
    {Action::Create, {}, Provisioning, Running, StartFailed},
    {Action::Stop, {Running, StopFailed, StartFailed}, Stopping, Stopped, StopFailed},
    {Action::Start, {Stopped, StartFailed}, Starting, Running, StartFailed},
    {Action::Reboot, {Running}, Rebooting, Running, StartFailed},
    {Action::RebootHard, {Running, Stopped, Paused, Suspended, StopFailed, StartFailed}, RebootingHard, Running,
     StartFailed},
    {Action::Pause, {Running}, Pausing, Paused, StopFailed},
    {Action::Unpause, {Paused}, Unpausing, Running, StartFailed},
    {Action::Suspend, {Running}, Suspending, Suspended, StopFailed},
    {Action::Resume, {Suspended}, Resuming, Running, StartFailed},
    {Action::Shelve, {Running, Stopped, Paused, Suspended}, Shelving, ShelvedOffloaded, StopFailed},
    {Action::ShelveOffload, {Shelved}, ShelvingOffloading, ShelvedOffloaded, StopFailed},
    {Action::Unshelve, {Shelved, ShelvedOffloaded}, Unshelving, Running, StartFailed},
    // Nova rebuilds an ACTIVE, SHUTOFF or ERROR server; an ERROR one comes back ACTIVE.
    {Action::Rebuild, {Running, Stopped, StopFailed, StartFailed}, Rebuilding, Running, StartFailed, Stopped},
    {Action::Resize, {Running, Stopped}, Resizing, Resized, StartFailed, ResizedStopped},
    {Action::ConfirmResize, {Resized, ResizedStopped}, ConfirmingResize, Running, StartFailed, Stopped},
    {Action::RevertResize, {Resized, ResizedStopped}, RevertingResize, Running, StartFailed, Stopped},
    // os-resetState: an admin's word, from anywhere (a transition under way is abandoned).
    // ERROR keeps the power: a stopped server is reset to start_failed, any other to stop_failed.
    {Action::ResetActive, {}, std::nullopt, Running, Running},
    {Action::ResetError, {}, std::nullopt, StopFailed, StopFailed, StartFailed},
    {Action::SoftDelete, {}, std::nullopt, SoftDeleted, SoftDeleted},
    {Action::Restore, {SoftDeleted}, Restoring, Running, StartFailed},
    // A snapshot or a backup: allowed from these states; the image is made
    // while it lasts, and the server settles back where it was. A new password: at once.
    {Action::CreateImage, {Running, Stopped, Paused, Suspended}, Snapshotting, std::nullopt, Running},
    {Action::CreateBackup, {Running, Stopped, Paused, Suspended}, BackingUp, std::nullopt, Running},
    {Action::ChangePassword, {Running}, std::nullopt, std::nullopt, Running},
    // Nova changes metadata only of an ACTIVE, PAUSED, SUSPENDED or SHUTOFF server.
    {Action::SetMetadata, {Running, Stopped, Paused, Suspended}, std::nullopt, std::nullopt, Running},
    // Nova rescues an ACTIVE, SHUTOFF or ERROR server and unrescues it to ACTIVE. A failed
    // rescue is ERROR powered off: Nova powers the server off before the driver's rescue.
    {Action::Rescue, {Running, Stopped, StopFailed, StartFailed}, Rescuing, Rescued, StartFailed},
    {Action::Unrescue, {Rescued}, Unrescuing, Running, StartFailed},
}};

const Row* row_of(Action action) {
  for (const auto& row : kTable)
    if (row.action == action) return &row;
  return nullptr;
}

bool listed(std::initializer_list<State> states, State s) {
  for (auto candidate : states)
    if (candidate == s) return true;
  return states.size() == 0;
}

bool stopped(std::optional<State> s) { return s == Stopped || s == ResizedStopped; }

// Where a row settles for a server that began in `from`, and where it fails.
Transition settle_of(const Row& row, State from) {
  Transition t{true, row.via, row.to.value_or(from), row.to ? row.failed : from};
  if (row.stopped_to && stopped(from)) t.to = *row.stopped_to;
  return t;
}

}  // namespace

Transition transition(Action action, State from) {
  if (const auto* row = row_of(action)) {
    if (!listed(row->from, from)) return {};
    return settle_of(*row, from);
  }
  // Delete, lock, unlock and update change no state, from any state.
  return {true, std::nullopt, from, from};
}

std::optional<Transition> settling(State in_between, std::optional<State> from) {
  for (const auto& row : kTable) {
    if (row.via != in_between) continue;
    // A row that settles where it began needs to know where that was: without it, running.
    if (!row.to && (!from || task_under_way(*from))) return settle_of(row, Running);
    return settle_of(row, from.value_or(in_between));
  }
  return std::nullopt;
}

std::optional<Action> power_on_action(State from) {
  for (auto action : {Action::Start, Action::Unpause, Action::Resume, Action::Unshelve, Action::Restore,
                       Action::Unrescue})
    if (listed(row_of(action)->from, from)) return action;
  return std::nullopt;
}

bool legal_step(State from, State to) {
  for (int a = 0; a < kActionCount; ++a) {
    const auto t = transition(static_cast<Action>(a), from);
    if (!t.allowed) continue;
    // Entering an in-between state: an action allowed from `from` goes through `to`.
    if (t.via == to) return true;
    // An immediate change (a reset, a soft delete) goes straight to where it settles.
    if (!t.via && to != from && (to == t.to || to == t.failed)) return true;
  }
  // Settling: an in-between state ends where its transition goes (from
  // whichever state it began in), or fails.
  for (int s = 0; s < kStateCount; ++s) {
    const auto t = settling(from, static_cast<State>(s));
    if (t && (to == t->to || to == t->failed)) return true;
  }
  return false;
}

}  // namespace core
