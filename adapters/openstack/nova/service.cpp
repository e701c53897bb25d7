// What the compute handlers share: fault rules, the view context, who looks
// at images, the server a path names, whether an image fits a flavor, and
// the password Nova makes up.
#include <chrono>
#include <thread>

#include <fmt/format.h>
#include <httplib.h>

#include "adapters/openstack/nova/service.h"
#include "secret/secret.h"

namespace openstack {

std::string generated_password() {
  static constexpr std::string_view kAlphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
  const auto random = secret::random_hex(12);
  std::string out;
  for (std::size_t i = 0; i < 12; ++i)
    out += kAlphabet[static_cast<std::size_t>(std::stoi(random.substr(2 * i, 2), nullptr, 16)) % kAlphabet.size()];
  return out;
}

std::optional<core::ActOptions> Service::apply_faults(httplib::Response& res, const Call& call,
                                                      std::string_view operation, std::string_view server) {
  const auto plan = fleet.faults().decide("nova", operation, server, call.caller.tenant);
  if (plan.latency_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(plan.latency_ms));
  call.entry->injected = plan.error || plan.fail_transition;
  if (plan.error) {
    send_fault(res, call, from_core(*plan.error));
    return std::nullopt;
  }
  core::ActOptions options;
  options.fail_transition = plan.fail_transition;
  options.call = call.entry;
  return options;
}

ViewContext Service::view_context(const Call& call, const core::ServerInfo& s) {
  return ViewContext{call.base,
                     call.version,
                     settings,
                     fleet.tenants().info(s.tenant).project,
                     call.caller.admin,
                     networks.addresses_of(s.uuid),
                     server_groups(s),
                     groups.of_server(s.uuid),
                     host.zone()};
}

ImageViewer Service::image_viewer(const Call& call) const {
  return ImageViewer{call.identity->project, call.caller.admin};
}

std::optional<core::ServerInfo> Service::server_of(httplib::Response& res, const Call& call, const std::string& id) {
  auto found = fleet.get(call.caller, id);
  if (!found) {
    send_fault(res, call, from_core(found.error()));
    return std::nullopt;
  }
  core::note_server(call.entry, found->uuid, found->transfer_id);
  return std::move(found).value();
}

std::optional<Fault> Service::image_fits(const Image& image, const Flavor& flavor) {
  if (image.status != "active") return bad_request(fmt::format("Image {} is not active.", image.id));
  if (flavor.ram_mb < image.min_ram) return bad_request("Flavor's memory is too small for requested image.");
  // A root disk of 0 GB means "no check", as Nova reads it.
  constexpr long long kGi = 1024LL * 1024 * 1024;
  const long long disk = flavor.disk_gb * kGi;
  if (disk == 0) return std::nullopt;
  if (image.size && *image.size > disk)
    return bad_request(fmt::format("Flavor's disk is too small for requested image. Flavor disk is {} bytes, image "
                                   "is {} bytes.",
                                   disk, *image.size));
  if (image.min_disk * kGi > disk)
    return bad_request(fmt::format("Flavor's disk is smaller than the minimum size specified in image metadata. "
                                   "Flavor disk is {} bytes, minimum size is {} bytes.",
                                   disk, image.min_disk * kGi));
  return std::nullopt;
}

}  // namespace openstack
