#include "core/transitions.h"

#include <array>
#include <initializer_list>

namespace core {
namespace {

using enum State;

// One row per lifecycle action: the states it is allowed from, the
// in-between state while it lasts, where it settles and where an injected
// failure leaves it (the failed state Transfer's view and Nova's ERROR show).
struct Row {
  Action action;
  std::initializer_list<State> from;  // empty: any state
  State via;
  State to;
  State failed;
};

// Nova's compute API allows each action from these vm_states (stop also from
// ERROR; start also from a failed start, as Transfer retries one). Shelve
// offloads at once (Nova's shelved_offload_time = 0), so it ends offloaded.
const std::array<Row, 12> kTable = {{
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

}  // namespace

Transition transition(Action action, State from) {
  if (const auto* row = row_of(action)) {
    if (!listed(row->from, from)) return {};
    return {true, row->via, row->to, row->failed};
  }
  // Delete, lock, unlock and update change no state, from any state.
  return {true, std::nullopt, from, from};
}

std::optional<Transition> settling(State in_between) {
  for (const auto& row : kTable)
    if (row.via == in_between) return Transition{true, row.via, row.to, row.failed};
  return std::nullopt;
}

std::optional<Action> power_on_action(State from) {
  for (auto action : {Action::Start, Action::Unpause, Action::Resume, Action::Unshelve})
    if (listed(row_of(action)->from, from)) return action;
  return std::nullopt;
}

bool legal_step(State from, State to) {
  // Entering an in-between state: an action allowed from `from` goes through `to`.
  for (int a = 0; a < kActionCount; ++a) {
    const auto t = transition(static_cast<Action>(a), from);
    if (t.allowed && t.via == to) return true;
  }
  // Settling: an in-between state ends where its transition goes, or fails.
  const auto t = settling(from);
  return t && (to == t->to || to == t->failed);
}

}  // namespace core
