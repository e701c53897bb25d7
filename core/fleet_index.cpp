// The fleet's indexes: both identities in sharded hash maps (shared locks,
// so lookups never contend), and creation order overall and per tenant.
// Lock order: a record's mutex may be held while taking index locks, never
// the other way round.
#include <algorithm>

#include "core/fleet_record.h"
#include "core/text.h"

namespace core {

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

Result<Fleet::RecordPtr> Fleet::find_visible(const Caller& caller, std::string_view id, Action action) const {
  auto record = find(id);
  if (!record) return not_found(std::string(id), action);
  // The tenant never changes, so it may be read without the record's lock.
  if (record->data.info.tenant != caller.tenant && !caller.all_tenants) return not_found(std::string(id), action);
  return record;
}

Result<Done> Fleet::index(const RecordPtr& record, std::uint64_t seq, bool listed) {
  auto& info = record->data.info;
  auto& a = shard_of(info.uuid);
  auto& b = shard_of(info.transfer_id);
  {
    // Lock the two shards in address order so concurrent creates cannot deadlock.
    std::unique_lock first(&a < &b ? a.mutex : b.mutex, std::defer_lock);
    std::unique_lock second(&a < &b ? b.mutex : a.mutex, std::defer_lock);
    first.lock();
    if (&a != &b) second.lock();
    if (a.by_id.count(info.uuid) || b.by_id.count(info.transfer_id))
      return invalid_argument("id", "identity taken");
    a.by_id.emplace(std::string_view(info.uuid), record);
    b.by_id.emplace(std::string_view(info.transfer_id), record);
  }
  std::unique_lock lock(order_mutex_);
  if (seq == 0) seq = next_seq_.fetch_add(1);
  else if (seq >= next_seq_.load()) next_seq_.store(seq + 1);
  info.seq = seq;
  if (listed) {
    ordered_.emplace(seq, record);
    ordered_by_tenant_[info.tenant].emplace(seq, record);
  }
  return Done{};
}

void Fleet::unindex(const Record& r, bool identities) {
  {
    std::unique_lock lock(order_mutex_);
    if (auto it = ordered_.find(r.data.info.seq); it != ordered_.end() && it->second.get() == &r) ordered_.erase(it);
    if (auto t = ordered_by_tenant_.find(r.data.info.tenant); t != ordered_by_tenant_.end()) {
      if (auto it = t->second.find(r.data.info.seq); it != t->second.end() && it->second.get() == &r)
        t->second.erase(it);
    }
  }
  if (!identities) return;
  for (const auto& key : {std::string_view(r.data.info.uuid), std::string_view(r.data.info.transfer_id)}) {
    auto& shard = shard_of(key);
    std::unique_lock lock(shard.mutex);
    if (auto it = shard.by_id.find(key); it != shard.by_id.end() && it->second.get() == &r) shard.by_id.erase(it);
  }
}

std::size_t Fleet::size() const {
  std::shared_lock lock(order_mutex_);
  return ordered_.size();
}

}  // namespace core
