#include "core/transitions.h"

namespace core {
namespace {

constexpr Transition kNotAllowed{};

Transition through(State via, State to, State failed) { return {true, via, to, failed}; }
Transition unchanged(State s) { return {true, std::nullopt, s, s}; }

}  // namespace

Transition transition(Action action, State from) {
  switch (action) {
    case Action::Create:
      return through(State::Provisioning, State::Running, State::StartFailed);
    case Action::Stop:
      // Nova stops ACTIVE or ERROR servers; both failed states show as ERROR.
      if (from == State::Running || from == State::StopFailed || from == State::StartFailed)
        return through(State::Stopping, State::Stopped, State::StopFailed);
      return kNotAllowed;
    case Action::Start:
      // Nova starts only SHUTOFF servers; Transfer also retries a failed start.
      if (from == State::Stopped || from == State::StartFailed)
        return through(State::Starting, State::Running, State::StartFailed);
      return kNotAllowed;
    case Action::Delete:
    case Action::Lock:
    case Action::Unlock:
    case Action::Update:
      return unchanged(from);
  }
  return kNotAllowed;
}

std::optional<Transition> settling(State in_between) {
  for (int a = 0; a < kActionCount; ++a) {
    for (int s = 0; s < kStateCount; ++s) {
      const auto t = transition(static_cast<Action>(a), static_cast<State>(s));
      if (t.allowed && t.via == in_between) return t;
    }
  }
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
