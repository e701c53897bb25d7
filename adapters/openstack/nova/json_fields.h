// The pieces Nova's request schemas are built from (a name, metadata, an
// access IP, a nullable string, ...), read from RapidJSON values with
// Nova's 400 wording. Shared by the body parsers (json_body.cpp,
// create_body.cpp, server_body.cpp); pure, like them.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <rapidjson/document.h>

#include "adapters/openstack/nova/faults.h"
#include "adapters/openstack/nova/json_body.h"
#include "core/server.h"

namespace openstack::fields {

using Value = rapidjson::Value;

std::string_view text_of(const Value& v);
// A string the server keeps: a lone surrogate escape becomes U+FFFD (see json_fields.cpp).
std::string kept(const Value& v);
// A value as Nova's messages show it: a string as is, anything else as JSON.
std::string show(const Value& v);

// "Invalid input for field/attribute <field>. Value: <v>. <why>", as
// jsonschema words it (a "why" about the value starts with the value).
Fault invalid(std::string_view field, const Value& value, std::string_view why);
// "Additional properties are not allowed ('<key>' was unexpected)" about `object`.
Fault unexpected(std::string_view field, const Value& object, std::string_view key);
// The first member of `object` not in `allowed`, as a fault; nothing when all are.
std::optional<Fault> only(std::string_view field, const Value& object, std::initializer_list<std::string_view> allowed);
// `object` is an object and has every member of `required`.
std::optional<Fault> object_with(std::string_view field, const Value& object,
                                 std::initializer_list<std::string_view> required);

// The last path segment of an id or a link ("http://.../flavors/1" -> "1").
std::string last_segment(std::string_view ref);
// oslo's is_uuid_like: 32 hex digits, dashes anywhere or nowhere.
bool uuid_like(std::string_view text);
// Canonical text of an IPv4 / IPv6 address (RFC 5952 for IPv6), or nothing.
std::optional<std::string> canonical_ipv4(std::string_view text);
std::optional<std::string> canonical_ipv6(std::string_view text);
// Whether `text` is base64 as Python's base64.b64decode(validate=True) reads it.
bool base64(std::string_view text);

// Each reader looks at one member of `object`: absent leaves `out` as it is,
// present and wrong is the fault. `key` doubles as the field's name.
std::optional<Fault> read_name(const Value& object, const char* key, std::optional<std::string>& out);
std::optional<Fault> read_metadata(const Value& object, const char* key, std::optional<core::Pairs>& out);
std::optional<Fault> read_ipv4(const Value& object, const char* key, std::optional<std::string>& out);
std::optional<Fault> read_ipv6(const Value& object, const char* key, std::optional<std::string>& out);
std::optional<Fault> read_disk_config(const Value& object, std::optional<std::string>& out);
std::optional<Fault> read_string(const Value& object, const char* key, std::optional<std::string>& out);
// A string of at most `max` characters, or null (nullopt inside): a
// description ("type": ["string", "null"]) or a key name (`one_of`: a
// "oneOf" of the two, whose message names neither).
std::optional<Fault> read_nullable(const Value& object, const char* key, std::size_t max, bool one_of,
                                   std::optional<std::optional<std::string>>& out);
// user_data: base64, at most 65535 characters; null only where `nullable`.
std::optional<Fault> read_user_data(const Value& object, bool nullable,
                                    std::optional<std::optional<std::string>>& out);
// personality (before 2.57): [{"path", "contents" (base64)}], counted (the files themselves are not kept).
std::optional<Fault> read_personality(const Value& object, InjectedFiles& out);
// trusted_image_certificates (2.63): 1 to 50 distinct non-empty strings, or null.
std::optional<Fault> read_trusted_certs(const Value& object,
                                        std::optional<std::optional<std::vector<std::string>>>& out);

// migrate's and os-migrateLive's values, by microversion, for parse_action (migrate_body.cpp).
std::optional<Fault> read_migrate(const Value& value, const Version& version, ActionRequest& out);
std::optional<Fault> read_live_migrate(const Value& value, const Version& version, ActionRequest& out);
// A rebuild's value ({"imageRef", "name", ...}, by microversion), for parse_action (server_body.cpp).
std::optional<Fault> read_rebuild(const Value& value, const Version& version, RebuildRequest& out);

}  // namespace openstack::fields
