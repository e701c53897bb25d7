// Several gateways on one shared store: each keeps its fleet in memory and
// takes the others' changes from the store (Store::watch), as whole records
// at a newer version, publishing them as events as if they happened here. A
// change of ours that another gateway beat reads the record again (reload)
// and is decided again on it (again_if_beaten).
#include <map>

#include "core/fleet_record.h"
#include "core/text.h"

namespace core {

std::map<TenantId, TenantId> Fleet::tenant_ids(const std::vector<std::pair<TenantId, TenantInfo>>& kept) {
  // Tenant ids are each gateway's own: found again by project or account (as restore() does).
  std::map<TenantId, TenantId> now_id;
  for (const auto& [id, info] : kept)
    now_id[id] = info.project.empty() ? tenants_.for_account(info.account, info.region)
                                      : tenants_.for_project(info.project);
  std::lock_guard lock(tenants_written_mutex_);
  for (const auto& [kept_id, id] : now_id) {
    if (id >= tenants_written_.size()) tenants_written_.resize(id + 1, false);
    tenants_written_[id] = true;
  }
  return now_id;
}

std::mutex& replace_mutex() {
  static std::mutex mutex;
  return mutex;
}

void Fleet::take_elsewhere(Elsewhere changed) {
  if (!store_ || !store_->shared()) return;
  std::lock_guard replacing(replace_mutex());
  const auto ids = tenant_ids(changed.tenants);
  if (changed.everything) {
    // A reset or snapshot elsewhere, or a lost connection: the fleet as the store has it.
    auto state = store_->load();
    if (!state) return;  // the store is away: the next notice (or reconnect) tries again
    auto all = std::move(state).value();
    const auto all_ids = tenant_ids(all.tenants);
    for (auto& s : all.servers)
      if (auto it = all_ids.find(s.info.tenant); it != all_ids.end()) s.info.tenant = it->second;
    clear_memory();
    load_keepers(all.documents, false);
    load(std::move(all.servers), true);
    return;
  }
  // Rows read before a reset here began would undo it: then each is read
  // again under the lock (cannot be read now: the watcher's copy will do).
  // Otherwise the watcher's rows are current enough (versions order them),
  // and re-reading would queue behind this gateway's own commits.
  const bool current = changed.read_at % 2 == 0 && changed.read_at == store_->replaces();
  for (auto& s : changed.servers) {
    if (current) {
      adopt_elsewhere(std::move(s), ids);
      continue;
    }
    auto now = store_->load_server(s.info.seq);
    if (now && (!now.value() || now.value()->info.uuid != s.info.uuid)) continue;
    adopt_elsewhere(now ? std::move(*now.value()) : std::move(s), ids);
  }
  if (changed.document_kinds.empty()) return;
  auto documents = store_->load_documents({});
  if (!documents) return;
  for (auto* keeper : keepers_) {
    bool touched = false;
    for (const auto& kind : changed.document_kinds) touched = touched || keeper->owns(kind);
    if (!touched) continue;
    std::vector<Document> own;
    for (const auto& d : documents.value())
      if (keeper->owns(d.kind)) own.push_back(d);
    keeper->load(own);
  }
}

void Fleet::adopt_elsewhere(ServerRecord s, const std::map<TenantId, TenantId>& tenant_ids) {
  if (auto it = tenant_ids.find(s.info.tenant); it != tenant_ids.end()) s.info.tenant = it->second;
  auto record = find(s.info.uuid);
  if (!record) {  // made elsewhere: filed here as a restart files a kept one
    std::vector<ServerRecord> one;
    one.push_back(std::move(s));
    load(std::move(one), true);
    return;
  }
  bool reclaimed = false;
  {
    std::unique_lock lock(record->mutex);
    auto& r = *record;
    if (s.version > r.data.version && !r.gone) {
      std::vector<Event> events;
      const Millis at = s.info.updated_ms;
      if (s.deleted_ms) {
        events.push_back(event(s, EventKind::Deleted, r.data.info.state, *s.deleted_ms, Action::Delete));
      } else {
        if (s.info.state != r.data.info.state)
          events.push_back(event(s, EventKind::StateChanged, r.data.info.state, at, std::nullopt));
        if (s.info.lock.locked != r.data.info.lock.locked)
          events.push_back(event(s, EventKind::LockChanged, s.info.state, at,
                                 s.info.lock.locked ? Action::Lock : Action::Unlock));
      }
      apply(r, std::move(s), events, false);
    }
    // Deleted here or by a change of ours that another gateway beat (reload): out of the listings.
    reclaimed = r.gone && r.data.deleted_ms;
  }
  // Index locks are taken after the record's is released (as settle_due does).
  if (reclaimed) unindex(*record, false);
}

void Fleet::reload(Record& r) {
  auto kept = store_->load_server(r.data.info.seq);
  if (!kept || !kept.value()) return;
  reload_from(r, std::move(*kept.value()));
}

Error Fleet::refused_on_current(Record& r, Error refusal) {
  if (!store_ || !store_->shared()) return refusal;
  auto kept = store_->load_server(r.data.info.seq);
  if (!kept) return kept.error();  // the store away: nothing can be decided (unavailable)
  if (!kept.value() || kept.value()->version <= r.data.version) return refusal;
  reload_from(r, std::move(*kept.value()));
  return conflict(std::string(kChangedElsewhere), "", "changed by another gateway");
}

Result<Fleet::RecordPtr> Fleet::find_anywhere(const Caller& caller, std::string_view id, Action action,
                                              bool change) {
  auto found = find_visible(caller, id, action);
  if (found || !store_ || !store_->shared() || find(id)) return found;
  auto elsewhere = store_->find_server(id.size() == 36 ? ascii_lower(id) : std::string(id));
  if (!elsewhere) return change ? Result<RecordPtr>(elsewhere.error()) : found;
  if (elsewhere.value().servers.empty()) return found;
  take_elsewhere(std::move(elsewhere).value());
  return find_visible(caller, id, action);
}

void Fleet::reload_from(Record& r, ServerRecord s) {
  // The tenant is the record's (a server never changes tenant).
  s.info.tenant = r.data.info.tenant;
  if (s.version <= r.data.version) return;
  std::vector<Event> events;
  const Millis at = s.info.updated_ms;
  if (s.deleted_ms) {
    events.push_back(event(s, EventKind::Deleted, r.data.info.state, *s.deleted_ms, Action::Delete));
  } else if (s.info.state != r.data.info.state) {
    events.push_back(event(s, EventKind::StateChanged, r.data.info.state, at, std::nullopt));
  }
  // A deleted record stays indexed by identity (the ledger); its listing entry goes at the next notice.
  apply(r, std::move(s), events, false);
}

}  // namespace core
