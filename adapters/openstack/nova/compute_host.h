// The one compute host (gateway-host) as Nova's admin APIs see it: its
// services (nova-compute, nova-scheduler, nova-conductor), which an admin
// may disable, force down or delete, and the host aggregates that may give
// it an availability zone. A disabled, forced-down or deleted nova-compute
// takes no new server: a server Nova makes then fails its build with the
// scheduler's NoValidHost, as on a cloud whose only host is out. Kept as
// documents ("nova-service", "nova-aggregate"), with --state and in
// snapshots; a reset returns to three enabled services and no aggregates.
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/fleet.h"
#include "core/result.h"

namespace openstack {

struct ComputeService {
  int id = 0;        // Nova's integer id (to 2.52)
  std::string uuid;  // from 2.53
  std::string binary;  // nova-compute, nova-scheduler, nova-conductor
  std::string topic;   // compute, scheduler, conductor
  bool disabled = false;
  std::optional<std::string> disabled_reason;
  bool forced_down = false;
  bool deleted = false;
  core::Millis updated_ms = 0;
};

struct Aggregate {
  int id = 0;
  std::string uuid;
  std::string name;
  std::vector<std::string> hosts;
  core::Pairs metadata;  // availability_zone among them, when it has one
  core::Millis created_ms = 0;
  core::Millis updated_ms = 0;
};

// The zone of the internal services (scheduler, conductor), as Nova names it.
inline constexpr std::string_view kInternalZone = "internal";

// The host's size, as its hypervisor reports it (a made-up machine that
// fits the demo and the tests), and what Nova keeps back for the host.
inline constexpr int kHostVcpus = 64;
inline constexpr long long kHostMemoryMb = 262144;
inline constexpr long long kHostDiskGb = 2048;
inline constexpr long long kReservedHostMemoryMb = 512;  // Nova's reserved_host_memory_mb

// What the servers on the host hold, by their flavors.
struct HostUsage {
  struct Server {
    std::string uuid;
    std::string name;
    std::string project;
  };
  std::vector<Server> servers;  // every tenant's, oldest first
  long long vcpus = 0;
  long long memory_mb = 0;
  long long disk_gb = 0;
  int busy = 0;  // with a task under way (Nova's current_workload)
  struct Project {
    long long vcpus = 0, memory_mb = 0, disk_gb = 0;
  };
  std::map<std::string, Project> by_project;
};

class ComputeHost final : public core::Keeper {
 public:
  // Registers itself as the fleet's keeper of services and aggregates.
  explicit ComputeHost(core::Fleet& fleet);
  ComputeHost(const ComputeHost&) = delete;
  ComputeHost& operator=(const ComputeHost&) = delete;

  // The services not deleted, compute first.
  std::vector<ComputeService> services() const;
  std::optional<ComputeService> service(std::string_view binary) const;
  // Whether nova-compute takes new servers (enabled, up, not deleted).
  bool accepts_servers() const;
  // Changes a service (by binary): NotFound for a deleted or unknown one.
  core::Result<ComputeService> change(std::string_view binary, const std::function<void(ComputeService&)>& edit);

  // The host's availability zone: its aggregates' (the first that names one), else "nova".
  std::string zone() const;
  // Every zone an aggregate names, whether a host is in it or not.
  std::vector<std::string> aggregate_zones() const;
  std::vector<Aggregate> aggregates() const;
  std::optional<Aggregate> aggregate(int id) const;
  // A new aggregate: Conflict "aggregate_name" when the name is taken.
  core::Result<Aggregate> create_aggregate(std::string name, std::optional<std::string> zone);
  // Changes one under the lock (`edit` may refuse with an error: nothing changes then).
  core::Result<Aggregate> change_aggregate(int id, const std::function<std::optional<core::Error>(Aggregate&)>& edit);
  core::Result<core::Done> delete_aggregate(int id);

  // When the gateway started: the host's uptime counts from it.
  core::Millis started_ms() const { return started_ms_; }

  // core::Keeper
  bool owns(std::string_view kind) const override;
  std::optional<std::string> verify(const std::vector<core::Document>& documents) const override;
  void load(const std::vector<core::Document>& documents) override;
  void reset() override;
  std::vector<core::Document> documents() const override;
  // A server Nova makes (it has a flavor recorded) fails with NoValidHost
  // when nova-compute takes no new servers.
  core::Staged stage_create(const core::ServerInfo& server, const core::CreateSpec& spec, core::Millis now) override;

 private:
  void start_over();  // mutex_ held
  std::string zone_locked() const;

  core::Fleet& fleet_;
  const core::Millis started_ms_;
  mutable std::mutex mutex_;
  std::vector<ComputeService> services_;
  std::map<int, Aggregate> aggregates_;
  int next_aggregate_ = 1;
};

}  // namespace openstack
