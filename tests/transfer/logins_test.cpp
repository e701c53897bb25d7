// The Transfer operations on users, keys, host keys, accesses and security
// policies, called in-process as the handler calls them: the model's
// constraints with AWS's wording (checks botocore leaves to the service,
// such as patterns and maximums), the errors' members, tokens and tags.
#include <doctest/doctest.h>

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "adapters/transfer/host_key_maker.h"
#include "adapters/transfer/operations.h"
#include "core/clock.h"
#include "core/fleet.h"
#include "tests/secret/test_keys.h"

namespace {

constexpr const char* kRole = "arn:aws:iam::000000000000:role/transfer";

struct World {
  core::ManualClock clock;
  core::SequentialIds ids;
  core::Tenants tenants;
  core::Fleet fleet{clock, ids, tenants};
  transfer::DerivedHostKeys maker;
  core::Logins logins{fleet, ids, maker};
  core::TenantId mine = tenants.for_account("000000000000", "us-east-1");
  core::Caller caller{mine, false, true, false};
  std::string server = add("SERVICE_MANAGED");

  std::string add(std::string provider) {
    core::CreateSpec spec;
    spec.initial_state = core::State::Running;
    spec.attributes = {{"transfer.IdentityProviderType", std::move(provider)}};
    return fleet.seed(mine, std::move(spec)).value().transfer_id;
  }

  struct Answer {
    rapidjson::Document body;
    std::string type;  // the error's __type, or "" for a success
    std::string message;
  };

  Answer call(std::string_view operation, const std::string& json) {
    rapidjson::Document request;
    request.Parse(json.c_str());
    REQUIRE_FALSE(request.HasParseError());
    transfer::Context c{fleet, logins, caller, "test", "000000000000", "us-east-1", {}};
    const auto run = transfer::find_operation(operation);
    const bool served = run != nullptr;
    REQUIRE_MESSAGE(served, "no operation " << operation);
    const auto reply = run(c, request);
    Answer a;
    if (reply.error) {
      a.body.Parse(transfer::error_body(*reply.error).c_str());
      a.type = a.body["__type"].GetString();
      a.message = a.body["Message"].GetString();
    } else {
      a.body.Parse(reply.body.empty() ? "{}" : reply.body.c_str());
    }
    return a;
  }

  std::string user(std::string name, std::string extra = "") {
    return R"({"ServerId": ")" + server + R"(", "UserName": ")" + name + R"(", "Role": ")" + kRole + "\"" + extra + "}";
  }
};

std::string quoted(std::string_view s) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
  return buffer.GetString();
}

}  // namespace

TEST_CASE("the served operations: the ten of the servers and twenty more") {
  const auto names = transfer::operation_names();
  CHECK(names.size() == 30);
  for (auto name : {"CreateUser", "DescribeUser", "ListUsers", "UpdateUser", "DeleteUser", "ImportSshPublicKey",
                    "DeleteSshPublicKey", "ImportHostKey", "DescribeHostKey", "ListHostKeys", "UpdateHostKey",
                    "DeleteHostKey", "CreateAccess", "DescribeAccess", "ListAccesses", "UpdateAccess", "DeleteAccess",
                    "DescribeSecurityPolicy", "ListSecurityPolicies", "TestIdentityProvider"})
    CHECK_MESSAGE(static_cast<bool>(transfer::find_operation(name)), name);
}

