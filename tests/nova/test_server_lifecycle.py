"""The rest of a server's life: renaming it and its properties, rebuild,
resize with its confirmation or revert, an admin's reset of its state, soft
delete with restore, force delete and reclaim. Each step asserts the status,
what the client got back and the state afterwards, through Transfer's view of
the same server where it has one (key pairs, the console, security groups and
images: test_server_resources.py).

Debian's openstack CLI runs once per command the README shows (server set and
unset, rebuild, resize and its confirm and revert, server set --state, server
delete and restore), as a user types it. Every other step goes through
openstacksdk in this process, or tempest.lib's ServersClient where the SDK has
no call (restore, instance actions) or to read a server as Nova renders it at
2.1, which the CLI shows: each CLI start costs a second or so of Python, which
this suite cannot pay on every step."""

import json
import os
import time
import unittest

from botocore.exceptions import ClientError

from clients import openstack, openstack_sdk, transfer
from gateway import EXAMPLE_FLEET, Gateway
from lifecycle_support import (WEB1, WEB1_T, WEB2, WEB2_T, WEB3, WEB3_T, DB_PRIMARY, CIRROS, CIRROS_ID, DEBIAN, DEBIAN_ID, TINY, SMALL, MEDIUM, ok, refused, Cloud, transfer_id, transfer_state, freeze, advance, TempDir)


class ServerSet(TempDir):
    def test_set_name_and_properties_show_them_and_unset_removes_one(self):
        with Gateway(["--fleet", EXAMPLE_FLEET]) as gw:
            cloud = Cloud(gw)
            ok(self, openstack(gw, "server", "set", "--name", "frontend", "--property", "role=web",
                               "--property", "tier=1", "web-1"))
            shown = cloud.get(WEB1)
            self.assertEqual((shown.name, shown.metadata, shown.status),
                             ("frontend", {"role": "web", "tier": "1"}, "ACTIVE"))
            self.assertIsNone(cloud.find("web-1"))  # the old name finds nothing
            # Transfer's view carries the new name.
            servers = {s["server_id"]: s for s in gw.control("GET", "/_gateway/servers")[1]["servers"]}
            self.assertEqual(servers[WEB1_T]["name"], "frontend")

            cloud.compute.set_server_metadata(cloud.id("frontend"), tier="2")  # one changed, one kept
            self.assertEqual(cloud.get("frontend").metadata, {"role": "web", "tier": "2"})
            ok(self, openstack(gw, "server", "unset", "--property", "role", "frontend"))
            self.assertEqual(cloud.get("frontend").metadata, {"tier": "2"})

            cloud.compute.update_server(cloud.id("frontend"), description="serves the shop")  # 2.19 and later
            self.assertEqual(cloud.get("frontend").description, "serves the shop")

    def test_a_reader_another_project_and_a_state_nova_refuses(self):
        with Gateway(["--fleet", EXAMPLE_FLEET, "--config", self.config(reclaim_instance_interval=3600)]) as gw:
            demo, viewer, alt = Cloud(gw), Cloud(gw, "viewer"), Cloud(gw, "alt")
            refused(self, lambda: viewer.compute.set_server_metadata(WEB1, x="1"), 403,
                    "Policy doesn't allow os_compute_api:server-metadata:update to be performed.")
            refused(self, lambda: viewer.compute.update_server(WEB1, name="mine"), 403,
                    "Policy doesn't allow os_compute_api:servers:update to be performed.")
            self.assertIsNone(alt.find(WEB1))
            refused(self, lambda: alt.compute.set_server_metadata(WEB1, x="1"), 404,
                    f"Instance {WEB1} could not be found")
            demo.compute.delete_server(demo.id("web-2"))  # soft-deleted
            refused(self, lambda: demo.compute.set_server_metadata(WEB2, x="1"), 409,
                    f"Cannot 'update metadata' instance {WEB2} while it is in vm_state soft-delete")
            demo.compute.lock_server(demo.id("web-1"))
            refused(self, lambda: demo.compute.set_server_metadata(demo.id("web-1"), x="1"), 409,
                    f"Instance {WEB1} is locked")
            self.assertEqual(demo.get(WEB1).metadata, {})
            self.assertEqual(demo.get(WEB2).metadata, {})


