// The control plane on /_gateway (and /metrics): health, the fleet as the
// core sees it, billing, fault rules, the clock, reset and metrics. Wiring
// only: it reads and steers the core, never a wire protocol.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>

#include "core/clock.h"
#include "core/fleet.h"
#include "core/net/networks.h"
#include "core/ids.h"
#include "core/logins.h"
#include "gateway/metrics.h"
#include "sftp/endpoints.h"

namespace httplib {
class Server;
struct Response;
}  // namespace httplib

namespace gateway {

// What GET /_gateway/consoles shows of the console proxy.
struct ConsoleView {
  std::string url;  // "http://HOST:PORT"; empty with --console-port off
  std::uint64_t connections = 0, refused = 0, sessions = 0, open = 0;
};

struct ControlPlane {
  core::Fleet& fleet;
  core::Logins& logins;
  core::SwitchableClock& clock;
  Metrics& metrics;
  core::IdSource& ids;  // identities for snapshot servers that have none
  const std::atomic<bool>& stopping;
  std::function<std::string()> reset;  // back to the fleet loaded at start; "" or what failed
  core::net::Networks& networks;       // each server's addresses
  sftp::Endpoints* sftp = nullptr;     // each server's SFTP endpoint (null: --sftp off)
  // The console proxy: where it listens ("" : none) and what it counts.
  std::function<ConsoleView()> consoles;
};

void mount_control_plane(httplib::Server& server, ControlPlane plane);

// {"error": {"code": N, "message": "..."}}, the control plane's error shape.
void send_control_error(httplib::Response& res, int status, std::string_view message);

// The same error body as text.
std::string error_json(int status, std::string_view message);

}  // namespace gateway
