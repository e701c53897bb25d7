// The SFTP endpoints (TRANSFER.md, "The SFTP endpoint"): each server whose
// Protocols include SFTP has its own port, fixed at creation and kept as a
// document ("sftp-port") so a restart with --state serves it on the same
// one. The port listens while the server is Running (Transfer's ONLINE);
// in any other state it refuses connections, and the sessions open on it are
// closed the moment the server leaves Running. SSH and SFTP are libssh's
// (server mode and its SFTP server API); what is ours is who may log in, the
// paths (sftp/paths.h) and the files under the data directory.
//
// Threads: one acceptor polls every listening port; each session runs on a
// thread of its own, at most kMaxSessions at once (more are closed at
// once). Never included by the core: the gateway wires it in.
#pragma once

#include <atomic>
#include <cstdint>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

#include "core/document.h"
#include "core/fleet.h"
#include "core/logins.h"

namespace sftp {

// The attribute the Transfer adapter keeps Protocols in (comma-joined;
// absent: SFTP, Transfer's default).
inline constexpr std::string_view kProtocolsAttribute = "transfer.Protocols";

// --sftp-quota's default (1 GiB): a client cannot fill the disk through one server.
inline constexpr std::uint64_t kDefaultQuota = std::uint64_t{1} << 30;

struct Settings {
  bool enabled = true;
  std::string host = "127.0.0.1";
  int first_port = 0;  // with last_port: the range ports are taken from; 0: any free port
  int last_port = 0;
  std::string data_dir;  // one tree per server under it (created if missing)
  std::uint64_t quota = kDefaultQuota;  // the most bytes one server's tree may hold; 0: no bound
};

// What /metrics shows.
struct Stats {
  std::uint64_t sessions_total = 0;  // sessions accepted (past the key exchange)
  std::uint64_t sessions_open = 0;
  std::uint64_t logins_accepted = 0;
  std::uint64_t logins_refused = 0;
  std::uint64_t connections_refused = 0;  // over the session bound, or the server not ONLINE
  std::uint64_t bytes_received = 0;      // written to files
  std::uint64_t bytes_sent = 0;          // read from files
  std::uint64_t endpoints = 0;
  std::uint64_t listening = 0;
};

inline constexpr std::size_t kMaxSessions = 64;    // open at once, over every server
inline constexpr std::size_t kMaxEndpoints = 1024;  // servers given a port (the rest: none)

class Endpoints final : public core::Keeper {
 public:
  // Registers itself as a keeper of `fleet` (before the fleet is seeded).
  Endpoints(core::Fleet& fleet, core::Logins& logins, Settings settings);
  ~Endpoints() override;
  Endpoints(const Endpoints&) = delete;
  Endpoints& operator=(const Endpoints&) = delete;

  // Once the fleet is loaded: opens the ports of Running servers and starts
  // following the fleet's changes.
  void start();
  // Closes every port and session; waits for the session threads.
  void stop();

  // The server's port, if it has an endpoint.
  std::optional<int> port_of(std::string_view transfer_id) const;
  const std::string& host() const { return settings_.host; }
  const std::string& data_dir() const { return settings_.data_dir; }
  bool enabled() const { return settings_.enabled; }
  Stats stats() const;
  // Open sessions of a server: (user, remote address) each.
  std::vector<std::pair<std::string, std::string>> sessions_of(std::string_view transfer_id) const;

  // core::Keeper: documents of kind "sftp-port", keyed by Transfer identity,
  // the port in decimal. Not in snapshots: a port is this machine's.
  bool owns(std::string_view kind) const override;
  bool in_snapshots() const override { return false; }
  std::optional<std::string> verify(const std::vector<core::Document>& documents) const override;
  void load(const std::vector<core::Document>& documents) override;
  void reset() override {}
  std::vector<core::Document> documents() const override;
  core::Staged stage_create(const core::ServerInfo& server, const core::CreateSpec& spec, core::Millis now) override;
  core::Staged stage_delete(const core::ServerInfo& server, core::Millis now) override;
  // An UpdateServer that adds SFTP to Protocols opens the port (a new one if
  // the server never had one); one that takes it away closes it.
  core::Staged stage_update(const core::ServerInfo& before, const core::ServerInfo& after, core::Millis now) override;

  struct Session;   // session.h
  struct Endpoint;  // endpoints.cpp
  struct Counters {
    std::atomic<std::uint64_t> sessions_total{0}, logins_accepted{0}, logins_refused{0}, connections_refused{0},
        bytes_received{0}, bytes_sent{0};
  };

 private:
  using EndpointPtr = std::shared_ptr<Endpoint>;
  // A socket bound to `port` (not listening) so no one else takes it; port
  // 0: a new endpoint's, any free one (or the next free one of the range:
  // then called with mutex_ held). The port, or -1 when none could be had.
  int reserve(int port, int& fd);
  void on_event(const core::Event& e);
  // The endpoint's port as its fields say (listening or bound); called with
  // the endpoint's lock held, never with mutex_ (close_held takes it for the sessions).
  void open_held(Endpoint& ep);
  void close_held(Endpoint& ep, bool for_good);
  // Sets what the server wants of its port and makes it so (the endpoint's lock held).
  void follow_held(Endpoint& ep, bool wanted, bool serves);
  // Takes the endpoint out of the maps (mutex_ held); the caller then shuts it for good.
  EndpointPtr remove_locked(std::string_view transfer_id);
  void shut_for_good(const EndpointPtr& ep);
  EndpointPtr find(std::string_view transfer_id) const;
  std::vector<EndpointPtr> all() const;
  void accept_loop();
  void accept_one(std::uint64_t serial);
  // Looks up every server with a port, then lists the fleet while ports remain, and adopts them (at start).
  void resync();
  // The server one of whose identities is `id`, whoever's it is (the
  // endpoints follow every tenant's servers); none if there is none.
  std::optional<core::ServerInfo> server_named(std::string_view id);
  // Gives each server with SFTP an endpoint if it has none, and its port the server's state.
  // With read_at (each server's Endpoint::version when it was read, 0: none), a server that
  // changed since its read is queued to be read again instead.
  void adopt(const std::vector<core::ServerInfo>& servers, const std::vector<std::uint64_t>& read_at = {});
  void wake();
  void reap_locked();

  core::Fleet& fleet_;
  core::Logins& logins_;
  Settings settings_;
  mutable std::mutex mutex_;
  using EndpointMap = std::map<std::string, EndpointPtr, std::less<>>;
  EndpointPtr insert_locked(EndpointPtr ep);  // gives it its serial
  EndpointMap endpoints_;  // by Transfer identity
  std::unordered_map<std::uint64_t, EndpointPtr> by_serial_;  // what epoll names
  std::uint64_t serials_ = 0;
  int epoll_ = -1;
  std::list<std::shared_ptr<Session>> sessions_;
  std::vector<std::string> pending_;  // servers loaded without a create, for the acceptor to adopt
  std::atomic<bool> running_{false};  // written under mutex_; read by open_held
  int wake_[2] = {-1, -1};
  std::thread acceptor_;
  std::uint64_t subscription_ = 0;
  Counters counters_;
};

}  // namespace sftp
