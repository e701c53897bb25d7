// Request bodies of the compute API: JSON text to typed requests, checked as
// Nova's schemas check them, or the Nova fault a bad body earns. Pure
// functions over text: no fleet, no HTTP, so every edge case is unit-testable.
// What needs the fleet or a catalog (does the image exist? the key pair?) is
// the handler's to check, after these.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <rapidjson/document.h>

#include "adapters/openstack/api.h"
#include "adapters/openstack/nova/faults.h"
#include "adapters/openstack/nova/microversion.h"
#include "adapters/openstack/shared/wire.h"
#include "core/server.h"

namespace openstack {

// Absent (nullopt), null (an empty optional inside) or a value.
using Clearable = std::optional<std::optional<std::string>>;

// The personality files a create or a rebuild injects (to 2.56), as Nova's
// injected-files quotas count them: how many, the longest path and the
// longest contents (its base64 text), in characters.
struct InjectedFiles {
  std::size_t count = 0;
  std::size_t longest_path = 0;
  std::size_t longest_contents = 0;
};

// What an update (PUT /servers/{id}) or a rebuild sets; absent fields keep
// what the server has.
struct ServerFields {
  std::optional<std::string> name;
  std::optional<std::string> access_ipv4;  // canonical text ("" is never stored: Nova shows "")
  std::optional<std::string> access_ipv6;
  std::optional<std::string> disk_config;  // AUTO or MANUAL
  Clearable description;                   // from 2.19
};

struct RebuildRequest {
  ServerFields fields;
  std::string image_id;
  std::optional<std::string> admin_pass;
  std::optional<core::Pairs> metadata;  // replaces the server's
  Clearable key_name;                   // from 2.54
  Clearable user_data;                  // from 2.57
  std::optional<std::optional<std::vector<std::string>>> trusted_certs;  // from 2.63
  InjectedFiles personality;            // to 2.56
};

// What POST /servers/{id}/action asks for: a lifecycle action of the core's
// table, or one of the actions that change no state.
enum class ActionKind {
  Lifecycle,            // `action` (stop, reboot, rebuild, resize, ...)
  ForceDelete,          // a delete, soft-deleted or not
  ConsoleOutput,        // os-getConsoleOutput: a read
  AddSecurityGroup,     // addSecurityGroup, removeSecurityGroup
  RemoveSecurityGroup,
  NetworkInfo,          // resetNetwork, injectNetworkInfo (admin): accepted, nothing to change
  AddFloatingIp,        // addFloatingIp, removeFloatingIp (to 2.43)
  RemoveFloatingIp,
  RemoteConsole,        // os-getVNCConsole, os-getSPICEConsole, os-getSerialConsole (to 2.5)
  Migrate,              // migrate (cold), os-migrateLive (admin): migrate_actions.cpp
  LiveMigrate,
};

struct ActionRequest {
  ActionKind kind = ActionKind::Lifecycle;
  core::Action action = core::Action::Stop;
  std::string_view name;      // as on the wire: "os-stop", "reboot", ... (static storage)
  std::string locked_reason;  // lock from 2.73, may be empty
  RebuildRequest rebuild;     // rebuild
  std::string flavor_id;      // resize
  std::optional<std::string> disk_config;  // resize
  std::string image_name;     // createImage, createBackup
  std::optional<core::Pairs> image_metadata;
  std::string backup_type;    // createBackup
  long long rotation = 0;
  std::string admin_pass;     // changePassword
  std::string security_group;  // add/removeSecurityGroup
  std::string floating_address;  // add/removeFloatingIp
  std::string fixed_address;     // addFloatingIp: the server's address to map (empty: its first)
  std::optional<long long> console_length;  // os-getConsoleOutput; nothing or -1: all of it
  std::optional<std::string> rescue_pass;       // rescue: its adminPass (nothing: one is made up)
  std::optional<std::string> rescue_image_ref;  // rescue: the image to boot (nothing: the server's own)
  std::string console_protocol;  // a remote console's: vnc, spice or serial
  std::string console_type;      // novnc, xvpvnc, spice-html5 or serial, as the schema allows
  std::optional<std::string> migrate_host;  // migrate (2.56), os-migrateLive: the host asked for (none: any)
  bool force = false;                       // os-migrateLive (2.30 to 2.67)
};

// POST /servers/{id}/action: exactly one key, a known action, its body valid
// as Nova's schema for the microversion (reboot's type, lock's reason from
// 2.73, unshelve's availability zone from 2.77, rebuild, resize, rescue, migrate
// from 2.56, os-migrateLive by its four schemas, ...); the
// value of the actions without a schema is not checked, as Nova does not.
// `sent_name`, if given, gets the action's key as the client sent it (even an unknown one).
std::variant<ActionRequest, Fault> parse_action(std::string_view body, const Version& version,
                                                std::string* sent_name = nullptr);

// POST /servers/{id}/remote-consoles (from 2.6): {"remote_console":
// {"protocol", "type"}}, each one of the values Nova's schema lists for the
// microversion (mks and webmks from 2.8).
struct RemoteConsoleRequest {
  std::string protocol;
  std::string type;
};
std::variant<RemoteConsoleRequest, Fault> parse_remote_console(std::string_view body, const Version& version);

struct CreateRequest {
  std::string name;
  std::string flavor_id;
  std::string image_id;  // empty: boot from volume
  std::string description;
  core::Pairs metadata;
  int count = 1;  // max_count: Nova boots that many, named name-1, name-2, ...
  int min_count = 1;  // fewer than max_count may boot (as many as the quotas leave room for), never fewer than this
  std::optional<std::string> group;  // the scheduler hint "group": a server group's id
  std::optional<std::string> admin_pass;
  std::optional<std::string> access_ipv4, access_ipv6;
  std::optional<std::string> disk_config;
  std::optional<std::string> key_name;
  std::vector<std::string> security_groups;  // names or ids, as given (empty: the default group)
  // "auto" (or nothing, before 2.37): nullopt; "none": an empty list; else
  // each {uuid, port, fixed_ip} as given (the "br-" prefix Nova allows is dropped).
  std::optional<std::vector<core::NicRequest>> networks;
  std::optional<std::string> user_data;
  bool config_drive = false;
  bool return_reservation_id = false;  // answer {"reservation_id"} instead of the server
  std::optional<std::vector<std::string>> trusted_certs;
  std::vector<std::string> tags;  // from 2.52
  InjectedFiles personality;      // to 2.56
};

// POST /servers: the server object, its flavor resolved against the catalog;
// an availability zone must be "nova" or one of `zones` (the aggregates').
std::variant<CreateRequest, Fault> parse_create(std::string_view body, const Version& version,
                                                const Settings& settings,
                                                const std::vector<std::string>& zones = {});

// PUT /servers/{id}: {"server": {name, accessIPv4, accessIPv6, OS-DCF:diskConfig, description (2.19)}}.
std::variant<ServerFields, Fault> parse_update(std::string_view body, const Version& version);

// The metadata API's bodies: {"metadata": {...}} (PUT and POST
// /servers/{id}/metadata) or, with `item` set, {"meta": {"<item>": "..."}}
// (PUT /servers/{id}/metadata/<item>), whose one key must be the URL's.
std::variant<core::Pairs, Fault> parse_metadata(std::string_view body, const std::optional<std::string>& item);

struct KeypairRequest {
  std::string name;
  std::optional<std::string> public_key;  // an import; nothing: generate one
  std::string type = "ssh";               // ssh or x509 (from 2.2)
  std::optional<std::string> user;        // another user's (from 2.10; an admin's call)
};

// POST /os-keypairs: {"keypair": {"name", "public_key", "type" (2.2), "user_id" (2.10)}},
// and the name's safe characters Nova's compute API checks next.
std::variant<KeypairRequest, Fault> parse_keypair(std::string_view body, const Version& version);

}  // namespace openstack