class Rebuild(unittest.TestCase):
    def test_rebuild_changes_the_image_and_keeps_the_rest(self):
        with Gateway(["--fleet", EXAMPLE_FLEET]) as gw:
            cloud = Cloud(gw)
            cloud.compute.set_server_metadata(cloud.id("web-1"), role="web")
            r = ok(self, openstack(gw, "server", "rebuild", "--image", DEBIAN, "--wait", "web-1", "-f", "json"))
            rebuilt = json.loads(r.stdout[r.stdout.index("{"):])
            self.assertEqual(rebuilt["image"], f"{DEBIAN} ({DEBIAN_ID})")
            self.assertTrue(rebuilt["adminPass"])
            shown = cloud.get("web-1")
            self.assertEqual((shown.status, shown.metadata, shown.id), ("ACTIVE", {"role": "web"}, WEB1))
            self.assertEqual(cloud.image_of("web-1"), f"{DEBIAN} ({DEBIAN_ID})")
            self.assertEqual(cloud.flavor("web-1"), "m1.tiny (1)")
            self.assertEqual(transfer_state(gw, WEB1_T), "ONLINE")
            # metadata replaces the properties, as a rebuild's metadata does.
            again = cloud.compute.rebuild_server(cloud.id("web-1"), CIRROS_ID, metadata={"role": "db"})
            self.assertTrue(again.admin_password)
            self.assertEqual(cloud.wait_for_status("web-1", "ACTIVE"), "ACTIVE")
            self.assertEqual(cloud.get("web-1").metadata, {"role": "db"})
            self.assertEqual(cloud.image_of("web-1"), f"{CIRROS} ({CIRROS_ID})")
            self.assertEqual(cloud.actions("web-1"), ["rebuild", "rebuild"])

    def test_rebuilding_is_starting_to_transfer_and_a_stopped_server_stays_stopped(self):
        with Gateway(["--fleet", EXAMPLE_FLEET, "--transition-ms", "5000"]) as gw:
            cloud = Cloud(gw)
            freeze(gw)
            cloud.compute.rebuild_server(cloud.id("web-1"), DEBIAN_ID)
            self.assertEqual(cloud.status("web-1"), ("REBUILD", "active", "rebuilding", 1))
            self.assertEqual(transfer_state(gw, WEB1_T), "STARTING")
            refused(self, lambda: cloud.compute.stop_server(WEB1), 409,
                    f"Cannot 'stop' instance {WEB1} while it is in task_state rebuilding")
            cloud.compute.rebuild_server(cloud.id("web-3"), DEBIAN_ID)
            self.assertEqual(cloud.status("web-3"), ("REBUILD", "stopped", "rebuilding", 4))
            self.assertEqual(transfer_state(gw, WEB3_T), "STOPPING")
            advance(gw, 5000)
            self.assertEqual(cloud.status("web-1"), ("ACTIVE", "active", None, 1))
            self.assertEqual(transfer_state(gw, WEB1_T), "ONLINE")
            self.assertEqual(cloud.status("web-3"), ("SHUTOFF", "stopped", None, 4))
            self.assertEqual(transfer_state(gw, WEB3_T), "OFFLINE")
            self.assertEqual(cloud.image_of("web-3"), f"{DEBIAN} ({DEBIAN_ID})")

    def test_a_locked_or_paused_server_is_not_rebuilt(self):
        with Gateway(["--fleet", EXAMPLE_FLEET]) as gw:
            cloud = Cloud(gw)
            cloud.compute.lock_server(WEB1)
            refused(self, lambda: cloud.compute.rebuild_server(WEB1, DEBIAN_ID), 409, f"Instance {WEB1} is locked")
            cloud.compute.pause_server(WEB2)
            refused(self, lambda: cloud.compute.rebuild_server(WEB2, DEBIAN_ID), 409,
                    f"Cannot 'rebuild' instance {WEB2} while it is in vm_state paused")
            for server in ("web-1", "web-2"):
                self.assertEqual(cloud.image_of(server), "N/A (booted from volume)")


