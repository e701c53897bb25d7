"""The rest of a server's life through Debian's openstack CLI, as a user types
it: renaming it and its properties, rebuild, resize with its confirmation or
revert, an admin's reset of its state, soft delete with restore, force delete
and reclaim, key pairs, the console log, the default security group and
Glance images. Each step asserts the exit status, what the CLI printed and
the state afterwards, through Transfer's view of the same server where it
has one."""
import json
import os
import shutil
import subprocess
import tempfile
import time
import unittest

from botocore.exceptions import ClientError

from clients import openstack, openstack_json, openstack_sdk, transfer
from gateway import EXAMPLE_FLEET, Gateway

WEB1, WEB1_T = "6f1c2a3e-0b4d-4c5e-8f60-7a8b9c0d1e01", "s-0123456789abcde01"
WEB2, WEB2_T = "6f1c2a3e-0b4d-4c5e-8f60-7a8b9c0d1e02", "s-0123456789abcde02"
WEB3, WEB3_T = "6f1c2a3e-0b4d-4c5e-8f60-7a8b9c0d1e03", "s-0123456789abcde03"  # stopped
CIRROS = "cirros-0.6.2-x86_64-disk"
CIRROS_ID = "0b1c3f0e-5a6d-4e2f-9a70-1c2d3e4f5a61"
DEBIAN = "debian-12-genericcloud-amd64"
DEBIAN_ID = "0b1c3f0e-5a6d-4e2f-9a70-1c2d3e4f5a62"


def ok(test, r):
    test.assertEqual(r.returncode, 0, f"stdout: {r.stdout}\nstderr: {r.stderr}")
    return r


def refused(test, r, *words):
    test.assertNotEqual(r.returncode, 0, r.stdout)
    for w in words:
        test.assertIn(w, r.stderr)
    return r


def show(gw, server, *columns, user="demo", version=None):
    args = (["--os-compute-api-version", version] if version else []) + ["server", "show", server]
    for c in columns:
        args += ["-c", c]
    return openstack_json(gw, *args, user=user)


def status(gw, server):
    s = show(gw, server, "status", "OS-EXT-STS:vm_state", "OS-EXT-STS:task_state", "OS-EXT-STS:power_state")
    return s["status"], s["OS-EXT-STS:vm_state"], s["OS-EXT-STS:task_state"], s["OS-EXT-STS:power_state"]


def transfer_id(gw, uuid):
    return next(s["server_id"] for s in gw.control("GET", "/_gateway/servers")[1]["servers"] if s["id"] == uuid)


def transfer_state(gw, server_id):
    return transfer(gw).describe_server(ServerId=server_id)["Server"]["State"]


def freeze(gw):
    assert gw.control("POST", "/_gateway/clock", {"mode": "virtual"})[0] == 200


def advance(gw, ms):
    assert gw.control("POST", "/_gateway/clock", {"advance_ms": ms})[0] == 200


def wait_for_status(gw, server, wanted, attempts=50):
    seen = None
    for _ in range(attempts):
        seen = show(gw, server, "status")["status"]
        if seen == wanted:
            break
        time.sleep(0.1)
    return seen


def boot(test, gw, name, *extra, user="demo"):
    created = openstack_json(gw, "server", "create", "--image", CIRROS, "--flavor", "m1.tiny", *extra, "--wait",
                             name, user=user)
    test.assertEqual(created["status"], "ACTIVE")
    return created["id"]


class TempDir(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="gateway-lifecycle-")
        self.addCleanup(shutil.rmtree, self.dir, True)

    def path(self, name, text=None):
        p = os.path.join(self.dir, name)
        if text is not None:
            with open(p, "w") as f:
                f.write(text)
        return p

    def config(self, **keys):
        return self.path("config.json", json.dumps(keys))


