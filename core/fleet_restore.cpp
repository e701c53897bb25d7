// Whole-fleet operations: restoring what a store kept, exporting everything
// (for a new store, reset and snapshots), replacing every server, and the
// keepers' documents.
#include <algorithm>
#include <map>

#include "core/fleet_record.h"
#include "core/transitions.h"

namespace core {

void Fleet::load(std::vector<ServerRecord> records, bool from_store) {
  const Millis now = clock_.now_ms();
  // Sized once for what comes: each server is two keys in the shards.
  for (auto& shard : shards_) {
    std::unique_lock lock(shard.mutex);
    shard.by_id.reserve(shard.by_id.size() + records.size() * 2 / kShards + 16);
  }
  for (auto& data : records) {
    // Times a fleet file leaves out are "now"; a store always has them.
    auto& info = data.info;
    if (info.created_ms == 0) info.created_ms = now;
    if (info.updated_ms == 0) info.updated_ms = info.created_ms;
    if (data.billed_since == 0) data.billed_since = info.created_ms;
    // A fleet file (or a snapshot) that leaves launched_ms out of a server
    // that has run (see has_run) launches it at its creation. A store's
    // record is kept as it was: it has a launch time whenever the server
    // ran, and none when it never did (a failed build).
    if (!from_store && !info.launched_ms && has_run(info.state)) info.launched_ms = info.created_ms;
    const bool deleted = data.deleted_ms.has_value();
    if (deleted) data.pending.reset();
    // A server in an in-between state with no due time settles like a new transition.
    if (!data.pending && !deleted) {
      if (auto task = task_under_way(info.state)) schedule(data, *task, now, false, 0);
      else if (info.state == State::SoftDeleted && reclaim_ms() > 0) schedule_reclaim(data, now);
    }
    auto record = std::make_shared<Record>();
    std::lock_guard guard(record->mutex);
    const auto seq = from_store ? info.seq : 0;
    record->data = std::move(data);
    if (!index(record, seq, !deleted)) continue;  // the caller checked identities: only a duplicate lands here
    if (deleted) {
      record->gone = true;
      std::lock_guard lock(deleted_mutex_);
      deleted_.push_back(record);
      continue;
    }
    by_state_[static_cast<int>(record->data.info.state)].fetch_add(1);
    if (record->data.pending) {
      std::lock_guard lock(due_mutex_);
      due_.push(Due{record->data.pending->due_ms, record->data.info.seq, record});
    }
    events_.publish(event(record->data, EventKind::Created, std::nullopt, now, Action::Create));
  }
}

bool Fleet::restore(StoredState state) {
  // Tenant ids are this run's: the config may have mapped tenants in another
  // order, so each kept tenant is found again by its project or account.
  std::map<TenantId, TenantId> now_id;
  bool moved = false;
  for (const auto& [kept, info] : state.tenants) {
    now_id[kept] = info.project.empty() ? tenants_.for_account(info.account, info.region)
                                        : tenants_.for_project(info.project);
  }
  const auto translate = [&](TenantId kept) {
    auto it = now_id.find(kept);
    return it == now_id.end() ? kept : it->second;
  };
  for (auto& s : state.servers) s.info.tenant = translate(s.info.tenant);
  for (auto& e : state.journal)
    if (e.tenant) e.tenant = translate(*e.tenant);
  {
    std::lock_guard lock(tenants_written_mutex_);
    for (const auto& [kept, id] : now_id) {
      if (id >= tenants_written_.size()) tenants_written_.resize(id + 1, false);
      tenants_written_[id] = true;
      moved = moved || kept != id;
    }
  }
  if (state.cursor_secret) cursor_secret_.store(state.cursor_secret);
  load_keepers(state.documents, false);
  load(std::move(state.servers), true);
  journal_.restore(std::move(state.journal), state.journal_next_id);
  return moved;
}

std::vector<ServerRecord> Fleet::records() {
  std::vector<ServerRecord> out;
  const Millis now = clock_.now_ms();
  {
    std::shared_lock lock(order_mutex_);
    out.reserve(ordered_.size());
    for (const auto& [seq, record] : ordered_) {
      std::lock_guard record_lock(record->mutex);
      settle_if_due(*record, now);
      if (!record->gone) out.push_back(record->data);
    }
  }
  {
    std::lock_guard lock(deleted_mutex_);
    for (const auto& record : deleted_) {
      std::lock_guard record_lock(record->mutex);
      out.push_back(record->data);
    }
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const ServerRecord& a, const ServerRecord& b) { return a.info.seq < b.info.seq; });
  return out;
}