TEST_CASE("CreateUser's members are checked as the model says, in AWS's words") {
  World w;
  auto a = w.call("CreateUser", w.user("ab"));
  CHECK(a.type == "InvalidRequestException");
  CHECK(a.message ==
        "1 validation error detected: Value 'ab' at 'userName' failed to satisfy constraint: Member must have length "
        "between 3 and 100");
  for (auto bad : {"-bob", "bob!", "b\xc3\xbc" "cher", ".hidden"})
    CHECK_MESSAGE(w.call("CreateUser", w.user(bad)).message.find("^[\\w][\\w@.-]{2,99}$") != std::string::npos, bad);
  CHECK(w.call("CreateUser", w.user("user.name@example-1")).type.empty());
  CHECK(w.call("CreateUser", R"({"ServerId": ")" + w.server + R"(", "UserName": "carol"})").message ==
        "1 validation error detected: Value null at 'role' failed to satisfy constraint: Member must not be null");
  CHECK(w.call("CreateUser", w.user("carol", R"(, "HomeDirectory": "bucket")")).message.find("^$|/.*") !=
        std::string::npos);
  CHECK(w.call("CreateUser", w.user("carol", R"(, "HomeDirectoryMappings": [{"Entry": "/", "Target": "/b"}])")).message ==
        "HomeDirectoryMappings can be set only when HomeDirectoryType is LOGICAL");
  CHECK(w.call("CreateUser", w.user("carol", R"(, "HomeDirectoryType": "LOGICAL", "HomeDirectoryMappings": [{"Entry": "/", "Target": "b"}])"))
            .message.find("'target' failed to satisfy constraint: Member must satisfy regular expression pattern: ^/.*") !=
        std::string::npos);
  CHECK(w.call("CreateUser", w.user("carol", R"(, "PosixProfile": {"Uid": -1, "Gid": 0})")).message.find(
            "Member must have value between 0 and 4294967295") != std::string::npos);
  CHECK(w.call("CreateUser", w.user("carol", R"(, "PosixProfile": {"Uid": 1})")).message.find("posixProfile.gid") !=
        std::string::npos);
  const auto bad_key = w.call("CreateUser", w.user("carol", R"(, "SshPublicKeyBody": "ssh-rsa AAAA")"));
  CHECK(bad_key.type == "InvalidRequestException");
  CHECK(bad_key.message.rfind("Unsupported or invalid SSH public key format: ", 0) == 0);
  CHECK(w.logins.user_count(w.server) == 1);  // only the good one

  // A directory-service server keeps no service-managed users.
  w.server = w.add("AWS_DIRECTORY_SERVICE");
  CHECK(w.call("CreateUser", w.user("carol")).message.find("uses the AWS_DIRECTORY_SERVICE identity provider") !=
        std::string::npos);
}

TEST_CASE("not found and already there: ResourceNotFoundException and ResourceExistsException name the resource") {
  World w;
  REQUIRE(w.call("CreateUser", w.user("alice", ", \"SshPublicKeyBody\": " + quoted(test_keys::kEd25519Public))).type.empty());
  auto a = w.call("CreateUser", w.user("alice"));
  CHECK(a.type == "ResourceExistsException");
  CHECK(std::string(a.body["Resource"].GetString()) == "alice");
  CHECK(std::string(a.body["ResourceType"].GetString()) == "User");

  a = w.call("DescribeUser", R"({"ServerId": ")" + w.server + R"(", "UserName": "carol"})");
  CHECK(a.type == "ResourceNotFoundException");
  CHECK(a.message == "Unknown user");
  CHECK(std::string(a.body["Resource"].GetString()) == "carol");
  CHECK(std::string(a.body["ResourceType"].GetString()) == "User");

  a = w.call("DescribeUser", R"({"ServerId": "s-0000000000000dead", "UserName": "alice"})");
  CHECK(std::string(a.body["ResourceType"].GetString()) == "Server");
  CHECK(a.message == "Unknown server");

  const auto key = w.logins.user(w.caller, w.server, "alice")->keys.at(0).id;
  a = w.call("ImportSshPublicKey", R"({"ServerId": ")" + w.server + R"(", "UserName": "alice", "SshPublicKeyBody": )" +
                                       quoted(test_keys::kEd25519Public) + "}");
  CHECK(a.type == "ResourceExistsException");
  CHECK(std::string(a.body["Resource"].GetString()) == key);
  CHECK(std::string(a.body["ResourceType"].GetString()) == "SshPublicKey");
  a = w.call("DeleteSshPublicKey", R"({"ServerId": ")" + w.server +
                                       R"(", "UserName": "alice", "SshPublicKeyId": "key-0000000000000dead"})");
  CHECK(std::string(a.body["ResourceType"].GetString()) == "SshPublicKey");
  CHECK(w.call("DeleteSshPublicKey", R"({"ServerId": ")" + w.server +
                                         R"(", "UserName": "alice", "SshPublicKeyId": "key-1"})")
            .message.find("Member must have length between 21 and 21") != std::string::npos);
  CHECK(w.call("DeleteSshPublicKey", R"({"ServerId": ")" + w.server +
                                         R"(", "UserName": "alice", "SshPublicKeyId": "key-0000000000000000F"})")
            .message.find("^key-[0-9a-f]{17}$") != std::string::npos);

  a = w.call("DescribeSecurityPolicy", R"({"SecurityPolicyName": "TransferSecurityPolicy-1999-01"})");
  CHECK(a.type == "ResourceNotFoundException");
  CHECK(std::string(a.body["ResourceType"].GetString()) == "SecurityPolicy");
}

