#include "adapters/openstack/glance/glance_call.h"

#include <httplib.h>

#include "adapters/openstack/nova/faults.h"
#include "adapters/openstack/shared/wire.h"
#include "core/call_note.h"
#include "core/ids.h"
#include "core/text.h"

namespace openstack {
namespace {

std::string_view title_of(int status) {
  switch (status) {
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 409: return "Conflict";
    case 413: return "Request Entity Too Large";
    case 415: return "Unsupported Media Type";
    case 503: return "Service Unavailable";
    default: return status >= 500 ? "Internal Server Error" : "Bad Request";
  }
}

std::string_view result_of(int status) {
  switch (status) {
    case 401: return "unauthenticated";
    case 403: return "forbidden";
    case 404: return "not_found";
    case 409: return "conflict";
    case 413: return "over_quota";
    case 503: return "unavailable";
    default: return status >= 500 ? "internal" : status >= 400 ? "invalid_argument" : "accepted";
  }
}

}  // namespace

std::string GlanceCall::arg(std::size_t n) const { return n < req.matches.size() ? req.matches[n].str() : ""; }

void GlanceCall::send(int status, std::string body) { send_json(res, status, std::move(body)); }

std::string glance_error_body(int status, const std::string& message) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  w.Key("code");
  w.Int(status);
  field(w, "title", title_of(status));
  field(w, "message", core::valid_utf8(message));  // may echo a path's or a query's bytes
  w.EndObject();
  return {buffer.GetString(), buffer.GetSize()};
}

void GlanceCall::error(int status, const std::string& message) { send_json(res, status, glance_error_body(status, message)); }

std::function<void(const httplib::Request&, httplib::Response&)> glance_route(Keystone& keystone,
                                                                              std::string operation, bool change,
                                                                              GlanceHandler handler) {
  return [&keystone, operation = std::move(operation), change, handler = std::move(handler)](
             const httplib::Request& req, httplib::Response& res) {
    auto& fleet = keystone.fleet();
    core::JournalEntry entry;
    entry.api = "glance";
    entry.operation = operation;
    entry.start_ms = fleet.clock().now_ms();
    entry.request_id = "req-" + core::request_uuid();
    res.set_header("x-openstack-request-id", entry.request_id);
    const auto identity = keystone.check(req.get_header_value("X-Auth-Token"));
    if (!identity) {
      res.set_header("WWW-Authenticate", "Keystone uri=\"" + base_url(req) + "/identity\"");
      send_json(res, 401, fault_body(unauthorized()));
    } else {
      entry.caller = identity->user;
      entry.caller_scope = identity->project;
      GlanceCall call{req, res, *identity, ImageViewer{identity->project, identity->admin()}};
      handler(call);
    }
    entry.result = result_of(res.status);
    entry.finish_ms = fleet.clock().now_ms();
    if (change) fleet.journal().finish(entry, res.status, entry.finish_ms);
    entry.status = res.status;
    core::this_call() = std::move(entry);  // for the access log
  };
}

}  // namespace openstack
