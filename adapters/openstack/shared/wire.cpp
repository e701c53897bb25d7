#include "adapters/openstack/shared/wire.h"

#include <ctime>

#include <fmt/chrono.h>
#include <fmt/format.h>
#include <httplib.h>

#include "core/text.h"

namespace openstack {

void field(Writer& w, const char* key, std::string_view value) {
  w.Key(key);
  w.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
}

std::string iso8601(core::Millis ms, bool fraction) {
  const std::time_t seconds = ms / 1000;
  if (fraction) return fmt::format("{:%Y-%m-%dT%H:%M:%S}.{:06d}", fmt::gmtime(seconds), (ms % 1000) * 1000);
  return fmt::format("{:%Y-%m-%dT%H:%M:%SZ}", fmt::gmtime(seconds));
}

void write_version_doc(Writer& w, const VersionDoc& doc) {
  w.StartObject();
  field(w, "id", doc.id);
  field(w, "status", doc.status);
  if (!doc.version.empty()) {
    field(w, "version", doc.version);
    field(w, "min_version", doc.min_version);
  }
  field(w, "updated", doc.updated);
  w.Key("links");
  w.StartArray();
  w.StartObject();
  field(w, "rel", "self");
  field(w, "href", doc.self_href);
  w.EndObject();
  w.EndArray();
  w.Key("media-types");
  w.StartArray();
  w.StartObject();
  field(w, "base", "application/json");
  field(w, "type", doc.media_type);
  w.EndObject();
  w.EndArray();
  w.EndObject();
}

std::string base_url(const httplib::Request& req) {
  const auto host = req.get_header_value("Host");
  // cpp-httplib's SSLServer hands each request its TLS session: the client
  // came over HTTPS, and every URL we give it (the catalog's too) must say so.
  const char* scheme = req.ssl ? "https://" : "http://";
  // The Host header's bytes go into every link: answers must stay UTF-8.
  return scheme + (host.empty() ? std::string("127.0.0.1") : core::valid_utf8(host));
}

void send_json(httplib::Response& res, int status, std::string body) {
  res.status = status;
  res.set_content(std::move(body), "application/json; charset=UTF-8");
}

bool parse_json(std::string_view body, rapidjson::Document& doc) {
  doc.Parse<rapidjson::kParseIterativeFlag | rapidjson::kParseValidateEncodingFlag>(body.data(), body.size());
  return !doc.HasParseError();
}

}  // namespace openstack
