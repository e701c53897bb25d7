// One SSH connection to a server's endpoint, from the key exchange to the
// last SFTP request, on its own thread (endpoints.cpp starts it). Internal
// to sftp/.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "core/fleet.h"
#include "core/logins.h"
#include "sftp/endpoints.h"

namespace sftp {

// What a server's tree holds, shared by its sessions: counted from the disk
// when a session logs in while none other of the server is open (so files
// put in or taken out from outside count from then), then kept by the
// sessions' writes, truncations and removals. The quota is checked against it.
struct TreeUsage {
  std::mutex mutex;  // guards sessions, and the count at a login
  std::size_t sessions = 0;
  std::atomic<std::uint64_t> bytes{0};
};

struct Endpoints::Session {
  std::string transfer_id;
  std::shared_ptr<TreeUsage> usage;  // the server's
  std::string remote;       // "address:port"
  int fd = -1;              // guarded by the Endpoints' mutex; -1 once libssh closed it
  std::string user;         // once logged in (guarded by the Endpoints' mutex)
  std::atomic<bool> done{false};
  std::thread thread;
};

struct SessionContext {
  core::Fleet& fleet;
  core::Logins& logins;
  Endpoints::Counters& counters;
  std::string data_dir;
  std::uint64_t quota = 0;  // the most bytes a server's tree may hold; 0: no bound
  std::mutex& mutex;  // the Endpoints' mutex: guards Session::fd and Session::user
};

// Serves `session` until the client leaves, the socket is shut down (the
// server left ONLINE) or a timeout passes; closes the socket.
void run_session(SessionContext context, Endpoints::Session& session);

}  // namespace sftp
