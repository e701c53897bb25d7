// One SSH connection to a server's endpoint, from the key exchange to the
// last SFTP request, on its own thread (endpoints.cpp starts it). Internal
// to sftp/.
#pragma once

#include <atomic>
#include <mutex>
#include <string>
#include <thread>

#include "core/fleet.h"
#include "core/logins.h"
#include "sftp/endpoints.h"

namespace sftp {

struct Endpoints::Session {
  std::string transfer_id;
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
  std::mutex& mutex;  // the Endpoints' mutex: guards Session::fd and Session::user
};

// Serves `session` until the client leaves, the socket is shut down (the
// server left ONLINE) or a timeout passes; closes the socket.
void run_session(SessionContext context, Endpoints::Session& session);

}  // namespace sftp
