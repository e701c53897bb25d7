#include <doctest/doctest.h>

#include <algorithm>

#include "core/clock.h"
#include "core/faults.h"

using core::ErrorCode;
using core::FaultRule;

TEST_CASE("no rules: nothing happens, and nothing is locked") {
  core::Faults f;
  auto plan = f.decide("nova", "os-stop", "x", std::nullopt);
  CHECK_FALSE(plan.error.has_value());
  CHECK(plan.latency_ms == 0);
  CHECK_FALSE(plan.fail_transition);
}

TEST_CASE("rules match on api, operation, server by either identity, and tenant") {
  core::Faults f;
  FaultRule r;
  r.api = "transfer";
  r.operation = "StopServer";
  r.server_uuid = "6f1c2a3e-0b4d-4c5e-8f60-7a8b9c0d1e01";
  r.server_transfer_id = "s-0123456789abcde01";
  r.tenant = 3;
  r.error = ErrorCode::Unavailable;
  f.add(r);
  CHECK_FALSE(f.decide("nova", "StopServer", "s-0123456789abcde01", 3).error);
  CHECK_FALSE(f.decide("transfer", "StartServer", "s-0123456789abcde01", 3).error);
  CHECK_FALSE(f.decide("transfer", "StopServer", "s-0123456789abcde02", 3).error);
  CHECK_FALSE(f.decide("transfer", "StopServer", "s-0123456789abcde01", 4).error);
  auto hit = f.decide("transfer", "StopServer", "s-0123456789abcde01", 3);
  REQUIRE(hit.error);
  CHECK(hit.error->code == ErrorCode::Unavailable);
  CHECK(f.decide("transfer", "StopServer", "6F1C2A3E-0B4D-4C5E-8F60-7A8B9C0D1E01", 3).error);
}

TEST_CASE("a count spends itself; effects combine; remove and clear") {
  core::Faults f;
  FaultRule throttle;
  throttle.error = ErrorCode::Throttled;
  throttle.retry_after_s = 7;
  throttle.count = 2;
  const auto id = f.add(throttle);
  FaultRule slow;
  slow.latency_ms = 30;
  slow.fail_transition = true;
  f.add(slow);
  auto first = f.decide("nova", "os-stop", "", std::nullopt);
  REQUIRE(first.error);
  CHECK(first.error->code == ErrorCode::Throttled);
  CHECK(first.error->retry_after_s == 7);
  CHECK(first.latency_ms == 30);
  CHECK(first.fail_transition);
  CHECK(f.decide("nova", "os-stop", "", std::nullopt).error);
  CHECK_FALSE(f.decide("nova", "os-stop", "", std::nullopt).error);  // spent
  CHECK(f.list()[0].fired == 2);
  CHECK(f.remove(id));
  CHECK_FALSE(f.remove(id));
  CHECK(f.list().size() == 1);
  f.clear();
  CHECK(f.list().empty());
}

TEST_CASE("a probability with a seed repeats the same run") {
  auto run = [] {
    core::Faults f;
    FaultRule r;
    r.error = ErrorCode::Internal;
    r.probability = 0.3;
    r.seed = 42;
    f.add(r);
    std::string pattern;
    for (int i = 0; i < 200; ++i) pattern += f.decide("nova", "os-start", "", std::nullopt).error ? 'x' : '.';
    return pattern;
  };
  const auto a = run();
  CHECK(a == run());
  const auto hits = std::count(a.begin(), a.end(), 'x');
  CHECK(hits > 30);
  CHECK(hits < 90);
}

TEST_CASE("the switchable clock freezes, advances, and returns to the wall") {
  core::SwitchableClock c;
  CHECK_FALSE(c.is_virtual());
  c.use_virtual();
  const auto frozen = c.now_ms();
  CHECK(c.now_ms() == frozen);
  c.advance(5000);
  CHECK(c.now_ms() == frozen + 5000);
  c.use_real();
  CHECK_FALSE(c.is_virtual());
  CHECK(c.now_ms() < frozen + 5000);
}
