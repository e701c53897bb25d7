#include "adapters/openstack/nova/compute_host.h"

#include <algorithm>
#include <limits>
#include <memory>

#include <fmt/format.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "adapters/openstack/nova/server_groups.h"
#include "adapters/openstack/nova/views.h"
#include "core/ids.h"

namespace openstack {
namespace {

constexpr std::string_view kServiceKind = "nova-service";
constexpr std::string_view kAggregateKind = "nova-aggregate";

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

void text(JsonWriter& w, const char* key, std::string_view value) {
  w.Key(key);
  w.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
}

// The three services, as a fresh single-host devstack has them (ids fixed, so they survive restarts).
std::vector<ComputeService> initial_services() {
  return {{1, "1f3f3c1c-0b1a-4d36-9c6e-2a7b8c9d0e01", "nova-compute", "compute", false, std::nullopt, false, false, 0},
          {2, "1f3f3c1c-0b1a-4d36-9c6e-2a7b8c9d0e02", "nova-scheduler", "scheduler", false, std::nullopt, false,
           false, 0},
          {3, "1f3f3c1c-0b1a-4d36-9c6e-2a7b8c9d0e03", "nova-conductor", "conductor", false, std::nullopt, false,
           false, 0}};
}

core::Document service_document(const ComputeService& s) {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  text(w, "binary", s.binary);
  w.Key("disabled");
  w.Bool(s.disabled);
  if (s.disabled_reason) text(w, "disabled_reason", *s.disabled_reason);
  w.Key("forced_down");
  w.Bool(s.forced_down);
  w.Key("deleted");
  w.Bool(s.deleted);
  w.Key("updated_ms");
  w.Int64(s.updated_ms);
  w.EndObject();
  core::Document d;
  d.kind = kServiceKind;
  d.key = s.binary;
  d.value.assign(buffer.GetString(), buffer.GetSize());
  d.expires_ms = core::kNeverExpires;
  return d;
}

core::Document aggregate_document(const Aggregate& a) {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  w.Key("id");
  w.Int(a.id);
  text(w, "uuid", a.uuid);
  text(w, "name", a.name);
  w.Key("hosts");
  w.StartArray();
  for (const auto& h : a.hosts) w.String(h.c_str(), static_cast<rapidjson::SizeType>(h.size()));
  w.EndArray();
  w.Key("metadata");
  w.StartArray();
  for (const auto& [k, v] : a.metadata) {
    w.StartArray();
    w.String(k.c_str(), static_cast<rapidjson::SizeType>(k.size()));
    w.String(v.c_str(), static_cast<rapidjson::SizeType>(v.size()));
    w.EndArray();
  }
  w.EndArray();
  w.Key("created_ms");
  w.Int64(a.created_ms);
  w.Key("updated_ms");
  w.Int64(a.updated_ms);
  w.EndObject();
  core::Document d;
  d.kind = kAggregateKind;
  d.key = std::to_string(a.id);
  d.value.assign(buffer.GetString(), buffer.GetSize());
  d.expires_ms = core::kNeverExpires;
  return d;
}

std::optional<Aggregate> read_aggregate(std::string_view value) {
  rapidjson::Document d;
  d.Parse(value.data(), value.size());
  if (d.HasParseError() || !d.IsObject()) return std::nullopt;
  const auto get = [&](const char* key) -> const rapidjson::Value* {
    const auto it = d.FindMember(key);
    return it == d.MemberEnd() ? nullptr : &it->value;
  };
  const auto *id = get("id"), *uuid = get("uuid"), *name = get("name"), *hosts = get("hosts"),
             *metadata = get("metadata"), *created = get("created_ms"), *updated = get("updated_ms");
  if (!id || !id->IsInt() || id->GetInt() < 1 || !uuid || !uuid->IsString() || !name || !name->IsString() ||
      !hosts || !hosts->IsArray() || !metadata || !metadata->IsArray() || !created || !created->IsInt64() ||
      !updated || !updated->IsInt64())
    return std::nullopt;
  Aggregate a;
  a.id = id->GetInt();
  a.uuid = uuid->GetString();
  a.name = name->GetString();
  a.created_ms = created->GetInt64();
  a.updated_ms = updated->GetInt64();
  for (const auto& h : hosts->GetArray()) {
    if (!h.IsString()) return std::nullopt;
    a.hosts.emplace_back(h.GetString(), h.GetStringLength());
  }
  for (const auto& p : metadata->GetArray()) {
    if (!p.IsArray() || p.Size() != 2 || !p[0].IsString() || !p[1].IsString()) return std::nullopt;
    a.metadata.emplace_back(std::string(p[0].GetString(), p[0].GetStringLength()),
                            std::string(p[1].GetString(), p[1].GetStringLength()));
  }
  return a;
}

// A service document applied to its service: false when it cannot be read.
bool apply_service(std::vector<ComputeService>& services, const core::Document& doc) {
  rapidjson::Document d;
  d.Parse(doc.value.data(), doc.value.size());
  if (d.HasParseError() || !d.IsObject()) return false;
  const auto it = std::find_if(services.begin(), services.end(), [&](const auto& s) { return s.binary == doc.key; });
  if (it == services.end()) return false;
  const auto flag = [&](const char* key, bool& out) {
    const auto m = d.FindMember(key);
    if (m == d.MemberEnd() || !m->value.IsBool()) return false;
    out = m->value.GetBool();
    return true;
  };
  ComputeService s = *it;
  if (!flag("disabled", s.disabled) || !flag("forced_down", s.forced_down) || !flag("deleted", s.deleted)) return false;
  s.disabled_reason.reset();
  if (const auto m = d.FindMember("disabled_reason"); m != d.MemberEnd()) {
    if (!m->value.IsString()) return false;
    s.disabled_reason = m->value.GetString();
  }
  if (const auto m = d.FindMember("updated_ms"); m != d.MemberEnd() && m->value.IsInt64())
    s.updated_ms = m->value.GetInt64();
  *it = std::move(s);
  return true;
}

}  // namespace

ComputeHost::ComputeHost(core::Fleet& fleet) : fleet_(fleet), started_ms_(fleet.clock().now_ms()) {
  std::lock_guard lock(mutex_);
  start_over();
  fleet_.add_keeper(*this);
}

void ComputeHost::start_over() {
  services_ = initial_services();
  aggregates_.clear();
  next_aggregate_ = 1;
}

std::vector<ComputeService> ComputeHost::services() const {
  std::lock_guard lock(mutex_);
  std::vector<ComputeService> out;
  for (const auto& s : services_)
    if (!s.deleted) out.push_back(s);
  return out;
}

std::optional<ComputeService> ComputeHost::service(std::string_view binary) const {
  std::lock_guard lock(mutex_);
  for (const auto& s : services_)
    if (s.binary == binary && !s.deleted) return s;
  return std::nullopt;
}

bool ComputeHost::accepts_servers() const {
  std::lock_guard lock(mutex_);
  const auto& compute = services_.front();
  return !compute.deleted && !compute.disabled && !compute.forced_down;
}

core::Result<ComputeService> ComputeHost::change(std::string_view binary,
                                                 const std::function<void(ComputeService&)>& edit) {
  std::lock_guard lock(mutex_);
  const auto it = std::find_if(services_.begin(), services_.end(), [&](const auto& s) { return s.binary == binary; });
  if (it == services_.end() || it->deleted) return core::missing("service", std::string(binary));
  auto next = *it;
  edit(next);
  next.updated_ms = fleet_.clock().now_ms();
  if (auto kept = fleet_.keep({service_document(next)}); !kept) return kept.error();
  *it = next;
  return next;
}

std::string ComputeHost::zone_locked() const {
  for (const auto& [id, a] : aggregates_) {
    if (std::find(a.hosts.begin(), a.hosts.end(), kHost) == a.hosts.end()) continue;
    if (auto zone = core::find_pair(a.metadata, "availability_zone")) return std::string(*zone);
  }
  return std::string(kAvailabilityZone);
}

std::string ComputeHost::zone() const {
  std::lock_guard lock(mutex_);
  return zone_locked();
}

std::vector<std::string> ComputeHost::aggregate_zones() const {
  std::lock_guard lock(mutex_);
  std::vector<std::string> out;
  for (const auto& [id, a] : aggregates_)
    if (auto zone = core::find_pair(a.metadata, "availability_zone")) out.emplace_back(*zone);
  return out;
}

std::vector<Aggregate> ComputeHost::aggregates() const {
  std::lock_guard lock(mutex_);
  std::vector<Aggregate> out;
  for (const auto& [id, a] : aggregates_) out.push_back(a);
  return out;
}

std::optional<Aggregate> ComputeHost::aggregate(int id) const {
  std::lock_guard lock(mutex_);
  const auto it = aggregates_.find(id);
  if (it == aggregates_.end()) return std::nullopt;
  return it->second;
}

core::Result<Aggregate> ComputeHost::create_aggregate(std::string name, std::optional<std::string> zone) {
  std::lock_guard lock(mutex_);
  for (const auto& [id, a] : aggregates_)
    if (a.name == name)
      return core::conflict("aggregate_name", name, fmt::format("Aggregate {} already exists.", name));
  Aggregate a;
  a.id = next_aggregate_;
  a.uuid = core::request_uuid();
  a.name = std::move(name);
  if (zone) a.metadata.emplace_back("availability_zone", *zone);
  a.created_ms = fleet_.clock().now_ms();
  if (auto kept = fleet_.keep({aggregate_document(a)}); !kept) return kept.error();
  ++next_aggregate_;
  aggregates_[a.id] = a;
  return a;
}

core::Result<Aggregate> ComputeHost::change_aggregate(int id,
                                                      const std::function<std::optional<core::Error>(Aggregate&)>& edit) {
  std::lock_guard lock(mutex_);
  const auto it = aggregates_.find(id);
  if (it == aggregates_.end()) return core::missing("aggregate", std::to_string(id));
  auto next = it->second;
  if (auto refused = edit(next)) return *refused;
  for (const auto& [other, a] : aggregates_)
    if (other != id && a.name == next.name)
      return core::conflict("aggregate_name", next.name, fmt::format("Aggregate {} already exists.", next.name));
  next.id = id;
  next.updated_ms = fleet_.clock().now_ms();
  if (auto kept = fleet_.keep({aggregate_document(next)}); !kept) return kept.error();
  it->second = next;
  return next;
}

core::Result<core::Done> ComputeHost::delete_aggregate(int id) {
  std::lock_guard lock(mutex_);
  const auto it = aggregates_.find(id);
  if (it == aggregates_.end()) return core::missing("aggregate", std::to_string(id));
  if (!it->second.hosts.empty())
    return core::conflict("aggregate_not_empty", std::to_string(id),
                          fmt::format("Cannot delete aggregate {}. Reason: Host aggregate is not empty.", id));
  if (auto kept = fleet_.keep({core::removal(std::string(kAggregateKind), std::to_string(id))}); !kept)
    return kept.error();
  aggregates_.erase(it);
  return core::Done{};
}

bool ComputeHost::owns(std::string_view kind) const { return kind == kServiceKind || kind == kAggregateKind; }

std::optional<std::string> ComputeHost::verify(const std::vector<core::Document>& documents) const {
  auto services = initial_services();
  for (const auto& d : documents) {
    if (d.kind == kServiceKind && !apply_service(services, d))
      return fmt::format("documents: service '{}' cannot be read", d.key);
    if (d.kind == kAggregateKind) {
      const auto a = read_aggregate(d.value);
      if (!a || std::to_string(a->id) != d.key) return fmt::format("documents: aggregate '{}' cannot be read", d.key);
    }
  }
  return std::nullopt;
}

void ComputeHost::load(const std::vector<core::Document>& documents) {
  std::lock_guard lock(mutex_);
  start_over();
  for (const auto& d : documents) {
    if (d.kind == kServiceKind) {
      apply_service(services_, d);
    } else if (auto a = read_aggregate(d.value)) {
      next_aggregate_ = std::max(next_aggregate_, a->id + 1);
      aggregates_[a->id] = std::move(*a);
    }
  }
}

void ComputeHost::reset() {
  std::lock_guard lock(mutex_);
  start_over();
}

std::vector<core::Document> ComputeHost::documents() const {
  std::lock_guard lock(mutex_);
  std::vector<core::Document> out;
  const auto initial = initial_services();
  for (std::size_t i = 0; i < services_.size(); ++i) {
    const auto& s = services_[i];
    const auto& base = initial[i];
    if (s.disabled != base.disabled || s.forced_down != base.forced_down || s.deleted != base.deleted ||
        s.disabled_reason != base.disabled_reason || s.updated_ms != base.updated_ms)
      out.push_back(service_document(s));
  }
  for (const auto& [id, a] : aggregates_) out.push_back(aggregate_document(a));
  return out;
}

core::Staged ComputeHost::stage_create(const core::ServerInfo& server, const core::CreateSpec&, core::Millis) {
  core::Staged staged;
  if (core::find_pair(server.attributes, kFlavorAttr) && !accepts_servers()) staged.fault = kNoValidHost;
  return staged;
}

}  // namespace openstack