class Resize(unittest.TestCase):
    def test_resize_then_confirm_keeps_the_new_flavor(self):
        with Gateway([]) as gw:
            cloud = Cloud(gw)
            uuid = cloud.boot(self, "vm-1")
            server_t = transfer_id(gw, uuid)
            ok(self, openstack(gw, "server", "resize", "--flavor", "m1.small", "--wait", "vm-1"))
            self.assertEqual(cloud.status("vm-1"), ("VERIFY_RESIZE", "resized", None, 1))
            self.assertEqual(cloud.flavor("vm-1"), "m1.small (2)")
            self.assertEqual(transfer_state(gw, server_t), "ONLINE")  # it serves while it waits to be confirmed
            refused(self, lambda: cloud.compute.resize_server(uuid, MEDIUM), 409,
                    f"Cannot 'resize' instance {uuid} while it is in vm_state resized")

            ok(self, openstack(gw, "server", "resize", "confirm", "vm-1"))
            self.assertEqual(cloud.wait_for_status("vm-1", "ACTIVE"), "ACTIVE")
            self.assertEqual(cloud.flavor("vm-1"), "m1.small (2)")
            self.assertEqual(transfer_state(gw, server_t), "ONLINE")
            refused(self, lambda: cloud.compute.confirm_server_resize(uuid), 409,
                    f"Cannot 'confirmResize' instance {uuid} while it is in vm_state active")
            self.assertEqual(cloud.actions("vm-1"), ["confirmResize", "resize", "create"])

    def test_resize_then_revert_goes_back_to_the_old_flavor(self):
        with Gateway(["--fleet", EXAMPLE_FLEET]) as gw:
            cloud = Cloud(gw)
            cloud.compute.resize_server(cloud.id("web-1"), MEDIUM)
            self.assertEqual(cloud.status("web-1"), ("VERIFY_RESIZE", "resized", None, 1))
            self.assertEqual(cloud.flavor("web-1"), "m1.medium (3)")
            ok(self, openstack(gw, "server", "resize", "revert", "web-1"))
            self.assertEqual(cloud.status("web-1"), ("ACTIVE", "active", None, 1))
            self.assertEqual(cloud.flavor("web-1"), "m1.tiny (1)")
            self.assertEqual(transfer_state(gw, WEB1_T), "ONLINE")
            refused(self, lambda: cloud.compute.revert_server_resize(WEB1), 409,
                    f"Cannot 'revertResize' instance {WEB1} while it is in vm_state active")
            self.assertEqual(cloud.actions("web-1"), ["revertResize", "resize"])

    def test_a_stopped_server_is_resized_stopped_and_stays_stopped(self):
        with Gateway(["--fleet", EXAMPLE_FLEET]) as gw:
            cloud = Cloud(gw)
            cloud.compute.resize_server(WEB3, SMALL)
            self.assertEqual(cloud.status("web-3"), ("VERIFY_RESIZE", "resized", None, 4))
            self.assertEqual(transfer_state(gw, WEB3_T), "OFFLINE")
            cloud.compute.confirm_server_resize(WEB3)
            self.assertEqual(cloud.status("web-3"), ("SHUTOFF", "stopped", None, 4))
            self.assertEqual(cloud.flavor("web-3"), "m1.small (2)")
            cloud.compute.resize_server(WEB3, MEDIUM)
            self.assertEqual(cloud.status("web-3"), ("VERIFY_RESIZE", "resized", None, 4))
            cloud.compute.revert_server_resize(WEB3)
            self.assertEqual(cloud.status("web-3"), ("SHUTOFF", "stopped", None, 4))
            self.assertEqual(cloud.flavor("web-3"), "m1.small (2)")
            self.assertEqual(transfer_state(gw, WEB3_T), "OFFLINE")

    def test_the_same_flavor_a_paused_server_and_a_locked_one_are_refused(self):
        with Gateway(["--fleet", EXAMPLE_FLEET]) as gw:
            cloud = Cloud(gw)
            refused(self, lambda: cloud.compute.resize_server(WEB1, TINY), 400,
                    "When resizing, instances must change flavor!")
            cloud.compute.pause_server(WEB2)
            refused(self, lambda: cloud.compute.resize_server(WEB2, SMALL), 409,
                    f"Cannot 'resize' instance {WEB2} while it is in vm_state paused")
            refused(self, lambda: cloud.compute.resize_server(cloud.id("db-primary"), SMALL), 409, "is locked")
            for server in ("web-1", "web-2", "db-primary"):
                self.assertEqual(cloud.flavor(server), "m1.tiny (1)")

    def test_resizing_and_reverting_are_starting_to_transfer(self):
        with Gateway(["--fleet", EXAMPLE_FLEET, "--transition-ms", "5000"]) as gw:
            cloud = Cloud(gw)
            freeze(gw)
            cloud.compute.resize_server(WEB1, SMALL)
            self.assertEqual(cloud.status("web-1"), ("RESIZE", "active", "resize_migrating", 1))
            self.assertEqual(transfer_state(gw, WEB1_T), "STARTING")
            advance(gw, 5000)
            self.assertEqual(cloud.status("web-1"), ("VERIFY_RESIZE", "resized", None, 1))
            self.assertEqual(transfer_state(gw, WEB1_T), "ONLINE")
            cloud.compute.revert_server_resize(WEB1)
            self.assertEqual(cloud.status("web-1"), ("REVERT_RESIZE", "resized", "resize_reverting", 1))
            advance(gw, 5000)
            self.assertEqual(cloud.status("web-1"), ("ACTIVE", "active", None, 1))
            self.assertEqual(cloud.flavor("web-1"), "m1.tiny (1)")

    def test_the_flavor_changes_when_the_resize_finishes_not_when_it_is_asked_for(self):
        # Nova's compute manager sets instance.flavor to the new flavor in
        # finish_resize (and back to the old one in finish_revert_resize):
        # until then the server shows the flavor it still has.
        with Gateway(["--fleet", EXAMPLE_FLEET, "--transition-ms", "5000"]) as gw:
            cloud = Cloud(gw)

            def shown():
                return cloud.get(WEB1).status, cloud.flavor(WEB1)

            freeze(gw)
            cloud.compute.resize_server(WEB1, SMALL)
            self.assertEqual(shown(), ("RESIZE", "m1.tiny (1)"))
            advance(gw, 5000)
            self.assertEqual(shown(), ("VERIFY_RESIZE", "m1.small (2)"))
            cloud.compute.revert_server_resize(WEB1)
            self.assertEqual(shown(), ("REVERT_RESIZE", "m1.small (2)"))
            advance(gw, 5000)
            self.assertEqual(shown(), ("ACTIVE", "m1.tiny (1)"))