class ServerSet(TempDir):
    def test_set_name_and_properties_show_them_and_unset_removes_one(self):
        with Gateway(["--fleet", EXAMPLE_FLEET]) as gw:
            ok(self, openstack(gw, "server", "set", "--name", "frontend", "--property", "role=web",
                               "--property", "tier=1", "web-1"))
            shown = show(gw, WEB1, "name", "properties", "status")
            self.assertEqual(shown, {"name": "frontend", "properties": {"role": "web", "tier": "1"},
                                     "status": "ACTIVE"})
            refused(self, openstack(gw, "server", "show", "web-1"), "No server with a name or ID of 'web-1' exists.")
            # Transfer's view carries the new name.
            servers = {s["server_id"]: s for s in gw.control("GET", "/_gateway/servers")[1]["servers"]}
            self.assertEqual(servers[WEB1_T]["name"], "frontend")

            ok(self, openstack(gw, "server", "set", "--property", "tier=2", "frontend"))  # one changed, one kept
            self.assertEqual(show(gw, "frontend", "properties")["properties"], {"role": "web", "tier": "2"})
            ok(self, openstack(gw, "server", "unset", "--property", "role", "frontend"))
            self.assertEqual(show(gw, "frontend", "properties")["properties"], {"tier": "2"})

            ok(self, openstack(gw, "--os-compute-api-version", "2.19", "server", "set", "--description",
                               "serves the shop", "frontend"))
            self.assertEqual(show(gw, "frontend", "description", version="2.19")["description"], "serves the shop")

    def test_a_reader_another_project_and_a_state_nova_refuses(self):
        with Gateway(["--fleet", EXAMPLE_FLEET, "--config", self.config(reclaim_instance_interval=3600)]) as gw:
            refused(self, openstack(gw, "server", "set", "--property", "x=1", "web-1", user="viewer"),
                    "Policy doesn't allow os_compute_api:server-metadata:update to be performed. (HTTP 403)")
            refused(self, openstack(gw, "server", "set", "--name", "mine", "web-1", user="viewer"),
                    "Policy doesn't allow os_compute_api:servers:update to be performed. (HTTP 403)")
            refused(self, openstack(gw, "server", "set", "--property", "x=1", WEB1, user="alt"),
                    "No server with a name or ID of")
            ok(self, openstack(gw, "server", "delete", "web-2"))  # soft-deleted
            refused(self, openstack(gw, "server", "set", "--property", "x=1", WEB2),
                    f"Cannot 'update metadata' instance {WEB2} while it is in vm_state soft-delete (HTTP 409)")
            ok(self, openstack(gw, "server", "lock", "web-1"))
            refused(self, openstack(gw, "server", "set", "--property", "x=1", "web-1"),
                    f"Instance {WEB1} is locked (HTTP 409)")
            self.assertEqual(show(gw, WEB1, "properties")["properties"], {})
            self.assertEqual(show(gw, WEB2, "properties")["properties"], {})


class Rebuild(unittest.TestCase):
    def test_rebuild_changes_the_image_and_keeps_the_rest(self):
        with Gateway(["--fleet", EXAMPLE_FLEET]) as gw:
            ok(self, openstack(gw, "server", "set", "--property", "role=web", "web-1"))
            r = ok(self, openstack(gw, "server", "rebuild", "--image", DEBIAN, "--wait", "web-1", "-f", "json"))
            rebuilt = json.loads(r.stdout[r.stdout.index("{"):])
            self.assertEqual(rebuilt["image"], f"{DEBIAN} ({DEBIAN_ID})")
            self.assertTrue(rebuilt["adminPass"])
            shown = show(gw, "web-1", "status", "image", "properties", "flavor", "id")
            self.assertEqual(shown, {"status": "ACTIVE", "image": f"{DEBIAN} ({DEBIAN_ID})",
                                     "properties": {"role": "web"}, "flavor": "m1.tiny (1)", "id": WEB1})
            self.assertEqual(transfer_state(gw, WEB1_T), "ONLINE")
            # --property replaces the properties, as a rebuild's metadata does.
            ok(self, openstack(gw, "server", "rebuild", "--image", CIRROS, "--property", "role=db", "--wait", "web-1"))
            shown = show(gw, "web-1", "status", "image", "properties")
            self.assertEqual(shown, {"status": "ACTIVE", "image": f"{CIRROS} ({CIRROS_ID})",
                                     "properties": {"role": "db"}})
            actions = openstack_json(gw, "server", "event", "list", "web-1", "-c", "Action")
            self.assertEqual([a["Action"] for a in actions], ["rebuild", "rebuild"])

    def test_rebuilding_is_starting_to_transfer_and_a_stopped_server_stays_stopped(self):
        with Gateway(["--fleet", EXAMPLE_FLEET, "--transition-ms", "5000"]) as gw:
            freeze(gw)
            ok(self, openstack(gw, "server", "rebuild", "--image", DEBIAN, "web-1"))
            self.assertEqual(status(gw, "web-1"), ("REBUILD", "active", "rebuilding", 1))
            self.assertEqual(transfer_state(gw, WEB1_T), "STARTING")
            refused(self, openstack(gw, "server", "stop", "web-1"),
                    f"Cannot 'stop' instance {WEB1} while it is in task_state rebuilding (HTTP 409)")
            ok(self, openstack(gw, "server", "rebuild", "--image", DEBIAN, "web-3"))
            self.assertEqual(status(gw, "web-3"), ("REBUILD", "stopped", "rebuilding", 4))
            self.assertEqual(transfer_state(gw, WEB3_T), "STOPPING")
            advance(gw, 5000)
            self.assertEqual(status(gw, "web-1"), ("ACTIVE", "active", None, 1))
            self.assertEqual(transfer_state(gw, WEB1_T), "ONLINE")
            self.assertEqual(status(gw, "web-3"), ("SHUTOFF", "stopped", None, 4))
            self.assertEqual(transfer_state(gw, WEB3_T), "OFFLINE")
            self.assertEqual(show(gw, "web-3", "image")["image"], f"{DEBIAN} ({DEBIAN_ID})")

    def test_a_locked_or_paused_server_is_not_rebuilt(self):
        with Gateway(["--fleet", EXAMPLE_FLEET]) as gw:
            ok(self, openstack(gw, "server", "lock", "web-1"))
            refused(self, openstack(gw, "server", "rebuild", "--image", DEBIAN, "web-1"),
                    f"Instance {WEB1} is locked (HTTP 409)")
            ok(self, openstack(gw, "server", "pause", "web-2"))
            refused(self, openstack(gw, "server", "rebuild", "--image", DEBIAN, "web-2"),
                    f"Cannot 'rebuild' instance {WEB2} while it is in vm_state paused (HTTP 409)")
            for server in ("web-1", "web-2"):
                self.assertEqual(show(gw, server, "image")["image"], "N/A (booted from volume)")


