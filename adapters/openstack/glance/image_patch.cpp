#include "adapters/openstack/glance/image_patch.h"

#include <algorithm>
#include <set>

#include <fmt/format.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "adapters/openstack/shared/wire.h"
#include "core/text.h"

namespace openstack {
namespace {

using Value = rapidjson::Value;
using Op = ImagePatchOp::Op;
using Kind = ImagePatchOp::Kind;

constexpr const char* kV20 = "application/openstack-images-v2.0-json-patch";
constexpr const char* kV21 = "application/openstack-images-v2.1-json-patch";

const std::set<std::string, std::less<>> kReadOnly = {"created_at", "updated_at", "status",    "checksum",
                                                      "size",       "virtual_size", "direct_url", "self",
                                                      "file",       "schema",     "id",        "os_hash_algo",
                                                      "os_hash_value"};
const std::set<std::string, std::less<>> kReserved = {"location", "deleted", "deleted_at"};
// The attributes an image always has: never removed, replaced in place.
const std::set<std::string, std::less<>> kBase = {"name", "visibility", "protected", "os_hidden", "min_ram", "min_disk",
                                                  "container_format", "disk_format", "tags", "owner"};
const std::set<std::string, std::less<>> kContainers = {"ami", "ari", "aki", "bare", "ovf", "ova", "docker", "compressed"};
const std::set<std::string, std::less<>> kDisks = {"ami", "ari", "aki", "vhd", "vhdx", "vmdk",
                                                   "raw", "qcow2", "vdi", "iso", "ploop"};

GlanceRefusal refuse(int status, std::string message) { return GlanceRefusal{status, std::move(message)}; }

std::string text(const Value& v) { return core::valid_utf8({v.GetString(), v.GetStringLength()}); }

std::string json_text(const Value& v) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  v.Accept(w);
  std::string out = core::valid_utf8({buffer.GetString(), buffer.GetSize()});
  return out.size() > 200 ? out.substr(0, 200) + "..." : out;
}

GlanceRefusal schema(const std::string& why) {
  return refuse(400, fmt::format("Provided object does not match schema 'image': {}", why));
}

// Glance's _validate_json_pointer and _decode_json_pointer.
std::variant<std::vector<std::string>, GlanceRefusal> decode_pointer(const std::string& pointer) {
  const auto bad = [&](std::string_view why) { return refuse(400, fmt::format("Pointer `{}` {}", pointer, why)); };
  if (pointer.empty() || pointer[0] != '/') return bad("does not start with \"/\".");
  for (std::size_t i = 1; i < pointer.size(); ++i) {
    if (pointer[i] != '/') continue;
    std::size_t j = i + 1;
    while (j < pointer.size() && (pointer[j] == ' ' || pointer[j] == '\t' || pointer[j] == '\n' || pointer[j] == '\r'))
      ++j;
    if (j < pointer.size() && pointer[j] == '/') return bad("contains adjacent \"/\".");
  }
  if (pointer.size() > 1 && pointer.back() == '/') return bad("end with \"/\".");
  for (std::size_t i = 0; i < pointer.size(); ++i)
    if (pointer[i] == '~' && (i + 1 == pointer.size() || (pointer[i + 1] != '0' && pointer[i + 1] != '1')))
      return bad("contains \"~\" not part of a recognized escape sequence.");
  std::vector<std::string> parts;
  std::string_view rest = std::string_view(pointer).substr(1);
  while (true) {
    const auto slash = rest.find('/');
    std::string part(rest.substr(0, slash));
    std::string decoded;
    for (std::size_t i = 0; i < part.size(); ++i) {
      if (part[i] == '~' && i + 1 < part.size()) {
        decoded += part[i + 1] == '1' ? '/' : '~';
        ++i;
      } else {
        decoded += part[i];
      }
    }
    const auto first = decoded.find_first_not_of(" \t\r\n");
    const auto last = decoded.find_last_not_of(" \t\r\n");
    parts.push_back(first == std::string::npos ? "" : decoded.substr(first, last - first + 1));
    if (slash == std::string_view::npos) break;
    rest.remove_prefix(slash + 1);
  }
  return parts;
}

// The value of a change to `key`, checked as the image schema checks {key: value}.
std::optional<GlanceRefusal> read_value(const std::string& key, const Value& v, ImagePatchOp& op) {
  const auto shown = json_text(v);
  const auto nullable_string = [&](std::size_t max) -> std::optional<GlanceRefusal> {
    if (v.IsNull()) return std::nullopt;
    if (!v.IsString()) return schema(fmt::format("{} is not of type 'null', 'string'", shown));
    if (v.GetStringLength() > max) return schema(fmt::format("{} is too long", shown));
    op.kind = Kind::Text;
    op.text = text(v);
    return std::nullopt;
  };
  if (key == "name" || key == "owner") return nullable_string(255);
  if (key == "visibility") {
    static const std::set<std::string, std::less<>> kVisibility = {"community", "public", "private", "shared"};
    if (!v.IsString() || !kVisibility.count(text(v)))
      return schema(fmt::format("{} is not one of ['community', 'public', 'private', 'shared']", shown));
    op.kind = Kind::Text;
    op.text = text(v);
    return std::nullopt;
  }
  if (key == "container_format" || key == "disk_format") {
    const auto& allowed = key == "disk_format" ? kDisks : kContainers;
    if (!v.IsNull() && (!v.IsString() || !allowed.count(text(v))))
      return schema(fmt::format("{} is not one of the {} values", shown, key));
    if (v.IsString()) op.kind = Kind::Text, op.text = text(v);
    return std::nullopt;
  }
  if (key == "protected" || key == "os_hidden") {
    if (!v.IsBool()) return schema(fmt::format("{} is not of type 'boolean'", shown));
    op.kind = Kind::Flag;
    op.flag = v.GetBool();
    return std::nullopt;
  }
  if (key == "min_ram" || key == "min_disk") {
    if (!v.IsInt64() || v.GetInt64() < 0 || v.GetInt64() > 2147483647)
      return schema(fmt::format("{} is not a whole number from 0 to 2147483647", shown));
    op.kind = Kind::Number;
    op.number = v.GetInt64();
    return std::nullopt;
  }
  if (key == "tags") {
    if (!v.IsArray()) return schema(fmt::format("{} is not of type 'array'", shown));
    op.kind = Kind::List;
    for (const auto& t : v.GetArray()) {
      if (!t.IsString()) return schema(fmt::format("{} is not of type 'string'", json_text(t)));
      if (t.GetStringLength() > 255) return schema(fmt::format("{} is too long", json_text(t)));
      op.list.push_back(text(t));
    }
    return std::nullopt;
  }
  if (key.size() > 255) return refuse(400, "Custom property should not be greater than 255 characters.");
  // An additional property: Glance's schema takes strings only.
  if (!v.IsString()) return schema(fmt::format("{} is not of type 'string'", shown));
  op.kind = Kind::Text;
  op.text = text(v);
  return std::nullopt;
}

std::variant<ImagePatchOp, GlanceRefusal> read_op(const Value& raw, bool draft4) {
  if (!raw.IsObject()) return refuse(400, "Operations must be JSON objects.");
  ImagePatchOp op;
  op.draft4 = draft4;
  std::string name, pointer;
  const Value* pointer_value = nullptr;
  if (draft4) {
    for (const char* candidate : {"replace", "add", "remove"}) {
      if (!raw.HasMember(candidate)) continue;
      if (!name.empty())
        return refuse(400, "Operation objects must contain only one member named \"add\", \"remove\", or \"replace\".");
      name = candidate;
      pointer_value = &raw[candidate];
    }
    if (name.empty())
      return refuse(400, "Operation objects must contain exactly one member named \"add\", \"remove\", or \"replace\".");
  } else {
    const auto op_it = raw.FindMember("op");
    if (op_it == raw.MemberEnd() || op_it->value.IsNull())
      return refuse(400, "Unable to find `op` in JSON Schema change. It must be one of the following: add, remove, "
                         "replace.");
    name = op_it->value.IsString() ? text(op_it->value) : json_text(op_it->value);
    if (name != "add" && name != "remove" && name != "replace")
      return refuse(400, fmt::format("Invalid operation: `{}`. It must be one of the following: add, remove, replace.",
                                     name));
    const auto path_it = raw.FindMember("path");
    if (path_it == raw.MemberEnd()) return refuse(400, "Unable to find 'path' in JSON Schema change");
    pointer_value = &path_it->value;
  }
  pointer = pointer_value->IsString() ? text(*pointer_value) : json_text(*pointer_value);
  op.op = name == "add" ? Op::Add : name == "remove" ? Op::Remove : Op::Replace;
  auto decoded = decode_pointer(pointer);
  if (auto* refused = std::get_if<GlanceRefusal>(&decoded)) return *refused;
  auto& parts = std::get<std::vector<std::string>>(decoded);
  // Only "locations" goes deeper than one segment (add and remove at an index).
  const std::size_t depth = parts[0] == "locations" && op.op != Op::Replace ? 2 : 1;
  if (parts.size() != depth) {
    std::string joined;
    for (const auto& p : parts) joined += (joined.empty() ? "" : "/") + p;
    return refuse(400, fmt::format("Invalid JSON pointer for this resource: '/{}'", joined));
  }
  op.path = parts[0];
  if (op.op != Op::Remove && !raw.HasMember("value"))
    return refuse(400, fmt::format("Operation \"{}\" requires a member named \"value\".", name));
  if (kReadOnly.count(op.path)) return refuse(403, fmt::format("Attribute '{}' is read-only.", op.path));
  if (kReserved.count(op.path) || op.path.starts_with("os_glance"))
    return refuse(403, fmt::format("Attribute '{}' is reserved.", op.path));
  if (op.op != Op::Remove && op.path != "locations")
    if (auto refused = read_value(op.path, raw["value"], op)) return *refused;
  return op;
}

}  // namespace

