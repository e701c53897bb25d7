#include "adapters/openstack/nova/faults.h"

#include <fmt/format.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "adapters/openstack/api.h"
#include "core/text.h"

namespace openstack {
namespace {

Fault make(int status, std::string_view name, std::string message) { return {status, name, std::move(message), -1}; }

}  // namespace

std::string_view journal_result(const Fault& f) {
  if (!f.result.empty()) return f.result;
  switch (f.status) {
    case 401: return "unauthenticated";
    case 403: return "forbidden";
    case 404: return "not_found";
    case 405: return "unknown_operation";
    case 409: return "invalid_state";
    case 503: return "unavailable";
    default: return f.status >= 500 ? "internal" : "invalid_argument";
  }
}

Fault bad_request(std::string message) { return make(400, "badRequest", std::move(message)); }
Fault not_found(std::string message) { return make(404, "itemNotFound", std::move(message)); }
Fault policy_refused(std::string_view rule) {
  return make(403, "forbidden", fmt::format("Policy doesn't allow {} to be performed.", rule));
}

Fault conflicting_request(std::string message) { return Fault{409, "conflictingRequest", std::move(message), -1}; }
Fault unauthorized() {
  return make(401, "unauthorized", "The request you have made requires authentication.");
}

std::string policy_name(core::Action action, bool unlock_override) {
  using enum core::Action;
  switch (action) {
    case Stop: return "os_compute_api:servers:stop";
    case Start: return "os_compute_api:servers:start";
    case Delete: return "os_compute_api:servers:delete";
    case Create: return "os_compute_api:servers:create";
    case Lock: return "os_compute_api:os-lock-server:lock";
    case Unlock:
      return unlock_override ? "os_compute_api:os-lock-server:unlock:unlock_override"
                             : "os_compute_api:os-lock-server:unlock";
    case Update: return "os_compute_api:servers:update";
    case Reboot:
    case RebootHard: return "os_compute_api:servers:reboot";
    case Pause: return "os_compute_api:os-pause-server:pause";
    case Unpause: return "os_compute_api:os-pause-server:unpause";
    case Suspend: return "os_compute_api:os-suspend-server:suspend";
    case Resume: return "os_compute_api:os-suspend-server:resume";
    case Shelve: return "os_compute_api:os-shelve:shelve";
    case ShelveOffload: return "os_compute_api:os-shelve:shelve_offload";
    case Unshelve: return "os_compute_api:os-shelve:unshelve";
    case Rebuild: return "os_compute_api:servers:rebuild";
    case Resize: return "os_compute_api:servers:resize";
    case ConfirmResize: return "os_compute_api:servers:confirm_resize";
    case RevertResize: return "os_compute_api:servers:revert_resize";
    case ResetActive:
    case ResetError: return "os_compute_api:os-admin-actions:reset_state";
    case SoftDelete: return "os_compute_api:servers:delete";
    case Restore: return "os_compute_api:os-deferred-delete:restore";
    case CreateImage: return "os_compute_api:servers:create_image";
    case CreateBackup: return "os_compute_api:os-create-backup";
    case ChangePassword: return "os_compute_api:os-admin-password";
    case SetMetadata: return "os_compute_api:server-metadata:update";
    case Rescue: return "os_compute_api:os-rescue";
    case Unrescue: return "os_compute_api:os-unrescue";
  }
  return "os_compute_api:servers:update";
}

std::string_view action_name(core::Action action) {
  using enum core::Action;
  switch (action) {
    case RebootHard: return "reboot";
    case ShelveOffload: return "shelveOffload";
    case ConfirmResize: return "confirmResize";
    case RevertResize: return "revertResize";
    case ResetActive:
    case ResetError: return "resetState";
    case SoftDelete: return "delete";
    case CreateImage: return "createImage";
    case CreateBackup: return "createBackup";
    case ChangePassword: return "changePassword";
    case SetMetadata: return "update metadata";
    default: return core::name(action);
  }
}

namespace {

Fault words_of(const core::Error& e) {
  switch (e.code) {
    case core::ErrorCode::NotFound:
      return not_found(fmt::format("Instance {} could not be found.", e.subject));
    case core::ErrorCode::InvalidState: {
      // As Nova: the task under way if there is one, else the vm_state.
      const auto view = status_view(e.state);
      const bool task = !view.task_state.empty();
      return make(409, "conflictingRequest",
                  fmt::format("Cannot '{}' instance {} while it is in {} {}", action_name(e.action), e.subject,
                              task ? "task_state" : "vm_state", task ? view.task_state : view.vm_state));
    }
    case core::ErrorCode::Locked:
      return make(409, "conflictingRequest", fmt::format("Instance {} is locked", e.subject));
    case core::ErrorCode::Forbidden:
      return make(403, "forbidden",
                  fmt::format("Policy doesn't allow {} to be performed.",
                              policy_name(e.action, e.lock_owner == core::LockOwner::Admin)));
    case core::ErrorCode::Unauthenticated: return unauthorized();
    case core::ErrorCode::InvalidArgument:
      return bad_request(e.detail.empty() ? fmt::format("Invalid input for field/attribute {}.", e.subject)
                                          : e.detail);
    case core::ErrorCode::Conflict: return make(409, "conflictingRequest", e.detail);
    case core::ErrorCode::OverQuota: return make(403, "forbidden", e.detail);
    case core::ErrorCode::Throttled: {
      auto f = make(413, "overLimit", "This request was rate-limited.");
      f.retry_after_s = e.retry_after_s;
      return f;
    }
    case core::ErrorCode::Unavailable:
      return make(503, "serviceUnavailable", "The service is unavailable at this time.");
    case core::ErrorCode::Internal:
      return make(500, "computeFault",
                  "Unexpected API Error. Please report this at http://bugs.launchpad.net/nova/ and attach the Nova "
                  "API log if possible.");
  }
  return make(500, "computeFault", "Unexpected API Error.");
}

}  // namespace

Fault from_core(const core::Error& e) {
  auto f = words_of(e);
  f.result = core::name(e.code);
  return f;
}

std::string fault_body(const Fault& f) {
  // Messages echo client bytes (a header, a query parameter): JSON must stay UTF-8.
  const auto message = core::valid_utf8(f.message);
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  w.StartObject();
  if (f.status == 401) {
    w.Key("error");
    w.StartObject();
    w.Key("code");
    w.Int(401);
    w.Key("title");
    w.String("Unauthorized");
    w.Key("message");
    w.String(message.c_str(), static_cast<rapidjson::SizeType>(message.size()));
    w.EndObject();
  } else {
    w.Key(f.name.data(), static_cast<rapidjson::SizeType>(f.name.size()));
    w.StartObject();
    w.Key("code");
    w.Int(f.status);
    w.Key("message");
    w.String(message.c_str(), static_cast<rapidjson::SizeType>(message.size()));
    if (f.retry_after_s >= 0) {
      const auto s = std::to_string(f.retry_after_s);
      w.Key("retryAfter");
      w.String(s.c_str());
    }
    w.EndObject();
  }
  w.EndObject();
  return buffer.GetString();
}

}  // namespace openstack
