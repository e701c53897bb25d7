#include "adapters/nova/views.h"

#include <chrono>

#include <fmt/chrono.h>
#include <fmt/format.h>

namespace nova {
namespace {

void null_or(Writer& w, const char* key, std::optional<std::string_view> value) {
  w.Key(key);
  if (value) w.String(value->data(), static_cast<rapidjson::SizeType>(value->size()));
  else w.Null();
}

}  // namespace

void write_links(Writer& w, const std::string& base, std::string_view kind, std::string_view id, bool self) {
  w.Key("links");
  w.StartArray();
  if (self) {
    w.StartObject();
    field(w, "rel", "self");
    field(w, "href", fmt::format("{}/compute/v2.1/{}/{}", base, kind, id));
    w.EndObject();
  }
  w.StartObject();
  field(w, "rel", "bookmark");
  field(w, "href", fmt::format("{}/compute/{}/{}", base, kind, id));
  w.EndObject();
  w.EndArray();
}

void write_security_groups(Writer& w) {
  w.Key("security_groups");
  w.StartArray();
  w.StartObject();
  field(w, "name", "default");
  w.EndObject();
  w.EndArray();
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

void field(Writer& w, const char* key, std::string_view value) {
  w.Key(key);
  w.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
}

std::string host_id(std::string_view project) {
  return fmt::format("{:056x}", std::hash<std::string>{}(std::string(project) + "gateway-host"));
}

std::string iso8601(core::Millis ms, bool fraction) {
  const std::time_t seconds = ms / 1000;
  if (fraction) return fmt::format("{:%Y-%m-%dT%H:%M:%S}.{:06d}", fmt::gmtime(seconds), (ms % 1000) * 1000);
  return fmt::format("{:%Y-%m-%dT%H:%M:%SZ}", fmt::gmtime(seconds));
}

const Flavor* find_flavor(const Settings& settings, std::string_view id) {
  for (const auto& f : settings.flavors)
    if (f.id == id) return &f;
  return nullptr;
}

const Image* find_image(const Settings& settings, std::string_view id) {
  for (const auto& i : settings.images)
    if (i.id == id) return &i;
  return nullptr;
}

void write_server_brief(Writer& w, const core::ServerInfo& s, const ViewContext& c) {
  w.StartObject();
  field(w, "id", s.uuid);
  field(w, "name", s.name);
  write_links(w, c.base, "servers", s.uuid, true);
  w.EndObject();
}

void write_flavor(Writer& w, const Flavor& f, const std::string& base, const Version& v, bool detail) {
  w.StartObject();
  field(w, "id", f.id);
  field(w, "name", f.name);
  write_links(w, base, "flavors", f.id, true);
  if (v.at_least(55)) {
    w.Key("description");
    w.Null();
  }
  if (detail) {
    if (v.at_least(61)) {
      w.Key("extra_specs");
      w.StartObject();
      w.EndObject();
    }
    w.Key("vcpus");
    w.Int(f.vcpus);
    w.Key("ram");
    w.Int(f.ram_mb);
    w.Key("disk");
    w.Int(f.disk_gb);
    w.Key("OS-FLV-EXT-DATA:ephemeral");
    w.Int(0);
    w.Key("OS-FLV-DISABLED:disabled");
    w.Bool(false);
    w.Key("swap");
    if (v.at_least(75)) w.Int(0);  // "" before 2.75, as Nova shows no swap
    else w.String("");
    w.Key("rxtx_factor");
    w.Double(1.0);
    w.Key("os-flavor-access:is_public");
    w.Bool(true);
  }
  w.EndObject();
}

void write_server_detail(Writer& w, const core::ServerInfo& s, const ViewContext& c, bool show) {
  const auto view = status_view(s.state);
  const auto& v = c.version;
  w.StartObject();
  field(w, "id", s.uuid);
  field(w, "name", s.name);
  field(w, "status", view.status);
  field(w, "tenant_id", c.project);
  field(w, "user_id", core::find_pair(s.attributes, kUserAttr).value_or(c.project));
  w.Key("metadata");
  w.StartObject();
  for (const auto& [k, val] : s.metadata) field(w, k.c_str(), val);
  w.EndObject();
  // hostId: an opaque digest of project and host, as Nova shows it.
  field(w, "hostId", host_id(c.project));

  const auto image_id = core::find_pair(s.attributes, kImageAttr).value_or("");
  w.Key("image");
  if (image_id.empty()) {
    w.String("");  // as Nova shows a server booted from a volume
  } else {
    w.StartObject();
    field(w, "id", image_id);
    write_links(w, c.base, "images", image_id, false);
    w.EndObject();
  }

  const auto flavor_id = core::find_pair(s.attributes, kFlavorAttr).value_or(c.settings.flavors.front().id);
  const Flavor* flavor = find_flavor(c.settings, flavor_id);
  if (!flavor) flavor = &c.settings.flavors.front();
  w.Key("flavor");
  w.StartObject();
  if (v.at_least(47)) {
    w.Key("vcpus");
    w.Int(flavor->vcpus);
    w.Key("ram");
    w.Int(flavor->ram_mb);
    w.Key("disk");
    w.Int(flavor->disk_gb);
    w.Key("ephemeral");
    w.Int(0);
    w.Key("swap");
    w.Int(0);
    field(w, "original_name", flavor->name);
    w.Key("extra_specs");
    w.StartObject();
    w.EndObject();
  } else {
    field(w, "id", flavor->id);
    write_links(w, c.base, "flavors", flavor->id, false);
  }
  w.EndObject();

  field(w, "created", iso8601(s.created_ms));
  field(w, "updated", iso8601(s.updated_ms));
  w.Key("addresses");
  w.StartObject();
  w.EndObject();
  field(w, "accessIPv4", "");
  field(w, "accessIPv6", "");
  write_links(w, c.base, "servers", s.uuid, true);
  field(w, "OS-DCF:diskConfig", "MANUAL");
  if (view.status == "ACTIVE" || view.status == "BUILD") {
    w.Key("progress");
    w.Int(view.status == "ACTIVE" ? 100 : 0);
  }
  field(w, "OS-EXT-AZ:availability_zone", "nova");
  field(w, "config_drive", "");
  w.Key("key_name");
  w.Null();
  null_or(w, "OS-SRV-USG:launched_at",
          s.launched_ms ? std::optional<std::string_view>(iso8601(*s.launched_ms, true)) : std::nullopt);
  w.Key("OS-SRV-USG:terminated_at");
  w.Null();
  write_security_groups(w);
  null_or(w, "OS-EXT-STS:task_state",
          view.task_state.empty() ? std::nullopt : std::optional<std::string_view>(view.task_state));
  field(w, "OS-EXT-STS:vm_state", view.vm_state);
  w.Key("OS-EXT-STS:power_state");
  w.Int(view.power_state);
  w.Key("os-extended-volumes:volumes_attached");
  w.StartArray();
  w.EndArray();
  if (v.at_least(9)) {
    w.Key("locked");
    w.Bool(s.lock.locked);
  }
  if (v.at_least(19)) null_or(w, "description", core::find_pair(s.attributes, kDescriptionAttr));
  if (v.at_least(26)) {
    w.Key("tags");
    w.StartArray();
    w.EndArray();
  }
  if (v.at_least(63)) {
    w.Key("trusted_image_certificates");
    w.Null();
  }
  if (v.at_least(71) && show) {
    w.Key("server_groups");
    w.StartArray();
    w.EndArray();
  }
  if (v.at_least(73))
    null_or(w, "locked_reason", s.lock.locked && !s.lock.reason.empty()
                                    ? std::optional<std::string_view>(s.lock.reason)
                                    : std::nullopt);
  w.EndObject();
}

}  // namespace nova
