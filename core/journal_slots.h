// Journal::Impl: how the journal keeps its entries. About 100 bytes each
// (strings that repeat are interned, request ids packed into 16 bytes),
// because it holds up to a million of them, with one id list per filter
// value, so a filtered page or count never walks the entries that do not
// match. Private to core/journal.cpp, its only includer (the anonymous
// namespace below is that file's).
#pragma once

#include "core/journal.h"

#include <algorithm>
#include <array>
#include <deque>
#include <mutex>
#include <unordered_map>

#include "core/journal_index.h"
#include "core/text.h"

namespace core {
// Named, not anonymous: Journal::Impl's slots hold one (a class with linkage
// may not have a member of an anonymous namespace's type).
namespace journal_detail {

// Request ids are "req-<uuid>" (Nova) or "<uuid>" (Transfer): 16 bytes and
// a flag. Anything else is kept as a string on the side.
struct PackedId {
  std::array<std::uint8_t, 16> bytes{};
  bool req_prefix = false;
  bool packed = false;
};

}  // namespace journal_detail

namespace {

using journal_detail::PackedId;

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

PackedId pack(std::string_view text) {
  PackedId p;
  if (text.substr(0, 4) == "req-") {
    p.req_prefix = true;
    text.remove_prefix(4);
  }
  if (text.size() != 36) return p;
  std::size_t n = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (text[i] != '-') return p;
      continue;
    }
    const int hi = hex_value(text[i]), lo = i + 1 < text.size() ? hex_value(text[i + 1]) : -1;
    if (hi < 0 || lo < 0) return p;
    p.bytes[n++] = static_cast<std::uint8_t>(hi << 4 | lo);
    ++i;
  }
  p.packed = n == 16;
  return p;
}

std::string unpack(const PackedId& p) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out = p.req_prefix ? "req-" : "";
  for (std::size_t i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out += '-';
    out += kDigits[p.bytes[i] >> 4];
    out += kDigits[p.bytes[i] & 0xf];
  }
  return out;
}

constexpr std::uint8_t kNone = 0xff;

std::uint8_t small(std::optional<State> s) { return s ? static_cast<std::uint8_t>(*s) : kNone; }
std::uint8_t small(std::optional<Action> a) { return a ? static_cast<std::uint8_t>(*a) : kNone; }

}  // namespace

struct Journal::Impl {
  struct Slot {
    std::uint64_t id = 0;
    StringId api = 0, operation = 0, caller = 0, caller_scope = 0, server_uuid = 0, server_transfer_id = 0,
             result = 0, path = 0;
    std::uint64_t bytes = 0;
    std::uint32_t tenant = 0;  // TenantId + 1; 0: none
    std::uint8_t action = kNone, before = kNone, after = kNone;
    bool injected = false, transition_failed = false, settled = false;
    std::int16_t status = 0;
    Millis start_ms = 0, finish_ms = 0, settled_ms = 0;
    PackedId request_id;
  };

  std::size_t max_entries;
  std::uint64_t next_id = 1;
  std::deque<Slot> slots;  // ascending ids; gaps where entries were not kept (reads, after a restart)
  std::unordered_map<std::uint64_t, std::string> odd_request_ids;  // ids that did not pack
  Interner strings;
  JournalIndex index;

  explicit Impl(std::size_t max) : max_entries(std::max<std::size_t>(max, 1)) {}

  // The position of the first slot with an id at or above `id`.
  std::size_t position(std::uint64_t id) const {
    // Ids are dense unless a restart left gaps: try the direct guess first.
    if (slots.empty() || id <= slots.front().id) return 0;
    const std::uint64_t guess = id - slots.front().id;
    if (guess < slots.size() && slots[guess].id == id) return guess;
    return static_cast<std::size_t>(
        std::lower_bound(slots.begin(), slots.end(), id, [](const Slot& s, std::uint64_t v) { return s.id < v; }) -
        slots.begin());
  }
  const Slot* slot(std::uint64_t id) const {
    const auto at = position(id);
    return at < slots.size() && slots[at].id == id ? &slots[at] : nullptr;
  }
  Slot* slot(std::uint64_t id) { return const_cast<Slot*>(std::as_const(*this).slot(id)); }

  std::uint64_t add(const JournalEntry& e) { return add_as(next_id, e); }

  std::uint64_t add_as(std::uint64_t id, const JournalEntry& e) {
    // Operations, callers and server ids are what clients sent (a header, a
    // path, a JSON key): kept as UTF-8, so every view of the journal is.
    const auto client_text = [this](const std::string& text) {
      return is_utf8(text) ? strings.intern(text) : strings.intern(valid_utf8(text));
    };
    next_id = id + 1;
    Slot s;
    s.id = id;
    s.api = strings.intern(e.api);
    s.operation = client_text(e.operation);
    s.caller = client_text(e.caller);
    s.caller_scope = client_text(e.caller_scope);
    s.server_uuid = client_text(e.server_uuid);
    s.server_transfer_id = client_text(e.server_transfer_id);
    s.result = strings.intern(e.result);
    s.path = e.path.empty() ? 0 : client_text(e.path);
    s.bytes = e.bytes;
    s.tenant = e.tenant ? *e.tenant + 1 : 0;
    s.action = small(e.action);
    s.before = small(e.state_before);
    s.after = small(e.state_after);
    s.injected = e.injected;
    s.status = static_cast<std::int16_t>(std::clamp(e.status, -1, 32767));
    s.start_ms = e.start_ms;
    s.finish_ms = e.finish_ms;
    s.settled = e.settled_ms.has_value();
    s.settled_ms = e.settled_ms.value_or(0);
    s.transition_failed = e.transition_failed;
    s.request_id = pack(e.request_id);
    if (!s.request_id.packed && !e.request_id.empty())
      odd_request_ids.emplace(id, is_utf8(e.request_id) ? e.request_id : valid_utf8(e.request_id));
    slots.push_back(s);
    for (const auto key : keys(s)) index.add(key, id);
    while (slots.size() > max_entries) drop_oldest();
    return id;
  }

