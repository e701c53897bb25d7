"""Nova's rescue and unrescue through the clients people use: the openstack
CLI's `server rescue` / `server unrescue` (and Nova's 409 for every other
action on a rescued server), tempest's ServersClient with Nova's schemas
(200 with the adminPass, the 400s of a rescue image or a volume-backed
server, 403, 404), the in-between states on the virtual clock in both
views (Transfer sees a rescued server OFFLINE; its StartServer unrescues),
instance actions with their events, the dashboard's actions, a snapshot,
and a restart after kill -9 with --state."""
import os
import tempfile
import unittest

from tempest.lib import exceptions
from tempest.lib.common.utils import data_utils

from clients import openstack, openstack_json, transfer
from gateway import EXAMPLE_FLEET, Gateway
from lifecycle_support import CIRROS, CIRROS_ID, WEB1, WEB1_T, Cloud, advance, freeze, ok, refused, transfer_id, \
    transfer_state


def show(gw, server):
    s = openstack_json(gw, "server", "show", server)
    return s["status"], s["OS-EXT-STS:vm_state"], s["OS-EXT-STS:task_state"], s["OS-EXT-STS:power_state"]


def rejected(test, result, *words):
    """A CLI run that failed, its error holding each of words."""
    test.assertNotEqual(result.returncode, 0, result.stdout)
    for w in words:
        test.assertIn(w, result.stderr)


class OpenstackCli(unittest.TestCase):
    def test_rescue_and_unrescue_and_nova_409_for_everything_else(self):
        with Gateway(["--fleet", EXAMPLE_FLEET]) as gw:
            cloud = Cloud(gw)
            sid = cloud.boot(self, "rescued-vm")
            ok(self, openstack(gw, "server", "rescue", "rescued-vm"))
            self.assertEqual(show(gw, "rescued-vm"), ("RESCUE", "rescued", None, 1))
            ok(self, openstack(gw, "server", "unrescue", "rescued-vm"))
            self.assertEqual(show(gw, "rescued-vm"), ("ACTIVE", "active", None, 1))
            rejected(self, openstack(gw, "server", "unrescue", "rescued-vm"), "409",
                     f"Cannot 'unrescue' instance {sid} while it is in vm_state active")

            # With the CLI's --image (found by name) and --password, then every other action refused.
            ok(self, openstack(gw, "server", "rescue", "--image", CIRROS, "--password", "Rescue-me-1", sid))
            self.assertEqual(show(gw, sid)[:2], ("RESCUE", "rescued"))
            for command, action in [(["rescue"], "rescue"), (["reboot", "--hard"], "reboot"),
                                    (["reboot", "--soft"], "reboot"), (["stop"], "stop"), (["pause"], "pause"),
                                    (["suspend"], "suspend"), (["resize", "--flavor", "m1.small"], "resize"),
                                    (["rebuild", "--image", CIRROS], "rebuild"), (["image", "create"], "createImage")]:
                with self.subTest(command=command):
                    rejected(self, openstack(gw, "server", *command, sid), "409",
                             f"Cannot '{action}' instance {sid} while it is in vm_state rescued")
            # The CLI skips a start of a server that is not SHUTOFF: Nova's refusal through tempest's client.
            refused(self, lambda: cloud.servers.start_server(sid), 409,
                    f"Cannot 'start' instance {sid} while it is in vm_state rescued")
            self.assertEqual(show(gw, sid)[:2], ("RESCUE", "rescued"))

            events = openstack_json(gw, "server", "event", "list", sid)
            self.assertEqual([e["Action"] for e in events], ["rescue", "unrescue", "rescue", "create"])
            request_id = events[0]["Request ID"]
            # Events for an owner from 2.51, as Nova.
            shown = openstack_json(gw, "--os-compute-api-version", "2.51", "server", "event", "show", sid, request_id)
            self.assertEqual(shown["action"], "rescue")
            self.assertEqual([e["event"] for e in shown["events"]], ["compute_rescue_instance"])
            self.assertEqual(shown["events"][0]["result"], "Success")

    def test_a_stopped_server_is_rescued_and_comes_back_active_a_paused_one_is_refused(self):
        with Gateway(["--fleet", EXAMPLE_FLEET]) as gw:
            cloud = Cloud(gw)
            sid = cloud.boot(self, "stopped-vm")
            ok(self, openstack(gw, "server", "stop", sid))
            self.assertEqual(cloud.wait_for_status(sid, "SHUTOFF"), "SHUTOFF")
            ok(self, openstack(gw, "server", "rescue", sid))
            self.assertEqual(show(gw, sid), ("RESCUE", "rescued", None, 1))
            ok(self, openstack(gw, "server", "unrescue", sid))
            self.assertEqual(show(gw, sid), ("ACTIVE", "active", None, 1))  # as Nova: ACTIVE, not SHUTOFF
            ok(self, openstack(gw, "server", "pause", sid))
            rejected(self, openstack(gw, "server", "rescue", sid), "409",
                     f"Cannot 'rescue' instance {sid} while it is in vm_state paused")
            # Locked by its owner: Nova's 409 for the lock, to anyone but an admin.
            ok(self, openstack(gw, "server", "unpause", sid))
            ok(self, openstack(gw, "server", "lock", sid))
            rejected(self, openstack(gw, "server", "rescue", sid), "409", f"Instance {sid} is locked")
            self.assertEqual(show(gw, sid)[0], "ACTIVE")


