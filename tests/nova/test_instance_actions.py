"""Nova's os-instance-actions, read from the action journal: tempest's
ServersClient validates list and show against Nova's schemas at the
microversions that change them (2.1, 2.21, 2.51, 2.58, 2.62), the openstack
CLI's `server event list` / `event show`, paging and changes-since from
2.58, and a stop made through Transfer listed as a Nova action."""
import json
import time
import unittest
import urllib.request

from tempest.lib import exceptions
from tempest.lib.services.compute import base_compute_client

from clients import openstack, openstack_json, transfer
from gateway import EXAMPLE_FLEET, Gateway
from test_tempest import IMAGE, clients

WEB1, WEB1_T = "6f1c2a3e-0b4d-4c5e-8f60-7a8b9c0d1e01", "s-0123456789abcde01"


def raw(gw, token, path, version):
    req = urllib.request.Request(gw.url + "/compute/v2.1" + path, headers={
        "X-Auth-Token": token, "OpenStack-API-Version": f"compute {version}"})
    try:
        with urllib.request.urlopen(req) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())


def token(gw, user="demo"):
    body = {"auth": {"identity": {"methods": ["password"], "password": {"user": {
        "name": user, "domain": {"name": "Default"}, "password": user}}},
        "scope": {"project": {"name": user, "domain": {"name": "Default"}}}}}
    req = urllib.request.Request(gw.url + "/identity/v3/auth/tokens", data=json.dumps(body).encode(),
                                 headers={"Content-Type": "application/json"}, method="POST")
    with urllib.request.urlopen(req) as r:
        return r.headers["X-Subject-Token"]