StoredState Fleet::export_state() {
  StoredState out;
  for (TenantId id = 0; id < tenants_.size(); ++id) out.tenants.emplace_back(id, tenants_.info(id));
  out.servers = records();
  JournalQuery changes;
  changes.changes_only = true;
  changes.limit = journal_.max_entries();
  out.journal = journal_.read(changes);
  out.journal_next_id = journal_.next_id();
  out.cursor_secret = cursor_secret_.load();
  out.documents = documents(false);
  return out;
}

void Fleet::clear_memory() {
  std::vector<RecordPtr> records;
  {
    std::unique_lock lock(order_mutex_);
    for (auto& [seq, record] : ordered_) records.push_back(record);
    ordered_.clear();
    ordered_by_tenant_.clear();
  }
  for (auto& record : records) {
    std::lock_guard record_lock(record->mutex);
    record->gone = true;
    record->data.pending.reset();
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

Result<Done> Fleet::replace(std::vector<ServerRecord> records, std::optional<std::vector<Document>> documents,
                            bool clear_journal) {
  clear_memory();
  if (clear_journal) journal_.clear();
  if (documents) {
    load_keepers(*documents, true);
  } else {
    for (auto* keeper : keepers_) keeper->reset();
  }
  const bool stage = !documents && !keepers_.empty();
  load(std::move(records), false);
  if (stage) {
    // Starting over: each server gets what a create would give it (a port),
    // in creation order, so a reset gives the same addresses every time.
    std::shared_lock lock(order_mutex_);
    const Millis now = clock_.now_ms();
    for (const auto& [seq, record] : ordered_) {
      std::lock_guard record_lock(record->mutex);
      for (auto& staged : stage_create(record->data, CreateSpec{}, now))
        if (staged.finish) staged.finish(true);
    }
  }
  if (!commit_) return Done{};
  auto written = commit_->replace(export_state());
  if (written) {
    std::lock_guard lock(tenants_written_mutex_);
    tenants_written_.assign(tenants_.size(), true);
  }
  return written;
}

Result<Done> Fleet::attach_store(Store& store, bool write_all) {
  store_ = &store;
  auto commit = std::make_unique<GroupCommit>(store, journal_);
  if (write_all) {
    if (auto written = commit->replace(export_state()); !written) return written.error();
    std::lock_guard lock(tenants_written_mutex_);
    tenants_written_.assign(tenants_.size(), true);
  }
  commit_ = std::move(commit);
  return Done{};
}

Result<Done> Fleet::clear_journal() {
  journal_.clear();
  if (!commit_) return Done{};
  Change change;  // empty: the commit writes the journal's new floor, which drops every kept entry
  return commit_->commit(change);
}

void Fleet::add_keeper(Keeper& keeper) { keepers_.push_back(&keeper); }

Result<Done> Fleet::keep(std::vector<Document> documents, JournalEntry* call) {
  const bool journaled = call && call->result == kAccepted;
  if (!commit_) {  // in memory: the journal takes the entry at once
    if (journaled) call->id = journal_.append(*call);
    return Done{};
  }
  if (documents.empty() && !journaled) return Done{};
  Change change;
  change.documents = std::move(documents);
  if (journaled) change.journal.push_back(*call);
  auto written = commit_->commit(change);
  if (journaled) {
    call->id = change.journal.front().id;
    if (!written) call->result = "unavailable";  // journaled as refused; the adapter's answer finishes it
  }
  return written;
}

std::vector<Document> Fleet::documents(bool snapshot) const {
  std::vector<Document> out;
  for (const auto* keeper : keepers_) {
    if (snapshot && !keeper->in_snapshots()) continue;
    auto held = keeper->documents();
    out.insert(out.end(), std::make_move_iterator(held.begin()), std::make_move_iterator(held.end()));
  }
  return out;
}

std::optional<std::string> Fleet::check_documents(const std::vector<Document>& documents) const {
  for (const auto& d : documents) {
    const auto owner = std::find_if(keepers_.begin(), keepers_.end(), [&](const Keeper* k) { return k->owns(d.kind); });
    if (owner == keepers_.end() || !(*owner)->in_snapshots())
      return "documents: no part of the gateway keeps documents of kind '" + d.kind + "'";
  }
  for (const auto* keeper : keepers_) {
    std::vector<Document> own;
    for (const auto& d : documents)
      if (keeper->owns(d.kind)) own.push_back(d);
    if (auto problem = keeper->verify(own)) return problem;
  }
  return std::nullopt;
}

void Fleet::load_keepers(const std::vector<Document>& documents, bool snapshot) {
  for (auto* keeper : keepers_) {
    if (snapshot && !keeper->in_snapshots()) continue;
    std::vector<Document> own;
    for (const auto& d : documents)
      if (keeper->owns(d.kind)) own.push_back(d);
    keeper->load(own);
  }
}

}  // namespace core
