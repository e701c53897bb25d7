// POST /servers/{id}/action: the lifecycle actions of the core's table (with
// what some of them change besides the state: a rebuild's image and fields,
// a resize's flavor, a shelve's snapshot, a backup's images; what a rescue
// checks of its image) and the actions
// that change no state (forceDelete, the console log, security groups, the
// network actions; the remote consoles are remote_consoles.cpp's), in Nova's order of checks: the server, the policy, the
// lock, the state, then what the action itself checks.
#include <algorithm>
#include <optional>

#include <fmt/format.h>
#include <httplib.h>

#include "adapters/openstack/nova/console_log.h"
#include "adapters/openstack/nova/service.h"
#include "core/ids.h"

namespace openstack {
namespace {

void set(core::Editable& e, std::string_view key, const std::string& value) {
  core::set_pair(e.attributes, std::string(key), value);
}

void erase(core::Editable& e, std::string_view key) {
  std::erase_if(e.attributes, [&](const auto& p) { return p.first == key; });
}

// Sets a nullable attribute: a value, or (null) none.
void set_or_erase(core::Editable& e, std::string_view key, const std::optional<std::string>& value) {
  if (value) set(e, key, *value);
  else erase(e, key);
}

std::string joined(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& line : lines) out += (out.empty() ? "" : "\n") + line;
  return out;
}

core::Error refuse(std::string message) { return core::invalid_argument("body", std::move(message)); }

// Actions only an admin may take, with Nova's policy names.
std::optional<std::string_view> admin_policy(const ActionRequest& r) {
  if (r.kind == ActionKind::Lifecycle && r.action == core::Action::ShelveOffload)
    return "os_compute_api:os-shelve:shelve_offload";
  if (r.kind == ActionKind::Lifecycle && (r.action == core::Action::ResetActive || r.action == core::Action::ResetError))
    return "os_compute_api:os-admin-actions:reset_state";
  if (r.kind == ActionKind::NetworkInfo)
    return r.name == "resetNetwork" ? "os_compute_api:os-admin-actions:reset_network"
                                    : "os_compute_api:os-admin-actions:inject_network_info";
  return std::nullopt;
}

}  // namespace

std::optional<core::Error> Service::rebuild_edit(const Call& call, const ActionRequest& request, core::Editable& e) {
  const auto& r = request.rebuild;
  // After the lock and the state, the image (and whether it fits the
  // server's flavor), then the key pair, as Nova's rebuild checks them.
  const auto image = images.find(r.image_id, image_viewer(call));
  if (!image) return refuse("Cannot find image for rebuild");
  // Then the quotas on what it brings: metadata items, personality files.
  if (r.metadata)
    if (auto over = over_limit(call, *r.metadata)) return over;
  if (auto fault = injected_files_over(call, r.personality)) return core::over_quota("injected_files", fault->message);
  // A rebuild is refused in the resize states: the flavor it has is kFlavorAttr's (see flavor_id).
  const auto flavor = find_flavor(settings, core::find_pair(e.attributes, kFlavorAttr).value_or("1"), true);
  if (flavor)
    if (auto fault = image_fits(*image, *flavor)) return refuse(fault->message);
  if (r.key_name && *r.key_name && !keypairs.find(call.identity->user, **r.key_name))
    return refuse("Invalid key_name provided.");
  set(e, kImageAttr, image->id);
  const auto& f = r.fields;
  if (f.name) e.name = *f.name;
  if (f.access_ipv4) set(e, kAccessIpv4Attr, *f.access_ipv4);
  if (f.access_ipv6) set(e, kAccessIpv6Attr, *f.access_ipv6);
  if (f.disk_config) set(e, kDiskConfigAttr, *f.disk_config);
  if (f.description) set_or_erase(e, kDescriptionAttr, *f.description);
  if (r.metadata) e.metadata = *r.metadata;
  if (r.key_name) set_or_erase(e, kKeyNameAttr, *r.key_name);
  if (r.user_data) set_or_erase(e, kUserDataAttr, *r.user_data);
  if (r.trusted_certs) {
    if (*r.trusted_certs) set(e, kTrustedCertsAttr, joined(**r.trusted_certs));
    else erase(e, kTrustedCertsAttr);
  }
  return std::nullopt;
}