class InstanceActions(unittest.TestCase):
    def setUp(self):
        self.gw = Gateway(["--fleet", EXAMPLE_FLEET]).__enter__()

    def tearDown(self):
        base_compute_client.COMPUTE_MICROVERSION = None
        self.gw.__exit__(None, None, None)

    def lifecycle(self):
        """A server made, stopped, started, locked and unlocked through tempest's client."""
        servers, _ = clients(self.gw)
        sid = servers.create_server(name="acted", imageRef=IMAGE, flavorRef="1")["server"]["id"]
        servers.stop_server(sid)
        servers.start_server(sid)
        servers.lock_server(sid)
        servers.unlock_server(sid)
        return sid

    def test_list_and_show_validate_against_nova_schemas_at_each_microversion(self):
        sid = self.lifecycle()
        for version in ["2.1", "2.21", "2.51", "2.58", "2.62", "2.79"]:
            with self.subTest(microversion=version):
                base_compute_client.COMPUTE_MICROVERSION = version
                servers, _ = clients(self.gw)
                admin, _ = clients(self.gw, "admin")
                if version in ("2.1", "2.21", "2.51"):  # tempest's list schema is 2.1's; 2.58 adds fields
                    actions = servers.list_instance_actions(sid)["instanceActions"]
                    self.assertEqual([a["action"] for a in actions], ["unlock", "lock", "start", "stop", "create"])
                    self.assertEqual({a["user_id"] for a in actions}, {"demo"})
                    self.assertEqual({a["instance_uuid"] for a in actions}, {sid})
                    self.assertEqual({a["message"] for a in actions}, {None})
                status, body = raw(self.gw, token(self.gw), f"/servers/{sid}/os-instance-actions", version)
                self.assertEqual(status, 200)
                stop = next(a for a in body["instanceActions"] if a["action"] == "stop")
                self.assertEqual("updated_at" in stop, version >= "2.58")

                shown = servers.show_instance_action(sid, stop["request_id"])["instanceAction"]
                self.assertEqual(shown["action"], "stop")
                if version == "2.1" or version == "2.21":
                    self.assertNotIn("events", shown)  # events are for admins before 2.51
                else:
                    event = shown["events"][0]
                    self.assertEqual(event["event"], "compute_stop_instance")
                    self.assertEqual(event["result"], "Success")
                    self.assertNotIn("traceback", event)
                    self.assertEqual("hostId" in event, version >= "2.62")
                by_admin = admin.show_instance_action(sid, stop["request_id"])["instanceAction"]
                self.assertIn("traceback", by_admin["events"][0])
                self.assertEqual("host" in by_admin["events"][0], version >= "2.62")
                lock = next(a for a in body["instanceActions"] if a["action"] == "lock")
                self.assertEqual(servers.show_instance_action(sid, lock["request_id"])["instanceAction"].get("events", []), [])

    def test_deleted_servers_from_2_21_and_not_before(self):
        servers, _ = clients(self.gw)
        sid = servers.create_server(name="gone", imageRef=IMAGE, flavorRef="1")["server"]["id"]
        servers.delete_server(sid)
        base_compute_client.COMPUTE_MICROVERSION = "2.1"
        servers, _ = clients(self.gw)
        with self.assertRaises(exceptions.NotFound):
            servers.list_instance_actions(sid)
        base_compute_client.COMPUTE_MICROVERSION = "2.21"
        servers, _ = clients(self.gw)
        actions = servers.list_instance_actions(sid)["instanceActions"]
        self.assertEqual([a["action"] for a in actions], ["delete", "create"])

    def test_unknown_action_and_another_projects_server_are_404(self):
        servers, _ = clients(self.gw)
        with self.assertRaises(exceptions.NotFound):
            servers.show_instance_action(WEB1, "req-00000000-0000-4000-8000-000000000000")
        alt, _ = clients(self.gw, "alt")
        with self.assertRaises(exceptions.NotFound):
            alt.list_instance_actions(WEB1)

    def test_paging_and_changes_since_from_2_58(self):
        aws = transfer(self.gw)
        for _ in range(3):
            aws.stop_server(ServerId=WEB1_T)
            aws.start_server(ServerId=WEB1_T)
        tok = token(self.gw)
        status, body = raw(self.gw, tok, f"/servers/{WEB1}/os-instance-actions?limit=4", "2.58")
        self.assertEqual(status, 200)
        self.assertEqual([a["action"] for a in body["instanceActions"]], ["start", "stop", "start", "stop"])
        # Transfer's caller shows as the user, its tenant's project as the project.
        self.assertEqual({(a["user_id"], a["project_id"]) for a in body["instanceActions"]}, {("test", "demo")})
        next_link = body["links"][0]
        self.assertEqual(next_link["rel"], "next")
        marker = body["instanceActions"][-1]["request_id"]
        self.assertIn(f"limit=4&marker={marker}", next_link["href"])
        status, rest = raw(self.gw, tok, f"/servers/{WEB1}/os-instance-actions?limit=4&marker={marker}", "2.58")
        self.assertEqual([a["action"] for a in rest["instanceActions"]], ["start", "stop"])
        self.assertNotIn("links", rest)
        future = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 3600))
        status, none = raw(self.gw, tok, f"/servers/{WEB1}/os-instance-actions?changes-since={future}", "2.58")
        self.assertEqual((status, none["instanceActions"]), (200, []))
        for query, words in [("marker=req-nope", "Marker req-nope could not be found."),
                             ("changes-since=2011/01/01", "is not a 'date-time'"),
                             ("limit=-1", "limit"),
                             ("colour=red", "Additional properties are not allowed"),
                             ("changes-before=2011-01-01", "Additional properties are not allowed")]:
            status, fault = raw(self.gw, tok, f"/servers/{WEB1}/os-instance-actions?{query}", "2.58")
            self.assertEqual(status, 400, query)
            self.assertIn(words, fault["badRequest"]["message"])
        status, fault = raw(self.gw, tok, f"/servers/{WEB1}/os-instance-actions?changes-since=2030-01-01"
                                          f"&changes-before=2020-01-01", "2.66")
        self.assertEqual(status, 400)
        self.assertIn("changes-since must be less than or equal to changes-before", fault["badRequest"]["message"])
        # Before 2.58 the parameters are ignored.
        status, old = raw(self.gw, tok, f"/servers/{WEB1}/os-instance-actions?limit=1&colour=red", "2.57")
        self.assertEqual((status, len(old["instanceActions"])), (200, 6))

    def test_a_failed_transition_is_an_error_event(self):
        rule = {"match": {"api": "nova", "operation": "os-stop"}, "effect": {"fail_transition": True}, "count": 1}
        self.assertEqual(self.gw.control("POST", "/_gateway/faults", rule)[0], 201)
        base_compute_client.COMPUTE_MICROVERSION = "2.51"
        servers, _ = clients(self.gw)
        servers.stop_server(WEB1)
        action = servers.list_instance_actions(WEB1)["instanceActions"][0]
        self.assertEqual((action["action"], action["message"]), ("stop", "Error"))
        event = servers.show_instance_action(WEB1, action["request_id"])["instanceAction"]["events"][0]
        self.assertEqual(event["result"], "Error")

    def test_openstack_cli_server_event_list_and_show(self):
        r = openstack(self.gw, "server", "stop", "web-1")
        self.assertEqual(r.returncode, 0, r.stderr)
        transfer(self.gw).start_server(ServerId=WEB1_T)
        events = openstack_json(self.gw, "server", "event", "list", "web-1")
        self.assertEqual([e["Action"] for e in events], ["start", "stop"])
        self.assertEqual(events[1]["Server ID"], WEB1)
        shown = openstack_json(self.gw, "server", "event", "show", "web-1", events[1]["Request ID"])
        self.assertEqual(shown["action"], "stop")
        self.assertEqual(shown["request_id"], events[1]["Request ID"])


if __name__ == "__main__":
    unittest.main()