class Resize(unittest.TestCase):
    def test_resize_then_confirm_keeps_the_new_flavor(self):
        with Gateway([]) as gw:
            uuid = boot(self, gw, "vm-1")
            server_t = transfer_id(gw, uuid)
            ok(self, openstack(gw, "server", "resize", "--flavor", "m1.small", "--wait", "vm-1"))
            self.assertEqual(status(gw, "vm-1"), ("VERIFY_RESIZE", "resized", None, 1))
            self.assertEqual(show(gw, "vm-1", "flavor")["flavor"], "m1.small (2)")
            self.assertEqual(transfer_state(gw, server_t), "ONLINE")  # it serves while it waits to be confirmed
            refused(self, openstack(gw, "server", "resize", "--flavor", "m1.medium", "vm-1"),
                    f"Cannot 'resize' instance {uuid} while it is in vm_state resized (HTTP 409)")

            ok(self, openstack(gw, "server", "resize", "confirm", "vm-1"))
            self.assertEqual(wait_for_status(gw, "vm-1", "ACTIVE"), "ACTIVE")
            self.assertEqual(show(gw, "vm-1", "flavor")["flavor"], "m1.small (2)")
            self.assertEqual(transfer_state(gw, server_t), "ONLINE")
            refused(self, openstack(gw, "server", "resize", "confirm", "vm-1"),
                    f"Cannot 'confirmResize' instance {uuid} while it is in vm_state active (HTTP 409)")
            actions = openstack_json(gw, "server", "event", "list", "vm-1", "-c", "Action")
            self.assertEqual([a["Action"] for a in actions], ["confirmResize", "resize", "create"])

    def test_resize_then_revert_goes_back_to_the_old_flavor(self):
        with Gateway(["--fleet", EXAMPLE_FLEET]) as gw:
            ok(self, openstack(gw, "server", "resize", "--flavor", "m1.medium", "web-1"))
            self.assertEqual(status(gw, "web-1"), ("VERIFY_RESIZE", "resized", None, 1))
            self.assertEqual(show(gw, "web-1", "flavor")["flavor"], "m1.medium (3)")
            ok(self, openstack(gw, "server", "resize", "revert", "web-1"))
            self.assertEqual(status(gw, "web-1"), ("ACTIVE", "active", None, 1))
            self.assertEqual(show(gw, "web-1", "flavor")["flavor"], "m1.tiny (1)")
            self.assertEqual(transfer_state(gw, WEB1_T), "ONLINE")
            refused(self, openstack(gw, "server", "resize", "revert", "web-1"),
                    f"Cannot 'revertResize' instance {WEB1} while it is in vm_state active (HTTP 409)")
            actions = openstack_json(gw, "server", "event", "list", "web-1", "-c", "Action")
            self.assertEqual([a["Action"] for a in actions], ["revertResize", "resize"])

    def test_a_stopped_server_is_resized_stopped_and_stays_stopped(self):
        with Gateway(["--fleet", EXAMPLE_FLEET]) as gw:
            ok(self, openstack(gw, "server", "resize", "--flavor", "m1.small", "web-3"))
            self.assertEqual(status(gw, "web-3"), ("VERIFY_RESIZE", "resized", None, 4))
            self.assertEqual(transfer_state(gw, WEB3_T), "OFFLINE")
            ok(self, openstack(gw, "server", "resize", "confirm", "web-3"))
            self.assertEqual(status(gw, "web-3"), ("SHUTOFF", "stopped", None, 4))
            self.assertEqual(show(gw, "web-3", "flavor")["flavor"], "m1.small (2)")
            ok(self, openstack(gw, "server", "resize", "--flavor", "m1.medium", "web-3"))
            ok(self, openstack(gw, "server", "resize", "revert", "web-3"))
            self.assertEqual(status(gw, "web-3"), ("SHUTOFF", "stopped", None, 4))
            self.assertEqual(show(gw, "web-3", "flavor")["flavor"], "m1.small (2)")
            self.assertEqual(transfer_state(gw, WEB3_T), "OFFLINE")

    def test_the_same_flavor_a_paused_server_and_a_locked_one_are_refused(self):
        with Gateway(["--fleet", EXAMPLE_FLEET]) as gw:
            refused(self, openstack(gw, "server", "resize", "--flavor", "m1.tiny", "web-1"),
                    "When resizing, instances must change flavor! (HTTP 400)")
            ok(self, openstack(gw, "server", "pause", "web-2"))
            refused(self, openstack(gw, "server", "resize", "--flavor", "m1.small", "web-2"),
                    f"Cannot 'resize' instance {WEB2} while it is in vm_state paused (HTTP 409)")
            refused(self, openstack(gw, "server", "resize", "--flavor", "m1.small", "db-primary"),
                    "is locked (HTTP 409)")
            for server in ("web-1", "web-2", "db-primary"):
                self.assertEqual(show(gw, server, "flavor")["flavor"], "m1.tiny (1)")

    def test_resizing_and_reverting_are_starting_to_transfer(self):
        with Gateway(["--fleet", EXAMPLE_FLEET, "--transition-ms", "5000"]) as gw:
            freeze(gw)
            ok(self, openstack(gw, "server", "resize", "--flavor", "m1.small", "web-1"))
            self.assertEqual(status(gw, "web-1"), ("RESIZE", "active", "resize_migrating", 1))
            self.assertEqual(transfer_state(gw, WEB1_T), "STARTING")
            advance(gw, 5000)
            self.assertEqual(status(gw, "web-1"), ("VERIFY_RESIZE", "resized", None, 1))
            self.assertEqual(transfer_state(gw, WEB1_T), "ONLINE")
            ok(self, openstack(gw, "server", "resize", "revert", "web-1"))
            self.assertEqual(status(gw, "web-1"), ("REVERT_RESIZE", "resized", "resize_reverting", 1))
            advance(gw, 5000)
            self.assertEqual(status(gw, "web-1"), ("ACTIVE", "active", None, 1))
            self.assertEqual(show(gw, "web-1", "flavor")["flavor"], "m1.tiny (1)")

    def test_the_flavor_changes_when_the_resize_finishes_not_when_it_is_asked_for(self):
        # Nova's compute manager sets instance.flavor to the new flavor in
        # finish_resize (and back to the old one in finish_revert_resize):
        # until then `server show` shows the flavor the server still has.
        with Gateway(["--fleet", EXAMPLE_FLEET, "--transition-ms", "5000"]) as gw:
            freeze(gw)
            ok(self, openstack(gw, "server", "resize", "--flavor", "m1.small", "web-1"))
            self.assertEqual(show(gw, "web-1", "status", "flavor"), {"status": "RESIZE", "flavor": "m1.tiny (1)"})
            advance(gw, 5000)
            self.assertEqual(show(gw, "web-1", "status", "flavor"),
                             {"status": "VERIFY_RESIZE", "flavor": "m1.small (2)"})
            ok(self, openstack(gw, "server", "resize", "revert", "web-1"))
            self.assertEqual(show(gw, "web-1", "status", "flavor"),
                             {"status": "REVERT_RESIZE", "flavor": "m1.small (2)"})
            advance(gw, 5000)
            self.assertEqual(show(gw, "web-1", "status", "flavor"), {"status": "ACTIVE", "flavor": "m1.tiny (1)"})


