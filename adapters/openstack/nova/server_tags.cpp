#include "adapters/openstack/nova/server_tags.h"

#include <algorithm>

#include <fmt/format.h>

#include "adapters/openstack/nova/json_fields.h"
#include "adapters/openstack/shared/wire.h"
#include "core/text.h"

namespace openstack {
namespace {

using namespace fields;

constexpr char kSeparator = ',';  // never in a tag

// Characters, as Python's len() counts them (the text is UTF-8).
std::size_t characters(std::string_view text) {
  return static_cast<std::size_t>(
      std::count_if(text.begin(), text.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

// jsonschema's repr of a string: single quotes, as Python writes most.
std::string quoted(std::string_view text) { return fmt::format("'{}'", text); }

// One tag of a body, as the schema checks it; the field named as Nova's
// messages name it (the last step of the path: the item's index).
std::optional<Fault> read_tag(const Value& item, std::size_t index, std::vector<std::string>& out) {
  const auto field = std::to_string(index);
  if (!item.IsString()) return invalid(field, item, "is not of type 'string'");
  const auto text = kept(item);
  if (auto why = tag_error(text)) return bad_request(fmt::format("Invalid input for field/attribute {}. Value: {}. {}",
                                                                 field, text, *why));
  out.push_back(text);
  return std::nullopt;
}

// {"tags": [...]}'s array, as the schema checks it.
std::optional<Fault> read_tag_list(const Value& tags, std::vector<std::string>& out) {
  if (!tags.IsArray()) return invalid("tags", tags, "is not of type 'array'");
  if (tags.Size() > kMaxServerTags) return invalid("tags", tags, "is too long");
  std::size_t index = 0;
  for (const auto& item : tags.GetArray())
    if (auto fault = read_tag(item, index++, out)) return fault;
  return std::nullopt;
}

}  // namespace

std::vector<std::string> tags_of(const core::Pairs& attributes) {
  std::vector<std::string> tags;
  const auto joined = core::find_pair(attributes, kTagsAttr);
  if (!joined || joined->empty()) return tags;
  std::string_view rest = *joined;
  while (true) {
    const auto comma = rest.find(kSeparator);
    tags.emplace_back(rest.substr(0, comma));
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  return tags;
}

std::vector<std::string> tags_of(const core::ServerInfo& s) { return tags_of(s.attributes); }

void set_tags(core::Pairs& attributes, std::vector<std::string> tags) {
  std::sort(tags.begin(), tags.end());
  tags.erase(std::unique(tags.begin(), tags.end()), tags.end());
  std::erase_if(attributes, [](const auto& p) { return p.first == kTagsAttr; });
  if (tags.empty()) return;
  std::string joined;
  for (const auto& tag : tags) joined += (joined.empty() ? "" : std::string(1, kSeparator)) + tag;
  attributes.emplace_back(std::string(kTagsAttr), std::move(joined));
}

std::optional<std::string> tag_error(std::string_view tag) {
  // jsonschema checks the schema's keywords in order: pattern, then the lengths.
  if (tag.find_first_of(",/") != std::string_view::npos)
    return fmt::format("{} does not match '^[^,/]*$'", quoted(tag));
  if (tag.empty()) return "'' is too short";
  if (characters(tag) > kMaxTagLength) return fmt::format("{} is too long", quoted(tag));
  return std::nullopt;
}

std::optional<Fault> check_path_tag(std::string_view tag) {
  const auto why = tag_error(tag);
  if (!why) return std::nullopt;
  return bad_request(fmt::format("Tag '{}' is invalid. It must be a non empty string without characters '/' and ','. "
                                 "Validation error message: {}",
                                 tag, *why));
}

std::optional<Fault> check_tag_body(std::string_view body) {
  // Nova reads an empty body as null; anything else must be JSON null.
  if (body.find_first_not_of(" \t\r\n") == std::string_view::npos) return std::nullopt;
  rapidjson::Document doc;
  if (!parse_json(body, doc)) return bad_request("Malformed request body");
  if (doc.IsNull()) return std::nullopt;
  return bad_request(fmt::format("{} is not of type 'null'", show(doc)));
}

std::variant<std::vector<std::string>, Fault> parse_tags(std::string_view body) {
  rapidjson::Document doc;
  if (!parse_json(body, doc)) return bad_request("Malformed request body");
  if (!doc.IsObject()) return bad_request(fmt::format("{} is not of type 'object'", show(doc)));
  for (const auto& m : doc.GetObject())
    if (text_of(m.name) != "tags")
      return bad_request(fmt::format("Additional properties are not allowed ('{}' was unexpected)", text_of(m.name)));
  if (!doc.HasMember("tags")) return bad_request("'tags' is a required property");
  std::vector<std::string> tags;
  if (auto fault = read_tag_list(doc["tags"], tags)) return *fault;
  return tags;
}

std::optional<Fault> read_create_tags(const Value& server, std::vector<std::string>& out) {
  if (!server.IsObject() || !server.HasMember("tags")) return std::nullopt;
  std::vector<std::string> tags;
  if (auto fault = read_tag_list(server["tags"], tags)) return fault;
  out = std::move(tags);
  return std::nullopt;
}

}  // namespace openstack
