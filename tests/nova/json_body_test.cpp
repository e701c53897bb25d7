// Request bodies: what Nova accepts, and the fault for everything else.
#include <doctest/doctest.h>

#include <string>

#include "adapters/openstack/nova/json_body.h"

using namespace openstack;

namespace {

const Version v21{2, 1}, v73{2, 73}, v79{2, 79};

Settings catalogs() {
  Settings s;
  Flavor tiny;  // made field by field: -Werror's missing-field-initializers
  tiny.id = "1";
  tiny.name = "m1.tiny";
  tiny.vcpus = 1;
  tiny.ram_mb = 512;
  tiny.disk_gb = 1;
  s.flavors = {tiny};
  Image cirros;
  cirros.id = "0b1c3f0e-5a6d-4e2f-9a70-1c2d3e4f5a61";
  cirros.name = "cirros";
  s.images = {cirros};
  return s;
}

Fault action_fault(std::string_view body, const Version& v = v21) {
  auto r = parse_action(body, v);
  REQUIRE(std::holds_alternative<Fault>(r));
  return std::get<Fault>(r);
}

Fault create_fault(std::string_view body, const Version& v = v21) {
  const auto settings = catalogs();
  auto r = parse_create(body, v, settings);
  REQUIRE(std::holds_alternative<Fault>(r));
  return std::get<Fault>(r);
}

CreateRequest create_ok(std::string_view body, const Version& v = v21) {
  const auto settings = catalogs();
  auto r = parse_create(body, v, settings);
  if (auto* f = std::get_if<Fault>(&r)) FAIL_CHECK(f->message);
  REQUIRE(std::holds_alternative<CreateRequest>(r));
  return std::get<CreateRequest>(r);
}

}  // namespace

TEST_CASE("every value of os-stop is accepted, as the seed's \"null\"") {
  for (const char* body : {R"({"os-stop": null})", R"({"os-stop": {}})", R"({"os-stop": "null"})",
                           R"({"os-stop": 5})"}) {
    CAPTURE(body);
    auto r = parse_action(body, v21);
    REQUIRE(std::holds_alternative<ActionRequest>(r));
    CHECK(std::get<ActionRequest>(r).action == core::Action::Stop);
    CHECK(std::get<ActionRequest>(r).name == "os-stop");
  }
  CHECK(std::get<ActionRequest>(parse_action(R"({"os-start": null})", v21)).action == core::Action::Start);
  CHECK(std::get<ActionRequest>(parse_action(R"({"unlock": null})", v21)).action == core::Action::Unlock);
}

TEST_CASE("malformed action bodies: not JSON, not an object, not one key, bad UTF-8, deep nesting") {
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  const std::string deep_object = std::string(50000, '{');
  for (const std::string& body : {std::string("{not json"), std::string(""), std::string("[1]"), std::string("null"),
                                 std::string("\"os-stop\""), std::string("{}"),
                                 std::string(R"({"os-stop": null, "os-start": null})"),
                                 std::string("{\"os-stop\": \"\xff\xfe\"}"), std::string("{\"os-stop\": \"\xc0\xaf\"}"),
                                 deep, deep_object, std::string(R"({"os-stop": null} trailing)")}) {
    CAPTURE(body.substr(0, 40));
    const auto f = action_fault(body);
    CHECK(f.status == 400);
    CHECK(f.name == "badRequest");
    CHECK(f.message == "Malformed request body");
  }
}

TEST_CASE("an unknown action names itself") {
  const auto f = action_fault(R"({"explode": {"now": true}})");
  CHECK(f.status == 400);
  CHECK(f.message == "There is no such action: explode");
  CHECK(f.result == "unknown_operation");
}

