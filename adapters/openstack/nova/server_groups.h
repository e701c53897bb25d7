// Nova's server groups: a policy (affinity, anti-affinity and their soft
// forms) over the servers booted into the group with the scheduler hint
// `group`. A server joins its group in its own create's commit and leaves
// it in its delete's; with one host, a hard anti-affinity group already
// holding max_server_per_host members (1 unless its rules say more) fails
// the next member's build with Nova's NoValidHost fault, as the scheduler
// would. Kept as documents of kind "nova-server-group", with --state and in
// snapshots; a reset forgets the groups.
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/fleet.h"
#include "core/result.h"

namespace openstack {

struct ServerGroup {
  std::string id;  // UUID
  std::string name;
  std::string policy;  // affinity, anti-affinity, soft-affinity, soft-anti-affinity
  std::optional<long long> max_server_per_host;  // anti-affinity's rule (2.64)
  std::string project;
  std::string user;
  std::vector<std::string> members;  // server UUIDs, in the order they joined
  std::vector<std::string> unplaced;  // members no host took (NoValidHost): they hold no place on it
  core::Millis created_ms = 0;
};

// The attribute a server made with the hint `group` carries: the group's id.
inline constexpr std::string_view kServerGroupAttr = "nova.server_group";

// The fault of a member no host can take (Nova's NoValidHost).
inline constexpr std::string_view kNoValidHost = "No valid host was found. There are not enough hosts available.";

class ServerGroups final : public core::Keeper {
 public:
  // Registers itself as the fleet's keeper of server groups.
  explicit ServerGroups(core::Fleet& fleet);
  ServerGroups(const ServerGroups&) = delete;
  ServerGroups& operator=(const ServerGroups&) = delete;

  std::optional<ServerGroup> find(const std::string& id) const;
  // A project's groups (every group: empty project), oldest first.
  std::vector<ServerGroup> list(const std::optional<std::string>& project) const;
  // How many groups a project has, and how many of them `user` made (user empty: 0).
  std::pair<std::int64_t, std::int64_t> count(const std::string& project, const std::string& user) const;
  // The groups a server is a member of.
  std::vector<std::string> of_server(const std::string& uuid) const;

  // A new group (its id made here). Done once kept.
  core::Result<ServerGroup> create(ServerGroup group);
  core::Result<core::Done> remove(const std::string& id);

  // core::Keeper
  bool owns(std::string_view kind) const override;
  std::optional<std::string> verify(const std::vector<core::Document>& documents) const override;
  void load(const std::vector<core::Document>& documents) override;
  void reset() override;
  std::vector<core::Document> documents() const override;
  // A server with kServerGroupAttr joins its group (or, when no host can
  // take it, fails with kNoValidHost); a deleted server leaves every group.
  core::Staged stage_create(const core::ServerInfo& server, const core::CreateSpec& spec, core::Millis now) override;
  core::Staged stage_delete(const core::ServerInfo& server, core::Millis now) override;

 private:
  core::Fleet& fleet_;
  mutable std::mutex mutex_;
  std::map<std::string, ServerGroup, std::less<>> groups_;  // by id
};

}  // namespace openstack
