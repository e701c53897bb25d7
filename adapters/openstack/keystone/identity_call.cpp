// The pipeline every identity API call goes through, in Keystone's order:
// the token (keystonemiddleware's 401), then the policy (403), then the
// handler. Each call is one journal entry.
#include <fmt/format.h>
#include <httplib.h>

#include "adapters/openstack/keystone/identity_api.h"
#include "adapters/openstack/shared/wire.h"
#include "core/call_note.h"
#include "core/ids.h"

namespace openstack {
namespace {

// The journal's word for an answer.
std::string_view result_of(int status) {
  switch (status) {
    case 401: return "unauthenticated";
    case 403: return "forbidden";
    case 404: return "not_found";
    case 409: return "conflict";
    case 503: return "unavailable";
    default: return status >= 500 ? "internal" : status >= 400 ? "invalid_argument" : "accepted";
  }
}

}  // namespace

std::string IdentityCall::arg(std::size_t n) const { return n < req.matches.size() ? req.matches[n].str() : ""; }

void IdentityCall::send(int status, std::string body) {
  res.status = status;
  res.set_content(std::move(body), "application/json");
}

void IdentityCall::no_content() { res.status = 204; }

void IdentityCall::bad_request(const std::string& message) { send_keystone_error(res, 400, "Bad Request", message); }

void IdentityCall::forbidden() {
  forbidden(fmt::format("You are not authorized to perform the requested action: identity:{}.", entry.operation));
}

void IdentityCall::forbidden(const std::string& message) { send_keystone_error(res, 403, "Forbidden", message); }

void IdentityCall::not_found(std::string_view what, std::string_view id) {
  send_keystone_error(res, 404, "Not Found", fmt::format("Could not find {}: {}.", what, id));
}

void IdentityCall::conflict(std::string_view type, const std::string& details) {
  send_keystone_error(res, 409, "Conflict", fmt::format("Conflict occurred attempting to store {} - {}.", type, details));
}

void IdentityCall::duplicate_in_domain(std::string_view type, const std::string& name) {
  conflict(type, fmt::format("Duplicate entry found with name {} at domain ID {}", name, kDefaultDomain));
}

void IdentityCall::unavailable() {
  send_keystone_error(res, 503, "Service Unavailable",
                      "The service is unavailable: its state cannot be written. Try again later.");
}

std::function<void(const httplib::Request&, httplib::Response&)> identity_route(Keystone& keystone,
                                                                                std::string operation,
                                                                                Policy policy,
                                                                                IdentityHandler handler) {
  return [&keystone, operation = std::move(operation), policy, handler = std::move(handler)](
             const httplib::Request& req, httplib::Response& res) {
    auto& fleet = keystone.fleet();
    core::JournalEntry entry;
    entry.api = "keystone";
    entry.operation = operation;
    entry.start_ms = fleet.clock().now_ms();
    entry.request_id = "req-" + core::request_uuid();
    res.set_header("x-openstack-request-id", entry.request_id);
    IdentityCall call{req, res, keystone, keystone.check_any(req.get_header_value("X-Auth-Token")), entry,
                      base_url(req) + "/identity/v3"};
    if (!call.caller) {
      res.set_header("WWW-Authenticate", "Keystone uri=\"" + base_url(req) + "/identity\"");
      send_keystone_error(res, 401, "Unauthorized", "The request you have made requires authentication.");
    } else {
      entry.caller = call.caller->user;
      entry.caller_scope = call.caller->project;
      if (policy == Policy::Admin && !call.admin()) call.forbidden();
      else handler(call);
    }
    entry.result = result_of(res.status);
    fleet.journal().finish(entry, res.status, fleet.clock().now_ms());
    core::this_call() = std::move(entry);  // for the access log
  };
}

void mount_identity_api(httplib::Server& server, Keystone& keystone) {
  mount_projects(server, keystone);
  mount_users(server, keystone);
  mount_roles(server, keystone);
  mount_app_credentials(server, keystone);
}

}  // namespace openstack