std::optional<core::Error> Service::rescue_check(const Call& call, const ActionRequest& request,
                                                 const std::string& id, const core::Editable& e) {
  // After the lock and the state, as Nova's compute API: the rescue image
  // (one that exists for the caller, and not a volume snapshot's), then
  // whether the server has an image disk to rescue (no volume-backed rescue
  // before 2.87).
  if (const auto& ref = request.rescue_image_ref) {
    const auto image = images.find(*ref, image_viewer(call));
    if (!image || core::find_pair(image->properties, "img_block_device_mapping"))
      return refuse(fmt::format("Requested rescue image '{}' is not supported", *ref));
  }
  if (core::find_pair(e.attributes, kImageAttr).value_or("").empty())
    return refuse(fmt::format("Instance {} cannot be rescued: Cannot rescue a volume-backed instance", id));
  return std::nullopt;
}

void Service::create_image(httplib::Response& res, const Call& call, const core::ServerInfo& server,
                           const ActionRequest& request) {
  const bool backup = request.action == core::Action::CreateBackup;
  Image image;
  image.name = request.image_name;
  image.owner = fleet.tenants().info(server.tenant).project;
  image.visibility = "private";
  const auto base = core::find_pair(server.attributes, kImageAttr).value_or("");
  if (auto original = images.find(base, ImageViewer{{}, true})) {
    image.min_ram = original->min_ram;
    image.min_disk = original->min_disk;
    image.disk_format = original->disk_format;
    image.container_format = original->container_format;
  }
  core::set_pair(image.properties, std::string(kImageType), backup ? "backup" : "snapshot");
  core::set_pair(image.properties, std::string(kInstanceUuid), server.uuid);
  core::set_pair(image.properties, "base_image_ref", std::string(base));
  core::set_pair(image.properties, "user_id", call.identity->user);
  // The caller's metadata has precedence over those (Nova's extra_properties), a backup's type over it.
  for (const auto& [k, v] : request.image_metadata.value_or(core::Pairs{})) core::set_pair(image.properties, k, v);
  if (backup) core::set_pair(image.properties, std::string(kBackupType), request.backup_type);
  // Saving while the server's transition lasts (its journal entry tells when it settles).
  auto created = images.create(std::move(image), {}, ImageCatalog::Upload{server.uuid, call.entry->id});
  if (!created) return send_fault(res, call, from_core(created.error()));

  if (backup) {
    // Rotation keeps the newest `rotation` backups of this server and type.
    std::vector<Image> kept;
    for (auto& i : images.list(ImageViewer{{}, true}))
      if (core::find_pair(i.properties, kInstanceUuid) == server.uuid &&
          core::find_pair(i.properties, kImageType) == "backup" &&
          core::find_pair(i.properties, kBackupType) == request.backup_type)
        kept.push_back(std::move(i));
    for (std::size_t i = static_cast<std::size_t>(request.rotation); i < kept.size(); ++i)
      (void)images.remove(kept[i].id);
  }
  // From 2.45 the answer names the image in its body; before, in a Location
  // (a backup with rotation 0 has none: it is gone already).
  if (call.version.at_least(45)) return send_json(res, 202, fmt::format(R"({{"image_id": "{}"}})", created->id));
  if (!backup || request.rotation > 0)
    res.set_header("Location", fmt::format("{}/compute/v2.1/images/{}", call.base, created->id));
  res.status = 202;
}

