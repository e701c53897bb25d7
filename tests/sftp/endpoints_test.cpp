// sftp::Endpoints in-process, without a client: a server's port listens
// while it is Running and refuses as soon as it is not, keeps its number
// through a stop and a start, is kept as a document, and closes for good
// with the server.
#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <thread>
#include <filesystem>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/fleet.h"
#include "core/ids.h"
#include "core/logins.h"
#include "core/tenants.h"
#include "secret/secret.h"
#include "secret/ssh_keys.h"
#include "sftp/endpoints.h"

namespace {

struct DerivedKeys final : core::HostKeyMaker {
  std::string new_secret() const override { return secret::random_hex(32); }
  core::HostKey generate(std::string_view secret, std::string_view server) const override {
    const auto key = secret::derive_host_key(secret, server);
    core::HostKey out;
    out.type = key.type;
    out.fingerprint = key.fingerprint;
    out.public_line = key.public_line;
    out.private_pem = key.private_pem;
    return out;
  }
};

sockaddr_in loopback(int port) {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return address;
}

// Whether a TCP connection to 127.0.0.1:port is accepted.
bool accepts(int port) {
  const int s = ::socket(AF_INET, SOCK_STREAM, 0);
  auto address = loopback(port);
  const bool ok = ::connect(s, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
  ::close(s);
  return ok;
}

// The CPU this process used so far, user and system, in seconds.
double cpu_seconds() {
  rusage used{};
  ::getrusage(RUSAGE_SELF, &used);
  return static_cast<double>(used.ru_utime.tv_sec + used.ru_stime.tv_sec) +
         static_cast<double>(used.ru_utime.tv_usec + used.ru_stime.tv_usec) / 1e6;
}

struct World {
  core::SystemClock clock;
  core::RandomIds ids{7};
  core::Tenants tenants;
  core::Fleet fleet{clock, ids, tenants};
  DerivedKeys maker;
  core::Logins logins{fleet, ids, maker};
  std::string dir = std::filesystem::temp_directory_path() / ("sftp-endpoints-test-" + std::to_string(::getpid()));
  sftp::Endpoints endpoints{fleet, logins, sftp::Settings{true, "127.0.0.1", 0, 0, dir}};
  core::Caller caller{tenants.for_project("demo"), false, true, false};
  World() { endpoints.start(); }
  ~World() {
    endpoints.stop();
    std::filesystem::remove_all(dir);
  }
};

}  // namespace

TEST_CASE("a server's port listens while it is Running, refuses otherwise, and closes for good with it") {
  World w;
  auto created = w.fleet.create(w.caller, core::CreateSpec{});
  REQUIRE(created);
  const auto port = w.endpoints.port_of(created->transfer_id);
  REQUIRE(port.has_value());
  CHECK(w.endpoints.host() == "127.0.0.1");
  CHECK(accepts(*port));

  REQUIRE(w.fleet.stop(w.caller, created->transfer_id));
  CHECK_FALSE(accepts(*port));  // at once: the stop's answer comes after the port is shut
  REQUIRE(w.fleet.start(w.caller, created->transfer_id));
  CHECK(w.endpoints.port_of(created->transfer_id) == port);
  CHECK(accepts(*port));

  const auto documents = w.endpoints.documents();
  REQUIRE(documents.size() == 1);
  CHECK(documents[0].kind == "sftp-port");
  CHECK(documents[0].key == created->transfer_id);
  CHECK(documents[0].value == std::to_string(*port));

  REQUIRE(w.fleet.remove(w.caller, created->transfer_id));
  CHECK_FALSE(w.endpoints.port_of(created->transfer_id).has_value());
  CHECK_FALSE(accepts(*port));
  CHECK(w.endpoints.stats().endpoints == 0);
}

TEST_CASE("a server whose Protocols leave SFTP out gets no port") {
  World w;
  core::CreateSpec spec;
  spec.attributes = {{std::string(sftp::kProtocolsAttribute), "FTPS,AS2"}};
  auto created = w.fleet.create(w.caller, spec);
  REQUIRE(created);
  CHECK_FALSE(w.endpoints.port_of(created->transfer_id).has_value());
  CHECK(w.endpoints.verify({core::Document{"sftp-port", "s-1", "99999"}}).has_value());
  CHECK_FALSE(w.endpoints.verify({core::Document{"sftp-port", "s-1", "2222"}}).has_value());
}

TEST_CASE("an update that takes SFTP out of Protocols shuts the port, and one that puts it back opens the same") {
  World w;
  const auto set_protocols = [&](const std::string& id, const std::string& protocols) {
    return w.fleet.update(w.caller, id, [&](core::Editable& e) {
      core::set_pair(e.attributes, std::string(sftp::kProtocolsAttribute), protocols);
    });
  };
  auto created = w.fleet.create(w.caller, core::CreateSpec{});
  REQUIRE(created);
  const auto port = w.endpoints.port_of(created->transfer_id);
  REQUIRE(port.has_value());
  REQUIRE(set_protocols(created->transfer_id, "AS2"));
  CHECK_FALSE(w.endpoints.port_of(created->transfer_id).has_value());
  CHECK_FALSE(accepts(*port));
  CHECK(w.endpoints.documents().size() == 1);  // the port stays the server's
  REQUIRE(set_protocols(created->transfer_id, "SFTP,AS2"));
  CHECK(w.endpoints.port_of(created->transfer_id) == port);
  CHECK(accepts(*port));
  // An update that leaves Protocols alone changes nothing.
  REQUIRE(w.fleet.update(w.caller, created->transfer_id, [](core::Editable& e) { e.name = "renamed"; }));
  CHECK(accepts(*port));

  // A server made without SFTP gets a port when it is added; a stopped one does not listen yet.
  core::CreateSpec spec;
  spec.attributes = {{std::string(sftp::kProtocolsAttribute), "AS2"}};
  auto other = w.fleet.create(w.caller, spec);
  REQUIRE(other);
  REQUIRE(w.fleet.stop(w.caller, other->transfer_id));
  REQUIRE(set_protocols(other->transfer_id, "SFTP"));
  const auto other_port = w.endpoints.port_of(other->transfer_id);
  REQUIRE(other_port.has_value());
  CHECK(other_port != port);
  CHECK_FALSE(accepts(*other_port));
  REQUIRE(w.fleet.start(w.caller, other->transfer_id));
  CHECK(accepts(*other_port));
  CHECK(w.endpoints.documents().size() == 2);
}

TEST_CASE("stops and starts of many servers at once, with clients connecting, leave each port as its server is") {
  // Each port's system calls run under its own endpoint's lock, and the
  // acceptor accepts under it: threads that stop and start different servers
  // while connections arrive must neither deadlock nor leave a port that
  // disagrees with its server's state.
  World w;
  constexpr int kThreads = 4, kPerThread = 4, kRounds = 150;
  std::vector<std::string> ids;
  std::vector<int> ports;
  for (int i = 0; i < kThreads * kPerThread; ++i) {
    auto created = w.fleet.create(w.caller, core::CreateSpec{});
    REQUIRE(created);
    ids.push_back(created->transfer_id);
    const auto port = w.endpoints.port_of(created->transfer_id);
    REQUIRE(port.has_value());
    ports.push_back(*port);
  }
  std::atomic<bool> done{false};
  std::thread client([&] {  // connections to every port, accepted or refused as they come
    for (std::size_t i = 0; !done; ++i) accepts(ports[i % ports.size()]);
  });
  std::vector<std::thread> workers;
  std::atomic<int> refused{0};
  for (int t = 0; t < kThreads; ++t) {
    workers.emplace_back([&, t] {
      for (int round = 0; round < kRounds; ++round)
        for (int k = 0; k < kPerThread; ++k) {
          const auto& id = ids[static_cast<std::size_t>(t * kPerThread + k)];
          if (!w.fleet.stop(w.caller, id)) ++refused;
          if (round + 1 < kRounds || k % 2 == 0)  // the odd ones end the test stopped
            if (!w.fleet.start(w.caller, id)) ++refused;
        }
    });
  }
  for (auto& worker : workers) worker.join();
  done = true;
  client.join();
  CHECK(refused == 0);
  std::size_t running = 0;
  for (std::size_t i = 0; i < ids.size(); ++i) {
    auto server = w.fleet.get(w.caller, ids[i]);
    REQUIRE(server);
    const bool is_running = server->state == core::State::Running;
    running += is_running;
    CHECK_MESSAGE(accepts(ports[i]) == is_running, ids[i], " on port ", ports[i]);
    CHECK(w.endpoints.port_of(ids[i]) == ports[i]);  // the same port through every stop
  }
  CHECK(running == ids.size() / 2);
  CHECK(w.endpoints.stats().listening == running);
}

TEST_CASE("a port another socket listens on is tried again later, without spinning, and served once it is free") {
  // Two gateways on one machine (several gateways on one PostgreSQL) share the fleet's ports: the
  // other may listen on a port this one holds bound. The acceptor must not spin on the refusal.
  World w;
  auto created = w.fleet.create(w.caller, core::CreateSpec{});
  REQUIRE(created);
  const auto port = w.endpoints.port_of(created->transfer_id);
  REQUIRE(port.has_value());
  REQUIRE(w.fleet.stop(w.caller, created->transfer_id));  // bound, not listening

  const int other = ::socket(AF_INET, SOCK_STREAM, 0);
  int yes = 1;
  ::setsockopt(other, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  auto address = loopback(*port);
  REQUIRE(::bind(other, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
  REQUIRE(::listen(other, 8) == 0);

  REQUIRE(w.fleet.start(w.caller, created->transfer_id));
  CHECK(w.endpoints.stats().listening == 0);
  const double before = cpu_seconds();
  std::this_thread::sleep_for(std::chrono::seconds(1));
  // A spinning acceptor burns about a whole core; one that waits for its next poll, milliseconds.
  MESSAGE("cpu " << cpu_seconds() - before);
  CHECK(cpu_seconds() - before < 0.5);

  ::close(other);
  bool served = false;
  for (int i = 0; i < 50 && !served; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    served = w.endpoints.stats().listening == 1;
  }
  CHECK(served);
  CHECK(accepts(*port));
}
