// migrate (a cold migration) and os-migrateLive on a cloud of one compute
// host. Nova's checks come first, in its order: the server, the admin
// policy, the state (migrate: ACTIVE or SHUTOFF; live: ACTIVE or PAUSED;
// no task under way), migrate's check that the host's compute service is
// up, then the destination asked for (unknown: 400; for a cold migration
// the server's own host: 400). Past them the scheduler has nowhere to move
// the server (the one host is where it is), so the migration fails where
// Nova's conductor fails it: the server stays as it was and a migration
// record of the server ends in "error" (os-migrations lists it). Nova casts
// a cold migration, and a live one from 2.34, to the conductor: 202, the
// failure comes after. A live migration before 2.34 waits for it: 400
// with the conductor's reason.
#include <fmt/format.h>
#include <httplib.h>

#include "adapters/openstack/nova/service.h"
#include "core/ids.h"

namespace openstack {
namespace {

// Whether the server's state lets the migration begin; otherwise Nova's 409.
std::optional<Fault> refused_state(const core::ServerInfo& s, bool live) {
  const auto shown = status_view(s.state, s.transition_from);
  const bool vm_ok = live ? (shown.vm_state == "active" || shown.vm_state == "paused")
                          : (shown.vm_state == "active" || shown.vm_state == "stopped");
  if (vm_ok && shown.task_state.empty()) return std::nullopt;
  return Fault{409, "conflictingRequest",
               fmt::format("Cannot '{}' instance {} while it is in {} {}", live ? "os-migrateLive" : "migrate", s.uuid,
                           vm_ok ? "task_state" : "vm_state", vm_ok ? shown.task_state : shown.vm_state),
               -1};
}

}  // namespace

void Service::migrate_server(httplib::Response& res, const Call& call, const std::string& id,
                             const ActionRequest& request, const core::ActOptions& options) {
  const bool live = request.kind == ActionKind::LiveMigrate;
  const auto server = server_of(res, call, id);
  if (!server) return;
  const auto policy = fmt::format("os_compute_api:os-migrate-server:{}{}", live ? "migrate_live" : "migrate",
                                  request.migrate_host ? ":host" : "");
  if (!call.caller.admin) return send_fault(res, call, policy_refused(policy));
  // The lock does not stop an admin; only admins get here.
  if (auto fault = refused_state(*server, live)) return send_fault(res, call, *fault);
  if (!live) {
    const auto compute = host.service("nova-compute");
    if (!compute || compute->forced_down)
      return send_fault(res, call, Fault{409, "conflictingRequest", "Service is unavailable at this time.", -1});
  }
  const auto& destination = request.migrate_host;
  if (destination && *destination != kHost)
    return send_fault(res, call, bad_request(fmt::format("Compute host {} could not be found.", *destination)));
  if (destination && !live) return send_fault(res, call, bad_request("Cannot migrate to the host where the server exists."));

  // The conductor's part: a migration record, which fails for want of another host.
  Migration failed;
  failed.id = migration_ids.next();
  failed.uuid = core::request_uuid();
  failed.type = live ? "live-migration" : "migration";
  failed.old_flavor = failed.new_flavor = flavor_of(settings, *server).id;
  failed.created_ms = failed.updated_ms = fleet.clock().now_ms();
  failed.closed = "error";
  const bool waits = live && !call.version.at_least(34);
  // A call that waits answers the failure: the record is written, the call journaled as refused.
  auto act = options;
  if (waits) act.call = nullptr;
  call.entry->status = 202;
  auto recorded = fleet.update(
      call.caller, id, [&](core::Editable& e) { begin_migration(e, failed); }, act);
  if (!recorded) return send_fault(res, call, from_core(recorded.error()));
  if (!waits) {
    res.status = 202;
    return;
  }
  // Before 2.30 (or forced) a destination given is taken as is: the conductor refuses the server's own host.
  if (destination && (!call.version.at_least(30) || request.force))
    return send_fault(res, call, bad_request(fmt::format("Unable to migrate instance ({}) to current host ({}).",
                                                         server->uuid, kHost)));
  send_fault(res, call, bad_request("No valid host was found. There are not enough hosts available."));
}

}  // namespace openstack
