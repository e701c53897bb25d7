// The mapping table: every core error to Transfer's type, status and words.
#include <doctest/doctest.h>

#include <rapidjson/document.h>

#include "adapters/transfer/errors.h"

using namespace transfer;

TEST_CASE("every core error maps to a Transfer error with the seed's status") {
  struct Row {
    core::Error error;
    std::string_view type;
    int status;
    std::string message;
  };
  auto throttle = core::throttled(7);
  const Row rows[] = {
      {core::not_found("s-0123456789abcdef0", core::Action::Stop), "ResourceNotFoundException", 400, "Unknown server"},
      {core::invalid_state("s-0123456789abcdef0", core::Action::Stop, core::State::Starting), "InvalidRequestException",
       400, "Cannot stop server s-0123456789abcdef0 while it is STARTING"},
      {core::locked("s-0123456789abcdef0", core::Action::Stop, core::LockOwner::Admin), "InvalidRequestException", 400,
       "Server s-0123456789abcdef0 is locked by its admin; only an admin may stop it"},
      {core::forbidden("s-0123456789abcdef0", core::Action::Stop), "AccessDeniedException", 400,
       "You are not allowed to stop server s-0123456789abcdef0"},
      {core::unauthenticated("bad key"), "AccessDeniedException", 400, "bad key"},
      {core::invalid_argument("Tags", "too many"), "InvalidRequestException", 400, "too many"},
      {core::invalid_argument("cursor", "x"), "InvalidNextTokenException", 400,
       "The NextToken was not issued for this listing"},
      {throttle, "ThrottlingException", 400, "Rate exceeded"},
      {core::unavailable("x"), "ServiceUnavailableException", 500, "The service is unavailable. Try again later."},
      {core::internal("x"), "InternalServiceError", 500, "An internal error occurred in the service."},
  };
  for (const auto& row : rows) {
    CAPTURE(row.type);
    const auto e = from_core(row.error, "StopServer");
    CHECK(e.type == row.type);
    CHECK(e.status == row.status);
    CHECK(e.message == row.message);
  }
}

TEST_CASE("error bodies carry __type and Message, plus the members of their shape") {
  rapidjson::Document doc;
  doc.Parse(error_body(from_core(core::not_found("s-0123456789abcdef0", core::Action::Stop), "StopServer")).c_str());
  CHECK(std::string(doc["__type"].GetString()) == "ResourceNotFoundException");
  CHECK(std::string(doc["Message"].GetString()) == "Unknown server");
  CHECK(std::string(doc["Resource"].GetString()) == "s-0123456789abcdef0");
  CHECK(std::string(doc["ResourceType"].GetString()) == "Server");

  doc.Parse(error_body(from_core(core::throttled(7), "StopServer")).c_str());
  CHECK(std::string(doc["RetryAfterSeconds"].GetString()) == "7");  // a string, as the model says
  CHECK_FALSE(doc.HasMember("Resource"));
}

TEST_CASE("protocol errors") {
  CHECK(unknown_operation("TransferService.Nope").type == "UnknownOperationException");
  CHECK(unknown_operation("").message == "Missing X-Amz-Target header");
  CHECK(missing_authentication().type == "MissingAuthenticationTokenException");
  CHECK(serialization_error("x").type == "SerializationException");
  CHECK(serialization_error("x").status == 400);
}