  // The index keys an entry is filed under (0: none).
  std::array<IndexKey, 7> keys(const Slot& s) const {
    return {key(IndexKind::Api, s.api),
            key(IndexKind::Operation, s.operation),
            key(IndexKind::Server, s.server_uuid),
            key(IndexKind::Server, s.server_transfer_id),
            s.tenant ? key(IndexKind::Tenant, s.tenant) : 0,
            key(IndexKind::Result, s.result),
            is_change(s) ? key(IndexKind::Changes, 1) : 0};
  }

  bool is_change(const Slot& s) const { return s.action != kNone && strings.text(s.result) == kAccepted; }

  void drop_oldest() {
    const auto& s = slots.front();
    for (const auto key : keys(s)) index.drop_front(key, s.id);
    release(s);
    slots.pop_front();
  }

  // Any entry (rare: O(entries) to close the gap in the slots).
  void drop(std::uint64_t id) {
    const auto at = position(id);
    if (at >= slots.size() || slots[at].id != id) return;
    const auto& s = slots[at];
    for (const auto key : keys(s)) index.remove(key, id);
    release(s);
    slots.erase(slots.begin() + static_cast<std::ptrdiff_t>(at));
  }

  void release(const Slot& s) {
    for (const auto text : {s.api, s.operation, s.caller, s.caller_scope, s.server_uuid, s.server_transfer_id,
                            s.result})
      strings.release(text);
    if (s.path) strings.release(s.path);
    odd_request_ids.erase(s.id);
  }

  void reindex_change(std::uint64_t id, const Slot& before, const Slot& after) {
    for (const auto key : keys(before)) index.remove(key, id);
    for (const auto key : keys(after)) index.add_sorted(key, id);
  }

  JournalEntry entry(std::uint64_t id, const Slot& s) const {
    JournalEntry e;
    e.id = id;
    if (s.request_id.packed) e.request_id = unpack(s.request_id);
    else if (auto it = odd_request_ids.find(id); it != odd_request_ids.end()) e.request_id = it->second;
    e.api = strings.text(s.api);
    e.operation = strings.text(s.operation);
    e.caller = strings.text(s.caller);
    e.caller_scope = strings.text(s.caller_scope);
    if (s.tenant) e.tenant = s.tenant - 1;
    e.server_uuid = strings.text(s.server_uuid);
    e.server_transfer_id = strings.text(s.server_transfer_id);
    if (s.action != kNone) e.action = static_cast<Action>(s.action);
    if (s.before != kNone) e.state_before = static_cast<State>(s.before);
    if (s.after != kNone) e.state_after = static_cast<State>(s.after);
    e.status = s.status;
    e.result = strings.text(s.result);
    e.injected = s.injected;
    e.start_ms = s.start_ms;
    e.finish_ms = s.finish_ms;
    if (s.settled) e.settled_ms = s.settled_ms;
    e.transition_failed = s.transition_failed;
    if (s.path) e.path = strings.text(s.path);
    e.bytes = s.bytes;
    return e;
  }

  // The query's filters as index keys; nullopt when a filter names a value
  // never seen (nothing can match).
  std::optional<std::vector<IndexKey>> filters(const JournalQuery& q) const {
    std::vector<IndexKey> out;
    const auto add = [&](IndexKind kind, const std::string& text) {
      if (text.empty()) return true;
      const auto id = strings.find(text);
      if (!id) return false;
      out.push_back(key(kind, *id));
      return true;
    };
    if (!add(IndexKind::Api, q.api) || !add(IndexKind::Operation, q.operation) ||
        !add(IndexKind::Server, q.server) || !add(IndexKind::Result, q.result))
      return std::nullopt;
    if (q.tenant) out.push_back(key(IndexKind::Tenant, *q.tenant + 1));
    if (q.changes_only) out.push_back(key(IndexKind::Changes, 1));
    return out;
  }

  bool matches(const Slot& s, const std::vector<IndexKey>& wanted) const {
    const auto filed = keys(s);
    for (const auto k : wanted)
      if (std::find(filed.begin(), filed.end(), k) == filed.end()) return false;
    return true;
  }

  // Walks the ids of the query's window in its order, smallest index first,
  // calling visit(id, slot) for each match until it returns false.
  template <typename Visit>
  void walk(const JournalQuery& q, const std::vector<IndexKey>& wanted, Visit visit) const {
    const std::uint64_t lo = q.since + 1;
    const std::uint64_t hi = q.newest_first && q.before ? std::min(q.before, next_id) : next_id;  // exclusive
    if (lo >= hi || slots.empty()) return;
    const IdList* shortest = nullptr;
    for (const auto k : wanted) {
      const auto* list = index.find(k);
      if (!list) return;
      if (!shortest || list->size() < shortest->size()) shortest = list;
    }
    const auto check = [&](const Slot& s) { return !matches(s, wanted) || visit(s.id, s); };
    if (shortest) {
      auto [begin, end] = shortest->range(lo, hi);
      if (q.newest_first) {
        for (auto it = end; it != begin;)
          if (!check(*slot(*--it))) return;
      } else {
        for (auto it = begin; it != end; ++it)
          if (!check(*slot(*it))) return;
      }
      return;
    }
    const auto first = position(lo), last = position(hi);
    if (q.newest_first) {
      for (auto at = last; at > first;)
        if (!check(slots[--at])) return;
    } else {
      for (auto at = first; at < last; ++at)
        if (!check(slots[at])) return;
    }
  }
};

}  // namespace core