class ServersClient(unittest.TestCase):
    """tempest.lib's client validates each answer against Nova's schema (200 {"adminPass"}, 202 null)."""

    def test_password_image_and_refusals(self):
        with Gateway(["--fleet", EXAMPLE_FLEET]) as gw:
            cloud = Cloud(gw)
            sid = cloud.boot(self, "r")
            password = data_utils.rand_password()
            body = cloud.servers.rescue_server(sid, adminPass=password)
            self.assertEqual(body.response.status, 200)
            self.assertEqual(dict(body), {"adminPass": password})
            self.assertEqual(cloud.status(sid), ("RESCUE", "rescued", None, 1))
            self.assertEqual(cloud.servers.unrescue_server(sid).response.status, 202)
            made_up = cloud.servers.rescue_server(sid, rescue_image_ref=CIRROS_ID)["adminPass"]
            self.assertEqual(len(made_up), 12)  # Nova's generated password
            cloud.servers.unrescue_server(sid)

            # A rescue image that does not exist, one not a uuid, a body Nova's schema refuses: 400, nothing changes.
            missing = data_utils.rand_uuid()
            refused(self, lambda: cloud.servers.rescue_server(sid, rescue_image_ref=missing), 400,
                    f"Requested rescue image '{missing}' is not supported")
            refused(self, lambda: cloud.servers.rescue_server(sid, rescue_image_ref="cirros"), 400,
                    "Invalid input for field/attribute rescue_image_ref. Value: cirros. 'cirros' is not a 'uuid'")
            refused(self, lambda: cloud.servers.rescue_server(sid, image="x"), 400,
                    "Invalid input for field/attribute rescue.", "Additional properties are not allowed")
            self.assertEqual(cloud.status(sid), ("ACTIVE", "active", None, 1))
            # A server with no image (the example fleet's: booted from a volume, as Nova sees it).
            refused(self, lambda: cloud.servers.rescue_server(WEB1), 400,
                    f"Instance {WEB1} cannot be rescued: Cannot rescue a volume-backed instance")
            refused(self, lambda: cloud.servers.rescue_server(data_utils.rand_uuid()), 404, "could not be found")
            refused(self, lambda: cloud.servers.unrescue_server(sid), 409,
                    f"Cannot 'unrescue' instance {sid} while it is in vm_state active")
            # Nova's policies: a reader may not rescue, another project does not see the server.
            refused(self, lambda: Cloud(gw, "viewer").servers.rescue_server(sid), 403,
                    "Policy doesn't allow os_compute_api:os-rescue to be performed.")
            refused(self, lambda: Cloud(gw, "alt").servers.rescue_server(sid), 404)
            self.assertEqual(cloud.actions(sid), ["unrescue", "rescue", "unrescue", "rescue", "create"])


