// A core::Store in memory that can be told to refuse writes or to be slow:
// what the core's durable tests write to.
#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <utility>

#include "core/store.h"

namespace test {

// A store in memory that can be told to refuse writes or to be slow.
struct MemoryStore : core::Store {
  std::mutex mutex;
  std::map<std::uint64_t, core::ServerRecord> servers;  // by seq
  std::map<std::uint64_t, core::JournalEntry> journal;  // by id
  std::map<std::pair<std::string, std::string>, core::Document> documents;
  std::map<core::TenantId, core::TenantInfo> tenants;
  std::uint64_t next_id = 1, secret = 0;
  bool refuse = false;
  int writes = 0;
  std::chrono::milliseconds write_time{0};

  core::Result<core::Done> write(const std::vector<const core::Change*>& batch) override {
    std::this_thread::sleep_for(write_time);
    std::lock_guard lock(mutex);
    if (refuse) return core::unavailable("disk full");
    ++writes;
    for (const auto* c : batch) {
      for (const auto& [id, t] : c->tenants) tenants[id] = t;
      for (const auto& s : c->servers) servers[s.info.seq] = s;
      for (const auto& e : c->journal) journal[e.id] = e;
      for (const auto& s : c->settlements) {
        journal[s.journal_id].settled_ms = s.at_ms;
        journal[s.journal_id].transition_failed = s.failed;
      }
      for (const auto& d : c->documents) {
        if (d.removed) documents.erase({d.kind, d.key});
        else documents[{d.kind, d.key}] = d;
      }
      next_id = std::max(next_id, c->journal_next_id);
    }
    return core::Done{};
  }
  core::Result<core::StoredState> load() override {
    std::lock_guard lock(mutex);
    core::StoredState s;
    for (const auto& t : tenants) s.tenants.push_back(t);
    for (const auto& [seq, r] : servers) s.servers.push_back(r);
    for (const auto& [id, e] : journal) s.journal.push_back(e);
    for (const auto& [key, d] : documents) s.documents.push_back(d);
    s.journal_next_id = next_id;
    s.cursor_secret = secret;
    return s;
  }
  core::Result<core::Done> replace(const core::StoredState& state) override {
    std::lock_guard lock(mutex);
    servers.clear();
    journal.clear();
    tenants.clear();
    documents.clear();
    for (const auto& t : state.tenants) tenants.insert(t);
    for (const auto& d : state.documents) documents[{d.kind, d.key}] = d;
    for (const auto& r : state.servers) servers[r.info.seq] = r;
    for (const auto& e : state.journal) journal[e.id] = e;
    next_id = state.journal_next_id;
    secret = state.cursor_secret;
    return core::Done{};
  }
};

}  // namespace test
