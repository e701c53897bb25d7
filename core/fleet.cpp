// The lifecycle operations: each opens the server (Nova's order of checks),
// computes the change on a copy of its record, and commits it.
#include <algorithm>

#include <fmt/format.h>

#include "core/fleet_record.h"
#include "core/text.h"
#include "core/transitions.h"

namespace core {

Fleet::Fleet(const Clock& clock, IdSource& ids, Tenants& tenants)
    : clock_(clock), ids_(ids), tenants_(tenants), cursor_secret_(ids.secret()) {}

Fleet::~Fleet() = default;

void Fleet::set_transition_ms(Action action, Millis ms) {
  transition_ms_[static_cast<int>(action)].store(std::max<Millis>(ms, 0));
}

Millis Fleet::transition_ms(Action action) const {
  return transition_ms_[static_cast<int>(action)].load();
}

void Fleet::set_reclaim_ms(Millis ms) { reclaim_ms_.store(std::max<Millis>(ms, 0)); }
Millis Fleet::reclaim_ms() const { return reclaim_ms_.load(); }

Result<ServerInfo> Fleet::create(const Caller& caller, CreateSpec spec, ActOptions options) {
  if (!caller.may_act) return forbidden("", Action::Create);
  spec.uuid.reset();
  spec.transfer_id.reset();
  spec.initial_state.reset();
  spec.lock = {};
  // A shared store: a sequence another gateway took first means a new one.
  return again_if_beaten([&] { return insert(caller.tenant, spec, options); });
}

Result<ServerInfo> Fleet::seed(TenantId tenant, CreateSpec spec) { return insert(tenant, std::move(spec), {}); }

Result<ServerInfo> Fleet::get(const Caller& caller, std::string_view id) {
  auto found = find_anywhere(caller, id, Action::Create, false);
  if (!found) return found.error();
  auto& r = *found.value();
  std::lock_guard lock(r.mutex);
  settle_if_due(r, clock_.now_ms());
  if (r.gone) return not_found(std::string(id), Action::Create);
  return r.data.info;
}

Result<ServerInfo> Fleet::get_even_deleted(const Caller& caller, std::string_view id, bool& deleted) {
  auto found = find_anywhere(caller, id, Action::Create, false);
  if (!found) return found.error();
  auto& r = *found.value();
  std::lock_guard lock(r.mutex);
  settle_if_due(r, clock_.now_ms());
  deleted = r.data.deleted_ms.has_value();
  if (r.gone && !deleted) return not_found(std::string(id), Action::Create);
  return r.data.info;
}

Result<Fleet::Opened> Fleet::open_for_change(const Caller& caller, std::string_view id, Action action,
                                             JournalEntry* call) {
  auto found = find_anywhere(caller, id, action, true);
  if (!found) return found.error();
  Opened opened{std::move(found).value(), {}, 0};
  opened.lock = std::unique_lock(opened.record->mutex);
  opened.now = clock_.now_ms();
  auto& r = *opened.record;
  settle_if_due(r, opened.now);
  if (r.gone) return not_found(std::string(id), action);
  if (call) {  // the journal names the server by both identities from here on
    call->server_uuid = r.data.info.uuid;
    call->server_transfer_id = r.data.info.transfer_id;
    call->state_before = r.data.info.state;
  }
  if (!caller.may_act) return forbidden(std::string(id), action);
  return opened;
}

Result<ServerInfo> Fleet::act(const Caller& caller, std::string_view id, std::optional<Action> wanted,
                              ActOptions options) {
  return again_if_beaten([&]() -> Result<ServerInfo> {
    auto opened = open_for_change(caller, id, wanted.value_or(Action::Start), options.call);
    if (!opened) return opened.error();
    const auto& [record, lock, now] = opened.value();
    auto& r = *record;
    // The action is decided under the server's lock, from the state it is in.
    const Action action = wanted ? *wanted : power_on_action(r.data.info.state).value_or(Action::Start);
    if (r.data.info.lock.locked && !caller.admin && lock_applies(action))
      return refused_on_current(r, locked(std::string(id), action, r.data.info.lock.by));
    const auto t = transition(action, r.data.info.state);
    if (!t.allowed) return refused_on_current(r, invalid_state(std::string(id), action, r.data.info.state));
    ServerRecord next = r.data;
    if (options.edit) {
      Editable editable{next.info.name, next.info.tags, next.info.metadata, next.info.attributes};
      if (auto refused = options.edit(editable)) return *refused;
      next.info.updated_ms = now;
    }
    std::vector<Event> events;
    if (action == Action::Stop) next.info.clean_shutdown = true;
    begin(next, action, now, options, events);
    if (action == Action::SoftDelete) schedule_reclaim(next, now);
    note_call(options.call, r.data, next, action, now);
    if (auto kept = commit(r, std::move(next), options.call, std::move(events)); !kept) return kept.error();
    return r.data.info;
  });
}

Result<StopReceipt> Fleet::stop(const Caller& caller, std::string_view id, ActOptions options) {
  auto result = act(caller, id, Action::Stop, options);
  if (!result) return result.error();
  return StopReceipt{std::move(result).value()};
}

Result<ServerInfo> Fleet::start(const Caller& caller, std::string_view id, ActOptions options) {
  return act(caller, id, Action::Start, options);
}

Result<ServerInfo> Fleet::perform(const Caller& caller, std::string_view id, Action action, ActOptions options) {
  return act(caller, id, action, options);
}

Result<ServerInfo> Fleet::power_on(const Caller& caller, std::string_view id, ActOptions options) {
  return act(caller, id, std::nullopt, options);
}

Result<ServerInfo> Fleet::remove(const Caller& caller, std::string_view id, ActOptions options) {
  return again_if_beaten([&]() -> Result<ServerInfo> {
    RecordPtr record;
    ServerInfo final_info;
    {
      auto opened = open_for_change(caller, id, Action::Delete, options.call);
      if (!opened) return opened.error();
      record = opened.value().record;
      const Millis now = opened.value().now;
      auto& r = *record;
      if (r.data.info.lock.locked && !caller.admin)
        return refused_on_current(r, locked(std::string(id), Action::Delete, r.data.info.lock.by));
      ServerRecord next = r.data;
      close_books(next, now);  // billing ends with the deletion
      std::vector<Event> events;
      if (events_.has_subscribers()) events.push_back(event(next, EventKind::Deleted, next.info.state, now, Action::Delete));
      note_call(options.call, r.data, next, Action::Delete, now);
      auto staged = stage_delete(next, now);
      if (auto kept = commit(r, std::move(next), options.call, std::move(events), {}, false, std::move(staged)); !kept)
        return kept.error();
      final_info = r.data.info;
    }
    // The record's lock is released: index locks are never taken under it.
    // A deleted server stays findable by identity, for the ledger and Nova's read_deleted.
    unindex(*record, false);
    return final_info;
  });
}

Result<ServerInfo> Fleet::lock(const Caller& caller, std::string_view id, std::string reason, ActOptions options) {
  return again_if_beaten([&]() -> Result<ServerInfo> {
    auto opened = open_for_change(caller, id, Action::Lock, options.call);
    if (!opened) return opened.error();
    auto& r = *opened.value().record;
    const Millis now = opened.value().now;
    ServerRecord next = r.data;
    std::vector<Event> events;
    if (!next.info.lock.locked) {  // locking a locked server changes nothing, and is still accepted
      // As Nova: the lock belongs to the owner when the owner's tenant set it.
      next.info.lock = LockInfo{true, caller.tenant == next.info.tenant ? LockOwner::Owner : LockOwner::Admin,
                                std::move(reason)};
      next.info.updated_ms = now;
      if (events_.has_subscribers()) events.push_back(event(next, EventKind::LockChanged, next.info.state, now, Action::Lock));
    }
    note_call(options.call, r.data, next, Action::Lock, now);
    if (auto kept = commit(r, std::move(next), options.call, std::move(events)); !kept) return kept.error();
    return r.data.info;
  });
}

Result<ServerInfo> Fleet::unlock(const Caller& caller, std::string_view id, ActOptions options) {
  return again_if_beaten([&]() -> Result<ServerInfo> {
    auto opened = open_for_change(caller, id, Action::Unlock, options.call);
    if (!opened) return opened.error();
    auto& r = *opened.value().record;
    const Millis now = opened.value().now;
    if (r.data.info.lock.locked && r.data.info.lock.by == LockOwner::Admin && !caller.admin) {
      auto e = forbidden(std::string(id), Action::Unlock);
      e.lock_owner = LockOwner::Admin;
      return refused_on_current(r, e);
    }
    ServerRecord next = r.data;
    std::vector<Event> events;
    if (next.info.lock.locked) {
      next.info.lock = LockInfo{};
      next.info.updated_ms = now;
      if (events_.has_subscribers())
        events.push_back(event(next, EventKind::LockChanged, next.info.state, now, Action::Unlock));
    }
    note_call(options.call, r.data, next, Action::Unlock, now);
    if (auto kept = commit(r, std::move(next), options.call, std::move(events)); !kept) return kept.error();
    return r.data.info;
  });
}

Result<ServerInfo> Fleet::update(const Caller& caller, std::string_view id,
                                 const std::function<void(Editable&)>& edit, ActOptions options) {
  return again_if_beaten([&]() -> Result<ServerInfo> {
    auto opened = open_for_change(caller, id, Action::Update, options.call);
    if (!opened) return opened.error();
    auto& r = *opened.value().record;
    const Millis now = opened.value().now;
    ServerRecord next = r.data;
    Editable editable{next.info.name, next.info.tags, next.info.metadata, next.info.attributes};
    edit(editable);
    next.info.updated_ms = now;
    note_call(options.call, r.data, next, Action::Update, now);
    auto staged = stage_update(r.data, next, now);
    if (auto kept = commit(r, std::move(next), options.call, {}, {}, false, std::move(staged)); !kept)
      return kept.error();
    return r.data.info;
  });
}

Result<ServerInfo> Fleet::change_beside(const Caller& caller, std::string_view id,
                                        const std::function<Result<Done>(const ServerInfo&)>& change,
                                        JournalEntry* call) {
  auto opened = open_for_change(caller, id, Action::Update, call);
  if (!opened) return opened.error();
  auto& r = *opened.value().record;
  const auto& info = r.data.info;
  if (call) {  // accepted unless `change` says otherwise: keep() writes it so
    call->action = Action::Update;
    call->state_before = call->state_after = info.state;
    call->result = kAccepted;
    call->finish_ms = opened.value().now;
  }
  auto done = change(info);
  if (!done) {
    if (call && !call->id) {  // refused before anything was written: no change to record
      call->action.reset();
      call->state_after.reset();
      call->result.clear();
    }
    return done.error();
  }
  return info;
}

Result<ServerInfo> Fleet::insert(TenantId tenant, CreateSpec spec, ActOptions options) {
  auto record = std::make_shared<Record>();
  // Held from the start: the record must not be seen half-made once indexed.
  std::unique_lock guard(record->mutex);
  auto& info = record->data.info;
  info.tenant = tenant;
  if (spec.uuid) {
    if (!is_uuid(*spec.uuid)) return invalid_argument("uuid", fmt::format("'{}' is not a UUID", *spec.uuid));
    info.uuid = ascii_lower(*spec.uuid);
  }
  if (spec.transfer_id) {
    if (!is_transfer_id(*spec.transfer_id))
      return invalid_argument("transfer_id",
                              fmt::format("'{}' does not match ^s-([0-9a-f]{{17}})$", *spec.transfer_id));
    info.transfer_id = *spec.transfer_id;
  }
  // Draw identities until both are free (a collision of random ones is
  // astronomically rare; fixed ones that are taken are an error).
  const bool fixed = spec.uuid || spec.transfer_id;
  std::uint64_t seq = 0;  // the fleet's next, unless a shared store hands it out
  if (store_ && store_->shared()) {
    auto reserved = store_->reserve_seq();
    if (!reserved) return reserved.error();
    seq = reserved.value();
  }
  for (int attempt = 0;; ++attempt) {
    if (attempt == 16) return internal("could not draw a unique server identity");
    if (!spec.uuid) info.uuid = ids_.next_uuid();
    if (!spec.transfer_id) info.transfer_id = ids_.next_transfer_id();
    if (index(record, seq)) break;
    if (fixed) return invalid_argument("id", fmt::format("server {} / {} already exists", info.uuid, info.transfer_id));
  }

  const Millis now = clock_.now_ms();
  record->data.info.created_ms = now;  // fixed at creation: adopt() leaves it where it is
  ServerRecord next = record->data;
  next.info.name = spec.name.empty() ? next.info.transfer_id : std::move(spec.name);
  next.info.tags = std::move(spec.tags);
  next.info.metadata = std::move(spec.metadata);
  next.info.attributes = std::move(spec.attributes);
  next.info.lock = std::move(spec.lock);
  next.info.updated_ms = now;
  next.billed_since = now;
  // What the keepers give it (its ports): something it asked for that
  // cannot be given fails its provisioning, as a cloud's would.
  auto staged = stage_create(next, spec, now);
  std::vector<Event> events;
  if (spec.initial_state) {
    next.info.state = *spec.initial_state;
    if (has_run(next.info.state)) next.info.launched_ms = now;
    if (events_.has_subscribers()) events.push_back(event(next, EventKind::Created, std::nullopt, now, Action::Create));
    // A server loaded mid-transition settles like any other.
    if (auto task = task_under_way(next.info.state)) schedule(next, *task, now, false, 0);
    else if (next.info.state == State::SoftDeleted && reclaim_ms() > 0) schedule_reclaim(next, now);
  } else {
    next.info.state = State::Provisioning;
    if (events_.has_subscribers()) events.push_back(event(next, EventKind::Created, std::nullopt, now, Action::Create));
    if (!next.info.fault.empty()) options.fail_transition = true;
    begin(next, Action::Create, now, options, events);
  }
  note_call(options.call, ServerRecord{}, next, Action::Create, now);
  if (options.call) options.call->state_before.reset();
  if (auto kept = commit(*record, std::move(next), options.call, std::move(events), {}, true, std::move(staged));
      !kept) {
    record->gone = true;
    guard.unlock();
    unindex(*record, true);
    return kept.error();
  }
  return record->data.info;
}

}  // namespace core
