// The remote consoles' bodies: the actions (to 2.5) and POST remote-consoles
// (from 2.6), as Nova's schemas check them, in Nova's words.
#include <doctest/doctest.h>

#include <string>

#include "adapters/openstack/nova/json_body.h"

using namespace openstack;

namespace {

const Version v21{2, 1}, v25{2, 5}, v26{2, 6}, v28{2, 8};

Fault action_fault(std::string_view body, const Version& v = v21) {
  auto r = parse_action(body, v);
  REQUIRE(std::holds_alternative<Fault>(r));
  return std::get<Fault>(r);
}

Fault console_fault(std::string_view body, const Version& v = v26) {
  auto r = parse_remote_console(body, v);
  REQUIRE(std::holds_alternative<Fault>(r));
  return std::get<Fault>(r);
}

}  // namespace

TEST_CASE("os-getVNCConsole and its siblings to 2.5: the protocol from the action, the type as the schema lists") {
  const auto vnc = std::get<ActionRequest>(parse_action(R"({"os-getVNCConsole": {"type": "novnc"}})", v25));
  CHECK(vnc.kind == ActionKind::RemoteConsole);
  CHECK(vnc.name == "os-getVNCConsole");
  CHECK(vnc.console_protocol == "vnc");
  CHECK(vnc.console_type == "novnc");
  const auto spice = std::get<ActionRequest>(parse_action(R"({"os-getSPICEConsole": {"type": "spice-html5"}})", v21));
  CHECK((spice.console_protocol == "spice" && spice.console_type == "spice-html5"));
  const auto serial = std::get<ActionRequest>(parse_action(R"({"os-getSerialConsole": {"type": "serial"}})", v21));
  CHECK((serial.console_protocol == "serial" && serial.console_type == "serial"));
  CHECK(std::get<ActionRequest>(parse_action(R"({"os-getVNCConsole": {"type": "xvpvnc"}})", v21)).console_type ==
        "xvpvnc");
}

TEST_CASE("the console actions' 400s, and their 404 from 2.6") {
  CHECK(action_fault(R"({"os-getVNCConsole": {}})").message ==
        "Invalid input for field/attribute os-getVNCConsole. Value: {}. 'type' is a required property");
  CHECK(action_fault(R"({"os-getVNCConsole": {"type": "spice-html5"}})").message ==
        "Invalid input for field/attribute type. Value: spice-html5. 'spice-html5' is not one of ['novnc', 'xvpvnc']");
  CHECK(action_fault(R"({"os-getVNCConsole": {"type": "novnc", "x": 1}})").message ==
        "Invalid input for field/attribute os-getVNCConsole. Value: {\"type\":\"novnc\",\"x\":1}. Additional "
        "properties are not allowed ('x' was unexpected)");
  CHECK(action_fault(R"({"os-getVNCConsole": null})").message ==
        "Invalid input for field/attribute os-getVNCConsole. Value: null. null is not of type 'object'");
  CHECK(action_fault(R"({"os-getSerialConsole": {"type": 1}})").status == 400);
  // RDP went with Hyper-V: a bare 400, whatever the body.
  const auto rdp = action_fault(R"({"os-getRDPConsole": {"type": "rdp-html5"}})");
  CHECK(rdp.status == 400);
  CHECK(rdp.message.find("could not comply") != std::string::npos);
  const auto gone = action_fault(R"({"os-getVNCConsole": {"type": "novnc"}})", v26);
  CHECK(gone.status == 404);
  CHECK(gone.message == "The resource could not be found.");
}

TEST_CASE("POST remote-consoles: protocol and type as 2.6's schema lists them, mks and webmks from 2.8") {
  const auto r = std::get<RemoteConsoleRequest>(
      parse_remote_console(R"({"remote_console": {"protocol": "vnc", "type": "novnc"}})", v26));
  CHECK((r.protocol == "vnc" && r.type == "novnc"));
  // The schema does not pair them: a mismatch is the handler's 400.
  CHECK(std::holds_alternative<RemoteConsoleRequest>(
      parse_remote_console(R"({"remote_console": {"protocol": "vnc", "type": "serial"}})", v26)));
  CHECK(console_fault(R"({"remote_console": {"protocol": "mks", "type": "webmks"}})").message ==
        "Invalid input for field/attribute protocol. Value: mks. 'mks' is not one of ['vnc', 'spice', 'serial', "
        "'rdp']");
  CHECK(std::holds_alternative<RemoteConsoleRequest>(
      parse_remote_console(R"({"remote_console": {"protocol": "mks", "type": "webmks"}})", v28)));
}

TEST_CASE("POST remote-consoles' 400s") {
  CHECK(console_fault("not json").message == "Malformed request body");
  CHECK(console_fault("{}").message == "'remote_console' is a required property");
  CHECK(console_fault(R"({"remote_console": {"protocol": "vnc", "type": "novnc"}, "x": 1})").message ==
        "Additional properties are not allowed ('x' was unexpected)");
  CHECK(console_fault(R"({"remote_console": {"protocol": "vnc"}})").message ==
        "Invalid input for field/attribute remote_console. Value: {\"protocol\":\"vnc\"}. 'type' is a required "
        "property");
  CHECK(console_fault(R"({"remote_console": {"protocol": "vnc", "type": "x"}})").message ==
        "Invalid input for field/attribute type. Value: x. 'x' is not one of ['novnc', 'xvpvnc', 'spice-html5', "
        "'serial', 'rdp-html5']");
  CHECK(console_fault(R"([])").message == "[] is not of type 'object'");
}
