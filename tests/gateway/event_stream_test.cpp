#include <doctest/doctest.h>

#include <rapidjson/document.h>

#include <chrono>
#include <thread>

#include "gateway/event_stream.h"

TEST_CASE("a full event buffer drops the oldest and counts them") {
  gateway::EventQueue queue(4);
  for (std::uint64_t i = 1; i <= 6; ++i) {
    core::Event e;
    e.seq = i;
    queue.push(e);
  }
  std::size_t dropped = 0;
  auto events = queue.pop(0, dropped);
  CHECK(dropped == 2);
  REQUIRE(events.size() == 4);
  CHECK(events.front().seq == 3);
  CHECK(events.back().seq == 6);
  events = queue.pop(0, dropped);  // the count is reported once
  CHECK(dropped == 0);
  CHECK(events.empty());
}

TEST_CASE("an event as JSON carries both identities, the tenant and both states") {
  core::Tenants tenants;
  tenants.map("demo", "000000000000", "us-east-1");
  core::Event e;
  e.seq = 9;
  e.kind = core::EventKind::StateChanged;
  e.uuid = "6f1c2a3e-0b4d-4c5e-8f60-7a8b9c0d1e01";
  e.transfer_id = "s-0123456789abcde01";
  e.tenant = tenants.for_project("demo");
  e.old_state = core::State::Running;
  e.new_state = core::State::Stopping;
  e.cause = core::Action::Stop;
  e.at_ms = 1234;
  rapidjson::Document doc;
  doc.Parse(gateway::event_json(e, tenants).c_str());
  REQUIRE(doc.IsObject());
  CHECK(doc["seq"].GetUint64() == 9);
  CHECK(std::string(doc["kind"].GetString()) == "state_changed");
  CHECK(std::string(doc["id"].GetString()) == e.uuid);
  CHECK(std::string(doc["server_id"].GetString()) == e.transfer_id);
  CHECK(std::string(doc["tenant"]["account"].GetString()) == "000000000000");
  CHECK(std::string(doc["old_state"].GetString()) == "running");
  CHECK(std::string(doc["new_state"].GetString()) == "stopping");
  CHECK(std::string(doc["cause"].GetString()) == "stop");
  CHECK(doc["at_ms"].GetInt64() == 1234);
}

TEST_CASE("a closed queue wakes its reader at once and never waits again") {
  gateway::EventQueue queue(4);
  std::size_t dropped = 0;
  std::thread closer([&queue] {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    queue.close();
  });
  const auto start = std::chrono::steady_clock::now();
  CHECK(queue.pop(60000, dropped).empty());  // woken by close(), not by the minute's timeout
  closer.join();
  CHECK(queue.pop(60000, dropped).empty());
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(30));
}
