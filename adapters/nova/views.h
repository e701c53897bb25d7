// How Nova shows servers and flavors, per microversion: the fields tempest's
// schemas require at that version and nothing they would reject.
#pragma once

#include <string>
#include <vector>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "adapters/nova/api.h"
#include "adapters/nova/microversion.h"
#include "core/server.h"

namespace nova {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

// Attribute keys in core::ServerInfo::attributes.
inline constexpr std::string_view kFlavorAttr = "nova.flavor";
inline constexpr std::string_view kImageAttr = "nova.image";
inline constexpr std::string_view kUserAttr = "nova.user_id";
inline constexpr std::string_view kDescriptionAttr = "nova.description";

// The one availability zone there is (Nova's default name for it).
inline constexpr std::string_view kAvailabilityZone = "nova";

struct ViewContext {
  std::string base;  // http://host:port (https:// over TLS)
  Version version;
  const Settings& settings;
  std::string project;  // the server's project, as tenant_id
};

void field(Writer& w, const char* key, std::string_view value);
std::string iso8601(core::Millis ms, bool fraction = false);
// hostId: an opaque digest of a project and the (one, invented) host, as Nova shows it.
std::string host_id(std::string_view project);

// The "links" member: self (when asked) and bookmark, as Nova writes them.
void write_links(Writer& w, const std::string& base, std::string_view kind, std::string_view id, bool self);
// "security_groups": [{"name": "default"}]: no networking exists to add others.
void write_security_groups(Writer& w);

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

void write_server_brief(Writer& w, const core::ServerInfo& s, const ViewContext& c);  // id, name, links
// `show` adds what only GET /servers/{id} has (server_groups from 2.71).
void write_server_detail(Writer& w, const core::ServerInfo& s, const ViewContext& c, bool show);
void write_flavor(Writer& w, const Flavor& f, const std::string& base, const Version& v, bool detail);

const Flavor* find_flavor(const Settings& settings, std::string_view id_or_name);
const Image* find_image(const Settings& settings, std::string_view id_or_name);

}  // namespace nova
