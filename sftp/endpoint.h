// Endpoints::Endpoint, and the limits endpoints.cpp (events, commits),
// ports.cpp (a port's system calls) and acceptor.cpp (connections, sessions)
// share. Private to those three files.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include "sftp/endpoints.h"
#include "sftp/session.h"

namespace sftp::endpoint_limits {

inline constexpr std::size_t kMaxSessionsPerServer = 32;
inline constexpr int kPollMs = 200;
inline constexpr auto kRetryEvery = std::chrono::seconds(1);
inline constexpr std::size_t kMaxPending = 4096;  // servers waiting for the acceptor to adopt them

}  // namespace sftp::endpoint_limits

namespace sftp {

// Two locks: Endpoints::mutex_ guards the maps that find an endpoint (and
// the sessions); an endpoint's own `mutex` guards its socket and the fields
// below that change, so that opening or shutting one port (a start or a stop,
// up to six system calls) holds up no other server's request. When both are
// held, the endpoint's is taken first.
struct Endpoints::Endpoint {
  std::string transfer_id;   // fixed
  std::uint64_t serial = 0;  // fixed: names it to epoll (never 0: the wake pipe's)
  int port = 0;              // fixed at creation (kept as a document)
  std::shared_ptr<TreeUsage> usage = std::make_shared<TreeUsage>();

  std::mutex mutex;
  int fd = -1;  // bound (reserving the port), or listening; -1: none yet
  std::atomic<bool> listening{false};  // written under `mutex`; read without it (stats)
  bool wanted = false;  // the server is Running
  // Its Protocols include SFTP: an UpdateServer that takes SFTP away keeps
  // the port (bound, not listening) for the server's life, and gives it
  // back if SFTP returns, as an AWS server keeps its host name.
  std::atomic<bool> serves{true};  // written under `mutex`; read without it (port_of)
  // Bumped by every event and commit that sets wanted or serves: the acceptor
  // adopts a server it read from the fleet only if nothing changed it since
  // the read (else it would put back what an update just took away).
  std::uint64_t version = 1;
  bool gone = false;  // taken out of the maps (deleted): nothing opens it again
};

}  // namespace sftp
