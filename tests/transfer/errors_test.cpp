// The mapping table: every core error to Transfer's type, status and words.
#include <doctest/doctest.h>

#include <rapidjson/document.h>

#include "adapters/transfer/errors.h"
#include "adapters/transfer/model.h"

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

TEST_CASE("validation messages and error bodies stay UTF-8 JSON") {
  // A value shown in a message is cut at 200 bytes; cutting inside a
  // character made the body unparseable for every client.
  rapidjson::Document body;
  const std::string text = R"({"ServerId": ")" + std::string(199, 'a') + "\xc3\xa9\"}";
  body.Parse(text.c_str());
  Input in(body);
  CHECK_FALSE(in.server_id());
  REQUIRE(in.error());
  CHECK(in.error()->find("Value '" + std::string(199, 'a') + "' at 'serverId'") != std::string::npos);

  // Whatever bytes a message carries, the body is UTF-8 JSON.
  for (const auto& e : {invalid_request(*in.error()), unknown_operation("TransferService.\xfe"),
                        access_denied(std::string("\xc3"))}) {
    rapidjson::Document doc;
    const auto text = error_body(e);
    doc.Parse<rapidjson::kParseValidateEncodingFlag>(text.c_str());
    CHECK_FALSE(doc.HasParseError());
  }
}

TEST_CASE("tags keep a lone surrogate escape as U+FFFD (found by fuzzing)") {
  // Stored as RapidJSON decodes it (ED B0 80), it broke every later
  // DescribeServer for botocore (UnicodeDecodeError).
  rapidjson::Document body;
  body.Parse(R"({"Tags": [{"Key": "Name", "Value": "x\udc00"}], "TagKeys": ["\udfff"]})");
  Input in(body);
  const auto tags = in.tags(true);
  REQUIRE(tags);
  CHECK((*tags)[0].second == "x\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
  CHECK(in.tag_keys() == std::vector<std::string>{"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"});
}
