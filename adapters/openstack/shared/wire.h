// What every OpenStack service's wire shares: JSON writing helpers, times
// as the services print them, version documents, the base URL of a request,
// and reading a JSON body. Nothing service-specific: each service's own
// fault format lives in its folder.
#pragma once

#include <string>
#include <string_view>

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "core/clock.h"

namespace httplib {
struct Request;
struct Response;
}  // namespace httplib

namespace openstack {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void field(Writer& w, const char* key, std::string_view value);
// "2024-01-31T10:00:05Z", or with `fraction` "2024-01-31T10:00:05.123000" (no zone, as Nova's
// microsecond times).
std::string iso8601(core::Millis ms, bool fraction = false);

// A version document, as Keystone and Nova both describe themselves.
struct VersionDoc {
  std::string_view id;
  std::string_view status;
  std::string_view updated;
  std::string self_href;
  std::string_view media_type;
  std::string_view version;      // Nova only: the maximum microversion
  std::string_view min_version;  // Nova only
};
void write_version_doc(Writer& w, const VersionDoc& doc);

// The scheme and host the client used, for URLs in answers: "http://127.0.0.1:8780",
// "https://..." over TLS.
std::string base_url(const httplib::Request& req);

// Sends `body` as application/json; charset=UTF-8 with `status`.
void send_json(httplib::Response& res, int status, std::string body);

// Parses iteratively (no recursion, so nesting thousands deep is just an
// error) and validates UTF-8. False when the text is not JSON.
bool parse_json(std::string_view body, rapidjson::Document& doc);

}  // namespace openstack
