// Endpoints::Endpoint, and the limits endpoints.cpp (ports, events) and
// acceptor.cpp (connections, sessions) share. Private to those two files.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
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

struct Endpoints::Endpoint {
  std::string transfer_id;
  std::uint64_t serial = 0;  // names it to epoll (never 0: the wake pipe's)
  int port = 0;
  int fd = -1;  // bound (reserving the port), or listening; -1: none yet
  bool listening = false;
  bool wanted = false;  // the server is Running
  // Its Protocols include SFTP: an UpdateServer that takes SFTP away keeps
  // the port (bound, not listening) for the server's life, and gives it
  // back if SFTP returns, as an AWS server keeps its host name.
  bool serves = true;
  // Bumped by every event and commit that sets wanted or serves: the acceptor
  // adopts a server it read from the fleet only if nothing changed it since
  // the read (else it would put back what an update just took away).
  std::uint64_t version = 1;
  std::shared_ptr<TreeUsage> usage = std::make_shared<TreeUsage>();
};

}  // namespace sftp
