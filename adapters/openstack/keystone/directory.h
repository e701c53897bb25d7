// Keystone's directory: the projects, users, roles, role assignments and
// application credentials the identity API serves and tokens are issued from.
// It starts from the configured users (their projects and roles; ids equal
// names) and keeps what clients change as core documents (kinds
// "keystone-project", "-user", "-role", "-grant", "-app-credential"), so it
// survives a restart with --state, travels in snapshots and a reset returns
// to the configured directory. Passwords and application-credential secrets
// are kept only as hashes (secret::hash_password, SHA-256).
//
// Concurrency: changes are serialised by a writer lock (Writer) and written
// before they are visible; readers see a consistent directory under a shared
// lock (Reader). Issuing a token holds the writer lock shared, so a deletion
// and the tokens it revokes never interleave with an issue. A reset or a
// snapshot that takes a user or project away revokes its tokens too.
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "adapters/openstack/shared/settings.h"
#include "core/document.h"
#include "core/fleet.h"
#include "core/record.h"
#include "core/result.h"

namespace openstack {

inline constexpr std::string_view kDefaultDomain = "default";
inline constexpr std::string_view kDefaultDomainName = "Default";

struct Project {
  std::string id;
  std::string name;
  std::string description;
  bool enabled = true;
  std::vector<std::string> tags;
  core::Pairs extra;    // attributes Keystone does not know, each as JSON text
  std::string account;  // its AWS tenant: (account, region); empty: seen from Nova only
  std::string region;
};

struct DirectoryUser {
  std::string id;
  std::string name;
  std::string description;
  std::string default_project;  // a project id, or empty
  bool enabled = true;
  core::Pairs extra;           // email and other attributes, each as JSON text
  std::string password;        // a configured user's, as configured (never kept as a document)
  std::string password_hash;   // a created user's: secret::hash_password's, or empty (no password)
};

struct Role {
  std::string id;
  std::string name;
  std::string description;
};

// A role assignment: `role` granted to `user` on a target, "project:<id>",
// "domain:<id>" or "system:all".
struct Grant {
  std::string user;
  std::string target;
  std::string role;
  auto operator<=>(const Grant&) const = default;
};
std::string project_target(std::string_view project_id);

struct AppCredential {
  std::string id;
  std::string name;
  std::string description;
  std::string user;
  std::string project;
  std::vector<std::string> roles;  // role ids
  std::string secret_hash;         // sha256 hex of the secret
  std::optional<core::Millis> expires_ms;
  bool unrestricted = false;
};

struct DirectoryState {
  std::map<std::string, Project, std::less<>> projects;
  std::map<std::string, DirectoryUser, std::less<>> users;
  std::map<std::string, Role, std::less<>> roles;
  std::set<Grant> grants;
  std::map<std::string, AppCredential, std::less<>> app_credentials;

  const Project* project(std::string_view id) const;
  const Project* project_named(std::string_view name) const;
  const DirectoryUser* user(std::string_view id) const;
  const DirectoryUser* user_named(std::string_view name) const;
  const Role* role(std::string_view id) const;
  const Role* role_named(std::string_view name) const;  // case-insensitive, as Keystone's names
  // The roles `user` has on `target`, implied ones included (admin implies
  // member, member implies reader, as Keystone's bootstrap makes them), by id.
  std::vector<const Role*> effective_roles(std::string_view user, std::string_view target) const;
  // The projects `user` has any role on.
  std::vector<const Project*> projects_of(std::string_view user) const;
};

// Tokens a change takes back: every token of a user, of a project, of a
// user on a project, or issued through an application credential, issued
// before it.
struct Revocation {
  std::string user;
  std::string project;
  std::string app_credential;
};

// One change to the directory: entities to put and to remove, and the
// tokens it revokes. Written in one commit.
struct DirectoryEdit {
  std::vector<Project> put_projects;
  std::vector<DirectoryUser> put_users;
  std::vector<Role> put_roles;
  std::vector<Grant> put_grants;
  std::vector<AppCredential> put_app_credentials;
  std::vector<std::string> removed_projects, removed_users, removed_roles, removed_app_credentials;
  std::vector<Grant> removed_grants;
  std::vector<Revocation> revocations;
};

class Revocations;

class Directory final : public core::Keeper {
 public:
  // Registers itself as the fleet's keeper of the directory's kinds.
  Directory(const Settings& settings, core::Fleet& fleet, Revocations& revocations);
  Directory(const Directory&) = delete;
  Directory& operator=(const Directory&) = delete;

  // A consistent view for reads.
  class Reader {
   public:
    const DirectoryState* operator->() const { return &state_; }
    const DirectoryState& operator*() const { return state_; }

   private:
    friend class Directory;
    Reader(const DirectoryState& state, std::shared_mutex& m) : lock_(m), state_(state) {}
    std::shared_lock<std::shared_mutex> lock_;
    const DirectoryState& state_;
  };
  Reader reader() const { return Reader(state_, data_mutex_); }

  // Whether `id` is a project a client made through the identity API (not
  // one of the configured ones): it starts with nothing, as in a real cloud.
  bool created_project(std::string_view id) const;

  // The one change under way: reads what is (no one else changes it), then
  // commits an edit: written first, then visible. Removing an entity removes
  // what hangs on it (a project's or user's grants and application
  // credentials) and revokes its tokens; the caller lists only the entity.
  class Writer {
   public:
    const DirectoryState* operator->() const { return &directory_.state_; }
    const DirectoryState& operator*() const { return directory_.state_; }
    core::Result<core::Done> commit(DirectoryEdit edit);

   private:
    friend class Directory;
    explicit Writer(Directory& d) : lock_(d.change_mutex_), directory_(d) {}
    std::unique_lock<std::shared_mutex> lock_;
    Directory& directory_;
  };
  Writer writer() { return Writer(*this); }
  // Held (shared) while a token is issued: no change commits meanwhile.
  std::shared_lock<std::shared_mutex> hold_for_issue() const { return std::shared_lock(change_mutex_); }

  // core::Keeper
  bool owns(std::string_view kind) const override;
  std::optional<std::string> verify(const std::vector<core::Document>& documents) const override;
  void load(const std::vector<core::Document>& documents) override;
  void reset() override;
  std::vector<core::Document> documents() const override;

 private:
  // Adds to `edit` what removing its entities takes with them.
  void cascade(DirectoryEdit& edit) const;
  void apply(const DirectoryEdit& edit);
  // A reset or a snapshot takes users and projects away: their tokens go
  // with them (the configured ones', which stay, do not). Called with
  // data_mutex_ held.
  void revoke_vanished(const DirectoryState& before);
  // Binds each project with an account to its AWS tenant.
  void map_tenants(const std::vector<Project>& projects);

  core::Fleet& fleet_;
  Revocations& revocations_;
  DirectoryState configured_;
  mutable std::shared_mutex change_mutex_;  // one Writer at a time; token issues share it
  mutable std::shared_mutex data_mutex_;    // guards state_ and written_
  DirectoryState state_;
  // (kind, key) written since the start or the last reset: what documents() gives.
  std::set<std::pair<std::string, std::string>, std::less<>> written_;
};

// The configured directory: each configured user (id = name), its project
// (id = name) and its roles on it; the roles admin, member and reader.
DirectoryState configured_directory(const std::vector<User>& users);

}  // namespace openstack
