// A server as Nova shows it (views/servers.py's show()), per microversion
// and per call: GET shows everything a caller may see; an update and a
// rebuild answer with the basic fields until 2.75, everything from it. The
// admin-only fields (OS-EXT-SRV-ATTR:*, host_status) need an admin caller.
#include <fmt/format.h>

#include "adapters/openstack/nova/server_tags.h"
#include "adapters/openstack/nova/views.h"

namespace openstack {
namespace {

void null_or(Writer& w, const char* key, std::optional<std::string_view> value) {
  w.Key(key);
  if (value) w.String(value->data(), static_cast<rapidjson::SizeType>(value->size()));
  else w.Null();
}

std::optional<std::string_view> attribute(const core::ServerInfo& s, std::string_view key) {
  return core::find_pair(s.attributes, key);
}

// Nova shows progress for these statuses only.
bool shows_progress(std::string_view status) {
  return status == "ACTIVE" || status == "BUILD" || status == "REBUILD" || status == "RESIZE" ||
         status == "VERIFY_RESIZE";
}

void write_image(Writer& w, const core::ServerInfo& s, const ViewContext& c) {
  const auto image_id = attribute(s, kImageAttr).value_or("");
  w.Key("image");
  if (image_id.empty()) {
    w.String("");  // as Nova shows a server booted from a volume
    return;
  }
  w.StartObject();
  field(w, "id", image_id);
  write_links(w, c.base, "images", image_id, false);
  w.EndObject();
}

void write_flavor_of(Writer& w, const core::ServerInfo& s, const ViewContext& c) {
  const auto flavor = flavor_of(c.settings, s);
  w.Key("flavor");
  w.StartObject();
  if (c.version.at_least(47)) {
    w.Key("vcpus");
    w.Int(flavor.vcpus);
    w.Key("ram");
    w.Int(flavor.ram_mb);
    w.Key("disk");
    w.Int(flavor.disk_gb);
    w.Key("ephemeral");
    w.Int(flavor.ephemeral_gb);
    w.Key("swap");
    w.Int(flavor.swap_mb);
    field(w, "original_name", flavor.name);
    w.Key("extra_specs");
    write_extra_specs(w, flavor.extra_specs);
  } else {
    field(w, "id", flavor.id);
    write_links(w, c.base, "flavors", flavor.id, false);
  }
  w.EndObject();
}

// The lines of a newline-separated attribute, or nothing when it is absent.
std::optional<std::vector<std::string>> lines(const core::ServerInfo& s, std::string_view key) {
  const auto text = attribute(s, key);
  if (!text) return std::nullopt;
  std::vector<std::string> out;
  for (std::size_t start = 0; start < text->size();) {
    auto end = text->find('\n', start);
    if (end == std::string_view::npos) end = text->size();
    out.emplace_back(text->substr(start, end - start));
    start = end + 1;
  }
  return out;
}

// Nova's hostname for a display name: lower case, what is not a letter, a
// digit or a dash becomes one (Wallaby's FQDN sanitization), trimmed of dashes.
std::string hostname(std::string_view name) {
  std::string out;
  for (char c : name) {
    const auto u = static_cast<unsigned char>(c);
    out += std::isalnum(u) && u < 0x80 ? static_cast<char>(std::tolower(u)) : '-';
  }
  const auto first = out.find_first_not_of('-');
  if (first == std::string::npos) return "server";
  out = out.substr(first, out.find_last_not_of('-') - first + 1);
  return out.substr(0, 63);
}

void write_extended_attributes(Writer& w, const core::ServerInfo& s, const ViewContext& c, bool user_data) {
  // A shelved and offloaded server has no host, as in Nova.
  const bool hosted = s.state != core::State::ShelvedOffloaded;
  null_or(w, "OS-EXT-SRV-ATTR:host", hosted ? std::optional(kHost) : std::nullopt);
  field(w, "OS-EXT-SRV-ATTR:instance_name", fmt::format("instance-{:08x}", s.seq));
  null_or(w, "OS-EXT-SRV-ATTR:hypervisor_hostname", hosted ? std::optional(kHost) : std::nullopt);
  if (!c.version.at_least(3)) return;
  field(w, "OS-EXT-SRV-ATTR:reservation_id",
        attribute(s, kReservationAttr).value_or(fmt::format("r-{:08x}", s.seq)));
  w.Key("OS-EXT-SRV-ATTR:launch_index");
  w.Int(std::atoi(std::string(attribute(s, kLaunchIndexAttr).value_or("0")).c_str()));
  field(w, "OS-EXT-SRV-ATTR:hostname", hostname(s.name));
  field(w, "OS-EXT-SRV-ATTR:kernel_id", "");
  field(w, "OS-EXT-SRV-ATTR:ramdisk_id", "");
  field(w, "OS-EXT-SRV-ATTR:root_device_name", "/dev/vda");
  if (user_data) null_or(w, "OS-EXT-SRV-ATTR:user_data", attribute(s, kUserDataAttr));
}

}  // namespace

std::optional<std::string_view> flavor_id(const core::ServerInfo& s) {
  using enum core::State;
  // A confirm makes the new flavor kFlavorAttr's; a revert leaves both as
  // they are, so that REVERT_RESIZE still shows the new one (it is ignored
  // once the revert settles, and replaced by the next resize).
  const bool resized = s.state == Resized || s.state == ResizedStopped || s.state == ConfirmingResize ||
                       s.state == RevertingResize;
  if (const auto requested = attribute(s, kNewFlavorAttr); resized && requested) return requested;
  return attribute(s, kFlavorAttr);
}

void write_server(Writer& w, const core::ServerInfo& s, const ViewContext& c, ServerView view,
                  const std::string* admin_pass) {
  const auto status = status_view(s.state, s.transition_from);
  const auto& v = c.version;
  const bool full = view == ServerView::Detail || view == ServerView::Show || v.at_least(75);
  w.StartObject();
  field(w, "id", s.uuid);
  field(w, "name", s.name);
  field(w, "status", status.status);
  field(w, "tenant_id", c.project);
  field(w, "user_id", attribute(s, kUserAttr).value_or(c.project));
  if (!s.fault.empty() && status.status == "ERROR") {
    // What the network (or the scheduler) could not give: Nova's compute
    // aborts the build so, and an admin sees the reason in the details.
    w.Key("fault");
    w.StartObject();
    w.Key("code");
    w.Int(500);
    field(w, "created", iso8601(s.updated_ms));
    // The scheduler's NoValidHost is its own message; the rest are the network's.
    if (s.fault.rfind("No valid host was found.", 0) == 0)
      field(w, "message", s.fault);
    else
      field(w, "message", fmt::format("Build of instance {} aborted: Failed to allocate the network(s), not "
                                      "rescheduling.", s.uuid));
    if (c.admin) field(w, "details", s.fault);
    w.EndObject();
  }
  w.Key("metadata");
  w.StartObject();
  for (const auto& [k, val] : s.metadata) field(w, k.c_str(), val);
  w.EndObject();
  field(w, "hostId", host_id(c.project));
  write_image(w, s, c);
  write_flavor_of(w, s, c);
  field(w, "created", iso8601(s.created_ms));
  field(w, "updated", iso8601(s.updated_ms));
  w.Key("addresses");
  write_addresses(w, c.addresses, full);
  field(w, "accessIPv4", attribute(s, kAccessIpv4Attr).value_or(""));
  field(w, "accessIPv6", attribute(s, kAccessIpv6Attr).value_or(""));
  write_links(w, c.base, "servers", s.uuid, true);
  field(w, "OS-DCF:diskConfig", attribute(s, kDiskConfigAttr).value_or("MANUAL"));
  if (shows_progress(status.status)) {
    w.Key("progress");
    w.Int(status.status == "ACTIVE" || status.status == "VERIFY_RESIZE" ? 100 : 0);
  }
  if (full || (view == ServerView::Rebuild && v.at_least(54))) null_or(w, "key_name", attribute(s, kKeyNameAttr));
  if (full) {
    field(w, "OS-EXT-AZ:availability_zone", c.zone.empty() ? kAvailabilityZone : std::string_view(c.zone));
    field(w, "config_drive", attribute(s, kConfigDriveAttr).value_or(""));
    null_or(w, "OS-SRV-USG:launched_at",
            s.launched_ms ? std::optional<std::string_view>(iso8601(*s.launched_ms, true)) : std::nullopt);
    w.Key("OS-SRV-USG:terminated_at");
    w.Null();
    // With Neutron, Nova leaves the key out when the server has no group.
    if (!c.security_groups.empty()) write_security_groups(w, c.security_groups);
    if (c.admin) write_extended_attributes(w, s, c, view != ServerView::Rebuild);
    null_or(w, "OS-EXT-STS:task_state",
            status.task_state.empty() ? std::nullopt : std::optional<std::string_view>(status.task_state));
    field(w, "OS-EXT-STS:vm_state", status.vm_state);
    w.Key("OS-EXT-STS:power_state");
    w.Int(status.power_state);
    w.Key("os-extended-volumes:volumes_attached");
    w.StartArray();
    w.EndArray();
    if (v.at_least(16) && c.admin) field(w, "host_status", s.state == core::State::ShelvedOffloaded ? "" : "UP");
  }
  if (v.at_least(9)) {
    w.Key("locked");
    w.Bool(s.lock.locked);
  }
  if (v.at_least(19)) null_or(w, "description", attribute(s, kDescriptionAttr));
  if (v.at_least(26)) {
    w.Key("tags");
    w.StartArray();
    for (const auto& tag : tags_of(s)) w.String(tag.c_str(), static_cast<rapidjson::SizeType>(tag.size()));
    w.EndArray();
  }
  if (v.at_least(63)) {
    w.Key("trusted_image_certificates");
    if (const auto certs = lines(s, kTrustedCertsAttr)) {
      w.StartArray();
      for (const auto& id : *certs) w.String(id.c_str(), static_cast<rapidjson::SizeType>(id.size()));
      w.EndArray();
    } else {
      w.Null();
    }
  }
  if (v.at_least(71) && view != ServerView::Detail) {
    w.Key("server_groups");
    w.StartArray();
    for (const auto& id : c.server_groups) w.String(id.c_str(), static_cast<rapidjson::SizeType>(id.size()));
    w.EndArray();
  }
  if (v.at_least(73))
    null_or(w, "locked_reason", s.lock.locked && !s.lock.reason.empty()
                                    ? std::optional<std::string_view>(s.lock.reason)
                                    : std::nullopt);
  if (view == ServerView::Rebuild && v.at_least(57)) null_or(w, "user_data", attribute(s, kUserDataAttr));
  if (admin_pass) field(w, "adminPass", *admin_pass);
  w.EndObject();
}

}  // namespace openstack