TEST_CASE("host keys: a description is printable ASCII, a body is never echoed, the fingerprint follows the oldest") {
  World w;
  const auto described = w.call("DescribeServer", R"({"ServerId": ")" + w.server + "\"}");
  const std::string generated = described.body["Server"]["HostKeyFingerprint"].GetString();
  CHECK(generated.rfind("SHA256:", 0) == 0);
  CHECK(std::string(described.body["Server"]["SecurityPolicyName"].GetString()) == "TransferSecurityPolicy-2024-01");

  CHECK(w.call("ImportHostKey", R"({"ServerId": ")" + w.server + R"(", "HostKeyBody": "x", "Description": "tab\there"})")
            .message.find("^[\\p{Print}]*$") != std::string::npos);
  const auto long_body = w.call("ImportHostKey", R"({"ServerId": ")" + w.server + R"(", "HostKeyBody": ")" +
                                                     std::string(4097, 'A') + "\"}");
  CHECK(long_body.message ==
        "1 validation error detected: Value at 'hostKeyBody' failed to satisfy constraint: Member must have length "
        "less than or equal to 4096");
  CHECK(w.call("ImportHostKey", R"({"ServerId": ")" + w.server + R"(", "HostKeyBody": )" +
                                    quoted(test_keys::kEd25519Public) + "}")
            .message.rfind("Unsupported or invalid host key: ", 0) == 0);

  auto imported = w.call("ImportHostKey", R"({"ServerId": ")" + w.server + R"(", "HostKeyBody": )" +
                                              quoted(test_keys::kRsa2048Private) + R"(, "Description": "old"})");
  REQUIRE(imported.type.empty());
  const std::string id = imported.body["HostKeyId"].GetString();
  const auto again = w.call("DescribeServer", R"({"ServerId": ")" + w.server + "\"}");
  CHECK(std::string(again.body["Server"]["HostKeyFingerprint"].GetString()) == test_keys::kRsa2048Fingerprint);
  const auto key = w.call("DescribeHostKey", R"({"ServerId": ")" + w.server + R"(", "HostKeyId": ")" + id + "\"}");
  CHECK(std::string(key.body["HostKey"]["Type"].GetString()) == "ssh-rsa");
  CHECK(std::string(key.body["HostKey"]["HostKeyFingerprint"].GetString()) == test_keys::kRsa2048Fingerprint);
  CHECK(std::string(key.body["HostKey"]["Arn"].GetString()) ==
        "arn:aws:transfer:us-east-1:000000000000:host-key/" + w.server + "/" + id);
  CHECK_FALSE(key.body["HostKey"].HasMember("HostKeyBody"));
}

