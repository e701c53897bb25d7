// os-agents' records: the guest agent builds an admin registers for a
// hypervisor, an OS and an architecture (XenAPI's agents; Nova served the
// API until Victoria). Thread-safe; kept as documents ("nova-agent", one per
// build, by id) with --state and in snapshots; a reset forgets them all.
#pragma once

#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/fleet.h"
#include "core/result.h"

namespace openstack {

struct GuestAgent {
  int id = 0;  // Nova's agent_id
  std::string hypervisor;
  std::string os;
  std::string architecture;
  std::string version;
  std::string url;
  std::string md5hash;
};

class GuestAgents final : public core::Keeper {
 public:
  // Registers itself as the fleet's keeper of agent builds.
  explicit GuestAgents(core::Fleet& fleet);
  GuestAgents(const GuestAgents&) = delete;
  GuestAgents& operator=(const GuestAgents&) = delete;

  // Every build, oldest first; with `hypervisor`, only that hypervisor's.
  std::vector<GuestAgent> list(const std::optional<std::string>& hypervisor) const;
  // A new build (its id given here): Conflict "agent_exists" when one has
  // the same hypervisor, OS and architecture.
  core::Result<GuestAgent> create(GuestAgent agent);
  // A build's version, URL and hash: NotFound when there is no build `id`.
  core::Result<GuestAgent> update(int id, std::string version, std::string url, std::string md5hash);
  core::Result<core::Done> remove(int id);

  // core::Keeper
  bool owns(std::string_view kind) const override;
  std::optional<std::string> verify(const std::vector<core::Document>& documents) const override;
  void load(const std::vector<core::Document>& documents) override;
  void reset() override;
  std::vector<core::Document> documents() const override;

 private:
  core::Fleet& fleet_;
  mutable std::mutex mutex_;  // held while a change is written, so changes are made one at a time
  std::vector<GuestAgent> agents_;  // by id
  int next_id_ = 1;
};

}  // namespace openstack
