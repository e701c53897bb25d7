// Fault rules as the control plane speaks them (POST /_gateway/faults):
//   {"match": {"api", "operation", "server", "tenant": {"project"} | {"account", "region"}},
//    "effect": {"error": "unavailable"|"internal"|"throttled", "retry_after_s", "latency_ms",
//               "fail_transition"},
//    "count": N, "probability": P, "seed": S}
#pragma once

#include <string>
#include <variant>

#include <rapidjson/document.h>

#include "core/faults.h"
#include "core/fleet.h"
#include "gateway/json_writer.h"

namespace gateway {

// A rule, or a message naming what is wrong. The server is looked up in the
// fleet so the rule matches either of its identities.
std::variant<core::FaultRule, std::string> parse_fault_rule(const rapidjson::Value& body, core::Fleet& fleet);

void write_fault_rule(JsonWriter& w, const core::FaultRule& rule, core::Tenants& tenants);

}  // namespace gateway
