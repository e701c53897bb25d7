// The journal's building blocks: an interner (each distinct string kept once,
// named by a small number) and the index of id lists, one per filter value.
// Internal to core/journal.cpp; not thread-safe (the journal's lock guards them).
#pragma once

#include <algorithm>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace core {

using StringId = std::uint32_t;  // 0: the empty string

class Interner {
 public:
  // The string's id, counting one more holder: each intern() is matched by a
  // release() when the holder goes, so a long run that sees new server ids
  // forever (creates and deletes) keeps only those still in the journal.
  StringId intern(std::string_view text) {
    if (text.empty()) return 0;
    if (auto it = ids_.find(text); it != ids_.end()) {
      ++holders_[it->second - 1];
      return it->second;
    }
    StringId id;
    if (!free_.empty()) {
      id = free_.back();
      free_.pop_back();
      texts_[id - 1].assign(text);
      holders_[id - 1] = 1;
    } else {
      texts_.emplace_back(text);
      holders_.push_back(1);
      id = static_cast<StringId>(texts_.size());
    }
    ids_.emplace(std::string_view(texts_[id - 1]), id);
    return id;
  }
  void release(StringId id) {
    if (id == 0 || --holders_[id - 1] > 0) return;
    ids_.erase(std::string_view(texts_[id - 1]));
    std::string().swap(texts_[id - 1]);
    free_.push_back(id);
  }
  std::optional<StringId> find(std::string_view text) const {
    auto it = ids_.find(text);
    return it == ids_.end() ? std::nullopt : std::optional(it->second);
  }
  std::string_view text(StringId id) const { return id == 0 ? std::string_view() : texts_[id - 1]; }
  void reserve(std::size_t strings) { ids_.reserve(strings); }
  std::size_t size() const { return ids_.size(); }

 private:
  std::deque<std::string> texts_;  // a deque: the views in ids_ stay valid as it grows
  std::vector<std::uint32_t> holders_;
  std::vector<StringId> free_;  // ids whose strings went, for reuse
  std::unordered_map<std::string_view, StringId> ids_;
};

enum class IndexKind : std::uint64_t { Api = 1, Operation, Server, Tenant, Result, Changes };
using IndexKey = std::uint64_t;  // 0: not filed

inline IndexKey key(IndexKind kind, std::uint32_t value) {
  return value == 0 ? 0 : (static_cast<std::uint64_t>(kind) << 32) | value;
}

// The ids filed under one key, ascending. Dropping the oldest entry advances
// a head instead of shifting, so it costs O(1) amortised.
class IdList {
 public:
  using Iterator = std::vector<std::uint64_t>::const_iterator;
  void push(std::uint64_t id) { ids_.push_back(id); }
  void insert(std::uint64_t id) { ids_.insert(std::lower_bound(begin(), ids_.cend(), id), id); }
  void erase(std::uint64_t id) {
    auto it = std::lower_bound(begin(), ids_.cend(), id);
    if (it != ids_.cend() && *it == id) ids_.erase(it);
  }
  void pop_front() {
    if (++head_ >= 32 && head_ * 2 >= ids_.size()) {
      ids_.erase(ids_.begin(), ids_.begin() + static_cast<std::ptrdiff_t>(head_));
      head_ = 0;
    }
  }
  bool front_is(std::uint64_t id) const { return head_ < ids_.size() && ids_[head_] == id; }
  std::size_t size() const { return ids_.size() - head_; }
  bool empty() const { return size() == 0; }
  // The ids in [lo, hi).
  std::pair<Iterator, Iterator> range(std::uint64_t lo, std::uint64_t hi) const {
    return {std::lower_bound(begin(), ids_.cend(), lo), std::lower_bound(begin(), ids_.cend(), hi)};
  }

 private:
  Iterator begin() const { return ids_.cbegin() + static_cast<std::ptrdiff_t>(head_); }
  std::vector<std::uint64_t> ids_;
  std::size_t head_ = 0;
};

class JournalIndex {
 public:
  void add(IndexKey key, std::uint64_t id) {
    if (key) lists_[key].push(id);
  }
  void add_sorted(IndexKey key, std::uint64_t id) {
    if (key) lists_[key].insert(id);
  }
  void remove(IndexKey key, std::uint64_t id) {
    auto it = key ? lists_.find(key) : lists_.end();
    if (it == lists_.end()) return;
    it->second.erase(id);
    if (it->second.empty()) lists_.erase(it);
  }
  // The oldest entry `id` leaves: it is the front of each of its lists.
  void drop_front(IndexKey key, std::uint64_t id) {
    auto it = key ? lists_.find(key) : lists_.end();
    if (it == lists_.end() || !it->second.front_is(id)) return;
    it->second.pop_front();
    if (it->second.empty()) lists_.erase(it);
  }
  const IdList* find(IndexKey key) const {
    auto it = lists_.find(key);
    return it == lists_.end() ? nullptr : &it->second;
  }
  void reserve(std::size_t keys) { lists_.reserve(keys); }

 private:
  std::unordered_map<IndexKey, IdList> lists_;
};

}  // namespace core
