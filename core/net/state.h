// Inside core/net: the tables Networks keeps, their indexes, and a Change,
// the undo log of one write. A write changes the tables in place while it
// holds the lock exclusively, so no reader sees it before it is written;
// if the store refuses it, the Change puts every record back.
#pragma once

#include <algorithm>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/document.h"
#include "core/net/model.h"
#include "core/net/networks.h"

namespace core::net {

// Document kinds, one per table.
inline constexpr std::string_view kNetworkKind = "net-network";
inline constexpr std::string_view kSubnetKind = "net-subnet";
inline constexpr std::string_view kPortKind = "net-port";
inline constexpr std::string_view kFloatingIpKind = "net-floatingip";
inline constexpr std::string_view kRouterKind = "net-router";
inline constexpr std::string_view kGroupKind = "net-secgroup";
inline constexpr std::string_view kRuleKind = "net-secrule";
inline constexpr std::string_view kTenantKind = "net-tenant";

// What Networks keeps of a tenant: whether its default topology was made,
// and the quotas set for it.
struct TenantRecord {
  std::string id;  // the tenant's key (Tenants: project, or account and region)
  TenantId tenant = 0;
  bool defaults_made = false;
  Limits limits;  // set ones only
};

// Records of one kind by id. The hooks keep the State's indexes in step.
template <typename T>
struct Table {
  explicit Table(std::string_view k) : kind(k) {}
  std::string_view kind;
  std::map<std::string, T, std::less<>> rows;
  std::function<void(const T&)> indexed;    // after a record is put
  std::function<void(const T&)> unindexed;  // before a record is erased or replaced

  const T* find(std::string_view id) const {
    auto it = rows.find(id);
    return it == rows.end() ? nullptr : &it->second;
  }
  void put(T row) {
    if (auto it = rows.find(row.id); it != rows.end() && unindexed) unindexed(it->second);
    auto id = row.id;
    auto& stored = rows[std::move(id)] = std::move(row);
    if (indexed) indexed(stored);
  }
  void erase(std::string_view id) {
    auto it = rows.find(id);
    if (it == rows.end()) return;
    if (unindexed) unindexed(it->second);
    rows.erase(it);
  }
};

// Records sorted as they were made (the order lists answer in).
template <typename T>
std::vector<T> in_creation_order(std::vector<T> rows) {
  std::sort(rows.begin(), rows.end(), [](const T& a, const T& b) {
    return a.created_ms != b.created_ms ? a.created_ms < b.created_ms : a.id < b.id;
  });
  return rows;
}

// Records as documents (codec.cpp): their values are core/codec.h pairs.
Document to_document(const Network& n, const Tenants& tenants);
Document to_document(const Subnet& s, const Tenants& tenants);
Document to_document(const Port& p, const Tenants& tenants);
Document to_document(const FloatingIp& f, const Tenants& tenants);
Document to_document(const Router& r, const Tenants& tenants);
Document to_document(const SecurityGroup& g, const Tenants& tenants);
Document to_document(const SecurityRule& r, const Tenants& tenants);
Document to_document(const TenantRecord& t, const Tenants& tenants);

struct Networks::State {
  Table<Network> networks{kNetworkKind};
  Table<Subnet> subnets{kSubnetKind};
  Table<Port> ports{kPortKind};
  Table<FloatingIp> floating_ips{kFloatingIpKind};
  Table<Router> routers{kRouterKind};
  Table<SecurityGroup> groups{kGroupKind};
  Table<SecurityRule> rules{kRuleKind};
  Table<TenantRecord> tenants{kTenantKind};

  // Indexes, kept by the tables' hooks.
  std::map<std::string, std::set<u128>, std::less<>> used;  // subnet id -> addresses taken (ports' fixed ones)
  std::set<std::pair<std::string, std::string>> macs;       // (network id, MAC)
  std::map<std::string, std::set<std::string>, std::less<>> by_device;  // device id -> port ids
  std::map<std::string, std::string, std::less<>> floating_by_address;  // network id + address -> floating ip id

  State();
  void clear();
  // Reads one document into its table; a message if it cannot be read (codec.cpp).
  std::optional<std::string> read(const Document& d, Tenants& registry);
};

// One write's undo log: each record's state before its first change. A
// Change that is not marked kept when it ends puts everything back, so an
// error returned halfway through a write leaves nothing behind.
class Networks::Change {
 public:
  Change(State& state, const Tenants& tenants, Millis now) : state_(state), tenants_(tenants), now_(now) {}
  ~Change() {
    if (!kept_) rollback();
  }
  Change(const Change&) = delete;
  Change& operator=(const Change&) = delete;
  Millis now() const { return now_; }
  State& state() { return state_; }
  void keep() { kept_ = true; }

  template <typename T>
  void put(Table<T>& table, T row) {
    remember(table, row.id);
    table.put(std::move(row));
  }
  template <typename T>
  void erase(Table<T>& table, const std::string& id) {
    remember(table, id);
    table.erase(id);
  }
  bool empty() const { return undo_.empty(); }

  // The records this change touched, as they are now (removals for the erased).
  std::vector<Document> documents() const;
  // Puts every touched record back as it was (and forgets them).
  void rollback();

 private:
  template <typename T>
  void remember(Table<T>& table, const std::string& id) {
    if (!touched_.insert({std::string(table.kind), id}).second) return;
    std::optional<T> before;
    if (const auto* row = table.find(id)) before = *row;
    undo_.push_back([&table, id, before = std::move(before)] {
      if (before) table.put(*before);
      else table.erase(id);
    });
    encoders_.push_back([&table, id, this]() -> Document {
      if (const auto* row = table.find(id)) return to_document(*row, tenants_);
      return removal(std::string(table.kind), id);
    });
  }

  State& state_;
  const Tenants& tenants_;
  Millis now_;
  bool kept_ = false;
  std::set<std::pair<std::string, std::string>> touched_;
  std::vector<std::function<void()>> undo_;
  std::vector<std::function<Document()>> encoders_;
};

}  // namespace core::net
