#include "gateway/snapshot_api.h"

#include <httplib.h>

#include "gateway/control_plane.h"
#include "gateway/fleet_file.h"

namespace gateway {

void mount_snapshots(httplib::Server& server, core::Fleet& fleet, core::IdSource& ids) {
  server.Get("/_gateway/snapshot", [&fleet](const httplib::Request&, httplib::Response& res) {
    const auto documents = fleet.documents(true);
    res.set_content(write_fleet_file(fleet.records(), fleet.tenants(), Layout::Indented, &documents),
                    "application/json");
  });

  server.Post("/_gateway/snapshot", [&fleet, &ids](const httplib::Request& req, httplib::Response& res) {
    std::vector<ServerSeed> seeds;
    std::optional<std::vector<core::Document>> documents;
    if (auto error = read_snapshot(req.body, seeds, &documents)) return send_control_error(res, 400, *error);
    if (documents)
      if (auto problem = fleet.check_documents(*documents)) return send_control_error(res, 400, *problem);
    auto resolved = resolve_seeds(seeds, fleet.tenants(), ids);
    if (auto* problem = std::get_if<std::string>(&resolved)) return send_control_error(res, 400, *problem);
    auto& records = std::get<std::vector<core::ServerRecord>>(resolved);
    const auto count = records.size();
    if (auto replaced = fleet.replace(std::move(records), std::move(documents), false); !replaced)
      return send_control_error(res, 503, replaced.error().detail);
    res.set_content(fmt::format(R"({{"servers":{}}})", count), "application/json");
  });
}

}  // namespace gateway
