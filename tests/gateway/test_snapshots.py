"""Snapshots: GET /_gateway/snapshot is a fleet file that --fleet loads back
unchanged; POST replaces the state with one after validating all of it, and
a bad one is a 400 that names the problem and changes nothing."""
import json
import os
import tempfile
import unittest

from clients import openstack, openstack_sdk, transfer
from gateway import EXAMPLE_FLEET, Gateway

WEB1, WEB1_T = "6f1c2a3e-0b4d-4c5e-8f60-7a8b9c0d1e01", "s-0123456789abcde01"
WEB2 = "6f1c2a3e-0b4d-4c5e-8f60-7a8b9c0d1e02"


def snapshot(gw):
    status, body = gw.control("GET", "/_gateway/snapshot")
    assert status == 200, body
    return body


class Snapshots(unittest.TestCase):
    def test_a_snapshot_loads_back_unchanged(self):
        with Gateway(["--fleet", EXAMPLE_FLEET]) as gw:
            aws = transfer(gw)
            aws.stop_server(ServerId=WEB1_T)
            made = aws.create_server(Tags=[{"Key": "Name", "Value": "snap"}, {"Key": "env", "Value": "demo"}])
            aws.delete_server(ServerId="s-0123456789abcde03")
            aws.create_server()  # in an unmapped region: a Transfer-only tenant
            transfer(gw, region="eu-west-1").create_server()
            r = openstack(gw, "server", "lock", WEB2)
            self.assertEqual(r.returncode, 0, r.stderr)
            saved = snapshot(gw)
        names = {s["name"]: s for s in saved["servers"]}
        self.assertEqual(names["web-1"]["state"], "stopped")
        self.assertTrue(names["web-1"]["clean_shutdown"])
        self.assertEqual(names["web-2"]["locked"], "owner")
        self.assertIn("deleted_ms", names["web-3"])
        self.assertEqual(names["snap"]["tags"], {"Name": "snap", "env": "demo"})
        self.assertIn({"account": "000000000000", "region": "eu-west-1"},
                      [{k: s.get(k) for k in ("account", "region")} for s in saved["servers"]])

        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
            json.dump(saved, f)
        try:
            with Gateway(["--fleet", f.name]) as again:
                self.assertEqual(snapshot(again), saved)
                aws = transfer(again)
                self.assertEqual(aws.describe_server(ServerId=WEB1_T)["Server"]["State"], "OFFLINE")
                self.assertEqual(aws.describe_server(ServerId=made["ServerId"])["Server"]["Tags"],
                                 [{"Key": "Name", "Value": "snap"}, {"Key": "env", "Value": "demo"}])
                billing = {e["name"]: e for e in again.control("GET", "/_gateway/billing")[1]["servers"]}
                self.assertTrue(billing["web-3"]["deleted"])
        finally:
            os.unlink(f.name)

    def test_post_replaces_the_state(self):
        with Gateway(["--fleet", EXAMPLE_FLEET]) as gw:
            saved = snapshot(gw)
            aws = transfer(gw)
            aws.stop_server(ServerId=WEB1_T)
            aws.create_server()
            status, body = gw.control("POST", "/_gateway/snapshot", saved)
            self.assertEqual((status, body), (200, {"servers": 12}))
            self.assertEqual(snapshot(gw), saved)
            self.assertEqual(aws.describe_server(ServerId=WEB1_T)["Server"]["State"], "ONLINE")
            self.assertEqual(len(aws.list_servers()["Servers"]), 7)

    def test_key_pairs_and_images_travel_in_snapshots_and_reset_clears_them(self):
        with Gateway(["--fleet", EXAMPLE_FLEET]) as gw:
            conn = openstack_sdk(gw)
            conn.compute.create_keypair(name="demo-key")
            image = conn.image.create_image(name="golden", disk_format="qcow2", container_format="bare")
            saved = snapshot(gw)
            kinds = {d["kind"] for d in saved["documents"]}
            self.assertLessEqual({"glance-image", "nova-keypair", "net-network", "net-port"}, kinds)
            self.assertNotIn("keystone-token", kinds)  # never tokens: they are secrets
            self.assertEqual(gw.control("POST", "/_gateway/reset")[0], 200)
            self.assertIsNone(conn.compute.find_keypair("demo-key"))
            self.assertIsNone(conn.image.find_image(image.id))
            status, _ = gw.control("POST", "/_gateway/snapshot", saved)
            self.assertEqual(status, 200)
            self.assertEqual(conn.compute.find_keypair("demo-key").name, "demo-key")
            self.assertEqual(conn.image.get_image(image.id).name, "golden")
            self.assertEqual(snapshot(gw), saved)

    def test_a_bad_snapshot_is_refused_whole_and_changes_nothing(self):
        with Gateway(["--fleet", EXAMPLE_FLEET]) as gw:
            before = snapshot(gw)
            good = {"name": "new", "project": "demo"}
            cases = [
                ({"servers": [good, {"name": "x", "project": "demo", "state": "melting"}]}, "servers[1].state"),
                ({"servers": [good, {"name": "x", "project": "demo", "id": "not-a-uuid"}]}, "servers[1].id"),
                ({"servers": [{"project": "demo", "id": WEB1}, {"project": "alt", "id": WEB1}]},
                 f"servers[1]: server {WEB1} is already servers[0]"),
                ({"servers": [good], "users": []}, "unknown key 'users'"),
                ({"servers": [{"name": "x", "project": "demo", "state": "running",
                               "transition": {"action": "stop", "due_ms": 1}}]}, "servers[0].transition"),
                ({"servers": [{"name": "x"}]}, "give either 'project' or 'account'"),
                ({"servers": [], "documents": [{"kind": "mystery", "key": "k", "value": "v"}]},
                 "no part of the gateway keeps documents of kind 'mystery'"),
                ({"servers": [], "documents": [{"kind": "keystone-token", "key": "k", "value": "v"}]},
                 "kind 'keystone-token'"),
                ({"servers": [], "documents": [{"kind": "nova-keypair", "key": "k", "value": "{"}]},
                 "key pair 'k' cannot be read"),
            ]
            for body, words in cases:
                status, answer = gw.control("POST", "/_gateway/snapshot", body)
                self.assertEqual(status, 400, body)
                self.assertIn(words, answer["error"]["message"])
            status, answer = gw.control("POST", "/_gateway/snapshot", None,
                                        headers={"Content-Type": "application/json"})
            self.assertEqual(status, 400)
            self.assertEqual(snapshot(gw), before)


if __name__ == "__main__":
    unittest.main()
