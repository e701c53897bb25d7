// GATEWAY.md's and NOVA.md's state mapping, Nova side: status / vm_state /
// task_state / power_state per core state. A transition that can start from
// several states (hard reboot, shelve, unshelve, rebuild, resize, rescue) keeps the
// vm_state of where it began, as Nova keeps vm_state while task_state runs.
#include "adapters/openstack/api.h"

namespace openstack {
namespace {

StatusView settled(core::State state) {
  using enum core::State;
  switch (state) {
    case Running: return {"ACTIVE", "active", "", 1};
    case Stopped: return {"SHUTOFF", "stopped", "", 4};
    case StopFailed: return {"ERROR", "error", "", 1};
    case StartFailed: return {"ERROR", "error", "", 4};
    case Paused: return {"PAUSED", "paused", "", 3};
    case Suspended: return {"SUSPENDED", "suspended", "", 4};
    case Shelved: return {"SHELVED", "shelved", "", 4};
    case ShelvedOffloaded: return {"SHELVED_OFFLOADED", "shelved_offloaded", "", 4};
    case Resized: return {"VERIFY_RESIZE", "resized", "", 1};
    case ResizedStopped: return {"VERIFY_RESIZE", "resized", "", 4};
    case SoftDeleted: return {"SOFT_DELETED", "soft-delete", "", 4};
    case Rescued: return {"RESCUE", "rescued", "", 1};
    default: return {"ERROR", "error", "", 0};
  }
}

// `base` with a task under way.
StatusView with_task(StatusView base, std::string_view task) {
  base.task_state = task;
  return base;
}

}  // namespace

StatusView status_view(core::State state, std::optional<core::State> from) {
  using enum core::State;
  switch (state) {
    case Provisioning: return {"BUILD", "building", "spawning", 0};
    case Stopping: return with_task(settled(Running), "powering-off");
    case Starting: return with_task(settled(Stopped), "powering-on");
    case Rebooting: return {"REBOOT", "active", "rebooting", 1};
    case RebootingHard:
      if (!from || *from == Running) return {"HARD_REBOOT", "active", "rebooting_hard", 1};
      return with_task(settled(*from), "rebooting_hard");
    case Pausing: return with_task(settled(Running), "pausing");
    case Unpausing: return with_task(settled(Paused), "unpausing");
    case Suspending: return with_task(settled(Running), "suspending");
    case Resuming: return with_task(settled(Suspended), "resuming");
    case Shelving: return with_task(settled(from.value_or(Running)), "shelving");
    case ShelvingOffloading: return with_task(settled(Shelved), "shelving_offloading");
    case Unshelving: return with_task(settled(from.value_or(ShelvedOffloaded)), "unshelving");
    // Nova shows REBUILD whatever the vm_state (active, stopped or error) it keeps.
    case Rebuilding: {
      auto view = with_task(settled(from.value_or(Running)), "rebuilding");
      view.status = "REBUILD";
      return view;
    }
    // Nova goes through resize_prep, resize_migrating, resize_migrated and
    // resize_finish; one task stands for them all.
    case Resizing: {
      auto view = with_task(settled(from.value_or(Running)), "resize_migrating");
      view.status = "RESIZE";
      return view;
    }
    // A confirmation has no task_state in Nova: VERIFY_RESIZE until it is done.
    case ConfirmingResize: return settled(from.value_or(Resized));
    case RevertingResize: {
      auto view = with_task(settled(from.value_or(Resized)), "resize_reverting");
      view.status = "REVERT_RESIZE";
      return view;
    }
    case Restoring: return with_task(settled(SoftDeleted), "restoring");
    // A rescue keeps the vm_state it began in (active, stopped or error) until it is done.
    case Rescuing: return with_task(settled(from.value_or(Running)), "rescuing");
    case Unrescuing: return with_task(settled(Rescued), "unrescuing");
    // Nova goes through image_snapshot (or image_backup), image_pending_upload
    // and image_uploading; the upload is most of it, so one task stands for them all.
    case Snapshotting:
    case BackingUp: return with_task(settled(from.value_or(Running)), "image_uploading");
    default: return settled(state);
  }
}

}  // namespace openstack
