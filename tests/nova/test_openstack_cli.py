"""Debian's openstack CLI, as a user types it, against the gateway."""
import time
import unittest

from clients import openstack, openstack_json
from gateway import Gateway


class OpenstackCli(unittest.TestCase):
    def test_a_users_session(self):
        with Gateway(["--transition-ms", "300"]) as gw:
            flavors = openstack_json(gw, "flavor", "list")
            self.assertIn("m1.tiny", [f["Name"] for f in flavors])
            images = openstack_json(gw, "image", "list")
            self.assertIn("cirros-0.6.2-x86_64-disk", [i["Name"] for i in images])

            created = openstack_json(gw, "server", "create", "--image", "cirros-0.6.2-x86_64-disk", "--flavor",
                                     "m1.tiny", "--wait", "vm-1")
            self.assertEqual(created["status"], "ACTIVE")
            self.assertEqual(created["name"], "vm-1")

            # Virtual time holds the stop in STOPPING however slow the CLI is.
            gw.control("POST", "/_gateway/clock", {"mode": "virtual"})
            r = openstack(gw, "server", "stop", "vm-1")
            self.assertEqual(r.returncode, 0, r.stderr)
            shown = openstack_json(gw, "server", "show", "vm-1")
            self.assertEqual((shown["status"], shown["OS-EXT-STS:task_state"]), ("ACTIVE", "powering-off"))
            gw.control("POST", "/_gateway/clock", {"advance_ms": 300})
            gw.control("POST", "/_gateway/clock", {"mode": "real"})
            shown = openstack_json(gw, "server", "show", "vm-1")
            self.assertEqual(shown["status"], "SHUTOFF")
            self.assertIn(shown["OS-EXT-STS:power_state"], (4, "Shutdown"))

            r = openstack(gw, "server", "stop", "vm-1")
            self.assertNotEqual(r.returncode, 0)
            self.assertIn(f"Cannot 'stop' instance {shown['id']} while it is in vm_state stopped (HTTP 409)", r.stderr)

            self.assertEqual(openstack(gw, "server", "start", "vm-1").returncode, 0)
            time.sleep(0.5)
            self.assertEqual(openstack_json(gw, "server", "show", "vm-1")["status"], "ACTIVE")

            self.assertEqual(openstack(gw, "server", "lock", "vm-1").returncode, 0)
            r = openstack(gw, "server", "stop", "vm-1")
            self.assertNotEqual(r.returncode, 0)
            self.assertIn(f"Instance {shown['id']} is locked (HTTP 409)", r.stderr)
            r = openstack(gw, "server", "stop", shown["id"], user="admin")  # the admin passes the lock
            self.assertEqual(r.returncode, 0, r.stderr)
            time.sleep(0.5)
            self.assertEqual(openstack_json(gw, "server", "show", "vm-1")["status"], "SHUTOFF")
            self.assertEqual(openstack(gw, "server", "unlock", "vm-1").returncode, 0)

            listed = openstack_json(gw, "server", "list")
            self.assertEqual([(s["Name"], s["Status"]) for s in listed], [("vm-1", "SHUTOFF")])

            r = openstack(gw, "server", "delete", "--wait", "vm-1")
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertEqual(openstack_json(gw, "server", "list"), [])

    def test_reader_and_other_projects(self):
        from gateway import EXAMPLE_FLEET
        with Gateway(["--fleet", EXAMPLE_FLEET]) as gw:
            r = openstack(gw, "server", "stop", "web-1", user="viewer")
            self.assertNotEqual(r.returncode, 0)
            self.assertIn("Policy doesn't allow os_compute_api:servers:stop to be performed. (HTTP 403)", r.stderr)
            r = openstack(gw, "server", "stop", "6f1c2a3e-0b4d-4c5e-8f60-7a8b9c0d1e01", user="alt")
            self.assertNotEqual(r.returncode, 0)
            self.assertIn("No server with a name or ID of", r.stderr)
            r = openstack(gw, "server", "list", "--all-projects", user="admin", check=False)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertEqual(r.stdout.count("ACTIVE") + r.stdout.count("SHUTOFF"), 12)


if __name__ == "__main__":
    unittest.main()