class ResetState(unittest.TestCase):
    def test_an_admin_sets_error_then_active(self):
        with Gateway(["--fleet", EXAMPLE_FLEET]) as gw:
            demo, admin = Cloud(gw), Cloud(gw, "admin")
            refused(self, lambda: demo.compute.reset_server_state(WEB2, "error"), 403,
                    "Policy doesn't allow os_compute_api:os-admin-actions:reset_state to be performed.")
            self.assertEqual(demo.status("web-2")[0], "ACTIVE")

            ok(self, openstack(gw, "server", "set", "--state", "error", WEB2, user="admin"))
            self.assertEqual(demo.status("web-2"), ("ERROR", "error", None, 1))
            self.assertEqual(transfer_state(gw, WEB2_T), "STOP_FAILED")
            refused(self, lambda: demo.compute.pause_server(WEB2), 409,
                    f"Cannot 'pause' instance {WEB2} while it is in vm_state error")
            admin.compute.reset_server_state(WEB2, "active")
            self.assertEqual(demo.status("web-2"), ("ACTIVE", "active", None, 1))
            self.assertEqual(transfer_state(gw, WEB2_T), "ONLINE")
            demo.compute.pause_server(WEB2)  # usable again
            self.assertEqual(demo.status("web-2")[0], "PAUSED")

            # A stopped server reset to error keeps its power off: START_FAILED to Transfer.
            admin.compute.reset_server_state(WEB3, "error")
            self.assertEqual(demo.status("web-3"), ("ERROR", "error", None, 4))
            self.assertEqual(transfer_state(gw, WEB3_T), "START_FAILED")
            # The owner's lock does not hold back an admin's reset.
            admin.compute.reset_server_state(DB_PRIMARY, "error")
            self.assertEqual(demo.status("db-primary")[0], "ERROR")

    def test_a_reset_abandons_the_transition_under_way(self):
        with Gateway(["--fleet", EXAMPLE_FLEET, "--transition-ms", "5000"]) as gw:
            demo, admin = Cloud(gw), Cloud(gw, "admin")
            freeze(gw)
            demo.compute.rebuild_server(WEB1, DEBIAN_ID)
            self.assertEqual(demo.status("web-1")[0], "REBUILD")
            admin.compute.reset_server_state(WEB1, "active")
            self.assertEqual(demo.status("web-1"), ("ACTIVE", "active", None, 1))
            self.assertEqual(transfer_state(gw, WEB1_T), "ONLINE")
            advance(gw, 10000)
            self.assertEqual(demo.status("web-1"), ("ACTIVE", "active", None, 1))
            demo.compute.stop_server(WEB1)  # nothing under way any more


