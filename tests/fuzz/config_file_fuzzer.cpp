// Fleet and config files (--fleet, --config) as load_config reads them:
// gateway::parse_json_text, then gateway::apply_file over the defaults, once
// as a fleet file (servers allowed) and once as a config file. The
// control plane's snapshots are fleet files read by the same parser.
// Every message must be UTF-8 (main prints it; the control plane sends it as JSON).
// Input: the file.
#include <cstddef>
#include <cstdint>
#include <string>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "gateway/config.h"
#include "gateway/json_file.h"
#include "tests/fuzz/fuzz_world.h"

namespace {

void require_message(const std::string& message) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  w.String(message.c_str(), static_cast<rapidjson::SizeType>(message.size()));
  fuzz::require_json({buffer.GetString(), buffer.GetSize()}, "a message");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto parsed = gateway::parse_json_text(std::string(fuzz::as_text(data, size)), "fleet.json");
  if (const auto* error = std::get_if<std::string>(&parsed)) {
    require_message(*error);
    return 0;
  }
  const auto& doc = std::get<rapidjson::Document>(parsed);
  for (const bool is_fleet : {true, false}) {
    auto config = gateway::default_config();
    if (auto error = gateway::apply_file(doc, "fleet.json", is_fleet, config)) require_message(*error);
  }
  return 0;
}
