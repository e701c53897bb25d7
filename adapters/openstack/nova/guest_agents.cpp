#include "adapters/openstack/nova/guest_agents.h"

#include <algorithm>
#include <charconv>
#include <limits>

#include <fmt/format.h>

#include "core/codec.h"

namespace openstack {
namespace {

constexpr std::string_view kAgentKind = "nova-agent";

core::Document document(const GuestAgent& a) {
  core::Document d;
  d.kind = kAgentKind;
  d.key = std::to_string(a.id);
  d.value = core::encode_list({std::to_string(a.id), a.hypervisor, a.os, a.architecture, a.version, a.url, a.md5hash});
  d.expires_ms = core::kNeverExpires;
  return d;
}

std::optional<GuestAgent> read(const core::Document& d) {
  const auto fields = core::decode_list(d.value);
  if (!fields || fields->size() != 7) return std::nullopt;
  const auto& f = *fields;
  GuestAgent a;
  const auto* end = f[0].data() + f[0].size();
  if (f[0].empty() || std::from_chars(f[0].data(), end, a.id).ptr != end || a.id < 1 || f[0] != d.key)
    return std::nullopt;
  a.hypervisor = f[1];
  a.os = f[2];
  a.architecture = f[3];
  a.version = f[4];
  a.url = f[5];
  a.md5hash = f[6];
  return a;
}

}  // namespace

GuestAgents::GuestAgents(core::Fleet& fleet) : fleet_(fleet) { fleet_.add_keeper(*this); }

std::vector<GuestAgent> GuestAgents::list(const std::optional<std::string>& hypervisor) const {
  std::lock_guard lock(mutex_);
  std::vector<GuestAgent> out;
  for (const auto& a : agents_)
    if (!hypervisor || a.hypervisor == *hypervisor) out.push_back(a);
  return out;
}

core::Result<GuestAgent> GuestAgents::create(GuestAgent agent) {
  std::lock_guard lock(mutex_);
  for (const auto& a : agents_)
    if (a.hypervisor == agent.hypervisor && a.os == agent.os && a.architecture == agent.architecture)
      return core::conflict("agent_exists", std::to_string(a.id),
                            fmt::format("Agent-build with hypervisor {} os {} architecture {} exists.",
                                        agent.hypervisor, agent.os, agent.architecture));
  agent.id = next_id_;
  if (auto kept = fleet_.keep({document(agent)}); !kept) return kept.error();
  ++next_id_;
  agents_.push_back(agent);
  return agent;
}

core::Result<GuestAgent> GuestAgents::update(int id, std::string version, std::string url, std::string md5hash) {
  std::lock_guard lock(mutex_);
  const auto it = std::find_if(agents_.begin(), agents_.end(), [&](const GuestAgent& a) { return a.id == id; });
  if (it == agents_.end()) return core::missing("agent", std::to_string(id));
  auto next = *it;
  next.version = std::move(version);
  next.url = std::move(url);
  next.md5hash = std::move(md5hash);
  if (auto kept = fleet_.keep({document(next)}); !kept) return kept.error();
  *it = next;
  return next;
}

core::Result<core::Done> GuestAgents::remove(int id) {
  std::lock_guard lock(mutex_);
  const auto it = std::find_if(agents_.begin(), agents_.end(), [&](const GuestAgent& a) { return a.id == id; });
  if (it == agents_.end()) return core::missing("agent", std::to_string(id));
  if (auto kept = fleet_.keep({core::removal(std::string(kAgentKind), std::to_string(id))}); !kept) return kept.error();
  agents_.erase(it);
  return core::Done{};
}

bool GuestAgents::owns(std::string_view kind) const { return kind == kAgentKind; }

std::optional<std::string> GuestAgents::verify(const std::vector<core::Document>& documents) const {
  for (const auto& d : documents)
    if (d.kind == kAgentKind && !read(d)) return fmt::format("documents: agent '{}' cannot be read", d.key);
  return std::nullopt;
}

void GuestAgents::load(const std::vector<core::Document>& documents) {
  std::lock_guard lock(mutex_);
  agents_.clear();
  next_id_ = 1;
  for (const auto& d : documents) {
    if (d.kind != kAgentKind) continue;
    if (auto a = read(d)) {
      next_id_ = std::max(next_id_, a->id + 1);
      agents_.push_back(std::move(*a));
    }
  }
  std::sort(agents_.begin(), agents_.end(), [](const GuestAgent& a, const GuestAgent& b) { return a.id < b.id; });
}

void GuestAgents::reset() {
  std::lock_guard lock(mutex_);
  agents_.clear();
  next_id_ = 1;
}

std::vector<core::Document> GuestAgents::documents() const {
  std::lock_guard lock(mutex_);
  std::vector<core::Document> out;
  for (const auto& a : agents_) out.push_back(document(a));
  return out;
}

}  // namespace openstack