class ResetState(unittest.TestCase):
    def test_an_admin_sets_error_then_active(self):
        with Gateway(["--fleet", EXAMPLE_FLEET]) as gw:
            refused(self, openstack(gw, "server", "set", "--state", "error", "web-2"),
                    "Policy doesn't allow os_compute_api:os-admin-actions:reset_state to be performed. (HTTP 403)")
            self.assertEqual(status(gw, "web-2")[0], "ACTIVE")

            ok(self, openstack(gw, "server", "set", "--state", "error", WEB2, user="admin"))
            self.assertEqual(status(gw, "web-2"), ("ERROR", "error", None, 1))
            self.assertEqual(transfer_state(gw, WEB2_T), "STOP_FAILED")
            refused(self, openstack(gw, "server", "pause", "web-2"),  # the CLI pauses through openstacksdk
                    "409", f"Cannot 'pause' instance {WEB2} while it is in vm_state error")
            ok(self, openstack(gw, "server", "set", "--state", "active", WEB2, user="admin"))
            self.assertEqual(status(gw, "web-2"), ("ACTIVE", "active", None, 1))
            self.assertEqual(transfer_state(gw, WEB2_T), "ONLINE")
            ok(self, openstack(gw, "server", "pause", "web-2"))  # usable again

            # A stopped server reset to error keeps its power off: START_FAILED to Transfer.
            ok(self, openstack(gw, "server", "set", "--state", "error", WEB3, user="admin"))
            self.assertEqual(status(gw, "web-3"), ("ERROR", "error", None, 4))
            self.assertEqual(transfer_state(gw, WEB3_T), "START_FAILED")
            # The owner's lock does not hold back an admin's reset.
            ok(self, openstack(gw, "server", "set", "--state", "error", "6f1c2a3e-0b4d-4c5e-8f60-7a8b9c0d1e04",
                               user="admin"))
            self.assertEqual(status(gw, "db-primary")[0], "ERROR")

    def test_a_reset_abandons_the_transition_under_way(self):
        with Gateway(["--fleet", EXAMPLE_FLEET, "--transition-ms", "5000"]) as gw:
            freeze(gw)
            ok(self, openstack(gw, "server", "rebuild", "--image", DEBIAN, "web-1"))
            self.assertEqual(status(gw, "web-1")[0], "REBUILD")
            ok(self, openstack(gw, "server", "set", "--state", "active", WEB1, user="admin"))
            self.assertEqual(status(gw, "web-1"), ("ACTIVE", "active", None, 1))
            self.assertEqual(transfer_state(gw, WEB1_T), "ONLINE")
            advance(gw, 10000)
            self.assertEqual(status(gw, "web-1"), ("ACTIVE", "active", None, 1))
            ok(self, openstack(gw, "server", "stop", "web-1"))  # nothing under way any more


