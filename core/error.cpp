#include "core/error.h"

#include <utility>

namespace core {

std::string_view name(ErrorCode code) {
  switch (code) {
    case ErrorCode::NotFound: return "not_found";
    case ErrorCode::InvalidState: return "invalid_state";
    case ErrorCode::Locked: return "locked";
    case ErrorCode::Forbidden: return "forbidden";
    case ErrorCode::Unauthenticated: return "unauthenticated";
    case ErrorCode::InvalidArgument: return "invalid_argument";
    case ErrorCode::Conflict: return "conflict";
    case ErrorCode::OverQuota: return "over_quota";
    case ErrorCode::Throttled: return "throttled";
    case ErrorCode::Unavailable: return "unavailable";
    case ErrorCode::Internal: return "internal";
  }
  return "internal";
}

Error not_found(std::string id, Action action) {
  Error e;
  e.code = ErrorCode::NotFound;
  e.action = action;
  e.subject = std::move(id);
  return e;
}

Error invalid_state(std::string id, Action action, State state) {
  Error e;
  e.code = ErrorCode::InvalidState;
  e.action = action;
  e.state = state;
  e.task = task_under_way(state);
  e.subject = std::move(id);
  return e;
}

Error locked(std::string id, Action action, LockOwner owner) {
  Error e;
  e.code = ErrorCode::Locked;
  e.action = action;
  e.lock_owner = owner;
  e.subject = std::move(id);
  return e;
}

Error forbidden(std::string id, Action action) {
  Error e;
  e.code = ErrorCode::Forbidden;
  e.action = action;
  e.subject = std::move(id);
  return e;
}

Error unauthenticated(std::string detail) {
  Error e;
  e.code = ErrorCode::Unauthenticated;
  e.detail = std::move(detail);
  return e;
}

Error invalid_argument(std::string field, std::string detail) {
  Error e;
  e.code = ErrorCode::InvalidArgument;
  e.subject = std::move(field);
  e.detail = std::move(detail);
  return e;
}

Error throttled(int retry_after_s) {
  Error e;
  e.code = ErrorCode::Throttled;
  e.retry_after_s = retry_after_s;
  return e;
}

Error unavailable(std::string detail) {
  Error e;
  e.code = ErrorCode::Unavailable;
  e.detail = std::move(detail);
  return e;
}

Error internal(std::string detail) {
  Error e;
  e.code = ErrorCode::Internal;
  e.detail = std::move(detail);
  return e;
}

Error conflict(std::string reason, std::string subject, std::string detail) {
  Error e;
  e.code = ErrorCode::Conflict;
  e.reason = std::move(reason);
  e.subject = std::move(subject);
  e.detail = std::move(detail);
  return e;
}

Error over_quota(std::string resource, std::string detail) {
  Error e;
  e.code = ErrorCode::OverQuota;
  e.reason = std::move(resource);
  e.detail = std::move(detail);
  return e;
}

Error missing(std::string kind, std::string id) {
  Error e = not_found(std::move(id), Action::Create);
  e.reason = std::move(kind);
  return e;
}

}  // namespace core
