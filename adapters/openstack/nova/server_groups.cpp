#include "adapters/openstack/nova/server_groups.h"

#include <algorithm>
#include <limits>
#include <memory>

#include <fmt/format.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "core/ids.h"

namespace openstack {
namespace {

constexpr std::string_view kServerGroupKind = "nova-server-group";

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

void text(JsonWriter& w, const char* key, const std::string& value) {
  w.Key(key);
  w.String(value.c_str(), static_cast<rapidjson::SizeType>(value.size()));
}

void texts(JsonWriter& w, const char* key, const std::vector<std::string>& values) {
  w.Key(key);
  w.StartArray();
  for (const auto& v : values) w.String(v.c_str(), static_cast<rapidjson::SizeType>(v.size()));
  w.EndArray();
}

std::string encode(const ServerGroup& g) {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  text(w, "id", g.id);
  text(w, "name", g.name);
  text(w, "policy", g.policy);
  if (g.max_server_per_host) {
    w.Key("max_server_per_host");
    w.Int64(*g.max_server_per_host);
  }
  text(w, "project", g.project);
  text(w, "user", g.user);
  texts(w, "members", g.members);
  texts(w, "unplaced", g.unplaced);
  w.Key("created_ms");
  w.Int64(g.created_ms);
  w.EndObject();
  return {buffer.GetString(), buffer.GetSize()};
}

std::optional<ServerGroup> decode(std::string_view value) {
  rapidjson::Document d;
  d.Parse(value.data(), value.size());
  if (d.HasParseError() || !d.IsObject()) return std::nullopt;
  ServerGroup g;
  for (auto [key, out] : {std::pair<const char*, std::string*>{"id", &g.id}, {"name", &g.name}, {"policy", &g.policy},
                          {"project", &g.project}, {"user", &g.user}}) {
    const auto it = d.FindMember(key);
    if (it == d.MemberEnd() || !it->value.IsString()) return std::nullopt;
    out->assign(it->value.GetString(), it->value.GetStringLength());
  }
  for (auto [key, out] : {std::pair<const char*, std::vector<std::string>*>{"members", &g.members},
                          {"unplaced", &g.unplaced}}) {
    const auto it = d.FindMember(key);
    if (it == d.MemberEnd() || !it->value.IsArray()) return std::nullopt;
    for (const auto& m : it->value.GetArray()) {
      if (!m.IsString()) return std::nullopt;
      out->emplace_back(m.GetString(), m.GetStringLength());
    }
  }
  if (const auto it = d.FindMember("max_server_per_host"); it != d.MemberEnd()) {
    if (!it->value.IsInt64() || it->value.GetInt64() < 1) return std::nullopt;
    g.max_server_per_host = it->value.GetInt64();
  }
  if (const auto it = d.FindMember("created_ms"); it != d.MemberEnd() && it->value.IsInt64())
    g.created_ms = it->value.GetInt64();
  if (g.id.empty()) return std::nullopt;
  return g;
}

core::Document document(const ServerGroup& g) {
  core::Document d;
  d.kind = kServerGroupKind;
  d.key = g.id;
  d.value = encode(g);
  d.expires_ms = core::kNeverExpires;
  return d;
}

// What a staged change holds until the fleet's commit is decided: the
// lock (no other change to the groups in between) and the groups as they
// will be once it is kept.
struct Hold {
  std::unique_lock<std::mutex> lock;
  std::vector<ServerGroup> changed;
};

}  // namespace

ServerGroups::ServerGroups(core::Fleet& fleet) : fleet_(fleet) { fleet_.add_keeper(*this); }

std::optional<ServerGroup> ServerGroups::find(const std::string& id) const {
  std::lock_guard lock(mutex_);
  const auto it = groups_.find(id);
  if (it == groups_.end()) return std::nullopt;
  return it->second;
}

std::vector<ServerGroup> ServerGroups::list(const std::optional<std::string>& project) const {
  std::lock_guard lock(mutex_);
  std::vector<ServerGroup> out;
  for (const auto& [id, g] : groups_)
    if (!project || g.project == *project) out.push_back(g);
  std::stable_sort(out.begin(), out.end(), [](const ServerGroup& a, const ServerGroup& b) {
    return a.created_ms < b.created_ms;
  });
  return out;
}

std::pair<std::int64_t, std::int64_t> ServerGroups::count(const std::string& project, const std::string& user) const {
  std::lock_guard lock(mutex_);
  std::int64_t in_project = 0, of_user = 0;
  for (const auto& [id, g] : groups_) {
    if (g.project != project) continue;
    ++in_project;
    if (!user.empty() && g.user == user) ++of_user;
  }
  return {in_project, of_user};
}

std::vector<std::string> ServerGroups::of_server(const std::string& uuid) const {
  std::lock_guard lock(mutex_);
  std::vector<std::string> out;
  for (const auto& [id, g] : groups_)
    if (std::find(g.members.begin(), g.members.end(), uuid) != g.members.end()) out.push_back(id);
  return out;
}

core::Result<ServerGroup> ServerGroups::create(ServerGroup group) {
  group.id = core::request_uuid();
  group.created_ms = fleet_.clock().now_ms();
  group.members.clear();
  group.unplaced.clear();
  std::lock_guard lock(mutex_);
  if (auto kept = fleet_.keep({document(group)}); !kept) return kept.error();
  groups_[group.id] = group;
  return group;
}

core::Result<core::Done> ServerGroups::remove(const std::string& id) {
  std::lock_guard lock(mutex_);
  if (!groups_.count(id)) return core::missing("server_group", id);
  if (auto kept = fleet_.keep({core::removal(std::string(kServerGroupKind), id)}); !kept) return kept.error();
  groups_.erase(id);
  return core::Done{};
}

core::Staged ServerGroups::stage_create(const core::ServerInfo& server, const core::CreateSpec&, core::Millis) {
  const auto wanted = core::find_pair(server.attributes, kServerGroupAttr);
  if (!wanted) return {};
  auto hold = std::make_shared<Hold>();
  hold->lock = std::unique_lock(mutex_);
  const auto it = groups_.find(*wanted);
  if (it == groups_.end()) return {};  // deleted since the API looked: the server is in no group
  auto next = it->second;
  core::Staged staged;
  // One host: a hard anti-affinity group takes as many members on it as its rule allows.
  const auto placed = static_cast<long long>(next.members.size() - next.unplaced.size());
  if (next.policy == "anti-affinity" && placed >= next.max_server_per_host.value_or(1)) {
    staged.fault = kNoValidHost;
    next.unplaced.push_back(server.uuid);
  }
  next.members.push_back(server.uuid);
  staged.documents.push_back(document(next));
  hold->changed.push_back(std::move(next));
  staged.finish = [this, hold](bool kept) {
    if (kept)
      for (auto& g : hold->changed) groups_[g.id] = std::move(g);
    hold->lock.unlock();
  };
  return staged;
}

core::Staged ServerGroups::stage_delete(const core::ServerInfo& server, core::Millis) {
  auto hold = std::make_shared<Hold>();
  hold->lock = std::unique_lock(mutex_);
  core::Staged staged;
  for (const auto& [id, g] : groups_) {
    if (std::find(g.members.begin(), g.members.end(), server.uuid) == g.members.end()) continue;
    auto next = g;
    std::erase(next.members, server.uuid);
    std::erase(next.unplaced, server.uuid);
    staged.documents.push_back(document(next));
    hold->changed.push_back(std::move(next));
  }
  if (hold->changed.empty()) return {};
  staged.finish = [this, hold](bool kept) {
    if (kept)
      for (auto& g : hold->changed) groups_[g.id] = std::move(g);
    hold->lock.unlock();
  };
  return staged;
}

bool ServerGroups::owns(std::string_view kind) const { return kind == kServerGroupKind; }

std::optional<std::string> ServerGroups::verify(const std::vector<core::Document>& documents) const {
  for (const auto& d : documents) {
    const auto g = decode(d.value);
    if (!g || g->id != d.key) return fmt::format("documents: server group '{}' cannot be read", d.key);
  }
  return std::nullopt;
}

void ServerGroups::load(const std::vector<core::Document>& documents) {
  std::lock_guard lock(mutex_);
  groups_.clear();
  for (const auto& d : documents)
    if (auto g = decode(d.value)) groups_[g->id] = std::move(*g);
}

void ServerGroups::reset() {
  std::lock_guard lock(mutex_);
  groups_.clear();
}

std::vector<core::Document> ServerGroups::documents() const {
  std::lock_guard lock(mutex_);
  std::vector<core::Document> out;
  for (const auto& [id, g] : groups_) out.push_back(document(g));
  return out;
}

}  // namespace openstack
