"""A server's diagnostics, password and external events through the clients
people use: `openstack server show --diagnostics` (the CLI), openstacksdk's
get_server_diagnostics (2.48's view) and get_server_password, and
os-server-external-events as Neutron posts it (no CLI sends it)."""
import json
import unittest
import urllib.error
import urllib.request

from clients import openstack, openstack_json, openstack_sdk
from gateway import Gateway

IMAGE = "cirros-0.6.2-x86_64-disk"


def ok(result):
    assert result.returncode == 0, result.stderr
    return result


def post_events(gw, token, events):
    req = urllib.request.Request(gw.url + "/compute/v2.1/os-server-external-events",
                                 data=json.dumps({"events": events}).encode(), method="POST",
                                 headers={"X-Auth-Token": token, "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())


class Diagnostics(unittest.TestCase):
    def test_cli_and_sdk_show_the_hosts_view_admins_only(self):
        with Gateway() as gw:
            server = openstack_json(gw, "server", "create", "--image", IMAGE, "--flavor", "m1.small", "--wait",
                                    "diag-vm")
            shown = openstack_json(gw, "server", "show", "--diagnostics", server["id"], user="admin")
            self.assertIn("memory", shown)
            self.assertEqual(shown["memory"], 2048 * 1024)
            refused = openstack(gw, "server", "show", "--diagnostics", server["id"], user="demo")
            self.assertNotEqual(refused.returncode, 0)
            self.assertIn("os_compute_api:os-server-diagnostics", refused.stderr)

            admin = openstack_sdk(gw, user="admin").compute
            admin.default_microversion = "2.48"
            d = admin.get_server_diagnostics(server["id"])
            self.assertEqual((d.state, d.driver, d.has_config_drive), ("running", "libvirt", False))
            # openstacksdk 0.101 reads the counts from the URI, not the body: the body itself, through its session.
            d = admin.get(f"/servers/{server['id']}/diagnostics", microversion="2.48").json()
            self.assertEqual((d["num_cpus"], d["num_nics"], d["num_disks"]), (1, 1, 1))
            self.assertEqual(d["memory_details"], {"maximum": 2048, "used": None})
            self.assertEqual(len(d["nic_details"]), 1)
            self.assertRegex(d["nic_details"][0]["mac_address"], r"^fa:16:3e(:[0-9a-f]{2}){3}$")

            ok(openstack(gw, "server", "stop", server["id"]))
            for _ in range(100):
                if openstack_sdk(gw, user="admin").compute.get_server(server["id"]).status == "SHUTOFF":
                    break
            self.assertEqual(admin.get_server_diagnostics(server["id"]).state, "shutdown")

            missing = openstack(gw, "server", "show", "--diagnostics", "no-such-server", user="admin")
            self.assertNotEqual(missing.returncode, 0)


class Password(unittest.TestCase):
    def test_a_server_without_a_guest_has_an_empty_password(self):
        with Gateway() as gw:
            conn = openstack_sdk(gw)
            server = conn.compute.create_server(name="pw-vm", image_id=conn.image.find_image(IMAGE).id,
                                                flavor_id="1", networks="auto")
            conn.compute.wait_for_server(server, wait=30, interval=0.2)
            self.assertEqual(conn.compute.get_server_password(server), "")
            response = conn.compute.delete(f"/servers/{server.id}/os-server-password")
            self.assertEqual(response.status_code, 204)
            missing = conn.compute.get("/servers/no-such-server/os-server-password")
            self.assertEqual(missing.status_code, 404)
            self.assertEqual(missing.json()["itemNotFound"]["code"], 404)


class ExternalEvents(unittest.TestCase):
    def test_events_are_answered_per_server(self):
        with Gateway() as gw:
            conn = openstack_sdk(gw)
            server = conn.create_server("ev-vm", image=IMAGE, flavor="m1.tiny", wait=True, timeout=60)
            admin_token = openstack_sdk(gw, user="admin").auth_token
            status, body = post_events(gw, admin_token, [
                {"name": "network-changed", "server_uuid": server.id, "tag": "port-1"},
                {"name": "network-vif-plugged", "server_uuid": "00000000-0000-0000-0000-000000000000"}])
            self.assertEqual(status, 200)
            self.assertEqual([(e["name"], e["code"], e["status"]) for e in body["events"]],
                             [("network-changed", 200, "completed"), ("network-vif-plugged", 404, "failed")])
            self.assertEqual(body["events"][0]["tag"], "port-1")
            status, body = post_events(gw, admin_token, [
                {"name": "network-changed", "server_uuid": "00000000-0000-0000-0000-000000000000"}])
            self.assertEqual((status, body["itemNotFound"]["code"]), (404, 404))
            status, body = post_events(gw, admin_token, [{"name": "reboot-please", "server_uuid": server.id}])
            self.assertEqual((status, body["badRequest"]["code"]), (400, 400))
            status, body = post_events(gw, admin_token, [])
            self.assertEqual(status, 400)
            status, body = post_events(gw, conn.auth_token, [{"name": "network-changed", "server_uuid": server.id}])
            self.assertEqual(status, 403)
            self.assertIn("os_compute_api:os-server-external-events:create", body["forbidden"]["message"])


class ReservationId(unittest.TestCase):
    def test_return_reservation_id_answers_the_reservation_its_servers_share(self):
        with Gateway() as gw:
            conn = openstack_sdk(gw)
            image = conn.image.find_image(IMAGE).id
            r = conn.compute.post("/servers", json={"server": {
                "name": "rr", "imageRef": image, "flavorRef": "1", "min_count": 2, "max_count": 2,
                "return_reservation_id": True}})
            self.assertEqual(r.status_code, 202)
            self.assertEqual(list(r.json()), ["reservation_id"])
            reservation = r.json()["reservation_id"]
            self.assertRegex(reservation, r"^r-[0-9a-z]{8}$")
            listed = openstack_json(gw, "server", "list", "--name", "^rr-")
            self.assertEqual(sorted(s["Name"] for s in listed), ["rr-1", "rr-2"])
            shown = conn.compute.get(f"/servers/detail?reservation_id={reservation}", microversion="2.1").json()
            self.assertEqual(len(shown["servers"]), 2)
            bad = conn.compute.post("/servers", json={"server": {
                "name": "rr", "imageRef": image, "flavorRef": "1", "return_reservation_id": "maybe"}})
            self.assertEqual((bad.status_code, bad.json()["badRequest"]["code"]), (400, 400))


if __name__ == "__main__":
    unittest.main()
