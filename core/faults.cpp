#include "core/faults.h"

#include "core/text.h"

namespace core {
namespace {

bool matches(const FaultRule& r, std::string_view api, std::string_view operation, std::string_view server_id,
             std::optional<TenantId> tenant) {
  if (!r.api.empty() && r.api != api) return false;
  if (!r.operation.empty() && r.operation != operation) return false;
  if (!r.server_uuid.empty() && !iequals(r.server_uuid, server_id) && r.server_transfer_id != server_id)
    return false;
  if (r.tenant && r.tenant != tenant) return false;
  return true;
}

}  // namespace

std::uint64_t Faults::add(FaultRule rule) {
  std::lock_guard lock(mutex_);
  rule.id = next_id_++;
  rule.matched = rule.fired = 0;
  const auto seed = rule.seed;
  rules_.push_back({std::move(rule), std::mt19937_64(seed)});
  any_ = true;
  return rules_.back().rule.id;
}

bool Faults::remove(std::uint64_t id) {
  std::lock_guard lock(mutex_);
  const auto before = rules_.size();
  std::erase_if(rules_, [id](const Entry& e) { return e.rule.id == id; });
  any_ = !rules_.empty();
  return rules_.size() != before;
}

void Faults::clear() {
  std::lock_guard lock(mutex_);
  rules_.clear();
  any_ = false;
}

std::vector<FaultRule> Faults::list() const {
  std::lock_guard lock(mutex_);
  std::vector<FaultRule> out;
  for (const auto& e : rules_) out.push_back(e.rule);
  return out;
}

FaultPlan Faults::decide(std::string_view api, std::string_view operation, std::string_view server_id,
                         std::optional<TenantId> tenant) {
  FaultPlan plan;
  if (!any_.load(std::memory_order_relaxed)) return plan;
  std::lock_guard lock(mutex_);
  for (auto& e : rules_) {
    auto& r = e.rule;
    if (!matches(r, api, operation, server_id, tenant)) continue;
    if (r.count && r.fired >= *r.count) continue;  // spent
    ++r.matched;
    if (r.probability < 1.0 && std::uniform_real_distribution<double>(0.0, 1.0)(e.rng) >= r.probability) continue;
    ++r.fired;
    if (r.error && !plan.error) {
      switch (*r.error) {
        case ErrorCode::Throttled: plan.error = throttled(r.retry_after_s); break;
        case ErrorCode::Unavailable: plan.error = unavailable("injected by a fault rule"); break;
        default: plan.error = internal("injected by a fault rule"); break;
      }
    }
    plan.latency_ms += r.latency_ms;
    plan.fail_transition = plan.fail_transition || r.fail_transition;
  }
  return plan;
}

}  // namespace core
