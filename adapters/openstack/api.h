// The OpenStack adapter's entry point: a Keystone v3 subset (keystone/), the
// compute API v2.1 (nova/), Glance's image records (glance/) and Neutron's
// API v2.0 (neutron/), mounted on the gateway's one HTTP server; what they
// share is in shared/. It speaks Nova's wire
// (NOVA.md) and maps core errors to Nova faults; it knows nothing of Transfer.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/openstack/shared/settings.h"
#include "core/fleet.h"
#include "core/net/networks.h"
#include "core/quotas.h"
#include "core/store.h"

namespace httplib {
class Server;
struct Request;
struct Response;
}  // namespace httplib

namespace openstack {

// How Nova shows a core state (GATEWAY.md's table): status, OS-EXT-STS
// vm_state / task_state (empty: null) / power_state.
struct StatusView {
  std::string_view status;
  std::string_view vm_state;
  std::string_view task_state;
  int power_state = 0;
};
StatusView status_view(core::State state, std::optional<core::State> from = std::nullopt);

// A server's remote console as the console proxy shows it.
struct ConsoleView {
  std::string name;
  std::string status;  // Nova's
  std::string log;     // os-getConsoleOutput's, whole
  bool running = false;  // its guest runs (power state RUNNING): a VNC session may open
};

class Api {
 public:
  // Adds its keepers (tokens, images, key pairs, flavors, server groups,
  // the host's services and aggregates) to the fleet, and defines Nova's
  // quotas in `quotas`: build it before the fleet is seeded or restored.
  Api(core::Fleet& fleet, core::net::Networks& networks, core::Quotas& quotas, Settings settings);
  ~Api();
  // Registers /identity..., /compute..., /image..., /networking... handlers.
  void mount(httplib::Server& server);
  // For a request the router did not answer (no route, body too large, ...):
  // when the path is one of Nova's, renders Nova's fault and returns true.
  bool render_http_error(const httplib::Request& req, httplib::Response& res);
  // A Keystone token for a member of `project` (see Keystone::issue_for_project).
  std::optional<std::string> token_for_project(const std::string& project);

  // Remote consoles (nova/remote_consoles.cpp): where the console proxy
  // listens, "http://HOST:PORT" ("" while there is none: consoles are
  // unavailable); the server a console token opens while it is valid; and
  // what the proxy shows of a server (nothing once it is gone).
  void set_console_proxy(std::string base_url);
  std::optional<std::string> console_server(std::string_view token);
  std::optional<ConsoleView> console_view(const std::string& server_id);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace openstack
