// The console proxy (console/proxy.h) wired to the gateway: on the API's
// host, with its TLS files, a backend that reads tokens and servers through
// the Nova adapter, and the dashboard's console page as its files.
#pragma once

#include <memory>
#include <string>
#include <variant>

#include "adapters/openstack/api.h"
#include "console/proxy.h"
#include "gateway/config.h"
#include "gateway/control_plane.h"

namespace gateway {

// A proxy listening on `host` at the configured port (config.console_port
// must be set), or why it cannot listen. Not started: start() it to serve.
std::variant<std::unique_ptr<console::Proxy>, std::string> listen_consoles(const Config& config,
                                                                           const std::string& host,
                                                                           openstack::Api& adapter);

// What GET /_gateway/consoles shows of `proxy` (null: there is none).
ConsoleView console_view(const console::Proxy* proxy);

}  // namespace gateway
