// Applying transitions: state changes computed on a copy of a record,
// committed (written first when a store is attached), then made visible with
// their events; and the due queue that settles transitions when their time
// comes.
#include <algorithm>

#include "core/fleet_record.h"
#include "core/transitions.h"

namespace core {

void adopt(ServerRecord& into, ServerRecord&& from) {
  auto& a = into.info;
  auto& b = from.info;
  // uuid, transfer_id, tenant, created_ms and seq never change after creation.
  a.name = std::move(b.name);
  a.state = b.state;
  a.lock = std::move(b.lock);
  a.updated_ms = b.updated_ms;
  a.launched_ms = b.launched_ms;
  a.clean_shutdown = b.clean_shutdown;
  a.transition_from = b.transition_from;
  a.tags = std::move(b.tags);
  a.metadata = std::move(b.metadata);
  a.attributes = std::move(b.attributes);
  a.fault = std::move(b.fault);
  into.pending = from.pending;
  into.billed_since = from.billed_since;
  into.running_ms = from.running_ms;
  into.stopped_ms = from.stopped_ms;
  into.deleted_ms = from.deleted_ms;
  into.version = from.version;
}

Event Fleet::event(const ServerRecord& s, EventKind kind, std::optional<State> old_state, Millis at,
                   std::optional<Action> cause) const {
  Event e;
  e.kind = kind;
  e.uuid = s.info.uuid;
  e.transfer_id = s.info.transfer_id;
  e.tenant = s.info.tenant;
  e.old_state = old_state;
  e.new_state = s.info.state;
  e.transition_from = s.info.transition_from;
  e.at_ms = at;
  e.cause = cause;
  e.clean_shutdown = s.info.clean_shutdown;
  e.lock = s.info.lock;
  return e;
}

void Fleet::change_state(ServerRecord& next, State to, Millis at, Action cause, std::vector<Event>& events) const {
  const Millis elapsed = std::max<Millis>(at - next.billed_since, 0);
  (powered_on(next.info.state, next.info.transition_from) ? next.running_ms : next.stopped_ms) += elapsed;
  next.billed_since = std::max(at, next.billed_since);
  const State from = next.info.state;
  // Entering an in-between state remembers where the transition began (the
  // views and billing of, say, a hard reboot of a stopped server need it).
  if (task_under_way(to)) {
    if (!task_under_way(from)) next.info.transition_from = from;
  } else {
    next.info.transition_from.reset();
  }
  next.info.state = to;
  next.info.updated_ms = at;
  if (to == State::Running && !next.info.launched_ms) next.info.launched_ms = at;
  if (events_.has_subscribers()) events.push_back(event(next, EventKind::StateChanged, from, at, cause));
}

void Fleet::begin(ServerRecord& next, Action action, Millis now, ActOptions options,
                  std::vector<Event>& events) const {
  const auto t = transition(action, next.info.state);
  // Whatever was due (a soft delete's reclaim, a transition an admin's reset
  // abandons) is superseded by this action.
  next.pending.reset();
  if (t.via && *t.via != next.info.state) change_state(next, *t.via, now, action, events);
  if (!t.via || transition_ms(action) == 0) {
    const State end = options.fail_transition ? t.failed : t.to;
    if (end != next.info.state) change_state(next, end, now, action, events);
    if (options.call) {
      options.call->settled_ms = now;
      options.call->transition_failed = options.fail_transition;
    }
    return;
  }
  schedule(next, action, now, options.fail_transition, options.call ? kJournalIdOfThisChange : 0);
}

void Fleet::schedule(ServerRecord& next, Action action, Millis now, bool fail, std::uint64_t journal_id) const {
  const auto t = settling(next.info.state, next.info.transition_from);
  if (!t) return;
  next.pending = PendingTransition{action, t->to, t->failed, fail, now + transition_ms(action), journal_id};
}

void Fleet::schedule_reclaim(ServerRecord& next, Millis now) const {
  if (reclaim_ms() == 0) return;  // kept until restored or deleted
  // A pending delete keeps the state: when it comes due the server is gone.
  next.pending = PendingTransition{Action::Delete, next.info.state, next.info.state, false, now + reclaim_ms(), 0};
}

void Fleet::close_books(ServerRecord& next, Millis at) const {
  (powered_on(next.info.state, next.info.transition_from) ? next.running_ms : next.stopped_ms) +=
      std::max<Millis>(at - next.billed_since, 0);
  next.billed_since = std::max(at, next.billed_since);
  next.deleted_ms = at;
  next.pending.reset();
}

void Fleet::note_call(JournalEntry* call, const ServerRecord& before, const ServerRecord& after, Action action,
                      Millis now) const {
  if (!call) return;
  call->server_uuid = after.info.uuid;
  call->server_transfer_id = after.info.transfer_id;
  call->action = action;
  call->state_before = before.info.state;
  call->state_after = after.info.state;
  call->result = kAccepted;
  call->finish_ms = now;
}

bool Fleet::settle_if_due(Record& r, Millis now) {
  if (!r.data.pending || r.data.pending->due_ms > now || r.gone) return false;
  ServerRecord next = r.data;
  const auto p = *next.pending;
  next.pending.reset();
  std::vector<Event> events;
  std::vector<Staged> staged;
  if (p.action == Action::Delete) {
    // A soft delete reclaimed: deleted for good, billing ends (the listings
    // drop it in settle_due, where no record lock is held).
    close_books(next, p.due_ms);
    events.push_back(event(next, EventKind::Deleted, next.info.state, p.due_ms, Action::Delete));
    staged = stage_delete(next, p.due_ms);
  } else {
    // The change happened when its time came, not when someone looked.
    change_state(next, p.fail ? p.failed : p.to, p.due_ms, p.action, events);
  }
  std::vector<Settlement> settled;
  if (p.journal_id) settled.push_back({p.journal_id, p.due_ms, p.fail});
  // A settle follows from the record already kept (its due time is kept
  // with it), so it is made visible even when the store cannot take it now.
  auto kept = commit(r, next, nullptr, events, settled, false, staged);
  // Settled by another gateway (commit() read the record again): nothing more to do here.
  if (!kept && kept.error().reason != kChangedElsewhere) {
    for (const auto& s : settled) journal_.settle(s.journal_id, s.at_ms, s.failed);
    apply(r, std::move(next), events, false);
    // The keepers follow the record made visible (a restart reclaims it again, and writes them then).
    for (auto& s : staged)
      if (s.finish) s.finish(true);
  }
  return true;
}

std::vector<Staged> Fleet::stage_create(ServerRecord& next, const CreateSpec& spec, Millis now) {
  std::vector<Staged> staged;
  for (auto* keeper : keepers_) {
    auto s = keeper->stage_create(next.info, spec, now);
    if (!s.fault.empty() && next.info.fault.empty()) next.info.fault = s.fault;
    staged.push_back(std::move(s));
  }
  return staged;
}

std::vector<Staged> Fleet::stage_update(const ServerRecord& before, const ServerRecord& after, Millis now) {
  std::vector<Staged> staged;
  for (auto* keeper : keepers_) staged.push_back(keeper->stage_update(before.info, after.info, now));
  return staged;
}

std::vector<Staged> Fleet::stage_delete(const ServerRecord& next, Millis now) {
  std::vector<Staged> staged;
  for (auto* keeper : keepers_) staged.push_back(keeper->stage_delete(next.info, now));
  return staged;
}

Result<Done> Fleet::persist(Change& change) {
  if (!commit_) {
    for (auto& entry : change.journal) entry.id = journal_.append(entry);
    return Done{};
  }
  return commit_->commit(change);
}

void Fleet::add_new_tenants(Change& change, TenantId tenant) {
  std::lock_guard lock(tenants_written_mutex_);
  if (tenant < tenants_written_.size() && tenants_written_[tenant]) return;
  change.tenants.emplace_back(tenant, tenants_.info(tenant));
}

Result<Done> Fleet::commit(Record& r, ServerRecord next, JournalEntry* call, std::vector<Event> events,
                           std::vector<Settlement> settled, bool is_new, std::vector<Staged> staged) {
  const auto finish = [&staged](bool kept) {
    for (auto& s : staged)
      if (s.finish) s.finish(kept);
  };
  const bool journaled_here = call && call->result == kAccepted;
  next.version = (is_new ? 0 : r.data.version) + 1;
  if (!commit_) {  // in memory: nothing to write, the journal takes the entry at once
    if (journaled_here) {
      call->id = journal_.append(*call);
      if (next.pending && next.pending->journal_id == kJournalIdOfThisChange) next.pending->journal_id = call->id;
    }
    for (const auto& s : settled) journal_.settle(s.journal_id, s.at_ms, s.failed);
    finish(true);
    apply(r, std::move(next), events, is_new);
    return Done{};
  }
  Change change;
  const bool journaled = journaled_here;
  if (journaled) change.journal.push_back(*call);
  change.settlements = std::move(settled);
  add_new_tenants(change, next.info.tenant);
  change.servers.push_back(std::move(next));
  for (auto& s : staged)
    for (auto& d : s.documents) change.documents.push_back(std::move(d));
  if (auto written = persist(change); !written) {
    finish(false);
    // Beaten by another gateway: this record as it left it, for the caller's
    // next try, which journals the call afresh (the beaten entry was taken out).
    if (written.error().reason == kChangedElsewhere) {
      if (!is_new) reload(r);
      if (journaled) {  // as it came in: the next try notes what it does, or the adapter what it answered
        call->id = 0;
        call->result.clear();
        call->action.reset();
        call->state_after.reset();
      }
      return written.error();
    }
    // The entry was journaled as refused; the adapter's answer finishes it.
    if (journaled) {
      call->id = change.journal.front().id;
      call->result = "unavailable";
    }
    return written.error();
  }
  finish(true);

  if (!change.tenants.empty()) {
    std::lock_guard lock(tenants_written_mutex_);
    for (const auto& [id, info] : change.tenants) {
      if (id >= tenants_written_.size()) tenants_written_.resize(id + 1, false);
      tenants_written_[id] = true;
    }
  }
  next = std::move(change.servers.front());
  if (journaled) {
    call->id = change.journal.front().id;
    if (next.pending && next.pending->journal_id == kJournalIdOfThisChange) next.pending->journal_id = call->id;
  }
  for (const auto& s : change.settlements) journal_.settle(s.journal_id, s.at_ms, s.failed);
  apply(r, std::move(next), events, is_new);
  return Done{};
}

void Fleet::apply(Record& r, ServerRecord next, const std::vector<Event>& events, bool is_new) {
  if (!is_new) by_state_[static_cast<int>(r.data.info.state)].fetch_sub(1);
  const bool deleted = next.deleted_ms.has_value();
  if (!deleted) by_state_[static_cast<int>(next.info.state)].fetch_add(1);
  const bool newly_pending = next.pending && (!r.data.pending || r.data.pending->due_ms != next.pending->due_ms ||
                                              r.data.pending->action != next.pending->action);
  adopt(r.data, std::move(next));
  if (deleted) {
    r.gone = true;
    std::lock_guard lock(deleted_mutex_);
    deleted_.push_back(r.shared_from_this());
  }
  if (newly_pending) {
    std::lock_guard lock(due_mutex_);
    due_.push(Due{r.data.pending->due_ms, r.data.info.seq, r.weak_from_this()});
  }
  for (const auto& e : events) events_.publish(e);
}

std::size_t Fleet::settle_due() {
  const Millis now = clock_.now_ms();
  std::size_t settled = 0;
  for (;;) {
    RecordPtr record;
    {
      std::lock_guard lock(due_mutex_);
      if (due_.empty() || due_.top().at > now) break;
      record = due_.top().record.lock();
      due_.pop();
    }
    if (!record) continue;
    std::unique_lock lock(record->mutex);
    if (settle_if_due(*record, now)) ++settled;
    const bool reclaimed = record->gone && record->data.deleted_ms;
    lock.unlock();
    // Index locks are taken after the record's is released (list() takes them the other way round).
    if (reclaimed) unindex(*record, false);
  }
  return settled;
}

std::optional<Millis> Fleet::next_due() {
  std::lock_guard lock(due_mutex_);
  if (due_.empty()) return std::nullopt;
  return due_.top().at;
}

}  // namespace core
