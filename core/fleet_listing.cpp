// Listing: pages in creation order (or newest first, as Nova), each costing
// its size, and opaque cursors bound to the listing's scope.
#include <fmt/format.h>

#include "core/fleet_record.h"

namespace core {
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
      if (r.gone) continue;
      if (query.filter && !query.filter(r.data.info)) continue;
      page.servers.push_back(r.data.info);
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
  const auto tag = mix(seq ^ mix(scope_key(scope) ^ cursor_secret_.load()));
  return fmt::format("{:016x}{:016x}", seq, tag);
}

Result<std::uint64_t> Fleet::cursor_position(std::optional<TenantId> scope, std::string_view cursor) const {
  const auto bad = invalid_argument("cursor", "the cursor was not issued for this listing");
  if (cursor.size() != 32) return bad;
  const auto seq = parse_hex64(cursor.substr(0, 16));
  const auto tag = parse_hex64(cursor.substr(16));
  if (!seq || !tag || *tag != mix(*seq ^ mix(scope_key(scope) ^ cursor_secret_.load()))) return bad;
  return *seq;
}

}  // namespace core
