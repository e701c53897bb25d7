// Server action bodies (POST /servers/{id}/action), one schema per action
// as Nova's, in Nova's words; the create body is create_body.cpp's, update,
// rebuild and metadata bodies server_body.cpp's.
#include "adapters/openstack/nova/json_body.h"

#include <algorithm>
#include <array>
#include <optional>

#include <fmt/format.h>

#include "adapters/openstack/nova/json_fields.h"
#include "adapters/openstack/nova/views.h"

namespace openstack {
namespace {

using namespace fields;

constexpr std::string_view kMalformed = "Malformed request body";

// Actions whose value Nova does not check: the key alone decides.
struct Plain {
  std::string_view wire;
  ActionKind kind;
  core::Action action;
};
constexpr std::array<Plain, 17> kPlain = {{
    {"os-stop", ActionKind::Lifecycle, core::Action::Stop},
    {"os-start", ActionKind::Lifecycle, core::Action::Start},
    {"unlock", ActionKind::Lifecycle, core::Action::Unlock},
    {"pause", ActionKind::Lifecycle, core::Action::Pause},
    {"unpause", ActionKind::Lifecycle, core::Action::Unpause},
    {"suspend", ActionKind::Lifecycle, core::Action::Suspend},
    {"resume", ActionKind::Lifecycle, core::Action::Resume},
    {"shelve", ActionKind::Lifecycle, core::Action::Shelve},
    {"shelveOffload", ActionKind::Lifecycle, core::Action::ShelveOffload},
    {"unshelve", ActionKind::Lifecycle, core::Action::Unshelve},
    {"confirmResize", ActionKind::Lifecycle, core::Action::ConfirmResize},
    {"revertResize", ActionKind::Lifecycle, core::Action::RevertResize},
    {"restore", ActionKind::Lifecycle, core::Action::Restore},
    {"unrescue", ActionKind::Lifecycle, core::Action::Unrescue},  // its schema allows any value
    {"forceDelete", ActionKind::ForceDelete, core::Action::Delete},
    {"resetNetwork", ActionKind::NetworkInfo, core::Action::Update},
    {"injectNetworkInfo", ActionKind::NetworkInfo, core::Action::Update},
}};

std::optional<Fault> check_unshelve(const Value& value) {
  // From 2.77: null, or {"availability_zone": <name>} and nothing else.
  if (!value.IsObject()) return invalid("unshelve", value, "is not of type 'object', 'null'");
  if (auto fault = only("unshelve", value, {"availability_zone"})) return fault;
  if (!value.HasMember("availability_zone"))
    return invalid("unshelve", value, "'availability_zone' is a required property");
  const auto& zone = value["availability_zone"];
  if (!zone.IsString()) return invalid("availability_zone", zone, "is not of type 'string'");
  if (text_of(zone) != kAvailabilityZone) return bad_request("The requested availability zone is not available");
  return std::nullopt;
}

std::optional<Fault> read_reboot(const Value& value, ActionRequest& request) {
  if (auto fault = object_with("reboot", value, {"type"})) return fault;
  if (auto fault = only("reboot", value, {"type"})) return fault;
  const auto& type = value["type"];
  const auto kind = type.IsString() ? text_of(type) : std::string_view{};
  const bool hard = kind == "HARD" || kind == "Hard" || kind == "hard";
  const bool soft = kind == "SOFT" || kind == "Soft" || kind == "soft";
  if (!hard && !soft) return invalid("type", type, "is not one of ['HARD', 'Hard', 'hard', 'SOFT', 'Soft', 'soft']");
  request.action = hard ? core::Action::RebootHard : core::Action::Reboot;
  return std::nullopt;
}

std::optional<Fault> read_lock(const Value& value, const Version& version, ActionRequest& request) {
  // Before 2.73 Nova has no schema for lock and ignores its value; from
  // 2.73 it is null or {"locked_reason": "<1..255 characters>"}.
  if (!version.at_least(73) || value.IsNull()) return std::nullopt;
  if (!value.IsObject()) return invalid("lock", value, "is not of type 'object', 'null'");
  if (auto fault = only("lock", value, {"locked_reason"})) return fault;
  if (value.HasMember("locked_reason")) {
    const auto& reason = value["locked_reason"];
    if (!reason.IsString()) return invalid("locked_reason", reason, "is not of type 'string'");
    if (reason.GetStringLength() < 1) return invalid("locked_reason", reason, "'' is too short");
    if (reason.GetStringLength() > 255) return invalid("locked_reason", reason, "is too long");
    request.locked_reason = kept(reason);
  }
  return std::nullopt;
}

// flavorRef: a string of at least one character, or an integer.
std::optional<Fault> read_flavor_ref(const Value& object, std::string& out) {
  const auto& flavor = object["flavorRef"];
  if (flavor.IsInt64()) out = std::to_string(flavor.GetInt64());
  else if (flavor.IsString() && flavor.GetStringLength() > 0) out = last_segment(text_of(flavor));
  else if (flavor.IsString()) return invalid("flavorRef", flavor, "'' is too short");
  else return invalid("flavorRef", flavor, "is not of type 'string', 'integer'");
  return std::nullopt;
}

std::optional<Fault> read_resize(const Value& value, ActionRequest& request) {
  if (auto fault = object_with("resize", value, {"flavorRef"})) return fault;
  if (auto fault = only("resize", value, {"flavorRef", "OS-DCF:diskConfig"})) return fault;
  if (auto fault = read_flavor_ref(value, request.flavor_id)) return fault;
  return read_disk_config(value, request.disk_config);
}

std::optional<Fault> read_reset_state(const Value& value, ActionRequest& request) {
  if (auto fault = object_with("os-resetState", value, {"state"})) return fault;
  if (auto fault = only("os-resetState", value, {"state"})) return fault;
  const auto& state = value["state"];
  const auto text = state.IsString() ? text_of(state) : std::string_view{};
  if (text != "active" && text != "error") return invalid("state", state, "is not one of ['active', 'error']");
  request.action = text == "active" ? core::Action::ResetActive : core::Action::ResetError;
  return std::nullopt;
}

// rotation: Nova's non_negative_integer, an integer or a string of digits.
std::optional<Fault> read_rotation(const Value& value, long long& out) {
  if (value.IsInt64()) {
    if (value.GetInt64() < 0) return invalid("rotation", value, "is less than the minimum of 0");
    out = value.GetInt64();
    return std::nullopt;
  }
  if (!value.IsString()) return invalid("rotation", value, "is not of type 'integer', 'string'");
  const auto text = text_of(value);
  if (text.empty()) return invalid("rotation", value, "'' is too short");
  if (text.size() > 18 || text.find_first_not_of("0123456789") != std::string_view::npos)
    return invalid("rotation", value, "does not match '^[0-9]*$'");
  out = std::stoll(std::string(text));
  return std::nullopt;
}

std::optional<Fault> read_image(const Value& value, bool backup, ActionRequest& request) {
  const char* field = backup ? "createBackup" : "createImage";
  if (backup) {
    if (auto fault = object_with(field, value, {"name", "backup_type", "rotation"})) return fault;
    if (auto fault = only(field, value, {"name", "backup_type", "rotation", "metadata"})) return fault;
    const auto& type = value["backup_type"];
    if (!type.IsString()) return invalid("backup_type", type, "is not of type 'string'");
    request.backup_type = kept(type);
    if (auto fault = read_rotation(value["rotation"], request.rotation)) return fault;
  } else {
    if (auto fault = object_with(field, value, {"name"})) return fault;
    if (auto fault = only(field, value, {"name", "metadata"})) return fault;
  }
  std::optional<std::string> name;
  if (auto fault = read_name(value, "name", name)) return fault;
  request.image_name = name.value_or("");
  return read_metadata(value, "metadata", request.image_metadata);
}

std::optional<Fault> read_change_password(const Value& value, ActionRequest& request) {
  if (auto fault = object_with("changePassword", value, {"adminPass"})) return fault;
  if (auto fault = only("changePassword", value, {"adminPass"})) return fault;
  std::optional<std::string> password;
  if (auto fault = read_string(value, "adminPass", password)) return fault;
  request.admin_pass = password.value_or("");
  return std::nullopt;
}

// rescue: null, or {"adminPass": <string>, "rescue_image_ref": <a uuid>} with either or neither.
std::optional<Fault> read_rescue(const Value& value, ActionRequest& request) {
  if (value.IsNull()) return std::nullopt;
  if (!value.IsObject()) return invalid("rescue", value, "is not of type 'object', 'null'");
  if (auto fault = only("rescue", value, {"adminPass", "rescue_image_ref"})) return fault;
  if (auto fault = read_string(value, "adminPass", request.rescue_pass)) return fault;
  if (value.HasMember("rescue_image_ref")) {
    const auto& image = value["rescue_image_ref"];
    if (!image.IsString()) return invalid("rescue_image_ref", image, "is not of type 'string'");
    if (!uuid_like(text_of(image))) return invalid("rescue_image_ref", image, "is not a 'uuid'");
    request.rescue_image_ref = std::string(text_of(image));
  }
  return std::nullopt;
}

// addSecurityGroup / removeSecurityGroup have no schema: Nova's own checks.
std::optional<Fault> read_security_group(const Value& value, ActionRequest& request) {
  if (!value.IsObject()) return bad_request("Missing parameter dict");
  if (!value.HasMember("name")) return bad_request("Security group not specified");
  const auto& name = value["name"];
  if (!name.IsString()) return bad_request("Security group name cannot be empty");
  const auto text = text_of(name);
  if (text.find_first_not_of(" \t\n\r") == std::string_view::npos)
    return bad_request("Security group name cannot be empty");
  request.security_group = kept(name);
  return std::nullopt;
}

// addFloatingIp {"address", "fixed_address"?} / removeFloatingIp {"address"}: Nova's schemas.
std::optional<Fault> read_floating_ip(const Value& value, bool add, ActionRequest& request) {
  const char* action = add ? "addFloatingIp" : "removeFloatingIp";
  if (!value.IsObject()) return invalid(action, value, "is not of type 'object'");
  if (auto fault = add ? only(action, value, {"address", "fixed_address"}) : only(action, value, {"address"}))
    return fault;
  if (!value.HasMember("address")) return invalid(action, value, "'address' is a required property");
  for (const char* key : {"address", "fixed_address"}) {
    if (!value.HasMember(key)) continue;
    const auto& a = value[key];
    if (!a.IsString() || (!canonical_ipv4(text_of(a)) && !canonical_ipv6(text_of(a))))
      return invalid(key, a, "is not valid under any of the given schemas");
    (std::string_view(key) == "address" ? request.floating_address : request.fixed_address) = std::string(text_of(a));
  }
  return std::nullopt;
}

std::optional<Fault> read_console(const Value& value, ActionRequest& request) {
  if (!value.IsObject()) return invalid("os-getConsoleOutput", value, "is not of type 'object'");
  if (auto fault = only("os-getConsoleOutput", value, {"length"})) return fault;
  if (!value.HasMember("length")) return std::nullopt;
  const auto& length = value["length"];
  long long n = -1;
  if (length.IsNull()) return std::nullopt;
  if (length.IsInt64()) {
    n = length.GetInt64();
  } else if (length.IsString()) {
    auto text = text_of(length);
    const bool negative = !text.empty() && text.front() == '-';
    const auto digits = text.substr(negative ? 1 : 0);
    if (digits.empty() || digits.size() > 17 || digits.find_first_not_of("0123456789") != std::string_view::npos)
      return invalid("length", length, "does not match '^-?[0-9]+$'");
    n = std::stoll(std::string(text));
  } else {
    return invalid("length", length, "is not of type 'integer', 'string', 'null'");
  }
  if (n < -1) return invalid("length", length, "is less than the minimum of -1");
  request.console_length = n;
  return std::nullopt;
}

// The remote consoles' actions (to 2.5): {"type": <one of the protocol's types>} and nothing else.
std::optional<Fault> read_remote_console(std::string_view action, const Value& value, ActionRequest& request) {
  struct Schema {
    std::string_view action, protocol, types;
    std::array<std::string_view, 2> allowed;  // an empty second: one type only
  };
  static constexpr Schema kSchemas[] = {
      {"os-getVNCConsole", "vnc", "['novnc', 'xvpvnc']", {"novnc", "xvpvnc"}},
      {"os-getSPICEConsole", "spice", "['spice-html5']", {"spice-html5", ""}},
      {"os-getSerialConsole", "serial", "['serial']", {"serial", ""}},
  };
  for (const auto& schema : kSchemas) {
    if (schema.action != action) continue;
    if (auto fault = object_with(schema.action, value, {"type"})) return fault;
    if (auto fault = only(schema.action, value, {"type"})) return fault;
    const auto& type = value["type"];
    if (!type.IsString()) return invalid("type", type, "is not of type 'string'");
    if (text_of(type).empty() ||
        std::find(schema.allowed.begin(), schema.allowed.end(), text_of(type)) == schema.allowed.end())
      return invalid("type", type, fmt::format("is not one of {}", schema.types));
    request.console_protocol = std::string(schema.protocol);
    request.console_type = std::string(text_of(type));
    return std::nullopt;
  }
  return std::nullopt;
}

}  // namespace

std::variant<ActionRequest, Fault> parse_action(std::string_view body, const Version& version,
                                                std::string* sent_name) {
  // Most action bodies are tiny: parse into a buffer on the stack first, not
  // the heap chunks a default Document allocates (this is the os-stop hot path).
  char buffer[1024];
  rapidjson::MemoryPoolAllocator<> allocator(buffer, sizeof buffer);
  rapidjson::Document doc(&allocator, 256);
  if (!parse_json(body, doc) || !doc.IsObject() || doc.MemberCount() != 1) return bad_request(std::string(kMalformed));
  const auto& key = doc.MemberBegin()->name;
  const auto& value = doc.MemberBegin()->value;
  const auto name = text_of(key);
  if (sent_name) *sent_name = name;

  ActionRequest request;
  for (const auto& plain : kPlain)
    if (name == plain.wire) {
      request.kind = plain.kind;
      request.action = plain.action;
      request.name = plain.wire;
    }
  // Actions with a schema: the name's static storage, then the value.
  const auto named = [&](std::string_view wire, core::Action action, ActionKind kind = ActionKind::Lifecycle) {
    request.name = wire;
    request.action = action;
    request.kind = kind;
  };
  std::optional<Fault> fault;
  if (name == "unshelve" && version.at_least(77) && !value.IsNull()) {
    fault = check_unshelve(value);
  } else if (name == "reboot") {
    named("reboot", core::Action::Reboot);
    fault = read_reboot(value, request);
  } else if (name == "lock") {
    named("lock", core::Action::Lock);
    fault = read_lock(value, version, request);
  } else if (name == "rebuild") {
    named("rebuild", core::Action::Rebuild);
    fault = read_rebuild(value, version, request.rebuild);
  } else if (name == "resize") {
    named("resize", core::Action::Resize);
    fault = read_resize(value, request);
  } else if (name == "os-resetState") {
    named("os-resetState", core::Action::ResetError);
    fault = read_reset_state(value, request);
  } else if (name == "rescue") {
    named("rescue", core::Action::Rescue);
    fault = read_rescue(value, request);
  } else if (name == "createImage") {
    named("createImage", core::Action::CreateImage);
    fault = read_image(value, false, request);
  } else if (name == "createBackup") {
    named("createBackup", core::Action::CreateBackup);
    fault = read_image(value, true, request);
  } else if (name == "changePassword") {
    named("changePassword", core::Action::ChangePassword);
    fault = read_change_password(value, request);
  } else if (name == "addSecurityGroup" || name == "removeSecurityGroup") {
    const bool add = name == "addSecurityGroup";
    named(add ? "addSecurityGroup" : "removeSecurityGroup", core::Action::Update,
          add ? ActionKind::AddSecurityGroup : ActionKind::RemoveSecurityGroup);
    fault = read_security_group(value, request);
  } else if ((name == "addFloatingIp" || name == "removeFloatingIp") && !version.at_least(44)) {
    const bool add = name == "addFloatingIp";
    named(add ? "addFloatingIp" : "removeFloatingIp", core::Action::Update,
          add ? ActionKind::AddFloatingIp : ActionKind::RemoveFloatingIp);
    fault = read_floating_ip(value, add, request);
  } else if (name == "addFloatingIp" || name == "removeFloatingIp") {
    return not_found("The resource could not be found.");  // gone from 2.44, as Nova's versioned methods
  } else if (name == "os-getVNCConsole" || name == "os-getSPICEConsole" || name == "os-getSerialConsole" ||
             name == "os-getRDPConsole") {
    // Gone from 2.6 (remote-consoles took their place), as Nova's versioned methods.
    if (version.at_least(6)) return not_found("The resource could not be found.");
    // RDP went with the Hyper-V driver: Nova answers a bare 400 whatever the body.
    if (name == "os-getRDPConsole")
      return bad_request("The server could not comply with the request since it is either malformed or otherwise "
                         "incorrect.");
    const auto wire = name == "os-getVNCConsole"     ? std::string_view("os-getVNCConsole")
                      : name == "os-getSPICEConsole" ? std::string_view("os-getSPICEConsole")
                                                     : std::string_view("os-getSerialConsole");
    named(wire, core::Action::Update, ActionKind::RemoteConsole);
    fault = read_remote_console(wire, value, request);
  } else if (name == "migrate" || name == "os-migrateLive") {
    const bool live = name == "os-migrateLive";
    named(live ? "os-migrateLive" : "migrate", core::Action::Update, live ? ActionKind::LiveMigrate : ActionKind::Migrate);
    fault = live ? read_live_migrate(value, version, request) : read_migrate(value, version, request);
  } else if (name == "os-getConsoleOutput") {
    named("os-getConsoleOutput", core::Action::Update, ActionKind::ConsoleOutput);
    fault = read_console(value, request);
  } else if (request.name.empty()) {
    auto unknown = bad_request(fmt::format("There is no such action: {}", name));
    unknown.result = "unknown_operation";
    return unknown;
  }
  if (fault) return *fault;
  return request;
}

}  // namespace openstack
