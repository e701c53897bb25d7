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

struct ViewContext {
  std::string base;  // http://host:port
  Version version;
  const Settings& settings;
  std::string project;  // the server's project, as tenant_id
};

void field(Writer& w, const char* key, std::string_view value);
std::string iso8601(core::Millis ms, bool fraction = false);

void write_server_brief(Writer& w, const core::ServerInfo& s, const ViewContext& c);  // id, name, links
// `show` adds what only GET /servers/{id} has (server_groups from 2.71).
void write_server_detail(Writer& w, const core::ServerInfo& s, const ViewContext& c, bool show);
void write_flavor(Writer& w, const Flavor& f, const std::string& base, const Version& v, bool detail);

const Flavor* find_flavor(const Settings& settings, std::string_view id_or_name);
const Image* find_image(const Settings& settings, std::string_view id_or_name);

}  // namespace nova