class TransitionsAndTransfer(unittest.TestCase):
    def test_rescuing_and_unrescuing_on_the_virtual_clock_in_both_views(self):
        with Gateway(["--fleet", EXAMPLE_FLEET, "--transition-ms", "5000"]) as gw:
            cloud = Cloud(gw)
            freeze(gw)
            created = cloud.compute.create_server(name="slow", image_id=CIRROS_ID, flavor_id="1", networks="none")
            advance(gw, 5000)
            sid, tid = created.id, transfer_id(gw, created.id)
            cloud.servers.rescue_server(sid)
            self.assertEqual(cloud.status(sid), ("ACTIVE", "active", "rescuing", 1))
            self.assertEqual(transfer_state(gw, tid), "STOPPING")
            refused(self, lambda: cloud.servers.rescue_server(sid), 409,
                    f"Cannot 'rescue' instance {sid} while it is in task_state rescuing")
            advance(gw, 5000)
            self.assertEqual(cloud.status(sid), ("RESCUE", "rescued", None, 1))
            self.assertEqual(transfer_state(gw, tid), "OFFLINE")
            # The dashboard offers what the table allows: unrescue (and an admin's reset, never a stop).
            listed = next(s for s in gw.control("GET", "/_gateway/servers")[1]["servers"] if s["id"] == sid)
            self.assertIn("unrescue", listed["actions"])
            self.assertNotIn("stop", listed["actions"])
            self.assertEqual((listed["state"], listed["nova"]["status"], listed["transfer"]["state"]),
                             ("rescued", "RESCUE", "OFFLINE"))
            cloud.servers.unrescue_server(sid)
            self.assertEqual(cloud.status(sid), ("RESCUE", "rescued", "unrescuing", 1))
            self.assertEqual(transfer_state(gw, tid), "STARTING")
            advance(gw, 5000)
            self.assertEqual(cloud.status(sid), ("ACTIVE", "active", None, 1))
            self.assertEqual(transfer_state(gw, tid), "ONLINE")

    def test_transfer_stop_leaves_a_rescued_server_and_start_unrescues_it(self):
        with Gateway(["--fleet", EXAMPLE_FLEET]) as gw:
            cloud = Cloud(gw)
            sid = cloud.boot(self, "both-ways")
            tid = transfer_id(gw, sid)
            cloud.servers.rescue_server(sid)
            aws = transfer(gw)
            aws.stop_server(ServerId=tid)  # OFFLINE already: a success that changes nothing
            self.assertEqual(cloud.status(sid)[:2], ("RESCUE", "rescued"))
            aws.start_server(ServerId=tid)
            self.assertEqual(cloud.status(sid), ("ACTIVE", "active", None, 1))
            self.assertEqual(transfer_state(gw, tid), "ONLINE")
            self.assertEqual(cloud.actions(sid), ["unrescue", "rescue", "create"])


class Kept(unittest.TestCase):
    def test_a_rescued_server_survives_kill_9_and_comes_back_in_a_snapshot(self):
        with tempfile.TemporaryDirectory() as d:
            state = os.path.join(d, "state.db")
            gw = Gateway(["--fleet", EXAMPLE_FLEET, "--state", state]).__enter__()
            self.addCleanup(lambda: gw.proc.poll() is None and gw.kill())
            sid = Cloud(gw).boot(self, "kept")
            ok(self, openstack(gw, "server", "rescue", "kept"))
            gw.kill()
            with Gateway(["--state", state]) as again:
                self.assertEqual(show(again, sid), ("RESCUE", "rescued", None, 1))
                self.assertEqual(Cloud(again).actions(sid), ["rescue", "create"])
                status, snapshot = again.control("GET", "/_gateway/snapshot")
                self.assertEqual(status, 200)
                self.assertEqual(next(s["state"] for s in snapshot["servers"] if s["id"] == sid), "rescued")
                ok(self, openstack(again, "server", "unrescue", "kept"))
                self.assertEqual(show(again, sid)[0], "ACTIVE")
                # A snapshot loads a server as rescued, and Nova can take it from there.
                self.assertEqual(again.control("POST", "/_gateway/snapshot", snapshot)[0], 200)
                self.assertEqual(show(again, sid)[:2], ("RESCUE", "rescued"))
                ok(self, openstack(again, "server", "unrescue", sid))
                self.assertEqual(show(again, sid)[0], "ACTIVE")


if __name__ == "__main__":
    unittest.main()
