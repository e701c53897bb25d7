// The gateway process as an object: the core, both adapters, the control
// plane and one cpp-httplib server on one port, wired together. main() and
// the gateway tests both use it.
#pragma once

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <variant>

#include "core/clock.h"
#include "core/fleet.h"
#include "core/ids.h"
#include "core/tenants.h"
#include "gateway/config.h"

namespace httplib {
class Server;
}

namespace gateway {

class App {
 public:
  // Builds the gateway and seeds the fleet; a message if the fleet does not load.
  static std::variant<std::unique_ptr<App>, std::string> create(Config config);
  ~App();

  // Binds host:port (port 0: a free one). Returns the port, or -1.
  int bind(const std::string& host, int port);
  // Serves until stop(); in-flight requests finish first.
  void run();
  // Safe from any thread (and from a signal-waiting thread).
  void stop();

  core::Fleet& fleet() { return *fleet_; }
  bool access_log = true;

 private:
  explicit App(Config config);
  std::optional<std::string> seed_fleet();
  void tick();

  Config config_;
  core::SystemClock clock_;
  core::RandomIds ids_;
  core::Tenants tenants_;
  std::unique_ptr<core::Fleet> fleet_;
  std::unique_ptr<nova::Api> nova_;
  std::unique_ptr<transfer::Api> transfer_;
  std::unique_ptr<httplib::Server> server_;

  // Settles transitions as their time comes, so events flow without polling.
  std::thread ticker_;
  std::mutex ticker_mutex_;
  std::condition_variable ticker_wake_;
  bool stopping_ = false;
};

}  // namespace gateway