std::variant<std::vector<ImagePatchOp>, GlanceRefusal> parse_image_patch(std::string_view content_type,
                                                                         std::string_view body) {
  auto type = content_type.substr(0, content_type.find(';'));
  while (!type.empty() && type.back() == ' ') type.remove_suffix(1);
  const bool draft4 = core::iequals(type, kV20);
  if (!draft4 && !core::iequals(type, kV21))
    return refuse(415, fmt::format("Image PATCH expects Content-Type one of: {}, {}", kV20, kV21));
  rapidjson::Document doc;
  if (!parse_json(body, doc)) return refuse(400, "Malformed JSON in request body.");
  if (!doc.IsArray()) return refuse(400, "Request body must be a JSON array of operation objects.");
  std::vector<ImagePatchOp> ops;
  for (const auto& raw : doc.GetArray()) {
    auto op = read_op(raw, draft4);
    if (auto* refused = std::get_if<GlanceRefusal>(&op)) return *refused;
    ops.push_back(std::move(std::get<ImagePatchOp>(op)));
  }
  return ops;
}

std::optional<GlanceRefusal> apply_image_patch(Image& image, const std::vector<ImagePatchOp>& ops, bool admin) {
  for (const auto& op : ops) {
    const auto& key = op.path;
    if (key == "locations") {
      const char* verb = op.op == Op::Add ? "add" : op.op == Op::Remove ? "remove" : "update";
      return refuse(403, fmt::format("It's not allowed to {} locations if locations are invisible.", verb));
    }
    const bool base = kBase.count(key) > 0;
    const auto property = std::find_if(image.properties.begin(), image.properties.end(),
                                       [&](const auto& p) { return p.first == key; });
    const bool present = base || property != image.properties.end();
    if (op.op == Op::Remove) {
      if (base) return refuse(403, fmt::format("Property {} may not be removed.", key));
      if (!present) return refuse(409, fmt::format("Property {} does not exist.", key));
      image.properties.erase(property);
      continue;
    }
    if (op.op == Op::Replace && !present) return refuse(409, fmt::format("Property {} does not exist.", key));
    if (op.op == Op::Add && op.draft4 && present) return refuse(409, fmt::format("Property {} already present.", key));
    if (!base) {
      core::set_pair(image.properties, key, op.text);
      continue;
    }
    if (key == "owner" && !admin) return refuse(403, "Owner can't be updated by non admin.");
    if (key == "visibility" && op.text == "public" && !admin)
      return refuse(403, "You are not authorized to complete publicize_image action.");
    if ((key == "container_format" || key == "disk_format") && image.status != "queued")
      return refuse(403, fmt::format("Attribute {} can be only replaced for a queued image.", key));
    if (key == "name") image.name = op.text;
    else if (key == "owner") image.owner = op.text;
    else if (key == "visibility") image.visibility = op.text;
    else if (key == "container_format") image.container_format = op.text;
    else if (key == "disk_format") image.disk_format = op.text;
    else if (key == "protected") image.protected_ = op.flag;
    else if (key == "os_hidden") image.os_hidden = op.flag;
    else if (key == "min_ram") image.min_ram = static_cast<int>(op.number);
    else if (key == "min_disk") image.min_disk = static_cast<int>(op.number);
    else if (key == "tags") {
      image.tags.clear();
      for (const auto& t : op.list)
        if (std::find(image.tags.begin(), image.tags.end(), t) == image.tags.end()) image.tags.push_back(t);
    }
  }
  return std::nullopt;
}

}  // namespace openstack
