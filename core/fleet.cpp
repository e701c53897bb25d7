#include "core/fleet.h"

#include <algorithm>

#include <fmt/format.h>

#include "core/text.h"
#include "core/transitions.h"

namespace core {

// One server. The mutex guards everything below it; the identities inside
// `info` never change after creation, so the indexes may key on views of them.
struct Fleet::Record {
  mutable std::mutex mutex;
  ServerInfo info;
  struct Pending {
    Action action;
    State to;
    State failed;
    bool fail;
    Millis at;
  };
  std::optional<Pending> pending;
  Millis billed_since = 0;  // billing is accounted up to here
  Millis running_ms = 0;
  Millis stopped_ms = 0;
  bool deleted = false;
};

namespace {

// A keyed 64-bit mix (splitmix64 finaliser): enough to tell our cursors from
// forged or foreign ones; cursors are not a security boundary.
std::uint64_t mix(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

std::uint64_t scope_key(std::optional<TenantId> scope) {
  return scope ? std::uint64_t{*scope} : 0xffffffffffffULL;
}

std::optional<std::uint64_t> parse_hex64(std::string_view text) {
  if (text.size() != 16) return std::nullopt;
  std::uint64_t v = 0;
  for (char c : text) {
    v <<= 4;
    if (c >= '0' && c <= '9') v |= static_cast<std::uint64_t>(c - '0');
    else if (c >= 'a' && c <= 'f') v |= static_cast<std::uint64_t>(c - 'a' + 10);
    else return std::nullopt;
  }
  return v;
}

}  // namespace

Fleet::Fleet(const Clock& clock, IdSource& ids, Tenants& tenants)
    : clock_(clock), ids_(ids), tenants_(tenants) {}

Fleet::~Fleet() = default;

void Fleet::set_transition_ms(Action action, Millis ms) {
  transition_ms_[static_cast<int>(action)].store(std::max<Millis>(ms, 0));
}

Millis Fleet::transition_ms(Action action) const {
  return transition_ms_[static_cast<int>(action)].load();
}

Fleet::Shard& Fleet::shard_of(std::string_view id) const {
  return shards_[std::hash<std::string_view>{}(id) % kShards];
}

Fleet::RecordPtr Fleet::find(std::string_view id) const {
  // UUIDs are matched in any case (Nova's database does); Transfer ids are
  // lowercase by their pattern, so an uppercase one finds nothing.
  std::string lowered;
  if (id.size() == 36) {
    lowered = ascii_lower(id);
    id = lowered;
  }
  auto& shard = shard_of(id);
  std::shared_lock lock(shard.mutex);
  auto it = shard.by_id.find(id);
  return it == shard.by_id.end() ? nullptr : it->second;
}

Result<Fleet::RecordPtr> Fleet::find_visible(const Caller& caller, std::string_view id,
                                             Action action) const {
  auto record = find(id);
  if (!record) return not_found(std::string(id), action);
  // The tenant never changes, so it may be read without the record's lock.
  if (record->info.tenant != caller.tenant && !caller.all_tenants)
    return not_found(std::string(id), action);
  return record;
}

Result<ServerInfo> Fleet::create(const Caller& caller, CreateSpec spec, ActOptions options) {
  if (!caller.may_act) return forbidden("", Action::Create);
  spec.uuid.reset();
  spec.transfer_id.reset();
  spec.initial_state.reset();
  spec.lock = {};
  return insert(caller.tenant, std::move(spec), Action::Create, options);
}

Result<ServerInfo> Fleet::seed(TenantId tenant, CreateSpec spec) {
  return insert(tenant, std::move(spec), Action::Create, {});
}

Result<ServerInfo> Fleet::insert(TenantId tenant, CreateSpec spec, Action cause, ActOptions options) {
  auto record = std::make_shared<Record>();
  // Held from the start: the record must not be seen half-made once indexed.
  std::lock_guard guard(record->mutex);
  auto& info = record->info;
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

  const Millis now = clock_.now_ms();
  info.name = std::move(spec.name);
  info.tags = std::move(spec.tags);
  info.metadata = std::move(spec.metadata);
  info.attributes = std::move(spec.attributes);
  info.lock = std::move(spec.lock);
  info.created_ms = now;
  info.updated_ms = now;
  record->billed_since = now;

  // Register both identities, drawing fresh ones on the (unlikely) collision.
  for (int attempt = 0;; ++attempt) {
    if (attempt == 16) return internal("could not draw a unique server identity");
    const bool fixed = spec.uuid || spec.transfer_id;
    if (!spec.uuid) info.uuid = ids_.next_uuid();
    if (!spec.transfer_id) info.transfer_id = ids_.next_transfer_id();
    if (info.name.empty()) info.name = info.transfer_id;
    auto& a = shard_of(info.uuid);
    auto& b = shard_of(info.transfer_id);
    // Lock the two shards in address order so concurrent creates cannot deadlock.
    std::unique_lock first(&a < &b ? a.mutex : b.mutex, std::defer_lock);
    std::unique_lock second(&a < &b ? b.mutex : a.mutex, std::defer_lock);
    first.lock();
    if (&a != &b) second.lock();
    const bool taken = a.by_id.count(info.uuid) || b.by_id.count(info.transfer_id);
    if (taken) {
      if (fixed) return invalid_argument("id", fmt::format("server {} / {} already exists", info.uuid, info.transfer_id));
      if (info.name == info.transfer_id) info.name.clear();
      continue;
    }
    a.by_id.emplace(std::string_view(info.uuid), record);
    b.by_id.emplace(std::string_view(info.transfer_id), record);
    break;
  }

  {
    std::unique_lock lock(order_mutex_);
    info.seq = next_seq_.fetch_add(1);
    ordered_.emplace(info.seq, record);
    ordered_by_tenant_[tenant].emplace(info.seq, record);
  }
  if (spec.initial_state) {
    info.state = *spec.initial_state;
    if (*spec.initial_state == State::Running) info.launched_ms = now;
    by_state_[static_cast<int>(info.state)].fetch_add(1);
    publish(*record, EventKind::Created, std::nullopt, now, cause);
    // A server loaded mid-transition settles like any other.
    if (auto task = task_under_way(info.state)) schedule(record, *task, now, false);
    return info;
  }
  info.state = State::Provisioning;
  by_state_[static_cast<int>(info.state)].fetch_add(1);
  publish(*record, EventKind::Created, std::nullopt, now, cause);
  begin(record, Action::Create, now, options);
  return info;
}

void Fleet::publish(const Record& r, EventKind kind, std::optional<State> old_state, Millis at,
                    std::optional<Action> cause) {
  Event e;
  e.kind = kind;
  e.uuid = r.info.uuid;
  e.transfer_id = r.info.transfer_id;
  e.tenant = r.info.tenant;
  e.old_state = old_state;
  e.new_state = r.info.state;
  e.at_ms = at;
  e.cause = cause;
  e.clean_shutdown = r.info.clean_shutdown;
  e.lock = r.info.lock;
  events_.publish(std::move(e));
}

void Fleet::change_state(Record& r, State to, Millis at, Action cause) {
  const Millis elapsed = std::max<Millis>(at - r.billed_since, 0);
  (powered_on(r.info.state) ? r.running_ms : r.stopped_ms) += elapsed;
  r.billed_since = std::max(at, r.billed_since);

  const State from = r.info.state;
  by_state_[static_cast<int>(from)].fetch_sub(1);
  by_state_[static_cast<int>(to)].fetch_add(1);
  r.info.state = to;
  r.info.updated_ms = at;
  if (to == State::Running && !r.info.launched_ms) r.info.launched_ms = at;
  publish(r, EventKind::StateChanged, from, at, cause);
}

void Fleet::begin(const RecordPtr& r, Action action, Millis now, ActOptions options) {
  const auto t = transition(action, r->info.state);
  if (t.via) change_state(*r, *t.via, now, action);
  if (transition_ms(action) == 0) {
    change_state(*r, options.fail_transition ? t.failed : t.to, now, action);
    return;
  }
  schedule(r, action, now, options.fail_transition);
}

void Fleet::schedule(const RecordPtr& r, Action action, Millis now, bool fail) {
  const auto t = settling(r->info.state);
  if (!t) return;
  const Millis at = now + transition_ms(action);
  r->pending = Record::Pending{action, t->to, t->failed, fail, at};
  std::lock_guard lock(due_mutex_);
  due_.push(Due{at, r->info.seq, r});
}

void Fleet::settle_if_due(Record& r, Millis now) {
  if (!r.pending || r.pending->at > now || r.deleted) return;
  const auto p = *r.pending;
  r.pending.reset();
  // The change happened when its time came, not when someone looked.
  change_state(r, p.fail ? p.failed : p.to, p.at, p.action);
}

Result<ServerInfo> Fleet::get(const Caller& caller, std::string_view id) {
  auto found = find_visible(caller, id, Action::Create);
  if (!found) {
    auto e = found.error();
    return e;
  }
  auto& r = *found.value();
  std::lock_guard lock(r.mutex);
  settle_if_due(r, clock_.now_ms());
  if (r.deleted) return not_found(std::string(id), Action::Create);
  return r.info;
}

Result<Fleet::Opened> Fleet::open_for_change(const Caller& caller, std::string_view id, Action action) {
  auto found = find_visible(caller, id, action);
  if (!found) return found.error();
  Opened opened{std::move(found).value(), {}, 0};
  opened.lock = std::unique_lock(opened.record->mutex);
  opened.now = clock_.now_ms();
  auto& r = *opened.record;
  settle_if_due(r, opened.now);
  if (r.deleted) return not_found(std::string(id), action);
  if (!caller.may_act) return forbidden(std::string(id), action);
  return opened;
}

Result<ServerInfo> Fleet::act(const Caller& caller, std::string_view id, Action action,
                              ActOptions options) {
  auto opened = open_for_change(caller, id, action);
  if (!opened) return opened.error();
  const auto& [record, lock, now] = opened.value();
  auto& r = *record;
  if (r.info.lock.locked && !caller.admin) return locked(std::string(id), action, r.info.lock.by);
  const auto t = transition(action, r.info.state);
  if (!t.allowed) return invalid_state(std::string(id), action, r.info.state);
  if (action == Action::Stop) r.info.clean_shutdown = true;
  begin(record, action, now, options);
  return r.info;
}

Result<StopReceipt> Fleet::stop(const Caller& caller, std::string_view id, ActOptions options) {
  auto result = act(caller, id, Action::Stop, options);
  if (!result) return result.error();
  return StopReceipt{std::move(result).value()};
}

Result<ServerInfo> Fleet::start(const Caller& caller, std::string_view id, ActOptions options) {
  return act(caller, id, Action::Start, options);
}

Result<ServerInfo> Fleet::remove(const Caller& caller, std::string_view id) {
  RecordPtr record;
  ServerInfo final_info;
  {
    auto opened = open_for_change(caller, id, Action::Delete);
    if (!opened) return opened.error();
    record = opened.value().record;
    const Millis now = opened.value().now;
    auto& r = *record;
    if (r.info.lock.locked && !caller.admin) return locked(std::string(id), Action::Delete, r.info.lock.by);
    // Close the books at `now`: billing ends with the deletion.
    (powered_on(r.info.state) ? r.running_ms : r.stopped_ms) += std::max<Millis>(now - r.billed_since, 0);
    r.billed_since = now;
    r.deleted = true;
    r.pending.reset();
    by_state_[static_cast<int>(r.info.state)].fetch_sub(1);
    auto entry = ledger_entry(r, now);
    entry.deleted_ms = now;
    {
      std::lock_guard dl(deleted_mutex_);
      deleted_.push_back(std::move(entry));
    }
    publish(r, EventKind::Deleted, r.info.state, now, Action::Delete);
    final_info = r.info;
  }
  // The record's lock is released: index locks are never taken under it.
  const auto& r = *record;
  {
    std::unique_lock lock(order_mutex_);
    ordered_.erase(r.info.seq);
    if (auto it = ordered_by_tenant_.find(r.info.tenant); it != ordered_by_tenant_.end())
      it->second.erase(r.info.seq);
  }
  for (const auto& key : {std::string_view(r.info.uuid), std::string_view(r.info.transfer_id)}) {
    auto& shard = shard_of(key);
    std::unique_lock lock(shard.mutex);
    shard.by_id.erase(key);
  }
  return final_info;
}

Result<ServerInfo> Fleet::lock(const Caller& caller, std::string_view id, std::string reason) {
  auto opened = open_for_change(caller, id, Action::Lock);
  if (!opened) return opened.error();
  auto& r = *opened.value().record;
  const Millis now = opened.value().now;
  if (r.info.lock.locked) return r.info;  // locking a locked server changes nothing
  // As Nova: the lock belongs to the owner when the owner's tenant set it.
  r.info.lock = LockInfo{true, caller.tenant == r.info.tenant ? LockOwner::Owner : LockOwner::Admin,
                         std::move(reason)};
  r.info.updated_ms = now;
  publish(r, EventKind::LockChanged, r.info.state, now, Action::Lock);
  return r.info;
}

Result<ServerInfo> Fleet::unlock(const Caller& caller, std::string_view id) {
  auto opened = open_for_change(caller, id, Action::Unlock);
  if (!opened) return opened.error();
  auto& r = *opened.value().record;
  const Millis now = opened.value().now;
  if (!r.info.lock.locked) return r.info;
  if (r.info.lock.by == LockOwner::Admin && !caller.admin) {
    auto e = forbidden(std::string(id), Action::Unlock);
    e.lock_owner = LockOwner::Admin;
    return e;
  }
  r.info.lock = LockInfo{};
  r.info.updated_ms = now;
  publish(r, EventKind::LockChanged, r.info.state, now, Action::Unlock);
  return r.info;
}

Result<ServerInfo> Fleet::update(const Caller& caller, std::string_view id,
                                 const std::function<void(Editable&)>& edit) {
  auto opened = open_for_change(caller, id, Action::Create);
  if (!opened) return opened.error();
  auto& r = *opened.value().record;
  const Millis now = opened.value().now;
  Editable editable{r.info.name, r.info.tags, r.info.metadata, r.info.attributes};
  edit(editable);
  r.info.updated_ms = now;
  return r.info;
}

Page Fleet::list(const ListQuery& query) {
  Page page;
  const Millis now = clock_.now_ms();
  std::shared_lock lock(order_mutex_);
  const std::map<std::uint64_t, RecordPtr>* index = &ordered_;
  if (query.tenant) {
    auto it = ordered_by_tenant_.find(*query.tenant);
    if (it == ordered_by_tenant_.end()) return page;
    index = &it->second;
  }
  page.servers.reserve(std::min<std::size_t>(query.limit, 1024));
  const auto collect = [&](auto it, auto end) {
    for (; it != end; ++it) {
      if (page.servers.size() == query.limit) {
        page.more = true;
        break;
      }
      auto& r = *it->second;
      std::lock_guard record_lock(r.mutex);
      settle_if_due(r, now);
      if (r.deleted) continue;
      if (query.filter && !query.filter(r.info)) continue;
      page.servers.push_back(r.info);
    }
  };
  if (query.newest_first) {
    // "After" the marker is below it in this order: the servers created before it.
    const auto from = query.after_seq == 0 ? index->end() : index->lower_bound(query.after_seq);
    collect(std::make_reverse_iterator(from), index->rend());
  } else {
    collect(index->upper_bound(query.after_seq), index->end());
  }
  return page;
}

std::string Fleet::cursor_after(std::optional<TenantId> scope, std::uint64_t seq) const {
  const auto tag = mix(seq ^ mix(scope_key(scope) ^ ids_.secret()));
  return fmt::format("{:016x}{:016x}", seq, tag);
}

Result<std::uint64_t> Fleet::cursor_position(std::optional<TenantId> scope, std::string_view cursor) const {
  const auto bad = invalid_argument("cursor", "the cursor was not issued for this listing");
  if (cursor.size() != 32) return bad;
  const auto seq = parse_hex64(cursor.substr(0, 16));
  const auto tag = parse_hex64(cursor.substr(16));
  if (!seq || !tag || *tag != mix(*seq ^ mix(scope_key(scope) ^ ids_.secret()))) return bad;
  return *seq;
}

std::size_t Fleet::settle_due() {
  const Millis now = clock_.now_ms();
  std::size_t settled = 0;
  for (;;) {
    std::shared_ptr<Record> record;
    {
      std::lock_guard lock(due_mutex_);
      if (due_.empty() || due_.top().at > now) break;
      record = due_.top().record.lock();
      due_.pop();
    }
    if (!record) continue;
    std::lock_guard lock(record->mutex);
    const bool was_pending = record->pending.has_value();
    settle_if_due(*record, now);
    if (was_pending && !record->pending) ++settled;
  }
  return settled;
}

std::optional<Millis> Fleet::next_due() {
  std::lock_guard lock(due_mutex_);
  if (due_.empty()) return std::nullopt;
  return due_.top().at;
}

LedgerEntry Fleet::ledger_entry(const Record& r, Millis now) const {
  LedgerEntry e;
  e.uuid = r.info.uuid;
  e.transfer_id = r.info.transfer_id;
  e.tenant = r.info.tenant;
  e.name = r.info.name;
  e.state = r.info.state;
  e.created_ms = r.info.created_ms;
  e.running_ms = r.running_ms;
  e.stopped_ms = r.stopped_ms;
  if (!r.deleted) {
    const Millis open = std::max<Millis>(now - r.billed_since, 0);
    (powered_on(r.info.state) ? e.running_ms : e.stopped_ms) += open;
  }
  e.billed_ms = e.running_ms + e.stopped_ms;
  return e;
}

std::vector<LedgerEntry> Fleet::ledger() {
  const Millis now = clock_.now_ms();
  std::vector<LedgerEntry> out;
  {
    std::shared_lock lock(order_mutex_);
    out.reserve(ordered_.size());
    for (const auto& [seq, record] : ordered_) {
      std::lock_guard record_lock(record->mutex);
      settle_if_due(*record, now);
      if (!record->deleted) out.push_back(ledger_entry(*record, now));
    }
  }
  std::lock_guard lock(deleted_mutex_);
  out.insert(out.end(), deleted_.begin(), deleted_.end());
  return out;
}

std::size_t Fleet::size() const {
  std::shared_lock lock(order_mutex_);
  return ordered_.size();
}

std::array<std::int64_t, kStateCount> Fleet::count_by_state() const {
  std::array<std::int64_t, kStateCount> out{};
  for (int i = 0; i < kStateCount; ++i) out[i] = by_state_[i].load();
  return out;
}

void Fleet::clear() {
  {
    std::unique_lock lock(order_mutex_);
    for (auto& [seq, record] : ordered_) {
      std::lock_guard record_lock(record->mutex);
      record->deleted = true;
      record->pending.reset();
    }
    ordered_.clear();
    ordered_by_tenant_.clear();
  }
  for (auto& shard : shards_) {
    std::unique_lock lock(shard.mutex);
    shard.by_id.clear();
  }
  {
    std::lock_guard lock(due_mutex_);
    due_ = {};
  }
  {
    std::lock_guard lock(deleted_mutex_);
    deleted_.clear();
  }
  for (auto& n : by_state_) n.store(0);
  Event e;
  e.kind = EventKind::Reset;
  e.at_ms = clock_.now_ms();
  events_.publish(std::move(e));
}

}  // namespace core