class SoftDelete(TempDir):
    def gateway(self, *extra, interval=3600):
        return Gateway(["--fleet", EXAMPLE_FLEET, "--config", self.config(reclaim_instance_interval=interval),
                        *extra])

    def test_delete_soft_deletes_and_restore_brings_it_back(self):
        with self.gateway() as gw:
            refused(self, openstack(gw, "server", "restore", "web-1"),
                    f"Cannot 'restore' instance {WEB1} while it is in vm_state active (HTTP 409)")
            ok(self, openstack(gw, "server", "delete", "web-1"))
            # Soft-deleted, it is found by id only: the CLI looks a name up in the server list.
            self.assertEqual(status(gw, WEB1), ("SOFT_DELETED", "soft-delete", None, 4))
            self.assertEqual(transfer_state(gw, WEB1_T), "OFFLINE")
            refused(self, openstack(gw, "server", "start", WEB1),
                    f"Cannot 'start' instance {WEB1} while it is in vm_state soft-delete (HTTP 409)")

            ok(self, openstack(gw, "server", "restore", WEB1))
            self.assertEqual(status(gw, "web-1"), ("ACTIVE", "active", None, 1))
            self.assertEqual(transfer_state(gw, WEB1_T), "ONLINE")
            refused(self, openstack(gw, "server", "restore", "web-1"),
                    f"Cannot 'restore' instance {WEB1} while it is in vm_state active (HTTP 409)")
            actions = openstack_json(gw, "server", "event", "list", "web-1", "-c", "Action")
            self.assertEqual([a["Action"] for a in actions], ["restore", "delete"])

    def test_a_server_stopped_before_the_delete_is_restored_active(self):
        with self.gateway() as gw:
            uuid = boot(self, gw, "vm-1")
            ok(self, openstack(gw, "server", "stop", "vm-1"))
            self.assertEqual(wait_for_status(gw, uuid, "SHUTOFF"), "SHUTOFF")
            ok(self, openstack(gw, "server", "delete", "vm-1"))
            self.assertEqual(wait_for_status(gw, uuid, "SOFT_DELETED"), "SOFT_DELETED")
            self.assertEqual(transfer_state(gw, transfer_id(gw, uuid)), "OFFLINE")
            ok(self, openstack(gw, "server", "restore", uuid))
            # Nova's restore powers the server on, whatever it was before the delete.
            self.assertEqual(wait_for_status(gw, uuid, "ACTIVE"), "ACTIVE")
            self.assertEqual(transfer_state(gw, transfer_id(gw, uuid)), "ONLINE")

    def test_a_stopped_server_of_the_fleet_file_is_soft_deleted_too(self):
        # A SHUTOFF server has run (Nova stops only a launched one, and soft-
        # deletes any launched one), so its launched_at is set and DELETE
        # soft-deletes it like web-1.
        with self.gateway() as gw:
            self.assertIsNotNone(show(gw, "web-3", "OS-SRV-USG:launched_at")["OS-SRV-USG:launched_at"])
            ok(self, openstack(gw, "server", "delete", "web-3"))
            self.assertEqual(status(gw, WEB3)[0], "SOFT_DELETED")
            ok(self, openstack(gw, "server", "restore", WEB3))
            self.assertEqual(status(gw, WEB3)[0], "ACTIVE")

    def test_a_soft_deleted_server_is_not_in_the_server_list(self):
        # Nova lists with deleted=False, and its database query leaves out
        # vm_state soft-delete unless asked for soft-deleted servers.
        with self.gateway() as gw:
            ok(self, openstack(gw, "server", "delete", "web-1"))
            self.assertEqual(status(gw, WEB1)[0], "SOFT_DELETED")  # shown by id, as Nova does
            names = [s["Name"] for s in openstack_json(gw, "server", "list")]
            self.assertNotIn("web-1", names)
            self.assertIn("web-2", names)
            # So the CLI, which looks a name up in the list, does not find it by name.
            refused(self, openstack(gw, "server", "show", "web-1"), "No server with a name or ID of 'web-1' exists.")

    def test_force_delete_deletes_a_soft_deleted_server_for_good(self):
        with self.gateway() as gw:
            ok(self, openstack(gw, "server", "delete", "web-1"))
            self.assertEqual(status(gw, WEB1)[0], "SOFT_DELETED")
            ok(self, openstack(gw, "server", "delete", "--force", WEB1))
            refused(self, openstack(gw, "server", "show", WEB1), "No server with a name or ID of")
            with self.assertRaises(ClientError) as e:
                transfer(gw).describe_server(ServerId=WEB1_T)
            self.assertEqual(e.exception.response["Error"]["Code"], "ResourceNotFoundException")
            refused(self, openstack(gw, "server", "restore", WEB1), "No server with a name or ID of")
            # An ACTIVE one goes at once too; a locked one is refused.
            ok(self, openstack(gw, "server", "delete", "--force", "web-2"))
            refused(self, openstack(gw, "server", "show", WEB2), "No server with a name or ID of")
            refused(self, openstack(gw, "server", "delete", "--force", "db-primary"), "is locked (HTTP 409)")
            self.assertEqual(status(gw, "db-primary")[0], "ACTIVE")

    def test_force_delete_through_openstacksdk(self):
        with self.gateway() as gw:
            conn = openstack_sdk(gw)
            conn.compute.delete_server(WEB1)
            self.assertEqual(conn.compute.get_server(WEB1).status, "SOFT_DELETED")
            conn.compute.delete_server(WEB1, force=True)
            self.assertIsNone(conn.compute.find_server(WEB1))
            refused(self, openstack(gw, "server", "show", WEB1), "No server with a name or ID of")

    def test_reclaimed_after_the_interval(self):
        with self.gateway(interval=60) as gw:
            freeze(gw)
            ok(self, openstack(gw, "server", "delete", "web-1"))
            advance(gw, 59_999)
            self.assertEqual(status(gw, WEB1)[0], "SOFT_DELETED")
            self.assertEqual(transfer_state(gw, WEB1_T), "OFFLINE")
            advance(gw, 1)
            refused(self, openstack(gw, "server", "show", WEB1), "No server with a name or ID of")
            with self.assertRaises(ClientError):
                transfer(gw).describe_server(ServerId=WEB1_T)
            billing = {e["server_id"]: e for e in gw.control("GET", "/_gateway/billing")[1]["servers"]}
            self.assertTrue(billing[WEB1_T]["deleted"])
            # A restore in time cancels the reclaim.
            ok(self, openstack(gw, "server", "delete", "web-2"))
            advance(gw, 30_000)
            ok(self, openstack(gw, "server", "restore", WEB2))
            advance(gw, 60_000)
            self.assertEqual(status(gw, "web-2")[0], "ACTIVE")

    def test_a_server_that_never_ran_is_deleted_at_once(self):
        with self.gateway("--transition-ms", "5000") as gw:
            freeze(gw)
            created = openstack_json(gw, "server", "create", "--image", CIRROS, "--flavor", "m1.tiny", "building")
            self.assertEqual(created["status"], "BUILD")
            ok(self, openstack(gw, "server", "delete", "building"))
            refused(self, openstack(gw, "server", "show", created["id"]), "No server with a name or ID of")

    def test_without_the_interval_delete_is_for_good(self):
        with Gateway(["--fleet", EXAMPLE_FLEET]) as gw:
            ok(self, openstack(gw, "server", "delete", "web-1"))
            refused(self, openstack(gw, "server", "show", WEB1), "No server with a name or ID of")


