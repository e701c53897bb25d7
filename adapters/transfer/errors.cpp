#include "adapters/transfer/errors.h"

#include <fmt/format.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "adapters/transfer/api.h"
#include "core/text.h"

namespace transfer {
namespace {

WireError make(std::string_view type, int status, std::string message) {
  WireError e;
  e.type = type;
  e.status = status;
  e.message = std::move(message);
  return e;
}

// "StopServer" -> "stop", for messages.
std::string_view verb(std::string_view operation) {
  if (operation == "StopServer") return "stop";
  if (operation == "StartServer") return "start";
  if (operation == "DeleteServer") return "delete";
  return "change";
}

}  // namespace

WireError serialization_error(std::string message) { return make("SerializationException", 400, std::move(message)); }

WireError unknown_operation(std::string_view target) {
  auto e = make("UnknownOperationException", 400,
                target.empty() ? "Missing X-Amz-Target header" : fmt::format("Unknown operation {}", target));
  e.result = "unknown_operation";
  return e;
}

WireError missing_authentication() {
  auto e = make("MissingAuthenticationTokenException", 400, "Missing Authentication Token");
  e.result = "unauthenticated";
  return e;
}

WireError access_denied(std::string message) {
  auto e = make("AccessDeniedException", 400, std::move(message));
  e.result = "forbidden";
  return e;
}

WireError invalid_request(std::string message) { return make("InvalidRequestException", 400, std::move(message)); }

WireError invalid_next_token() {
  return make("InvalidNextTokenException", 400, "The NextToken was not issued for this listing");
}

namespace {

// What the core names as not there, or already there (core::missing's and
// core::conflict's reason), in Transfer's words: its ResourceType and the
// message of its ResourceNotFoundException. A server is the default.
struct ResourceKind {
  std::string_view reason;
  std::string_view type;
  std::string_view unknown;
};
constexpr ResourceKind kResourceKinds[] = {
    {"", "Server", "Unknown server"},
    {"user", "User", "Unknown user"},
    {"public_key", "SshPublicKey", "Unknown SSH public key"},
    {"host_key", "HostKey", "Unknown host key"},
    {"access", "Access", "Unknown access"},
    {"security_policy", "SecurityPolicy", "Unknown security policy"},
    {"resource", "Resource", "Unknown resource"},
};

const ResourceKind& resource_kind(std::string_view reason) {
  for (const auto& kind : kResourceKinds)
    if (kind.reason == reason) return kind;
  return kResourceKinds[0];
}

// A core error in Transfer's words (from_core adds the journal's result).
WireError words_of(const core::Error& e, std::string_view operation) {
  switch (e.code) {
    case core::ErrorCode::NotFound: {
      const auto& kind = resource_kind(e.reason);
      auto w = make("ResourceNotFoundException", 400, std::string(kind.unknown));
      w.resource = e.subject;
      w.resource_type = kind.type;
      return w;
    }
    case core::ErrorCode::InvalidState:
      return invalid_request(fmt::format("Cannot {} server {} while it is {}", verb(operation), e.subject,
                                         state_name(e.state)));
    case core::ErrorCode::Locked:
      return invalid_request(fmt::format("Server {} is locked by its {}; only an admin may {} it", e.subject,
                                         core::name(e.lock_owner), verb(operation)));
    case core::ErrorCode::Forbidden:
      return access_denied(fmt::format("You are not allowed to {} server {}", verb(operation), e.subject));
    case core::ErrorCode::Unauthenticated: return access_denied(e.detail);
    case core::ErrorCode::InvalidArgument:
      if (e.subject == "cursor") return invalid_next_token();
      return invalid_request(e.detail.empty() ? e.subject : e.detail);
    case core::ErrorCode::Conflict: {
      auto w = make("ResourceExistsException", 400, e.detail);
      w.resource = e.subject;
      w.resource_type = resource_kind(e.reason).type;
      return w;
    }
    // The model has no quota error for these operations: AWS refuses with InvalidRequestException.
    case core::ErrorCode::OverQuota: return invalid_request(e.detail);
    case core::ErrorCode::Throttled: {
      auto w = make("ThrottlingException", 400, "Rate exceeded");
      w.retry_after_s = e.retry_after_s;
      return w;
    }
    case core::ErrorCode::Unavailable:
      return make("ServiceUnavailableException", 500, "The service is unavailable. Try again later.");
    case core::ErrorCode::Internal:
      return make("InternalServiceError", 500, "An internal error occurred in the service.");
  }
  return make("InternalServiceError", 500, "An internal error occurred in the service.");
}

}  // namespace

WireError from_core(const core::Error& e, std::string_view operation) {
  auto w = words_of(e, operation);
  w.result = core::name(e.code);
  return w;
}

std::string error_body(const WireError& e) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  w.StartObject();
  w.Key("__type");
  w.String(e.type.data(), static_cast<rapidjson::SizeType>(e.type.size()));
  w.Key("Message");
  // Messages echo client bytes (a header, a value cut at 200 bytes): JSON must stay UTF-8.
  const auto message = core::valid_utf8(e.message);
  w.String(message.c_str(), static_cast<rapidjson::SizeType>(message.size()));
  if (e.type == "ResourceNotFoundException" || e.type == "ResourceExistsException") {
    w.Key("Resource");
    const auto resource = core::valid_utf8(e.resource);
    w.String(resource.c_str(), static_cast<rapidjson::SizeType>(resource.size()));
    w.Key("ResourceType");
    w.String(e.resource_type.data(), static_cast<rapidjson::SizeType>(e.resource_type.size()));
  }
  if (e.retry_after_s >= 0) {
    const auto s = std::to_string(e.retry_after_s);
    w.Key("RetryAfterSeconds");
    w.String(s.c_str(), static_cast<rapidjson::SizeType>(s.size()));
  }
  w.EndObject();
  return buffer.GetString();
}

}  // namespace transfer
