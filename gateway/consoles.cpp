#include "gateway/consoles.h"

#include "gateway/ui_assets.h"

namespace gateway {
namespace {

// The console page of the dashboard and what it loads: nothing else of the
// dashboard is served on the proxy's port.
std::vector<console::Asset> console_assets() {
  std::vector<console::Asset> out;
  for (const auto& a : ui_assets())
    if (a.name == "console.html" || a.name == "console.js" || a.name == "style.css")
      out.push_back(console::Asset{a.name, a.content_type, std::string_view(a.data, a.size)});
  return out;
}

}  // namespace

std::variant<std::unique_ptr<console::Proxy>, std::string> listen_consoles(const Config& config,
                                                                           const std::string& host,
                                                                           openstack::Api& adapter) {
  console::Settings settings;
  settings.host = host;
  settings.port = config.console_port.value_or(0);
  if (config.tls) {
    settings.tls_cert = config.tls->cert;
    settings.tls_key = config.tls->key;
  }
  console::Backend backend{
      [&adapter](std::string_view token) { return adapter.console_server(token); },
      [&adapter](const std::string& server) -> std::optional<console::Screen> {
        auto view = adapter.console_view(server);
        if (!view) return std::nullopt;
        return console::Screen{std::move(view->name), std::move(view->status), std::move(view->log), view->running};
      }};
  auto proxy = std::make_unique<console::Proxy>(std::move(settings), std::move(backend), console_assets());
  auto listened = proxy->listen();
  if (auto* error = std::get_if<std::string>(&listened)) return *error;
  adapter.set_console_proxy(proxy->base_url());
  return proxy;
}

ConsoleView console_view(const console::Proxy* proxy) {
  if (!proxy) return {};
  const auto stats = proxy->stats();
  return ConsoleView{proxy->base_url(), stats.connections, stats.refused, stats.sessions, stats.open};
}

}  // namespace gateway