class Keypairs(TempDir):
    def ssh_keygen(self, *args):
        r = subprocess.run(["/usr/bin/ssh-keygen", *args], capture_output=True, text=True, timeout=30)
        self.assertEqual(r.returncode, 0, r.stderr)
        return r.stdout

    def test_create_import_list_show_and_delete(self):
        with Gateway([]) as gw:
            # A generated pair: the CLI prints the private key, the cloud keeps its public half.
            r = ok(self, openstack(gw, "keypair", "create", "made"))
            self.assertTrue(r.stdout.startswith("-----BEGIN"), r.stdout[:80])
            self.assertIn("PRIVATE KEY-----", r.stdout)
            private = self.path("made", r.stdout)
            os.chmod(private, 0o600)
            derived = self.ssh_keygen("-y", "-f", private).split()[:2]
            public = ok(self, openstack(gw, "keypair", "show", "--public-key", "made")).stdout.split()[:2]
            self.assertEqual(public, derived)
            md5 = self.ssh_keygen("-l", "-E", "md5", "-f", private).split()[1]
            self.assertEqual(openstack_json(gw, "keypair", "show", "made")["fingerprint"], md5.removeprefix("MD5:"))

            # An imported one: the same public key back, with OpenSSH's fingerprint.
            key = self.path("id_ed25519")
            self.ssh_keygen("-q", "-t", "ed25519", "-N", "", "-C", "me@laptop", "-f", key)
            imported = openstack_json(gw, "keypair", "create", "--public-key", key + ".pub", "laptop")
            md5 = self.ssh_keygen("-l", "-E", "md5", "-f", key + ".pub").split()[1]
            self.assertEqual((imported["name"], imported["fingerprint"], imported["type"], imported["user_id"]),
                             ("laptop", md5.removeprefix("MD5:"), "ssh", "demo"))
            with open(key + ".pub") as f:
                self.assertEqual(ok(self, openstack(gw, "keypair", "show", "--public-key", "laptop")).stdout.strip(),
                                 f.read().strip())

            listed = openstack_json(gw, "keypair", "list")
            self.assertEqual(sorted((k["Name"], k["Type"]) for k in listed), [("laptop", "ssh"), ("made", "ssh")])
            shown = openstack_json(gw, "keypair", "show", "laptop")
            self.assertEqual((shown["name"], shown["user_id"], shown["type"], shown["is_deleted"]),
                             ("laptop", "demo", "ssh", False))
            self.assertTrue(shown["created_at"])

            refused(self, openstack(gw, "keypair", "create", "made"), "Key pair 'made' already exists.")
            refused(self, openstack(gw, "keypair", "create", "--public-key", key + ".pub", "laptop"),
                    "Key pair 'laptop' already exists.")
            bad = self.path("bad.pub", "ssh-rsa notakey me@host\n")
            refused(self, openstack(gw, "keypair", "create", "--public-key", bad, "bad"),
                    "Keypair data is invalid: failed to generate fingerprint")

            # Key pairs are the user's: another user sees none and cannot boot with one.
            self.assertEqual(openstack_json(gw, "keypair", "list", user="alt"), [])
            refused(self, openstack(gw, "keypair", "show", "made", user="alt"), "No Keypair found for made")

            ok(self, openstack(gw, "keypair", "delete", "made"))
            refused(self, openstack(gw, "keypair", "show", "made"), "No Keypair found for made")
            refused(self, openstack(gw, "keypair", "delete", "made"), "Keypair made not found for user demo")
            self.assertEqual([k["Name"] for k in openstack_json(gw, "keypair", "list")], ["laptop"])

    def test_a_server_boots_with_a_known_key_name_only(self):
        with Gateway([]) as gw:
            key = self.path("id_ed25519")
            self.ssh_keygen("-q", "-t", "ed25519", "-N", "", "-f", key)
            ok(self, openstack(gw, "keypair", "create", "--public-key", key + ".pub", "laptop"))
            refused(self, openstack(gw, "server", "create", "--image", CIRROS, "--flavor", "m1.tiny", "--key-name",
                                    "unknown", "vm-1"), "Invalid key_name provided. (HTTP 400)")
            refused(self, openstack(gw, "server", "create", "--image", CIRROS, "--flavor", "m1.tiny", "--key-name",
                                    "laptop", "vm-alt", user="alt"), "Invalid key_name provided. (HTTP 400)")
            self.assertEqual(openstack_json(gw, "server", "list"), [])
            self.assertEqual(openstack_json(gw, "server", "list", user="alt"), [])
            boot(self, gw, "vm-1", "--key-name", "laptop")
            self.assertEqual(show(gw, "vm-1", "key_name")["key_name"], "laptop")
            # Deleting the key pair leaves the server's key_name, as in Nova.
            ok(self, openstack(gw, "keypair", "delete", "laptop"))
            self.assertEqual(show(gw, "vm-1", "key_name")["key_name"], "laptop")


