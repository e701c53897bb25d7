// The control plane's fault rules (POST /_gateway/faults) as the handler
// reads them: gateway::parse_json_body, then gateway::parse_fault_rule against
// a fleet (the server is looked up by either identity); an accepted rule is
// added and rendered back (GET /_gateway/faults), and every answer, errors in
// the control plane's error body included, must be UTF-8 JSON.
// Input: the body.
#include <cstddef>
#include <cstdint>
#include <string>

#include "gateway/control_plane.h"
#include "gateway/fault_rules.h"
#include "gateway/json_reader.h"
#include "gateway/json_writer.h"
#include "tests/fuzz/fuzz_world.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  rapidjson::Document doc;
  if (auto error = gateway::parse_json_body(fuzz::as_text(data, size), doc)) {
    fuzz::require_json(gateway::error_json(400, *error), "an error body");
    return 0;
  }
  fuzz::World world;
  auto parsed = gateway::parse_fault_rule(doc, world.fleet);
  if (const auto* error = std::get_if<std::string>(&parsed)) {
    fuzz::require_json(gateway::error_json(400, *error), "an error body");
    return 0;
  }
  auto rule = std::get<core::FaultRule>(parsed);
  rule.id = world.fleet.faults().add(rule);
  rapidjson::StringBuffer buffer;
  gateway::JsonWriter w(buffer);
  gateway::write_fault_rule(w, rule, world.tenants);
  fuzz::require_json({buffer.GetString(), buffer.GetSize()}, "a rule");
  return 0;
}
