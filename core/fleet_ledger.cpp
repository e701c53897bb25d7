// Billing: every server is billed from creation to deletion, the time split
// into powered-on and powered-off seconds (GATEWAY.md's billing note).
#include <algorithm>

#include "core/fleet_record.h"

namespace core {

LedgerEntry Fleet::ledger_entry(const ServerRecord& r, Millis now) const {
  LedgerEntry e;
  e.uuid = r.info.uuid;
  e.transfer_id = r.info.transfer_id;
  e.tenant = r.info.tenant;
  e.name = r.info.name;
  e.state = r.info.state;
  e.created_ms = r.info.created_ms;
  e.deleted_ms = r.deleted_ms;
  e.running_ms = r.running_ms;
  e.stopped_ms = r.stopped_ms;
  if (!r.deleted_ms) {
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
      if (!record->gone) out.push_back(ledger_entry(record->data, now));
    }
  }
  std::lock_guard lock(deleted_mutex_);
  for (const auto& record : deleted_) {
    std::lock_guard record_lock(record->mutex);
    out.push_back(ledger_entry(record->data, now));
  }
  return out;
}

std::array<std::int64_t, kStateCount> Fleet::count_by_state() const {
  std::array<std::int64_t, kStateCount> out{};
  for (int i = 0; i < kStateCount; ++i) out[i] = by_state_[i].load();
  return out;
}

}  // namespace core
