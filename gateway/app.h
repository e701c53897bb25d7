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
#include "core/net/networks.h"
#include "core/logins.h"
#include "core/quotas.h"
#include "core/store.h"
#include "core/tenants.h"
#include "gateway/access_log.h"
#include "gateway/config.h"
#include "gateway/control_plane.h"
#include "gateway/drain.h"
#include "gateway/metrics.h"
#include "sftp/endpoints.h"

namespace httplib {
class Server;
struct Request;
struct Response;
}

namespace console {
class Proxy;
}

namespace gateway {

class App {
 public:
  // Builds the gateway and seeds the fleet; a message if the fleet does not load.
  static std::variant<std::unique_ptr<App>, std::string> create(Config config);
  ~App();

  // Binds host:port (port 0: a free one), and the console proxy on the same
  // host. Returns the port, or -1 (bind_problem() says why).
  int bind(const std::string& host, int port);
  const std::string& bind_problem() const { return bind_problem_; }
  // Serves until stop(); in-flight requests finish first, and every access
  // log line is written before it returns.
  void run();
  // Safe from any thread (and from a signal-waiting thread).
  void stop();

  core::Fleet& fleet() { return *fleet_; }
  // Who may log in to each server, and the host keys it presents (for the SFTP endpoints).
  core::Logins& logins() { return *logins_; }
  // The servers' SFTP endpoints (null with --sftp off).
  sftp::Endpoints* sftp() { return sftp_.get(); }
  // "https" with --tls-cert, else "http": for the URLs printed at start.
  std::string_view scheme() const { return config_.tls ? "https" : "http"; }
  // The console proxy's "http://HOST:PORT" once bound; "" with --console-port off.
  std::string console_url() const;
  // The same, with what the proxy counts (GET /_gateway/consoles).
  ConsoleView console_view() const;
  // What start-up has to tell the operator (e.g. that --fleet was ignored), or "".
  const std::string& notice() const { return notice_; }

 private:
  explicit App(Config config);
  // Seeds the fleet, or with --state opens the file: restores it, or seeds
  // a new one. A message when that cannot be done.
  std::optional<std::string> open_state(std::vector<core::ServerRecord> seed);
  // The fleet loaded at start, read back from seed_fleet_.
  std::vector<core::ServerRecord> seed_records();
  // Journals a request no API handler answered (an unknown path or method).
  void journal_unrouted(const httplib::Request& req, const httplib::Response& res);
  // The control plane's reset: the fleet as loaded at start, no fault rules, real time.
  std::string reset();
  void tick();

  Config config_;
  core::SwitchableClock clock_;
  core::RandomIds ids_;
  core::Tenants tenants_;
  std::unique_ptr<core::Fleet> fleet_;
  std::unique_ptr<core::net::Networks> networks_;  // the fleet's keeper of networks and ports
  std::unique_ptr<core::Quotas> quotas_;           // the fleet's keeper of quota limits
  std::unique_ptr<core::Store> store_;             // with --state
  std::string seed_fleet_;  // the fleet loaded at start, as a fleet file: what every reset returns to
  std::optional<std::vector<core::Document>> seed_documents_;  // the fleet file's documents, if it had any
  std::string notice_;
  std::unique_ptr<core::HostKeyMaker> host_keys_;  // the keys servers present when none was imported
  std::unique_ptr<core::Logins> logins_;           // servers' users, keys, host keys and accesses
  std::unique_ptr<sftp::Endpoints> sftp_;          // each SFTP server's port (a keeper: before the fleet is seeded)
  std::string temporary_data_dir_;                 // made at start without --data-dir or --state; removed at exit
  std::unique_ptr<openstack::Api> openstack_;
  std::unique_ptr<transfer::Api> transfer_;
  std::unique_ptr<httplib::Server> server_;
  std::unique_ptr<console::Proxy> console_;  // after openstack_: its backend reads through the adapter
  std::string bind_problem_;
  Metrics metrics_;
  AccessLog access_log_;
  std::string control_bearer_;  // "Bearer <control token>", when there is one
  InFlight in_flight_;
  int port_ = -1;
  int listening_ = -1;  // the listening socket, once bound

  // Settles transitions as their time comes, so events flow without polling.
  std::thread ticker_;
  std::mutex ticker_mutex_;
  std::condition_variable ticker_wake_;
  std::atomic<bool> stopping_{false};  // the ticker and long-lived event streams end when set
};

}  // namespace gateway
