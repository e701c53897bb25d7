// GET /metrics in Prometheus text format: requests by api, operation and
// status; a latency histogram per api; servers by core state; billed seconds;
// the servers' users, SSH keys, host keys and accesses.
#pragma once

#include <array>
#include <atomic>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <tuple>

#include "core/fleet.h"
#include "core/logins.h"
#include "sftp/endpoints.h"

namespace httplib {
class Server;
struct Request;
}  // namespace httplib

namespace gateway {

// Which API and operation a request was for, read off the request itself
// (X-Amz-Target, the Nova action key, the route), with bounded label values.
struct RequestKind {
  std::string api;        // transfer, nova, keystone, image, control, other
  std::string operation;  // StopServer, os-stop, "GET /servers/{id}", ...
};
RequestKind classify(const httplib::Request& req);

// The SFTP endpoints' families: sessions, logins, refused connections, bytes, ports.
std::string render_sftp(const sftp::Stats& stats);

class Metrics {
 public:
  static constexpr std::array<double, 12> kBuckets = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005,
                                                      0.01,   0.025,   0.05,   0.1,   0.5,    2.5};
  void record(const RequestKind& kind, int status, double seconds);
  // `logins`: what the servers' logins hold (core::Logins::counts).
  std::string render(core::Fleet& fleet, const core::LoginCounts& logins) const;

 private:
  struct Histogram {
    std::array<std::uint64_t, kBuckets.size() + 1> counts{};  // the last is +Inf
    double sum = 0;
    std::uint64_t count = 0;
  };
  // Counters in shards, one per request thread (threads beyond kShards
  // share): a request takes only its shard's lock, which no other request
  // holds, and a render adds the shards up.
  struct Shard {
    std::mutex mutex;
    std::map<std::tuple<std::string, std::string, int>, std::uint64_t> requests;
    std::map<std::string, Histogram, std::less<>> latency;
  };
  static constexpr std::size_t kShards = 64;
  mutable std::array<Shard, kShards> shards_;
};

}  // namespace gateway