void Service::server_action(const httplib::Request& req, httplib::Response& res, const Call& call) {
  const auto id = req.matches[1].str();
  auto parsed = parse_action(req.body, call.version, &call.entry->operation);
  if (auto* fault = std::get_if<Fault>(&parsed)) return send_fault(res, call, *fault);
  auto& request = std::get<ActionRequest>(parsed);

  const auto options = apply_faults(res, call, request.name, id);
  if (!options) return;
  // Nova looks the server up first (404 before 403).
  if (auto policy = admin_policy(request); policy && !call.caller.admin) {
    if (!server_of(res, call, id)) return;
    return send_fault(res, call, Fault{403, "forbidden", fmt::format("Policy doesn't allow {} to be performed.", *policy), -1});
  }

  switch (request.kind) {
    case ActionKind::ForceDelete: {
      auto removed = fleet.remove(call.caller, id, *options);
      if (!removed) return send_fault(res, call, from_core(removed.error()));
      res.status = 202;
      return;
    }
    case ActionKind::ConsoleOutput: {
      const auto server = server_of(res, call, id);
      if (!server) return;
      // No host, no console: Nova's InstanceNotReady.
      if (server->state == core::State::ShelvedOffloaded || server->state == core::State::Provisioning)
        return send_fault(res, call, Fault{409, "conflictingRequest", fmt::format("Instance {} is not ready", server->uuid), -1});
      rapidjson::StringBuffer buffer;
      Writer w(buffer);
      w.StartObject();
      field(w, "output", tail(console_log(*server), request.console_length));
      w.EndObject();
      return send_json(res, 200, buffer.GetString());
    }
    case ActionKind::AddSecurityGroup:
    case ActionKind::RemoveSecurityGroup: {
      const auto server = server_of(res, call, id);
      if (!server) return;
      call.entry->status = 202;
      if (auto fault = change_security_group(call, *server, request.security_group,
                                             request.kind == ActionKind::AddSecurityGroup))
        return send_fault(res, call, *fault);
      res.status = 202;
      return;
    }
    case ActionKind::AddFloatingIp:
    case ActionKind::RemoveFloatingIp: {
      const auto server = server_of(res, call, id);
      if (!server) return;
      call.entry->status = 202;
      if (request.kind == ActionKind::AddFloatingIp)
        return add_floating_ip(res, call, *server, request.floating_address, request.fixed_address);
      return remove_floating_ip(res, call, *server, request.floating_address);
    }
    case ActionKind::RemoteConsole:
      return remote_console_action(res, call, id, request);
    case ActionKind::NetworkInfo:
      // There is no network to reset or inject into: accepted, as on a cloud whose driver has nothing to do.
      if (!server_of(res, call, id)) return;
      res.status = 202;
      return;
    case ActionKind::Migrate:
    case ActionKind::LiveMigrate: return migrate_server(res, call, id, request, *options);
    case ActionKind::Lifecycle: break;
  }

  core::ActOptions act = *options;
  std::optional<core::Error> error;
  std::optional<core::ServerInfo> acted;
  // A resize or a revert that grows the server is counted against its
  // project's quotas (quota_checks.cpp), and held while it is made; a
  // resize opens a migration record, a confirm or revert closes it (migrations.h).
  std::optional<core::Quotas::Admission> admission;
  Migration migration;
  if (request.action == core::Action::Resize || request.action == core::Action::RevertResize) {
    bool refused = false;
    admission = admit_resize(res, call, id, request, refused);
    if (refused) return;
  }
  if (request.action == core::Action::Resize) {
    migration.id = migration_ids.next();
    migration.uuid = core::request_uuid();
    migration.created_ms = migration.updated_ms = fleet.clock().now_ms();
  }
  switch (request.action) {
    case core::Action::Rebuild:
      act.edit = [&](core::Editable& e) { return rebuild_edit(call, request, e); };
      break;
    case core::Action::Resize:
      act.edit = [&](core::Editable& e) -> std::optional<core::Error> {
        const auto flavor = find_flavor(settings, request.flavor_id);
        if (!flavor) return refuse(fmt::format("Flavor {} could not be found.", request.flavor_id));
        // Resized only from ACTIVE or SHUTOFF: the flavor it has is kFlavorAttr's.
        // Copied: the set() below may move the attributes a view would point into.
        const std::string current{core::find_pair(e.attributes, kFlavorAttr).value_or("1")};
        if (current == request.flavor_id) return refuse("When resizing, instances must change flavor!");
        const auto image_id = core::find_pair(e.attributes, kImageAttr).value_or("");
        if (auto image = images.find(image_id, ImageViewer{{}, true}))
          if (auto fault = image_fits(*image, *flavor)) return refuse(fault->message);
        // Shown once the resize ends (flavor_id): Nova changes the flavor in finish_resize.
        set(e, kNewFlavorAttr, request.flavor_id);
        migration.old_flavor = current;
        migration.new_flavor = request.flavor_id;
        begin_migration(e, migration);
        if (request.disk_config) set(e, kDiskConfigAttr, *request.disk_config);
        return std::nullopt;
      };
      break;
    case core::Action::ConfirmResize:
      // The new flavor is the server's for good. (A revert changes no
      // attribute: flavor_id shows the old one once it settles.)
      act.edit = [this](core::Editable& e) -> std::optional<core::Error> {
        if (const auto requested = core::find_pair(e.attributes, kNewFlavorAttr))
          set(e, kFlavorAttr, std::string(*requested));
        erase(e, kNewFlavorAttr);
        close_migration(e, "confirmed", fleet.clock().now_ms());
        return std::nullopt;
      };
      break;
    case core::Action::RevertResize:
      act.edit = [this](core::Editable& e) -> std::optional<core::Error> {
        close_migration(e, "reverted", fleet.clock().now_ms());
        return std::nullopt;
      };
      break;
    case core::Action::Rescue:
      act.edit = [&](core::Editable& e) { return rescue_check(call, request, id, e); };
      call.entry->status = 200;  // Nova answers a rescue with 200 and its password
      break;
    default: break;
  }
  switch (request.action) {
    case core::Action::Stop: {
      auto stopped = fleet.stop(call.caller, id, act);
      if (!stopped) error = stopped.error();
      else res.set_header("Billing-Note", std::string(stopped->billing_note));
      break;
    }
    case core::Action::Lock:
      if (auto r = fleet.lock(call.caller, id, std::move(request.locked_reason), act); !r) error = r.error();
      break;
    case core::Action::Unlock:
      if (auto r = fleet.unlock(call.caller, id, act); !r) error = r.error();
      break;
    default:
      if (auto r = fleet.perform(call.caller, id, request.action, act); !r) error = r.error();
      else acted = std::move(r).value();
  }
  if (error) return send_fault(res, call, from_core(*error));

  switch (request.action) {
    case core::Action::Shelve:
      // Nova snapshots a server booted from an image as "<name>-shelved";
      // the snapshot is deleted once the server leaves the shelf.
      if (!core::find_pair(acted->attributes, kImageAttr).value_or("").empty()) {
        Image snapshot;
        snapshot.name = acted->name + "-shelved";
        snapshot.owner = fleet.tenants().info(acted->tenant).project;
        snapshot.visibility = "private";
        core::set_pair(snapshot.properties, std::string(kImageType), "snapshot");
        core::set_pair(snapshot.properties, std::string(kInstanceUuid), acted->uuid);
        (void)images.create(std::move(snapshot), acted->uuid);
      }
      break;
    case core::Action::CreateImage:
    case core::Action::CreateBackup: return create_image(res, call, *acted, request);
    case core::Action::ConfirmResize:
      res.status = 204;  // Nova answers a confirmation with 204, for history's sake
      call.entry->status = 204;
      return;
    case core::Action::Rescue: {
      // The rescue environment's password: the caller's, or one made up (Nova's enable_instance_password).
      const auto password = request.rescue_pass ? *request.rescue_pass : generated_password();
      rapidjson::StringBuffer buffer;
      Writer w(buffer);
      w.StartObject();
      field(w, "adminPass", password);
      w.EndObject();
      return send_json(res, 200, buffer.GetString());
    }
    case core::Action::Rebuild: {
      // The rebuild view, with the password the caller gave (or one made up).
      const auto password = request.rebuild.admin_pass ? *request.rebuild.admin_pass : generated_password();
      rapidjson::StringBuffer buffer;
      Writer w(buffer);
      w.StartObject();
      w.Key("server");
      write_server(w, *acted, view_context(call, *acted), ServerView::Rebuild, &password);
      w.EndObject();
      res.set_header("Location", fmt::format("{}/compute/v2.1/servers/{}", call.base, acted->uuid));
      return send_json(res, 202, buffer.GetString());
    }
    default: break;
  }
  res.status = 202;
}

}  // namespace openstack
