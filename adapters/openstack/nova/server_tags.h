// A server's tags as Nova keeps them (from 2.26): strings of 1 to 60
// characters without ',' or '/', at most 50 a server, each once. Kept in
// the server's attributes (kTagsAttr, joined by ','), so they persist and
// travel with the server as its other attributes do. Listed in order, as
// Nova's tags table (keyed by server and tag) gives them back. The bodies
// and the path's tag are checked here as Nova's schemas check them: pure
// functions over text, for the handlers (server_tags_api.cpp), the create
// body and the fuzzer.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <rapidjson/document.h>

#include "adapters/openstack/nova/faults.h"
#include "core/server.h"

namespace openstack {

inline constexpr std::string_view kTagsAttr = "nova.tags";
inline constexpr std::size_t kMaxServerTags = 50;   // Nova's MAX_TAG_COUNT
inline constexpr std::size_t kMaxTagLength = 60;    // Nova's MAX_TAG_LENGTH

// The server's tags, in order (none: an empty list).
std::vector<std::string> tags_of(const core::ServerInfo& s);
std::vector<std::string> tags_of(const core::Pairs& attributes);
// Stores `tags` (any order, repeats allowed) as the server's: sorted, each once; none erases the attribute.
void set_tags(core::Pairs& attributes, std::vector<std::string> tags);

// Why `tag` is not one (parameter_types.tag): jsonschema's words, e.g.
// "'a,b' does not match '^[^,/]*$'"; nothing when it is one.
std::optional<std::string> tag_error(std::string_view tag);

// The path's tag of PUT /servers/{id}/tags/{tag}, with Nova's 400 ("Tag '<tag>' is invalid. ...").
std::optional<Fault> check_path_tag(std::string_view tag);
// PUT /servers/{id}/tags/{tag}'s body: empty or null (the schema's "type": "null").
std::optional<Fault> check_tag_body(std::string_view body);
// PUT /servers/{id}/tags: {"tags": [tag, ...]} (at most 50), the tags it sets.
std::variant<std::vector<std::string>, Fault> parse_tags(std::string_view body);
// The create body's "tags" (2.52): absent leaves `out` as it is.
std::optional<Fault> read_create_tags(const rapidjson::Value& server, std::vector<std::string>& out);

}  // namespace openstack
