#include "adapters/openstack/keystone/revocations.h"

#include <mutex>

#include <rapidjson/document.h>

namespace openstack {
namespace {

constexpr std::string_view kRevocationKind = "keystone-revocation";

}  // namespace

std::string Revocations::key(const Revocation& r) {
  if (!r.app_credential.empty()) return "app-credential:" + r.app_credential;
  if (!r.user.empty() && !r.project.empty()) return "grant:" + r.user + "/" + r.project;
  if (!r.user.empty()) return "user:" + r.user;
  return "project:" + r.project;
}

bool Revocations::revoked(const Identity& id) const {
  std::shared_lock lock(mutex_);
  // Tokens name their user and project by id, and ids are never reused, so
  // an event revokes exactly the tokens of what it names.
  const auto hit = [&](const std::string& k) {
    const auto it = events_.find(k);
    return it != events_.end() && std::chrono::floor<std::chrono::microseconds>(id.issued) <= it->second;
  };
  return hit("user:" + id.user) || (!id.project.empty() && hit("project:" + id.project)) ||
         (!id.project.empty() && hit("grant:" + id.user + "/" + id.project)) ||
         (!id.app_credential.empty() && hit("app-credential:" + id.app_credential));
}

core::Document Revocations::document(const Revocation& r, Clock::time_point at) const {
  core::Document d;
  d.kind = kRevocationKind;
  d.key = key(r);
  d.value = "{\"at_us\":" + std::to_string(epoch_micros(at)) + "}";
  // Every token issued before `at` has expired `ttl_` later: the event is moot then.
  d.expires_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                     (at + std::chrono::seconds(ttl_) + std::chrono::seconds(1)).time_since_epoch())
                     .count();
  return d;
}

void Revocations::insert(std::string k, Clock::time_point at) {
  // Kept to the microsecond, as tokens' times are: the same answer before and after a restart.
  at = std::chrono::floor<std::chrono::microseconds>(at);
  auto& slot = events_[std::move(k)];
  slot = std::max(slot, at);
  // Moot events go when the table has grown: bounded by the events of one token lifetime.
  if (events_.size() % 256 == 0) {
    const auto moot = Clock::now() - std::chrono::seconds(ttl_) - std::chrono::seconds(1);
    std::erase_if(events_, [&](const auto& e) { return e.second < moot; });
  }
  size_.store(events_.size(), std::memory_order_release);
}

void Revocations::add(const Revocation& r, Clock::time_point at) {
  std::unique_lock lock(mutex_);
  insert(key(r), at);
}

bool Revocations::owns(std::string_view kind) { return kind == kRevocationKind; }

void Revocations::load(const std::vector<core::Document>& documents) {
  std::unique_lock lock(mutex_);
  events_.clear();
  for (const auto& d : documents) {
    if (d.kind != kRevocationKind) continue;
    rapidjson::Document doc;
    doc.Parse(d.value.data(), d.value.size());
    if (doc.HasParseError() || !doc.IsObject() || !doc.HasMember("at_us") || !doc["at_us"].IsInt64()) continue;
    insert(d.key, Clock::time_point(std::chrono::microseconds(doc["at_us"].GetInt64())));
  }
  size_.store(events_.size(), std::memory_order_release);
}

std::vector<core::Document> Revocations::documents() const {
  std::shared_lock lock(mutex_);
  std::vector<core::Document> out;
  for (const auto& [k, at] : events_) {
    auto d = document(Revocation{}, at);
    d.key = k;
    out.push_back(std::move(d));
  }
  return out;
}

}  // namespace openstack
