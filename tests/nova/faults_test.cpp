// The mapping table: every core error to Nova's status, fault name and message.
#include <doctest/doctest.h>

#include <rapidjson/document.h>

#include "adapters/openstack/nova/faults.h"
#include "adapters/openstack/nova/microversion.h"

using namespace openstack;

TEST_CASE("every core error maps to Nova's status, fault name and message") {
  const std::string id = "6f1c2a3e-0b4d-4c5e-8f60-7a8b9c0d1e01";
  struct Row {
    core::Error error;
    int status;
    std::string_view name;
    std::string message;
  };
  auto unlock_override = core::forbidden(id, core::Action::Unlock);
  unlock_override.lock_owner = core::LockOwner::Admin;
  const Row rows[] = {
      {core::not_found(id, core::Action::Stop), 404, "itemNotFound", "Instance " + id + " could not be found."},
      {core::invalid_state(id, core::Action::Stop, core::State::Stopped), 409, "conflictingRequest",
       "Cannot 'stop' instance " + id + " while it is in vm_state stopped"},
      {core::invalid_state(id, core::Action::Stop, core::State::Stopping), 409, "conflictingRequest",
       "Cannot 'stop' instance " + id + " while it is in task_state powering-off"},
      {core::invalid_state(id, core::Action::Start, core::State::Running), 409, "conflictingRequest",
       "Cannot 'start' instance " + id + " while it is in vm_state active"},
      {core::invalid_state(id, core::Action::Rescue, core::State::Paused), 409, "conflictingRequest",
       "Cannot 'rescue' instance " + id + " while it is in vm_state paused"},
      {core::invalid_state(id, core::Action::Rescue, core::State::Rescued), 409, "conflictingRequest",
       "Cannot 'rescue' instance " + id + " while it is in vm_state rescued"},
      {core::invalid_state(id, core::Action::RebootHard, core::State::Rescued), 409, "conflictingRequest",
       "Cannot 'reboot' instance " + id + " while it is in vm_state rescued"},
      {core::invalid_state(id, core::Action::Unrescue, core::State::Running), 409, "conflictingRequest",
       "Cannot 'unrescue' instance " + id + " while it is in vm_state active"},
      {core::invalid_state(id, core::Action::Unrescue, core::State::Unrescuing), 409, "conflictingRequest",
       "Cannot 'unrescue' instance " + id + " while it is in task_state unrescuing"},
      {core::forbidden(id, core::Action::Rescue), 403, "forbidden",
       "Policy doesn't allow os_compute_api:os-rescue to be performed."},
      {core::forbidden(id, core::Action::Unrescue), 403, "forbidden",
       "Policy doesn't allow os_compute_api:os-unrescue to be performed."},
      {core::locked(id, core::Action::Stop, core::LockOwner::Owner), 409, "conflictingRequest",
       "Instance " + id + " is locked"},
      {core::forbidden(id, core::Action::Stop), 403, "forbidden",
       "Policy doesn't allow os_compute_api:servers:stop to be performed."},
      {unlock_override, 403, "forbidden",
       "Policy doesn't allow os_compute_api:os-lock-server:unlock:unlock_override to be performed."},
      {core::unauthenticated("x"), 401, "unauthorized", "The request you have made requires authentication."},
      {core::invalid_argument("name", "Invalid input"), 400, "badRequest", "Invalid input"},
      {core::throttled(3), 413, "overLimit", "This request was rate-limited."},
      {core::unavailable("x"), 503, "serviceUnavailable", "The service is unavailable at this time."},
  };
  for (const auto& row : rows) {
    CAPTURE(row.message);
    const auto f = from_core(row.error);
    CHECK(f.status == row.status);
    CHECK(f.name == row.name);
    CHECK(f.message == row.message);
  }
  const auto internal = from_core(core::internal("x"));
  CHECK(internal.status == 500);
  CHECK(internal.name == "computeFault");
}

TEST_CASE("fault bodies: Nova's shape, keystonemiddleware's for 401, retryAfter for 413") {
  rapidjson::Document doc;
  doc.Parse(fault_body(from_core(core::throttled(3))).c_str());
  CHECK(doc["overLimit"]["code"].GetInt() == 413);
  CHECK(std::string(doc["overLimit"]["retryAfter"].GetString()) == "3");
  doc.Parse(fault_body(unauthorized()).c_str());
  CHECK(std::string(doc["error"]["title"].GetString()) == "Unauthorized");
  CHECK(doc["error"]["code"].GetInt() == 401);
}

TEST_CASE("a fault that echoes bytes that are not UTF-8 is still UTF-8 JSON (found by fuzzing)") {
  // X-OpenStack-Nova-API-Version: \xfe, and ?%F8=1 at 2.75 or later.
  for (const auto& fault : {std::get<Fault>(negotiate("", "\xfe")),
                            bad_request("Invalid input for query parameters \xf8. Value: 1.")}) {
    rapidjson::Document doc;
    const auto body = fault_body(fault);
    doc.Parse<rapidjson::kParseValidateEncodingFlag>(body.c_str());
    CHECK_FALSE(doc.HasParseError());
  }
}

TEST_CASE("microversion negotiation") {
  auto v = [](std::string a, std::string b) { return negotiate(a, b); };
  CHECK(std::get<Version>(v("", "")).text() == "2.1");
  CHECK(std::get<Version>(v("compute 2.47", "")).text() == "2.47");
  CHECK(std::get<Version>(v("image 2.5, compute 2.9", "")).text() == "2.9");
  CHECK(std::get<Version>(v("", "2.73")).text() == "2.73");
  CHECK(std::get<Version>(v("compute latest", "")).text() == "2.79");
  CHECK(std::get<Version>(v("compute 2.9", "2.73")).text() == "2.9");  // the new header wins
  CHECK(std::get<Fault>(v("compute 2.80", "")).status == 406);
  CHECK(std::get<Fault>(v("compute 3.0", "")).status == 406);
  CHECK(std::get<Fault>(v("compute 2.0", "")).status == 406);
  for (const char* malformed : {"2.01", "02.1", "2.-1", "+2.1", "2.", ".1", "2.1.1", "2", "2.99999999999", "2.1x"}) {
    CAPTURE(malformed);
    CHECK(std::get<Fault>(v(std::string("compute ") + malformed, "")).status == 400);
  }
  CHECK(std::get<Version>(v("compute  2.10 ", "")).text() == "2.10");
  CHECK(std::get<Version>(v("", "latest")).text() == "2.79");
  CHECK(std::get<Fault>(v("compute 1.0", "")).message ==
        "Version 1.0 is not supported by the API. Minimum is 2.1 and maximum is 2.79.");
  const auto bad = std::get<Fault>(v("compute two", ""));
  CHECK(bad.status == 400);
  CHECK(bad.message == "API Version String two is of invalid format. Must be of format MajorNum.MinorNum.");
}
