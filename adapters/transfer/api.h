// The Transfer adapter's entry point: AWS Transfer Family's awsJson1_1 API on
// POST / (X-Amz-Target: TransferService.*), mounted on the gateway's one HTTP
// server. It maps core errors to Transfer errors; it knows nothing of Nova.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/fleet.h"
#include "core/logins.h"

namespace httplib {
class Server;
struct Request;
struct Response;
}  // namespace httplib

namespace transfer {

struct AccessKey {
  std::string id;
  std::string secret;   // used by --sigv4 verify
  std::string account;  // empty: the default account
  bool admin = false;   // may stop/start a locked server
};

// How Transfer shows a core state: ONLINE, OFFLINE, STARTING, STOPPING,
// START_FAILED, STOP_FAILED (GATEWAY.md's table). `from`: for a state in
// between, the state its transition began in (a rebuild of a stopped server
// ends stopped: STOPPING).
std::string_view state_name(core::State state, std::optional<core::State> from = std::nullopt);

enum class SigV4Mode { Scope, Verify };

struct Settings {
  std::vector<AccessKey> keys;  // in scope mode any other key maps to default_account
  SigV4Mode sigv4 = SigV4Mode::Scope;
  std::string default_account = "000000000000";
  std::size_t max_body_bytes = 1024 * 1024;
};

class Api {
 public:
  // `logins`: the servers' users, keys and host keys (a keeper of `fleet`).
  Api(core::Fleet& fleet, core::Logins& logins, Settings settings);
  ~Api();
  // Registers POST / (and answers other methods on / with a Transfer error).
  void mount(httplib::Server& server);
  // For a request the router did not answer (body too large, ...): when it is
  // a Transfer request (POST / or an X-Amz-Target header), renders a Transfer
  // error and returns true.
  bool render_http_error(const httplib::Request& req, httplib::Response& res);
  // A new access key (with a secret, for --sigv4 verify) of `account`, for
  // the page to act through the real API. Kept in memory for the process's life.
  AccessKey issue_key(const std::string& account);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace transfer