TEST_CASE("the power actions: reboot's type as Nova's schema, the others' values unchecked") {
  const auto action = [](const char* body, const Version& v = v21) {
    return std::get<ActionRequest>(parse_action(body, v)).action;
  };
  CHECK(action(R"({"reboot": {"type": "SOFT"}})") == core::Action::Reboot);
  CHECK(action(R"({"reboot": {"type": "soft"}})") == core::Action::Reboot);
  CHECK(action(R"({"reboot": {"type": "HARD"}})") == core::Action::RebootHard);
  CHECK(action(R"({"reboot": {"type": "Hard"}})") == core::Action::RebootHard);
  CHECK(action(R"({"pause": null})") == core::Action::Pause);
  CHECK(action(R"({"pause": {}})") == core::Action::Pause);  // tempest sends {}
  CHECK(action(R"({"unpause": null})") == core::Action::Unpause);
  CHECK(action(R"({"suspend": null})") == core::Action::Suspend);
  CHECK(action(R"({"resume": null})") == core::Action::Resume);
  CHECK(action(R"({"shelve": null})") == core::Action::Shelve);
  CHECK(action(R"({"shelveOffload": null})") == core::Action::ShelveOffload);
  CHECK(action(R"({"unshelve": null})") == core::Action::Unshelve);
  CHECK(action(R"({"unshelve": {}})") == core::Action::Unshelve);  // no schema before 2.77
  CHECK(action(R"({"unshelve": {"availability_zone": "nova"}})", v79) == core::Action::Unshelve);

  CHECK(action_fault(R"({"reboot": {"type": "BOUNCE"}})").message ==
        "Invalid input for field/attribute type. Value: BOUNCE. 'BOUNCE' is not one of ['HARD', 'Hard', 'hard', "
        "'SOFT', 'Soft', 'soft']");
  CHECK(action_fault(R"({"reboot": {}})").message ==
        "Invalid input for field/attribute reboot. Value: {}. 'type' is a required property");
  CHECK(action_fault(R"({"reboot": null})").message ==
        "Invalid input for field/attribute reboot. Value: null. null is not of type 'object'");
  CHECK(action_fault(R"({"reboot": {"type": "SOFT", "force": true}})").status == 400);
  CHECK(action_fault(R"({"unshelve": {}})", v79).message ==
        "Invalid input for field/attribute unshelve. Value: {}. 'availability_zone' is a required property");
  CHECK(action_fault(R"({"unshelve": {"availability_zone": "az9"}})", v79).message ==
        "The requested availability zone is not available");
  CHECK(action_fault(R"({"unshelve": {"host": "h"}})", v79).status == 400);
}

TEST_CASE("lock: any value before 2.73; from 2.73 null or a locked_reason of 1 to 255 characters") {
  CHECK(std::holds_alternative<ActionRequest>(parse_action(R"({"lock": 5})", v21)));
  CHECK(std::get<ActionRequest>(parse_action(R"({"lock": {"locked_reason": "x"}})", v21)).locked_reason.empty());
  CHECK(std::get<ActionRequest>(parse_action(R"({"lock": null})", v73)).locked_reason.empty());
  CHECK(std::get<ActionRequest>(parse_action(R"({"lock": {}})", v73)).locked_reason.empty());
  CHECK(std::get<ActionRequest>(parse_action(R"({"lock": {"locked_reason": "maintenance"}})", v79)).locked_reason ==
        "maintenance");
  const std::string long_reason = R"({"lock": {"locked_reason": ")" + std::string(256, 'x') + "\"}}";
  for (const std::string& body : {std::string(R"({"lock": 5})"), std::string(R"({"lock": "why"})"),
                                 std::string(R"({"lock": {"locked_reason": ""}})"),
                                 std::string(R"({"lock": {"locked_reason": 7}})"),
                                 std::string(R"({"lock": {"reason": "x"}})"), long_reason}) {
    CAPTURE(body);
    const auto f = action_fault(body, v73);
    CHECK(f.status == 400);
    CHECK(f.message.rfind("Invalid input for field/attribute ", 0) == 0);
  }
  CHECK(action_fault(R"({"lock": 5})", v73).message ==
        "Invalid input for field/attribute lock. Value: 5. 5 is not of type 'object', 'null'");
}

TEST_CASE("rescue: null or {adminPass, rescue_image_ref (a uuid)}; unrescue: any value") {
  const auto rescue = [](const char* body) { return std::get<ActionRequest>(parse_action(body, v21)); };
  auto plain = rescue(R"({"rescue": null})");
  CHECK(plain.action == core::Action::Rescue);
  CHECK(plain.name == "rescue");
  CHECK_FALSE(plain.rescue_pass);
  CHECK_FALSE(plain.rescue_image_ref);
  CHECK_FALSE(rescue(R"({"rescue": {}})").rescue_pass);
  auto full = rescue(R"({"rescue": {"adminPass": "s3cret", "rescue_image_ref": "0b1c3f0e-5a6d-4e2f-9a70-1c2d3e4f5a61"}})");
  CHECK(full.rescue_pass == "s3cret");
  CHECK(full.rescue_image_ref == "0b1c3f0e-5a6d-4e2f-9a70-1c2d3e4f5a61");
  CHECK(rescue(R"({"rescue": {"adminPass": ""}})").rescue_pass == "");  // Nova's admin_password: any string
  for (const char* body : {R"({"unrescue": null})", R"({"unrescue": {}})", R"({"unrescue": 5})"}) {
    CAPTURE(body);
    CHECK(rescue(body).action == core::Action::Unrescue);
  }

  CHECK(action_fault(R"({"rescue": "now"})").message ==
        "Invalid input for field/attribute rescue. Value: now. 'now' is not of type 'object', 'null'");
  CHECK(action_fault(R"({"rescue": {"adminPass": 5}})").message ==
        "Invalid input for field/attribute adminPass. Value: 5. 5 is not of type 'string'");
  CHECK(action_fault(R"({"rescue": {"rescue_image_ref": "cirros"}})").message ==
        "Invalid input for field/attribute rescue_image_ref. Value: cirros. 'cirros' is not a 'uuid'");
  CHECK(action_fault(R"({"rescue": {"rescue_image_ref": null}})").status == 400);
  CHECK(action_fault(R"({"rescue": {"image": "x"}})").message ==
        "Invalid input for field/attribute rescue. Value: {\"image\":\"x\"}. Additional properties are not allowed "
        "('image' was unexpected)");
}

