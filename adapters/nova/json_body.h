// Request bodies of the compute API: JSON text to typed requests, checked as
// Nova's schemas check them, or the Nova fault a bad body earns. Pure
// functions over text: no fleet, no HTTP, so every edge case is unit-testable.
#pragma once

#include <string>
#include <string_view>
#include <variant>

#include <rapidjson/document.h>

#include "adapters/nova/api.h"
#include "adapters/nova/faults.h"
#include "adapters/nova/microversion.h"
#include "core/server.h"

namespace nova {

// Parses iteratively (no recursion, so nesting thousands deep is just an
// error) and validates UTF-8. False when the text is not JSON.
bool parse_json(std::string_view body, rapidjson::Document& doc);

enum class ServerAction { Stop, Start, Lock, Unlock };

struct ActionRequest {
  ServerAction action = ServerAction::Stop;
  std::string_view name;      // as on the wire: "os-stop", ... (static storage)
  std::string locked_reason;  // lock from 2.73, may be empty
};

// POST /servers/{id}/action: exactly one key, a known action, a valid lock body.
// `sent_name`, if given, gets the action's key as the client sent it (even an unknown one).
std::variant<ActionRequest, Fault> parse_action(std::string_view body, const Version& version,
                                                std::string* sent_name = nullptr);

struct CreateRequest {
  std::string name;
  std::string flavor_id;
  std::string image_id;  // empty: boot from volume
  std::string description;
  core::Pairs metadata;
  int count = 1;  // max_count: Nova boots that many, named name-1, name-2, ...
};

// POST /servers: the server object, its refs resolved against the catalogs.
std::variant<CreateRequest, Fault> parse_create(std::string_view body, const Version& version,
                                                const Settings& settings);

}  // namespace nova