class ConsoleLog(unittest.TestCase):
    def test_console_log_show(self):
        with Gateway([]) as gw:
            uuid = boot(self, gw, "Web Front")
            r = ok(self, openstack(gw, "console", "log", "show", "Web Front"))
            lines = r.stdout.splitlines()
            self.assertIn(f"Instance-ID: {uuid}", lines)
            self.assertIn("[    1.204876] cloud-init: hostname: web-front", lines)
            self.assertEqual(lines[-1], "web-front login: ")
            # --lines N: the log's last N pieces between newlines (Nova's _tail_log), so at most N lines.
            for n in (2, 3, 6):
                tail = ok(self, openstack(gw, "console", "log", "show", "--lines", str(n), "Web Front")).stdout
                tail = tail.splitlines()
                self.assertTrue(tail, n)
                self.assertLessEqual(len(tail), n)
                self.assertEqual(tail, lines[-len(tail):])
            # A stopped server's console still has its log.
            ok(self, openstack(gw, "server", "stop", "Web Front"))
            self.assertEqual(status(gw, uuid)[0], "SHUTOFF")
            self.assertIn(f"Instance-ID: {uuid}", ok(self, openstack(gw, "console", "log", "show", uuid)).stdout)

    def test_an_offloaded_server_has_no_console(self):
        with Gateway(["--fleet", EXAMPLE_FLEET]) as gw:
            ok(self, openstack(gw, "server", "shelve", "web-1"))
            self.assertEqual(status(gw, "web-1")[0], "SHELVED_OFFLOADED")
            refused(self, openstack(gw, "console", "log", "show", "web-1"), f"Instance {WEB1} is not ready")
            refused(self, openstack(gw, "console", "log", "show", WEB1, user="alt"), "No Server found")


