// The control plane's fault rules (POST /_gateway/faults) as the handler
// reads them: gateway::parse_json_body, then gateway::parse_fault_rule against
// a fleet (the server is looked up by either identity); an accepted rule is
// added and rendered back, and every answer must be UTF-8 JSON.
// Input: the body.
#include <cstddef>
#include <cstdint>
#include <string>

#include "gateway/fault_rules.h"
#include "gateway/json_reader.h"
#include "gateway/json_writer.h"
#include "tests/fuzz/fuzz_world.h"

namespace {

void require_message(const std::string& message) {
  rapidjson::StringBuffer buffer;
  gateway::JsonWriter w(buffer);
  w.String(message.c_str(), static_cast<rapidjson::SizeType>(message.size()));
  fuzz::require_json({buffer.GetString(), buffer.GetSize()}, "an error message");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  rapidjson::Document doc;
  if (auto error = gateway::parse_json_body(fuzz::as_text(data, size), doc)) {
    require_message(*error);
    return 0;
  }
  fuzz::World world;
  auto parsed = gateway::parse_fault_rule(doc, world.fleet);
  if (const auto* error = std::get_if<std::string>(&parsed)) {
    require_message(*error);
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
