#include "gateway/snapshot_api.h"

#include <httplib.h>
#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include "gateway/fleet_file.h"
#include "gateway/control_plane.h"

namespace gateway {

void mount_snapshots(httplib::Server& server, core::Fleet& fleet, core::IdSource& ids) {
  server.Get("/_gateway/snapshot", [&fleet](const httplib::Request&, httplib::Response& res) {
    res.set_content(write_fleet_file(fleet.records(), fleet.tenants()), "application/json");
  });

  server.Post("/_gateway/snapshot", [&fleet, &ids](const httplib::Request& req, httplib::Response& res) {
    rapidjson::Document doc;
    doc.Parse<rapidjson::kParseValidateEncodingFlag | rapidjson::kParseIterativeFlag>(req.body.data(),
                                                                                      req.body.size());
    if (doc.HasParseError())
      return send_control_error(res, 400, fmt::format("body is not JSON: {} (at byte {})",
                                                      rapidjson::GetParseError_En(doc.GetParseError()),
                                                      doc.GetErrorOffset()));
    Reader r;
    std::vector<ServerSeed> seeds;
    if (r.object(doc, "(body)", {"servers"})) read_fleet_servers(r, doc, seeds);
    if (r.failed()) return send_control_error(res, 400, *r.error());
    auto resolved = resolve_seeds(seeds, fleet.tenants(), ids);
    if (auto* problem = std::get_if<std::string>(&resolved)) return send_control_error(res, 400, *problem);
    auto& records = std::get<std::vector<core::ServerRecord>>(resolved);
    const auto count = records.size();
    if (auto replaced = fleet.replace(std::move(records), false); !replaced)
      return send_control_error(res, 503, replaced.error().detail);
    res.set_content(fmt::format(R"({{"servers":{}}})", count), "application/json");
  });
}

}  // namespace gateway
