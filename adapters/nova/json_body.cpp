// Nova validates bodies with JSON schemas and words its 400s after the
// schema error: "Invalid input for field/attribute <field>. Value: <v>. <why>".
// We keep that wording, showing values as JSON where Nova shows Python reprs.
#include "adapters/nova/json_body.h"

#include <algorithm>
#include <array>
#include <optional>

#include <fmt/format.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "adapters/nova/views.h"
#include "core/text.h"

namespace nova {
namespace {

constexpr std::string_view kMalformed = "Malformed request body";

// Properties of Nova's server create schema up to 2.79; most are accepted
// and ignored (there is no network, volume or scheduler to give them to).
constexpr std::array<std::string_view, 24> kServerProperties = {
    "name", "imageRef", "flavorRef", "adminPass", "metadata", "networks", "OS-DCF:diskConfig", "accessIPv4",
    "accessIPv6", "personality", "availability_zone", "block_device_mapping", "block_device_mapping_v2",
    "config_drive", "key_name", "min_count", "max_count", "return_reservation_id", "security_groups", "user_data",
    "description", "tags", "trusted_image_certificates", "host"};
constexpr std::array<std::string_view, 4> kCreateTopLevel = {"server", "os:scheduler_hints",
                                                             "OS-SCH-HNT:scheduler_hints", "hypervisor_hostname"};

template <std::size_t N>
bool known(const std::array<std::string_view, N>& names, std::string_view key) {
  return std::find(names.begin(), names.end(), key) != names.end();
}

std::string_view text_of(const rapidjson::Value& v) { return {v.GetString(), v.GetStringLength()}; }

// A string the server keeps (and every later view shows). RapidJSON decodes a
// lone surrogate escape ("\udc00") into bytes that are not UTF-8; valid JSON
// all the same, so it is kept as U+FFFD rather than refused.
std::string kept(const rapidjson::Value& v) { return core::valid_utf8(text_of(v)); }

std::string show(const rapidjson::Value& v) {
  if (v.IsString()) return std::string(text_of(v));
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  v.Accept(w);
  return {buffer.GetString(), buffer.GetSize()};
}

// A schema message about the value itself ("is not of type ...") starts
// with the value, quoted when a string, as jsonschema writes it.
Fault invalid(std::string_view field, const rapidjson::Value& value, std::string_view why) {
  const auto shown = show(value);
  if (why.rfind("is ", 0) == 0)
    return bad_request(fmt::format("Invalid input for field/attribute {}. Value: {}. {} {}", field, shown,
                                   value.IsString() ? fmt::format("'{}'", shown) : shown, why));
  return bad_request(fmt::format("Invalid input for field/attribute {}. Value: {}. {}", field, shown, why));
}

// The last path segment of an id or a link ("http://.../flavors/1" -> "1").
std::string last_segment(std::string_view ref) {
  if (auto slash = ref.rfind('/'); slash != std::string_view::npos) ref.remove_prefix(slash + 1);
  return std::string(ref);
}

// Nova's name: 1..255 characters, no leading or trailing whitespace.
std::optional<std::string_view> name_problem(std::string_view name) {
  if (name.empty()) return "'' is too short";
  if (name.size() > 255) return "is too long";
  const auto space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  if (space(name.front()) || space(name.back())) return "leading or trailing whitespace is not allowed";
  return std::nullopt;
}

std::optional<Fault> check_networks(const rapidjson::Value& server, const Version& version) {
  if (!server.HasMember("networks")) {
    if (version.at_least(37)) return invalid("server", server, "'networks' is a required property");
    return std::nullopt;
  }
  const auto& n = server["networks"];
  if (n.IsString() && version.at_least(37) && (text_of(n) == "auto" || text_of(n) == "none")) return std::nullopt;
  if (!n.IsArray())
    return invalid("networks", n, version.at_least(37) ? "is not valid under any of the given schemas"
                                                       : "is not of type 'array'");
  for (const auto& item : n.GetArray())
    if (!item.IsObject()) return invalid("networks", item, "is not of type 'object'");
  return std::nullopt;
}

std::optional<Fault> read_metadata(const rapidjson::Value& server, core::Pairs& out) {
  if (!server.HasMember("metadata")) return std::nullopt;
  const auto& m = server["metadata"];
  if (!m.IsObject()) return invalid("metadata", m, "is not of type 'object'");
  for (const auto& entry : m.GetObject()) {
    if (entry.name.GetStringLength() < 1 || entry.name.GetStringLength() > 255)
      return invalid("metadata", m, "keys must be 1 to 255 characters");
    if (!entry.value.IsString()) return invalid("metadata", entry.value, "is not of type 'string'");
    if (entry.value.GetStringLength() > 255) return invalid("metadata", entry.value, "is too long");
    out.emplace_back(kept(entry.name), kept(entry.value));
  }
  return std::nullopt;
}

std::optional<Fault> read_count(const rapidjson::Value& server, const char* key, int& out) {
  if (!server.HasMember(key)) return std::nullopt;
  const auto& v = server[key];
  // Nova takes an integer or a string of digits, at least 1.
  long long n = 0;
  if (v.IsInt64()) {
    n = v.GetInt64();
  } else if (v.IsString() && v.GetStringLength() > 0 && v.GetStringLength() < 10 &&
             std::all_of(v.GetString(), v.GetString() + v.GetStringLength(), [](char c) { return c >= '0' && c <= '9'; })) {
    n = std::stoll(v.GetString());
  } else {
    return invalid(key, v, "is not of type 'integer', 'string'");
  }
  if (n < 1) return invalid(key, v, "is less than the minimum of 1");
  out = static_cast<int>(std::min<long long>(n, 1000));
  return std::nullopt;
}

}  // namespace

bool parse_json(std::string_view body, rapidjson::Document& doc) {
  doc.Parse<rapidjson::kParseIterativeFlag | rapidjson::kParseValidateEncodingFlag>(body.data(), body.size());
  return !doc.HasParseError();
}

std::variant<ActionRequest, Fault> parse_action(std::string_view body, const Version& version,
                                                std::string* sent_name) {
  // Action bodies are tiny: parse into buffers on the stack, not the heap
  // chunks a default Document allocates (this is the os-stop hot path).
  char buffer[1024];
  rapidjson::MemoryPoolAllocator<> allocator(buffer, sizeof buffer);
  rapidjson::Document doc(&allocator, 256);
  if (!parse_json(body, doc) || !doc.IsObject() || doc.MemberCount() != 1) return bad_request(std::string(kMalformed));
  const auto& key = doc.MemberBegin()->name;
  const auto& value = doc.MemberBegin()->value;
  const auto name = text_of(key);
  if (sent_name) *sent_name = name;

  // Actions whose value Nova does not check: the key alone decides.
  static constexpr std::array<std::pair<std::string_view, core::Action>, 10> kPlain = {{
      {"os-stop", core::Action::Stop}, {"os-start", core::Action::Start}, {"unlock", core::Action::Unlock},
      {"pause", core::Action::Pause}, {"unpause", core::Action::Unpause}, {"suspend", core::Action::Suspend},
      {"resume", core::Action::Resume}, {"shelve", core::Action::Shelve},
      {"shelveOffload", core::Action::ShelveOffload}, {"unshelve", core::Action::Unshelve}}};
  ActionRequest request;
  for (const auto& [wire, action] : kPlain)
    if (name == wire) request = {action, wire, {}};
  if (name == "unshelve" && version.at_least(77) && !value.IsNull()) {
    // From 2.77: null, or {"availability_zone": <name>} and nothing else.
    if (!value.IsObject()) return invalid("unshelve", value, "is not of type 'object', 'null'");
    for (const auto& m : value.GetObject())
      if (text_of(m.name) != "availability_zone")
        return invalid("unshelve", value,
                       fmt::format("Additional properties are not allowed ('{}' was unexpected)", text_of(m.name)));
    if (!value.HasMember("availability_zone"))
      return invalid("unshelve", value, "'availability_zone' is a required property");
    const auto& zone = value["availability_zone"];
    if (!zone.IsString()) return invalid("availability_zone", zone, "is not of type 'string'");
    if (text_of(zone) != kAvailabilityZone)
      return bad_request(fmt::format("The requested availability zone is not available"));
  } else if (name == "reboot") {
    if (!value.IsObject()) return invalid("reboot", value, "is not of type 'object'");
    for (const auto& m : value.GetObject())
      if (text_of(m.name) != "type")
        return invalid("reboot", value,
                       fmt::format("Additional properties are not allowed ('{}' was unexpected)", text_of(m.name)));
    if (!value.HasMember("type")) return invalid("reboot", value, "'type' is a required property");
    const auto& type = value["type"];
    const auto kind = type.IsString() ? text_of(type) : std::string_view{};
    const bool hard = kind == "HARD" || kind == "Hard" || kind == "hard";
    const bool soft = kind == "SOFT" || kind == "Soft" || kind == "soft";
    if (!hard && !soft)
      return invalid("type", type, "is not one of ['HARD', 'Hard', 'hard', 'SOFT', 'Soft', 'soft']");
    request = {hard ? core::Action::RebootHard : core::Action::Reboot, "reboot", {}};
  } else if (name == "lock") {
    request = {core::Action::Lock, "lock", {}};
    // Before 2.73 Nova has no schema for lock and ignores its value; from
    // 2.73 it is null or {"locked_reason": "<1..255 characters>"}.
    if (version.at_least(73) && !value.IsNull()) {
      if (!value.IsObject()) return invalid("lock", value, "is not of type 'object', 'null'");
      for (const auto& m : value.GetObject())
        if (text_of(m.name) != "locked_reason")
          return invalid("lock", value,
                         fmt::format("Additional properties are not allowed ('{}' was unexpected)", text_of(m.name)));
      if (value.HasMember("locked_reason")) {
        const auto& reason = value["locked_reason"];
        if (!reason.IsString()) return invalid("locked_reason", reason, "is not of type 'string'");
        if (reason.GetStringLength() < 1) return invalid("locked_reason", reason, "'' is too short");
        if (reason.GetStringLength() > 255) return invalid("locked_reason", reason, "is too long");
        request.locked_reason = kept(reason);
      }
    }
  } else if (request.name.empty()) {
    auto fault = bad_request(fmt::format("There is no such action: {}", name));
    fault.result = "unknown_operation";
    return fault;
  }
  return request;
}

std::variant<CreateRequest, Fault> parse_create(std::string_view body, const Version& version,
                                                const Settings& settings) {
  rapidjson::Document doc;
  if (!parse_json(body, doc)) return bad_request(std::string(kMalformed));
  if (!doc.IsObject()) return bad_request(fmt::format("{} is not of type 'object'", show(doc)));
  for (const auto& m : doc.GetObject())
    if (!known(kCreateTopLevel, text_of(m.name)))
      return bad_request(fmt::format("Additional properties are not allowed ('{}' was unexpected)", text_of(m.name)));
  if (!doc.HasMember("server")) return bad_request("'server' is a required property");
  const auto& s = doc["server"];
  if (!s.IsObject()) return invalid("server", s, "is not of type 'object'");
  for (const auto& m : s.GetObject())
    if (!known(kServerProperties, text_of(m.name)))
      return invalid("server", s,
                     fmt::format("Additional properties are not allowed ('{}' was unexpected)", text_of(m.name)));

  CreateRequest request;
  if (!s.HasMember("name")) return invalid("server", s, "'name' is a required property");
  if (!s["name"].IsString()) return invalid("name", s["name"], "is not of type 'string'");
  request.name = kept(s["name"]);
  if (auto problem = name_problem(request.name)) return invalid("name", s["name"], *problem);

  if (!s.HasMember("flavorRef")) return invalid("server", s, "'flavorRef' is a required property");
  const auto& flavor = s["flavorRef"];
  if (flavor.IsInt64()) request.flavor_id = std::to_string(flavor.GetInt64());
  else if (flavor.IsString() && flavor.GetStringLength() > 0) request.flavor_id = last_segment(text_of(flavor));
  else return invalid("flavorRef", flavor, "is not valid under any of the given schemas");
  if (!find_flavor(settings, request.flavor_id)) return bad_request("Invalid flavorRef provided.");

  if (s.HasMember("imageRef")) {
    const auto& image = s["imageRef"];
    if (!image.IsString()) return invalid("imageRef", image, "is not valid under any of the given schemas");
    request.image_id = last_segment(text_of(image));
    if (!request.image_id.empty() && !find_image(settings, request.image_id))
      return bad_request(fmt::format("Image {} could not be found.", request.image_id));
  }
  // Without an image Nova boots from a volume, and needs a block device mapping for it.
  if (request.image_id.empty() && !s.HasMember("block_device_mapping_v2") && !s.HasMember("block_device_mapping"))
    return bad_request(
        "Block Device Mapping is Invalid: Boot sequence for the instance and image/block device mapping combination "
        "is not valid.");

  if (auto fault = check_networks(s, version)) return *fault;
  if (auto fault = read_metadata(s, request.metadata)) return *fault;

  if (s.HasMember("description")) {
    const auto& d = s["description"];
    if (!version.at_least(19))
      return invalid("server", s, "Additional properties are not allowed ('description' was unexpected)");
    if (!d.IsString() && !d.IsNull()) return invalid("description", d, "is not of type 'string', 'null'");
    if (d.IsString()) {
      if (d.GetStringLength() > 255) return invalid("description", d, "is too long");
      request.description = kept(d);
    }
  }

  int min_count = 1, max_count = 0;
  if (auto fault = read_count(s, "min_count", min_count)) return *fault;
  if (auto fault = read_count(s, "max_count", max_count)) return *fault;
  if (max_count == 0) max_count = min_count;
  if (min_count > max_count) return bad_request("min_count must be <= max_count");
  request.count = max_count;
  return request;
}

}  // namespace nova