class SoftDelete(TempDir):
    def gateway(self, *extra, interval=3600):
        return Gateway(["--fleet", EXAMPLE_FLEET, "--config", self.config(reclaim_instance_interval=interval),
                        *extra])

    def test_delete_soft_deletes_and_restore_brings_it_back(self):
        with self.gateway() as gw:
            cloud = Cloud(gw)
            refused(self, lambda: cloud.restore(WEB1), 409,
                    f"Cannot 'restore' instance {WEB1} while it is in vm_state active")
            ok(self, openstack(gw, "server", "delete", "web-1"))
            # Soft-deleted, it is found by id only: a name is looked up in the server list.
            self.assertEqual(cloud.status(WEB1), ("SOFT_DELETED", "soft-delete", None, 4))
            self.assertIsNone(cloud.find("web-1"))
            self.assertEqual(transfer_state(gw, WEB1_T), "OFFLINE")
            refused(self, lambda: cloud.compute.start_server(WEB1), 409,
                    f"Cannot 'start' instance {WEB1} while it is in vm_state soft-delete")

            ok(self, openstack(gw, "server", "restore", WEB1))
            self.assertEqual(cloud.status("web-1"), ("ACTIVE", "active", None, 1))
            self.assertEqual(transfer_state(gw, WEB1_T), "ONLINE")
            refused(self, lambda: cloud.restore(WEB1), 409,
                    f"Cannot 'restore' instance {WEB1} while it is in vm_state active")
            self.assertEqual(cloud.actions("web-1"), ["restore", "delete"])

    def test_a_server_stopped_before_the_delete_is_restored_active(self):
        with self.gateway() as gw:
            cloud = Cloud(gw)
            uuid = cloud.boot(self, "vm-1")
            cloud.compute.stop_server(cloud.id("vm-1"))
            self.assertEqual(cloud.wait_for_status(uuid, "SHUTOFF"), "SHUTOFF")
            cloud.compute.delete_server(cloud.id("vm-1"))
            self.assertEqual(cloud.wait_for_status(uuid, "SOFT_DELETED"), "SOFT_DELETED")
            self.assertEqual(transfer_state(gw, transfer_id(gw, uuid)), "OFFLINE")
            cloud.restore(uuid)
            # Nova's restore powers the server on, whatever it was before the delete.
            self.assertEqual(cloud.wait_for_status(uuid, "ACTIVE"), "ACTIVE")
            self.assertEqual(transfer_state(gw, transfer_id(gw, uuid)), "ONLINE")

    def test_a_stopped_server_of_the_fleet_file_is_soft_deleted_too(self):
        # A SHUTOFF server has run (Nova stops only a launched one, and soft-
        # deletes any launched one), so its launched_at is set and DELETE
        # soft-deletes it like web-1.
        with self.gateway() as gw:
            cloud = Cloud(gw)
            self.assertIsNotNone(cloud.get("web-3").launched_at)
            cloud.compute.delete_server(cloud.id("web-3"))
            self.assertEqual(cloud.status(WEB3)[0], "SOFT_DELETED")
            cloud.restore(WEB3)
            self.assertEqual(cloud.status(WEB3)[0], "ACTIVE")

    def test_a_soft_deleted_server_is_not_in_the_server_list(self):
        # Nova lists with deleted=False, and its database query leaves out
        # vm_state soft-delete unless asked for soft-deleted servers.
        with self.gateway() as gw:
            cloud = Cloud(gw)
            cloud.compute.delete_server(cloud.id("web-1"))
            self.assertEqual(cloud.status(WEB1)[0], "SOFT_DELETED")  # shown by id, as Nova does
            names = [s.name for s in cloud.compute.servers()]
            self.assertNotIn("web-1", names)
            self.assertIn("web-2", names)
            # So a client that looks a name up in the list does not find it by name.
            self.assertIsNone(cloud.find("web-1"))

    def test_force_delete_deletes_a_soft_deleted_server_for_good(self):
        with self.gateway() as gw:
            cloud = Cloud(gw)
            cloud.compute.delete_server(cloud.id("web-1"))
            self.assertEqual(cloud.status(WEB1)[0], "SOFT_DELETED")
            cloud.compute.delete_server(WEB1, force=True)
            refused(self, lambda: cloud.compute.get_server(WEB1), 404)
            with self.assertRaises(ClientError) as e:
                transfer(gw).describe_server(ServerId=WEB1_T)
            self.assertEqual(e.exception.response["Error"]["Code"], "ResourceNotFoundException")
            refused(self, lambda: cloud.restore(WEB1), 404)
            # An ACTIVE one goes at once too; a locked one is refused.
            cloud.compute.delete_server(cloud.id("web-2"), force=True)
            refused(self, lambda: cloud.compute.get_server(WEB2), 404)
            refused(self, lambda: cloud.compute.delete_server(cloud.id("db-primary"), force=True), 409, "is locked")
            self.assertEqual(cloud.status("db-primary")[0], "ACTIVE")

    def test_force_delete_through_openstacksdk(self):
        with self.gateway() as gw:
            conn = openstack_sdk(gw)
            conn.compute.delete_server(WEB1)
            self.assertEqual(conn.compute.get_server(WEB1).status, "SOFT_DELETED")
            conn.compute.delete_server(WEB1, force=True)
            self.assertIsNone(conn.compute.find_server(WEB1))
            # Gone for another client too.
            refused(self, lambda: Cloud(gw).servers.show_server(WEB1), 404)

    def test_reclaimed_after_the_interval(self):
        with self.gateway(interval=60) as gw:
            cloud = Cloud(gw)
            freeze(gw)
            cloud.compute.delete_server(cloud.id("web-1"))
            advance(gw, 59_999)
            self.assertEqual(cloud.status(WEB1)[0], "SOFT_DELETED")
            self.assertEqual(transfer_state(gw, WEB1_T), "OFFLINE")
            advance(gw, 1)
            refused(self, lambda: cloud.compute.get_server(WEB1), 404)
            with self.assertRaises(ClientError):
                transfer(gw).describe_server(ServerId=WEB1_T)
            billing = {e["server_id"]: e for e in gw.control("GET", "/_gateway/billing")[1]["servers"]}
            self.assertTrue(billing[WEB1_T]["deleted"])
            # A restore in time cancels the reclaim.
            cloud.compute.delete_server(cloud.id("web-2"))
            advance(gw, 30_000)
            cloud.restore(WEB2)
            advance(gw, 60_000)
            self.assertEqual(cloud.status("web-2")[0], "ACTIVE")

    def test_a_server_that_never_ran_is_deleted_at_once(self):
        with self.gateway("--transition-ms", "5000") as gw:
            cloud = Cloud(gw)
            freeze(gw)
            created = cloud.compute.create_server(name="building", image_id=CIRROS_ID, flavor_id=TINY,
                                                  networks="none")
            self.assertEqual(cloud.get(created.id).status, "BUILD")
            cloud.compute.delete_server(cloud.id("building"))
            refused(self, lambda: cloud.compute.get_server(created.id), 404)

    def test_without_the_interval_delete_is_for_good(self):
        with Gateway(["--fleet", EXAMPLE_FLEET]) as gw:
            cloud = Cloud(gw)
            cloud.compute.delete_server(cloud.id("web-1"))
            refused(self, lambda: cloud.compute.get_server(WEB1), 404)