class SecurityGroups(unittest.TestCase):
    def test_remove_and_add_the_default_group(self):
        with Gateway(["--fleet", EXAMPLE_FLEET]) as gw:
            self.assertEqual(show(gw, "web-1", "security_groups")["security_groups"], [{"name": "default"}])
            ok(self, openstack(gw, "server", "remove", "security", "group", "web-1", "default"))
            # Nova leaves security_groups out of a server that has none.
            self.assertNotIn("security_groups", show(gw, "web-1"))
            refused(self, openstack(gw, "server", "remove", "security", "group", "web-1", "default"),
                    f"is not associated with the instance {WEB1} (HTTP 400)")
            ok(self, openstack(gw, "server", "add", "security", "group", "web-1", "default"))
            self.assertEqual(show(gw, "web-1", "security_groups")["security_groups"], [{"name": "default"}])
            refused(self, openstack(gw, "server", "add", "security", "group", "web-1", "no-such-group"))
            self.assertEqual(show(gw, "web-1", "security_groups")["security_groups"], [{"name": "default"}])
            # Other servers keep theirs.
            self.assertEqual(show(gw, "web-2", "security_groups")["security_groups"], [{"name": "default"}])


class GlanceImages(unittest.TestCase):
    def test_create_show_boot_from_and_delete_an_image(self):
        with Gateway([]) as gw:
            created = openstack_json(gw, "image", "create", "--disk-format", "qcow2", "--container-format", "bare",
                                     "--property", "os_distro=cirros", "my-image")
            self.assertEqual((created["name"], created["owner"], created["disk_format"], created["container_format"]),
                             ("my-image", "demo", "qcow2", "bare"))
            shown = openstack_json(gw, "image", "show", "my-image")
            self.assertEqual(shown["id"], created["id"])
            self.assertEqual((shown["status"], shown["size"], shown["visibility"]), ("active", 0, "shared"))
            self.assertEqual(shown["properties"]["os_distro"], "cirros")
            listed = [(i["Name"], i["Status"]) for i in openstack_json(gw, "image", "list")]
            self.assertIn(("my-image", "active"), listed)

            # Another project's user does not see it, nor may delete it.
            self.assertNotIn("my-image", [i["Name"] for i in openstack_json(gw, "image", "list", user="alt")])
            refused(self, openstack(gw, "image", "delete", created["id"], user="alt"))
            self.assertEqual(openstack_json(gw, "image", "show", created["id"])["status"], "active")

            server = openstack_json(gw, "server", "create", "--image", "my-image", "--flavor", "m1.tiny", "--wait",
                                    "from-mine")
            self.assertEqual(server["image"], f"my-image ({created['id']})")
            ok(self, openstack(gw, "image", "delete", "my-image"))
            refused(self, openstack(gw, "image", "show", created["id"]), "No Image found for")
            self.assertNotIn("my-image", [i["Name"] for i in openstack_json(gw, "image", "list")])
            refused(self, openstack(gw, "server", "create", "--image", created["id"], "--flavor", "m1.tiny", "again"))

    def test_a_protected_image_is_not_deleted(self):
        with Gateway([]) as gw:
            created = openstack_json(gw, "image", "create", "--protected", "guarded")
            refused(self, openstack(gw, "image", "delete", "guarded"),
                    f"Image {created['id']} is protected and cannot be deleted.")
            self.assertEqual(openstack_json(gw, "image", "show", "guarded")["protected"], True)


if __name__ == "__main__":
    unittest.main()
