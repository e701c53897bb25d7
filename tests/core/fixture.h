// A fleet with a manual clock and sequential ids, and an event recorder:
// everything a core test needs, without sleeping.
#pragma once

#include <mutex>
#include <vector>

#include "core/fleet.h"

namespace test {

struct FleetFixture {
  core::ManualClock clock;
  core::SequentialIds ids;
  core::Tenants tenants;
  core::Fleet fleet{clock, ids, tenants};
  core::TenantId demo = tenants.for_project("demo");
  core::TenantId alt = tenants.for_project("alt");
  core::Caller owner{demo, false, true, false};
  core::Caller reader{demo, false, false, false};
  core::Caller other{alt, false, true, false};
  core::Caller admin{tenants.for_project("admin"), true, true, true};

  std::mutex events_mutex;
  std::vector<core::Event> events;

  FleetFixture() {
    fleet.events().subscribe([this](const core::Event& e) {
      std::lock_guard lock(events_mutex);
      events.push_back(e);
    });
  }

  // A settled server in `state`, owned by demo.
  core::ServerInfo seed(core::State state, std::string name = "s") {
    core::CreateSpec spec;
    spec.name = std::move(name);
    spec.initial_state = state;
    return fleet.seed(demo, std::move(spec)).value();
  }

  core::State state_of(const std::string& id) { return fleet.get(admin, id).value().state; }
};

}  // namespace test
