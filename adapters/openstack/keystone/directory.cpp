#include "adapters/openstack/keystone/directory.h"

#include <algorithm>
#include <chrono>

#include "adapters/openstack/keystone/directory_codec.h"
#include "adapters/openstack/keystone/revocations.h"
#include "core/text.h"

namespace openstack {
namespace codec = directory_codec;
namespace {

// Keystone's bootstrap makes admin imply member and member imply reader.
std::string_view implied_by(std::string_view role_name) {
  if (core::iequals(role_name, "admin")) return "member";
  if (core::iequals(role_name, "member")) return "reader";
  return {};
}

template <typename Map>
auto find(const Map& map, std::string_view id) -> const typename Map::mapped_type* {
  const auto it = map.find(id);
  return it == map.end() ? nullptr : &it->second;
}

}  // namespace

std::string project_target(std::string_view project_id) { return "project:" + std::string(project_id); }

const Project* DirectoryState::project(std::string_view id) const { return find(projects, id); }
const DirectoryUser* DirectoryState::user(std::string_view id) const { return find(users, id); }
const Role* DirectoryState::role(std::string_view id) const { return find(roles, id); }

const Project* DirectoryState::project_named(std::string_view name) const {
  for (const auto& [id, p] : projects)
    if (p.name == name) return &p;
  return nullptr;
}

const DirectoryUser* DirectoryState::user_named(std::string_view name) const {
  for (const auto& [id, u] : users)
    if (u.name == name) return &u;
  return nullptr;
}

const Role* DirectoryState::role_named(std::string_view name) const {
  for (const auto& [id, r] : roles)
    if (core::iequals(r.name, name)) return &r;
  return nullptr;
}

std::vector<const Role*> DirectoryState::effective_roles(std::string_view user_id, std::string_view target) const {
  std::vector<const Role*> out;
  const auto add = [&](const Role* r) {
    if (r && std::find(out.begin(), out.end(), r) == out.end()) out.push_back(r);
  };
  for (auto it = grants.lower_bound(Grant{std::string(user_id), std::string(target), {}});
       it != grants.end() && it->user == user_id && it->target == target; ++it)
    add(role(it->role));
  // Implied roles, to the end of the chain (out grows while it is walked).
  for (std::size_t i = 0; i < out.size(); ++i)
    if (auto next = implied_by(out[i]->name); !next.empty()) add(role_named(next));
  return out;
}

std::vector<const Project*> DirectoryState::projects_of(std::string_view user_id) const {
  std::vector<const Project*> out;
  for (auto it = grants.lower_bound(Grant{std::string(user_id), {}, {}}); it != grants.end() && it->user == user_id;
       ++it) {
    if (!it->target.starts_with("project:")) continue;
    const auto* p = project(std::string_view(it->target).substr(8));
    if (p && std::find(out.begin(), out.end(), p) == out.end()) out.push_back(p);
  }
  return out;
}

DirectoryState configured_directory(const std::vector<User>& users) {
  DirectoryState s;
  for (const char* name : {"admin", "member", "reader"}) s.roles[name] = Role{name, name, ""};
  for (const auto& u : users) {
    if (!s.projects.count(u.project)) {
      Project p;
      p.id = p.name = u.project;
      s.projects[u.project] = std::move(p);
    }
    DirectoryUser user;
    user.id = user.name = u.name;
    user.default_project = u.project;
    user.password = u.password;
    s.users[u.name] = std::move(user);
    for (const auto& role : u.roles) {
      if (!s.roles.count(role)) s.roles[role] = Role{role, role, ""};
      s.grants.insert(Grant{u.name, project_target(u.project), role});
    }
  }
  return s;
}

Directory::Directory(const Settings& settings, core::Fleet& fleet, Revocations& revocations)
    : fleet_(fleet), revocations_(revocations), configured_(configured_directory(settings.users)),
      state_(configured_) {
  fleet_.add_keeper(*this);
}

bool Directory::owns(std::string_view kind) const {
  return kind == codec::kProject || kind == codec::kUser || kind == codec::kRole || kind == codec::kGrant ||
         kind == codec::kAppCredential;
}

std::optional<std::string> Directory::verify(const std::vector<core::Document>& documents) const {
  DirectoryState scratch = configured_;
  for (const auto& d : documents)
    if (!codec::apply(d, scratch)) return "documents: " + d.kind + " '" + d.key + "' cannot be read";
  return std::nullopt;
}

void Directory::revoke_vanished(const DirectoryState& before) {
  const auto at = std::chrono::system_clock::now();
  for (const auto& [id, u] : before.users)
    if (!state_.user(id)) revocations_.add(Revocation{id, {}, {}}, at);
  for (const auto& [id, p] : before.projects)
    if (!state_.project(id)) revocations_.add(Revocation{{}, id, {}}, at);
}

void Directory::load(const std::vector<core::Document>& documents) {
  std::vector<Project> mapped;
  {
    std::unique_lock lock(data_mutex_);
    const auto before = std::move(state_);
    state_ = configured_;
    written_.clear();
    for (const auto& d : documents) {
      if (!codec::apply(d, state_)) continue;
      written_.emplace(d.kind, d.key);
    }
    // A configured user's password is never written: a kept change to it keeps the configured one.
    for (auto& [id, user] : state_.users)
      if (const auto* configured = configured_.user(id); configured && user.password_hash.empty())
        user.password = configured->password;
    for (const auto& [id, p] : state_.projects)
      if (!p.account.empty()) mapped.push_back(p);
    revoke_vanished(before);
  }
  map_tenants(mapped);
}

void Directory::reset() {
  std::unique_lock lock(data_mutex_);
  const auto before = std::move(state_);
  state_ = configured_;
  written_.clear();
  revoke_vanished(before);
}

std::vector<core::Document> Directory::documents() const {
  std::shared_lock lock(data_mutex_);
  std::vector<core::Document> out;
  for (const auto& written : written_) {
    const auto& [kind, key] = written;
    if (kind == codec::kProject) {
      if (const auto* p = state_.project(key)) out.push_back(codec::document(*p));
      else out.push_back(codec::tombstone(kind, key));
    } else if (kind == codec::kUser) {
      if (const auto* u = state_.user(key)) out.push_back(codec::document(*u));
      else out.push_back(codec::tombstone(kind, key));
    } else if (kind == codec::kRole) {
      if (const auto* r = state_.role(key)) out.push_back(codec::document(*r));
      else out.push_back(codec::tombstone(kind, key));
    } else if (kind == codec::kAppCredential) {
      if (const auto* a = find(state_.app_credentials, key)) out.push_back(codec::document(*a));
    } else if (kind == codec::kGrant) {
      const auto it = std::find_if(state_.grants.begin(), state_.grants.end(),
                                   [&written](const Grant& g) { return codec::grant_key(g) == written.second; });
      out.push_back(it != state_.grants.end() ? codec::document(*it) : codec::tombstone(kind, key));
    }
  }
  return out;
}

void Directory::cascade(DirectoryEdit& edit) const {
  const auto remove_grant = [&](const Grant& g) {
    if (std::find(edit.removed_grants.begin(), edit.removed_grants.end(), g) == edit.removed_grants.end())
      edit.removed_grants.push_back(g);
  };
  const auto remove_app_credential = [&](const std::string& id) {
    auto& list = edit.removed_app_credentials;
    if (std::find(list.begin(), list.end(), id) == list.end()) list.push_back(id);
  };
  for (const auto& id : edit.removed_projects) {
    const auto target = project_target(id);
    for (const auto& g : state_.grants)
      if (g.target == target) remove_grant(g);
    for (const auto& [cred, a] : state_.app_credentials)
      if (a.project == id) remove_app_credential(cred);
    edit.revocations.push_back(Revocation{{}, id, {}});
  }
  for (const auto& id : edit.removed_users) {
    for (const auto& g : state_.grants)
      if (g.user == id) remove_grant(g);
    for (const auto& [cred, a] : state_.app_credentials)
      if (a.user == id) remove_app_credential(cred);
    edit.revocations.push_back(Revocation{id, {}, {}});
  }
  for (const auto& id : edit.removed_roles) {
    for (const auto& g : state_.grants)
      if (g.role == id) remove_grant(g);
    for (const auto& [cred, a] : state_.app_credentials)
      if (std::find(a.roles.begin(), a.roles.end(), id) != a.roles.end()) remove_app_credential(cred);
  }
  for (const auto& g : edit.removed_grants)
    if (g.target.starts_with("project:")) edit.revocations.push_back(Revocation{g.user, g.target.substr(8), {}});
  for (const auto& id : edit.removed_app_credentials) edit.revocations.push_back(Revocation{{}, {}, id});
}

core::Result<core::Done> Directory::Writer::commit(DirectoryEdit edit) {
  auto& d = directory_;
  d.cascade(edit);
  const auto at = std::chrono::system_clock::now();
  std::vector<core::Document> docs;
  const auto removed = [&](std::string_view kind, const std::string& key, bool configured) {
    docs.push_back(configured ? codec::tombstone(kind, key) : core::removal(std::string(kind), key));
  };
  for (const auto& p : edit.put_projects) docs.push_back(codec::document(p));
  for (const auto& u : edit.put_users) docs.push_back(codec::document(u));
  for (const auto& r : edit.put_roles) docs.push_back(codec::document(r));
  for (const auto& g : edit.put_grants) docs.push_back(codec::document(g));
  for (const auto& a : edit.put_app_credentials) docs.push_back(codec::document(a));
  for (const auto& id : edit.removed_projects) removed(codec::kProject, id, d.configured_.project(id));
  for (const auto& id : edit.removed_users) removed(codec::kUser, id, d.configured_.user(id));
  for (const auto& id : edit.removed_roles) removed(codec::kRole, id, d.configured_.role(id));
  for (const auto& id : edit.removed_app_credentials) removed(codec::kAppCredential, id, false);
  for (const auto& g : edit.removed_grants) removed(codec::kGrant, codec::grant_key(g), d.configured_.grants.count(g));
  for (const auto& r : edit.revocations) docs.push_back(d.revocations_.document(r, at));
  if (auto kept = d.fleet_.keep(docs); !kept) return kept.error();
  for (const auto& r : edit.revocations) d.revocations_.add(r, at);
  d.apply(edit);
  d.map_tenants(edit.put_projects);
  return core::Done{};
}

void Directory::apply(const DirectoryEdit& edit) {
  std::unique_lock lock(data_mutex_);
  const auto wrote = [&](std::string_view kind, std::string key, bool configured) {
    // A removal of what was never configured leaves nothing to write again.
    if (configured) written_.emplace(std::string(kind), std::move(key));
    else written_.erase(std::pair{std::string(kind), std::move(key)});
  };
  for (const auto& id : edit.removed_projects) state_.projects.erase(id), wrote(codec::kProject, id, configured_.project(id));
  for (const auto& id : edit.removed_users) state_.users.erase(id), wrote(codec::kUser, id, configured_.user(id));
  for (const auto& id : edit.removed_roles) state_.roles.erase(id), wrote(codec::kRole, id, configured_.role(id));
  for (const auto& id : edit.removed_app_credentials)
    state_.app_credentials.erase(id), wrote(codec::kAppCredential, id, false);
  for (const auto& g : edit.removed_grants)
    state_.grants.erase(g), wrote(codec::kGrant, codec::grant_key(g), configured_.grants.count(g));
  for (const auto& p : edit.put_projects) state_.projects[p.id] = p, written_.emplace(codec::kProject, p.id);
  for (const auto& u : edit.put_users) state_.users[u.id] = u, written_.emplace(codec::kUser, u.id);
  for (const auto& r : edit.put_roles) state_.roles[r.id] = r, written_.emplace(codec::kRole, r.id);
  for (const auto& g : edit.put_grants) state_.grants.insert(g), written_.emplace(codec::kGrant, codec::grant_key(g));
  for (const auto& a : edit.put_app_credentials)
    state_.app_credentials[a.id] = a, written_.emplace(codec::kAppCredential, a.id);
}

void Directory::map_tenants(const std::vector<Project>& projects) {
  for (const auto& p : projects)
    if (!p.account.empty()) (void)fleet_.tenants().map(p.id, p.account, p.region);
}

bool Directory::created_project(std::string_view id) const {
  if (configured_.project(id)) return false;
  return reader()->project(id) != nullptr;
}

}  // namespace openstack