TEST_CASE("create: what the CLI, the SDK and tempest send") {
  const auto r = create_ok(
      R"({"server": {"name": "vm-1", "imageRef": "0b1c3f0e-5a6d-4e2f-9a70-1c2d3e4f5a61", "flavorRef": "1",
          "min_count": 1, "max_count": 1, "metadata": {"k": "v"}}})");
  CHECK(r.name == "vm-1");
  CHECK(r.flavor_id == "1");
  CHECK(r.image_id == "0b1c3f0e-5a6d-4e2f-9a70-1c2d3e4f5a61");
  CHECK(r.count == 1);
  REQUIRE(r.metadata.size() == 1);
  CHECK(r.metadata[0].second == "v");
  // A link is accepted for the flavor (not for the image: its schema wants a
  // UUID), an integer flavorRef too; networks from 2.37.
  const auto linked = create_ok(
      R"({"server": {"name": "a", "imageRef": "0b1c3f0e-5a6d-4e2f-9a70-1c2d3e4f5a61",
          "flavorRef": "http://h/compute/v2.1/flavors/1", "networks": "none"}})", v79);
  CHECK(linked.flavor_id == "1");
  CHECK(create_ok(R"({"server": {"name": "a", "imageRef": "0b1c3f0e-5a6d-4e2f-9a70-1c2d3e4f5a61", "flavorRef": 1}})")
            .flavor_id == "1");
  CHECK(create_ok(R"({"server": {"name": "b", "flavorRef": "1", "networks": "auto",
                   "block_device_mapping_v2": [{"boot_index": 0}]}})", v79).image_id.empty());
  CHECK(create_ok(R"({"server": {"name": "c", "imageRef": "0b1c3f0e-5a6d-4e2f-9a70-1c2d3e4f5a61", "flavorRef": "1",
                   "max_count": 3}})").count == 3);
}