TEST_CASE("listings page with their own tokens; a token of another listing is InvalidNextTokenException") {
  World w;
  for (auto name : {"ann", "bea", "cid"}) REQUIRE(w.call("CreateUser", w.user(name)).type.empty());
  auto page = w.call("ListUsers", R"({"ServerId": ")" + w.server + R"(", "MaxResults": 2})");
  REQUIRE(page.body["Users"].Size() == 2);
  const std::string token = page.body["NextToken"].GetString();
  page = w.call("ListUsers", R"({"ServerId": ")" + w.server + R"(", "NextToken": ")" + token + "\"}");
  REQUIRE(page.body["Users"].Size() == 1);
  CHECK(std::string(page.body["Users"][0]["UserName"].GetString()) == "cid");
  CHECK_FALSE(page.body.HasMember("NextToken"));

  const auto other = w.add("SERVICE_MANAGED");
  CHECK(w.call("ListUsers", R"({"ServerId": ")" + other + R"(", "NextToken": ")" + token + "\"}").type ==
        "InvalidNextTokenException");
  CHECK(w.call("ListHostKeys", R"({"ServerId": ")" + w.server + R"(", "NextToken": ")" + token + "\"}").type ==
        "InvalidNextTokenException");
  CHECK(w.call("ListUsers", R"({"ServerId": ")" + w.server + R"(", "MaxResults": 1001})").type ==
        "InvalidRequestException");

  auto policies = w.call("ListSecurityPolicies", R"({"MaxResults": 10})");
  CHECK(policies.body["SecurityPolicyNames"].Size() == 10);
  policies = w.call("ListSecurityPolicies", R"({"NextToken": ")" + std::string(policies.body["NextToken"].GetString()) + "\"}");
  CHECK(policies.body["SecurityPolicyNames"].Size() == 5);
}

TEST_CASE("accesses only on directory-service servers; ExternalId is a SID") {
  World w;
  const auto access = [&](const std::string& server, const std::string& sid) {
    return R"({"ServerId": ")" + server + R"(", "ExternalId": ")" + sid + R"(", "Role": ")" + kRole + "\"}";
  };
  CHECK(w.call("CreateAccess", access(w.server, "S-1-1-12-1234567890")).message.find("needs AWS_DIRECTORY_SERVICE") !=
        std::string::npos);
  const auto directory = w.add("AWS_DIRECTORY_SERVICE");
  CHECK(w.call("CreateAccess", access(directory, "sid-1")).message.find("^S-1-[\\d-]+$") != std::string::npos);
  CHECK(w.call("CreateAccess", access(directory, "S-1-1-12-1234567890")).type.empty());
  const auto twice = w.call("CreateAccess", access(directory, "S-1-1-12-1234567890"));
  CHECK(twice.type == "ResourceExistsException");
  CHECK(std::string(twice.body["ResourceType"].GetString()) == "Access");
}

TEST_CASE("tags on users and host keys by their ARNs; a user ARN of another account is AccessDeniedException") {
  World w;
  REQUIRE(w.call("CreateUser", w.user("alice")).type.empty());
  const auto arn = "arn:aws:transfer:us-east-1:000000000000:user/" + w.server + "/alice";
  REQUIRE(w.call("TagResource", R"({"Arn": ")" + arn + R"(", "Tags": [{"Key": "team", "Value": "data"}]})").type.empty());
  auto tags = w.call("ListTagsForResource", R"({"Arn": ")" + arn + "\"}");
  REQUIRE(tags.body["Tags"].Size() == 1);
  CHECK(std::string(tags.body["Tags"][0]["Value"].GetString()) == "data");
  REQUIRE(w.call("UntagResource", R"({"Arn": ")" + arn + R"(", "TagKeys": ["team"]})").type.empty());
  CHECK(w.call("ListTagsForResource", R"({"Arn": ")" + arn + "\"}").body["Tags"].Size() == 0);
  const auto foreign = "arn:aws:transfer:us-east-1:111111111111:user/" + w.server + "/alice";
  CHECK(w.call("ListTagsForResource", R"({"Arn": ")" + foreign + "\"}").type == "AccessDeniedException");
  const auto missing = w.call("TagResource", R"({"Arn": ")" + arn + R"(x", "Tags": [{"Key": "k", "Value": "v"}]})");
  CHECK(std::string(missing.body["ResourceType"].GetString()) == "User");

  CHECK(w.call("CreateServer", R"({"SecurityPolicyName": "TransferSecurityPolicy-1999-01"})").message ==
        "Security policy TransferSecurityPolicy-1999-01 does not exist");
  CHECK(w.call("TestIdentityProvider", R"({"ServerId": ")" + w.server + R"(", "UserName": "alice"})").message ==
        w.server + " not configured for external auth");
}