TEST_CASE("create: Nova's 400s") {
  struct Row {
    std::string body;
    Version version;
    std::string message;
  };
  const std::string image = R"("imageRef": "0b1c3f0e-5a6d-4e2f-9a70-1c2d3e4f5a61")";
  const Row rows[] = {
      {"{x", v21, "Malformed request body"},
      {"[]", v21, "[] is not of type 'object'"},
      {"{}", v21, "'server' is a required property"},
      {R"({"server": {}, "extra": 1})", v21, "Additional properties are not allowed ('extra' was unexpected)"},
      {R"({"server": 5})", v21, "Invalid input for field/attribute server. Value: 5. 5 is not of type 'object'"},
      {R"({"server": {"flavorRef": "1"}})", v21,
       R"(Invalid input for field/attribute server. Value: {"flavorRef":"1"}. 'name' is a required property)"},
      {R"({"server": {"name": 5, "flavorRef": "1"}})", v21,
       "Invalid input for field/attribute name. Value: 5. 5 is not of type 'string'"},
      {R"({"server": {"name": "", "flavorRef": "1"}})", v21,
       "Invalid input for field/attribute name. Value: . '' is too short"},
      {R"({"server": {"name": " a", "flavorRef": "1"}})", v21,
       "An invalid 'name' value was provided. The name must be: printable characters. Can not start or end with "
       "whitespace."},
      {R"({"server": {"name": "a", )" + image + "}}", v21,
       R"(Invalid input for field/attribute server. Value: {"name":"a","imageRef":"0b1c3f0e-5a6d-4e2f-9a70-1c2d3e4f5a61"}. 'flavorRef' is a required property)"},
      {R"({"server": {"name": "a", "flavorRef": "99", )" + image + "}}", v21, "Invalid flavorRef provided."},
      {R"({"server": {"name": "a", "flavorRef": "1", "imageRef": "nope"}})", v21,
       "Invalid input for field/attribute imageRef. Value: nope. 'nope' is not valid under any of the given schemas"},
      {R"({"server": {"name": "a", "flavorRef": "1", "imageRef": "http://h/images/0b1c3f0e-5a6d-4e2f-9a70-1c2d3e4f5a61"}})",
       v21, ""},
      {R"({"server": {"name": "a", "flavorRef": "1"}})", v21, "Missing imageRef attribute"},
      {R"({"server": {"name": "a", "flavorRef": "1", "imageRef": "", "block_device_mapping_v2": []}})", v21,
       "Missing imageRef attribute"},
      {R"({"server": {"name": "a", "flavorRef": "1", "accessIPv4": "1.1.1.1.1.1", )" + image + "}}", v21,
       "Invalid input for field/attribute accessIPv4. Value: 1.1.1.1.1.1. '1.1.1.1.1.1' is not a 'ipv4'"},
      {R"({"server": {"name": "a", "flavorRef": "1", "accessIPv6": "notvalid", )" + image + "}}", v21,
       "Invalid input for field/attribute accessIPv6. Value: notvalid. 'notvalid' is not a 'ipv6'"},
      {R"({"server": {"name": "a", "flavorRef": "1", "networks": [{"fixed_ip": "10.0.1.1", "uuid": "a-b-c-d-e-f-g-h-i-j"}], )" +
           image + "}}",
       v21, "Bad networks format: network uuid is not in proper format (a-b-c-d-e-f-g-h-i-j)"},
      {R"({"server": {"name": "a", "flavorRef": "1", "security_groups": [{"name": ""}], )" + image + "}}", v21, ""},
      {R"({"server": {"name": "a", "flavorRef": "1", "personality": [{"path": "/p", "contents": "not base64!"}], )" +
           image + "}}",
       v21, "Invalid input for field/attribute contents. Value: not base64!. 'not base64!' is not a 'base64'"},
      {R"({"server": {"name": "a", "flavorRef": "1", "personality": [], )" + image + "}}", v79,
       ""},  // personality is gone from 2.57
      {R"({"server": {"name": "a", "flavorRef": "1", "availability_zone": "az9", )" + image + "}}", v21,
       "The requested availability zone is not available"},
      {R"({"server": {"name": "a", "flavorRef": "1", "frob": 1, )" + image + "}}", v21, ""},
      {R"({"server": {"name": "a", "flavorRef": "1", )" + image + "}}", v79,
       ""},  // 'networks' is required from 2.37
      {R"({"server": {"name": "a", "flavorRef": "1", "networks": "none", )" + image + "}}", v21, ""},
      {R"({"server": {"name": "a", "flavorRef": "1", "networks": [5], )" + image + "}}", v21, ""},
      {R"({"server": {"name": "a", "flavorRef": "1", "metadata": {"k": 1}, )" + image + "}}", v21, ""},
      {R"({"server": {"name": "a", "flavorRef": "1", "max_count": 0, )" + image + "}}", v21, ""},
      {R"({"server": {"name": "a", "flavorRef": "1", "min_count": 3, "max_count": 2, )" + image + "}}", v21,
       "min_count must be <= max_count"},
      {R"({"server": {"name": "a", "flavorRef": "1", "description": "d", )" + image + "}}", v21, ""},
  };
  for (const auto& row : rows) {
    CAPTURE(row.body);
    const auto f = create_fault(row.body, row.version);
    CHECK(f.status == 400);
    CHECK(f.name == "badRequest");
    if (!row.message.empty()) CHECK(f.message == row.message);
  }
}

TEST_CASE("a lone surrogate escape is kept as U+FFFD, never as bytes that are not UTF-8 (found by fuzzing)") {
  // RapidJSON decodes "\udc00" to ED B0 80; every later view showed it and
  // strict UTF-8 clients (botocore) could not read the answer. Each of the
  // three bytes becomes U+FFFD, as a UTF-8 decoder replacing errors does.
  const auto r = create_ok(R"({"server": {"name": "vm\udc00", "flavorRef": "1", "imageRef": "",
      "block_device_mapping_v2": [{"boot_index": 0}], "metadata": {"k": "v\udc00"}, "description": "d\udc00"}})",
                           Version{2, 19});
  CHECK(r.name == "vm\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
  CHECK(r.metadata[0].first == "k");  // a key is letters, digits and "-_:. " only: "k\udfff" is a 400
  CHECK(r.metadata[0].second == "v\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
  CHECK(r.description == "d\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
  const auto lock = parse_action(R"({"lock": {"locked_reason": "\udc00"}})", v73);
  CHECK(std::get<ActionRequest>(lock).locked_reason == "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
  // A pair is one character, and stays as it is.
  CHECK(create_ok(R"({"server": {"name": "\ud83d\ude00", "flavorRef": "1", "imageRef": "",
      "block_device_mapping_v2": [{"boot_index": 0}]}})").name == "\xf0\x9f\x98\x80");
}
