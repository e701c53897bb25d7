"""Nova's whole power lifecycle through the clients people use: the openstack
CLI for each command (and a 409 with Nova's text for each), tempest's
ServersClient with schema validation at 2.1 and the highest microversion
served, openstacksdk's calls, policy, locks, transition times on the virtual
clock, failed transitions, and instance actions for each."""
import unittest

from openstack import exceptions as sdk_exceptions
from tempest.lib import exceptions
from tempest.lib.services.compute import base_compute_client

from clients import openstack, openstack_json, openstack_sdk
from gateway import EXAMPLE_FLEET, Gateway
from test_tempest import IMAGE, clients

WEB1 = "6f1c2a3e-0b4d-4c5e-8f60-7a8b9c0d1e01"
WEB2 = "6f1c2a3e-0b4d-4c5e-8f60-7a8b9c0d1e02"
DB = "6f1c2a3e-0b4d-4c5e-8f60-7a8b9c0d1e04"  # locked by its owner in the demo fleet
HIGHEST = "2.79"


def show(gw, server, user="demo"):
    s = openstack_json(gw, "server", "show", server, user=user)
    return s["status"], s["OS-EXT-STS:vm_state"], s["OS-EXT-STS:task_state"], s["OS-EXT-STS:power_state"]


class OpenstackCli(unittest.TestCase):
    """Every command, then the same command where Nova refuses it, with Nova's words."""

    def test_each_command_and_its_409(self):
        with Gateway(["--fleet", EXAMPLE_FLEET]) as gw:
            steps = [
                (["server", "reboot", "--soft", "web-1"], ("ACTIVE", "active", None, 1),
                 ["server", "reboot", "--soft", "web-3"], f"Cannot 'reboot' instance {'6f1c2a3e-0b4d-4c5e-8f60-7a8b9c0d1e03'} while it is in vm_state stopped"),
                (["server", "pause", "web-1"], ("PAUSED", "paused", None, 3),
                 ["server", "pause", "web-1"], f"Cannot 'pause' instance {WEB1} while it is in vm_state paused"),
                (["server", "reboot", "--hard", "web-1"], ("ACTIVE", "active", None, 1),
                 ["server", "unpause", "web-1"], f"Cannot 'unpause' instance {WEB1} while it is in vm_state active"),
                (["server", "suspend", "web-1"], ("SUSPENDED", "suspended", None, 4),
                 ["server", "suspend", "web-1"], f"Cannot 'suspend' instance {WEB1} while it is in vm_state suspended"),
                (["server", "resume", "web-1"], ("ACTIVE", "active", None, 1),
                 ["server", "resume", "web-1"], f"Cannot 'resume' instance {WEB1} while it is in vm_state active"),
                # The CLI itself skips shelving a shelved server and unshelving an active one: the
                # 409s of shelve and unshelve are asserted through tempest's client below.
                (["server", "shelve", "web-1"], ("SHELVED_OFFLOADED", "shelved_offloaded", None, 4),
                 ["server", "pause", "web-1"],
                 f"Cannot 'pause' instance {WEB1} while it is in vm_state shelved_offloaded"),
                (["server", "unshelve", "web-1"], ("ACTIVE", "active", None, 1),
                 ["server", "resume", "web-1"], f"Cannot 'resume' instance {WEB1} while it is in vm_state active"),
                (["server", "pause", "web-1"], ("PAUSED", "paused", None, 3),
                 ["server", "suspend", "web-1"], f"Cannot 'suspend' instance {WEB1} while it is in vm_state paused"),
                (["server", "unpause", "web-1"], ("ACTIVE", "active", None, 1),
                 ["server", "unpause", "web-1"], f"Cannot 'unpause' instance {WEB1} while it is in vm_state active"),
            ]
            for command, seen, refused, words in steps:
                with self.subTest(command=" ".join(command)):
                    r = openstack(gw, *command)
                    self.assertEqual(r.returncode, 0, r.stderr)
                    status, vm_state, task_state, power = show(gw, "web-1")
                    self.assertEqual((status, vm_state, task_state, power), seen)
                    r = openstack(gw, *refused)
                    self.assertNotEqual(r.returncode, 0)
                    self.assertIn(words, r.stderr)
                    self.assertIn("409", r.stderr)

    def test_a_hard_reboot_of_a_stopped_server(self):
        with Gateway(["--fleet", EXAMPLE_FLEET]) as gw:
            r = openstack(gw, "server", "reboot", "--hard", "web-3")  # SHUTOFF
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertEqual(show(gw, "web-3")[0], "ACTIVE")

    def test_shelve_offload_of_a_shelved_server_is_for_admins(self):
        shelved = {"servers": [{"name": "kept", "project": "demo", "state": "shelved", "id": WEB1}]}
        with Gateway(["--fleet", EXAMPLE_FLEET]) as gw:
            self.assertEqual(gw.control("POST", "/_gateway/snapshot", shelved)[0], 200)
            self.assertEqual(show(gw, "kept")[:2], ("SHELVED", "shelved"))
            servers, _ = clients(gw)
            with self.assertRaises(exceptions.Forbidden) as e:
                servers.shelve_offload_server(WEB1)
            self.assertIn("Policy doesn't allow os_compute_api:os-shelve:shelve_offload to be performed.",
                          str(e.exception))
            admin, _ = clients(gw, "admin")
            admin.shelve_offload_server(WEB1)
            self.assertEqual(show(gw, "kept")[:2], ("SHELVED_OFFLOADED", "shelved_offloaded"))
            r = openstack(gw, "server", "unshelve", "kept")
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertEqual(show(gw, "kept")[0], "ACTIVE")


class TempestClient(unittest.TestCase):
    def tearDown(self):
        base_compute_client.COMPUTE_MICROVERSION = None

    def test_every_action_validates_at_2_1_and_the_highest_microversion(self):
        with Gateway(["--fleet", EXAMPLE_FLEET]) as gw:
            for version in ["2.1", HIGHEST]:
                with self.subTest(microversion=version):
                    base_compute_client.COMPUTE_MICROVERSION = version
                    servers, _ = clients(gw)
                    admin, _ = clients(gw, "admin")
                    kwargs = {"networks": "none"} if version != "2.1" else {}
                    sid = servers.create_server(name=f"p-{version}", imageRef=IMAGE, flavorRef="1", **kwargs)["server"]["id"]
                    seen = lambda: servers.show_server(sid)["server"]["status"]  # noqa: E731 (schema-validated)
                    servers.reboot_server(sid, type="SOFT")
                    self.assertEqual(seen(), "ACTIVE")
                    servers.pause_server(sid)
                    self.assertEqual(seen(), "PAUSED")
                    self.assertEqual(servers.show_server(sid)["server"]["OS-EXT-STS:power_state"], 3)
                    with self.assertRaises(exceptions.Conflict):
                        servers.pause_server(sid)
                    servers.unpause_server(sid)
                    servers.suspend_server(sid)
                    self.assertEqual(seen(), "SUSPENDED")
                    servers.reboot_server(sid, type="HARD")
                    self.assertEqual(seen(), "ACTIVE")
                    servers.suspend_server(sid)
                    servers.resume_server(sid)
                    self.assertEqual(seen(), "ACTIVE")
                    servers.shelve_server(sid)
                    self.assertEqual(seen(), "SHELVED_OFFLOADED")
                    with self.assertRaises(exceptions.Conflict) as e:
                        servers.shelve_server(sid)
                    self.assertIn(f"Cannot 'shelve' instance {sid} while it is in vm_state shelved_offloaded",
                                  str(e.exception))
                    with self.assertRaises(exceptions.Conflict) as e:
                        admin.shelve_offload_server(sid)  # offloaded already
                    self.assertIn("Cannot 'shelveOffload'", str(e.exception))
                    servers.unshelve_server(sid)
                    self.assertEqual(seen(), "ACTIVE")
                    with self.assertRaises(exceptions.Conflict) as e:
                        servers.unshelve_server(sid)
                    self.assertIn(f"Cannot 'unshelve' instance {sid} while it is in vm_state active", str(e.exception))
                    with self.assertRaises(exceptions.BadRequest):
                        servers.reboot_server(sid, type="BOUNCE")
                    if version == "2.1":  # tempest validates the list with 2.1's schema only
                        actions = [a["action"] for a in servers.list_instance_actions(sid)["instanceActions"]]
                        self.assertEqual(actions, ["unshelve", "shelve", "resume", "suspend", "reboot", "suspend",
                                                   "unpause", "pause", "reboot", "create"])

    def test_policy_locks_and_the_order_of_checks(self):
        with Gateway(["--fleet", EXAMPLE_FLEET]) as gw:
            viewer, _ = clients(gw, "viewer")
            with self.assertRaises(exceptions.Forbidden) as e:
                viewer.pause_server(WEB1)
            self.assertIn("os_compute_api:os-pause-server:pause", str(e.exception))
            servers, _ = clients(gw)
            with self.assertRaises(exceptions.Conflict) as e:
                servers.suspend_server(DB)
            self.assertIn(f"Instance {DB} is locked", str(e.exception))
            admin, _ = clients(gw, "admin")
            admin.suspend_server(DB)  # an admin passes the lock
            self.assertEqual(servers.show_server(DB)["server"]["status"], "SUSPENDED")
            alt, _ = clients(gw, "alt")
            with self.assertRaises(exceptions.NotFound):
                alt.pause_server(WEB1)  # another project's server: 404 before anything else


class Transitions(unittest.TestCase):
    def test_task_states_last_the_transition_time_on_the_virtual_clock(self):
        with Gateway(["--fleet", EXAMPLE_FLEET, "--transition-ms", "5000"]) as gw:
            self.assertEqual(gw.control("POST", "/_gateway/clock", {"mode": "virtual"})[0], 200)
            conn = openstack_sdk(gw)
            expect = [
                (conn.compute.pause_server, ("ACTIVE", "pausing"), ("PAUSED", None)),
                (conn.compute.unpause_server, ("PAUSED", "unpausing"), ("ACTIVE", None)),
                (conn.compute.suspend_server, ("ACTIVE", "suspending"), ("SUSPENDED", None)),
                (conn.compute.resume_server, ("SUSPENDED", "resuming"), ("ACTIVE", None)),
                (lambda s: conn.compute.reboot_server(s, "SOFT"), ("REBOOT", "rebooting"), ("ACTIVE", None)),
                (lambda s: conn.compute.reboot_server(s, "HARD"), ("HARD_REBOOT", "rebooting_hard"), ("ACTIVE", None)),
                (conn.compute.shelve_server, ("ACTIVE", "shelving"), ("SHELVED_OFFLOADED", None)),
                (conn.compute.unshelve_server, ("SHELVED_OFFLOADED", "unshelving"), ("ACTIVE", None)),
            ]
            for act, during, after in expect:
                act(WEB1)
                s = conn.compute.get_server(WEB1)
                self.assertEqual((s.status, s.task_state), during)
                gw.control("POST", "/_gateway/clock", {"advance_ms": 4999})
                self.assertEqual(conn.compute.get_server(WEB1).task_state, during[1])
                gw.control("POST", "/_gateway/clock", {"advance_ms": 1})
                s = conn.compute.get_server(WEB1)
                self.assertEqual((s.status, s.task_state), after)
            # A task under way refuses the next action with the task's name.
            conn.compute.pause_server(WEB1)
            with self.assertRaises(sdk_exceptions.ConflictException) as e:
                conn.compute.suspend_server(WEB1)
            self.assertIn("while it is in task_state pausing", str(e.exception))

    def test_a_failed_transition_ends_in_error_and_says_so_in_its_instance_action(self):
        with Gateway(["--fleet", EXAMPLE_FLEET]) as gw:
            rule = {"match": {"api": "nova", "operation": "pause"}, "effect": {"fail_transition": True}, "count": 1}
            self.assertEqual(gw.control("POST", "/_gateway/faults", rule)[0], 201)
            conn = openstack_sdk(gw)
            conn.compute.pause_server(WEB1)
            self.assertEqual(conn.compute.get_server(WEB1).status, "ERROR")
            actions = openstack_json(gw, "server", "event", "list", "web-1")
            self.assertEqual(actions[0]["Action"], "pause")
            shown = openstack_json(gw, "--os-compute-api-version", "2.51", "server", "event", "show", "web-1",
                                   actions[0]["Request ID"])
            self.assertEqual(shown["message"], "Error")
            self.assertEqual([e["event"] for e in shown["events"]], ["compute_pause_instance"])
            self.assertEqual(shown["events"][0]["result"], "Error")
            conn.compute.reboot_server(WEB1, "HARD")  # hard reboot recovers from ERROR, as in Nova
            self.assertEqual(conn.compute.get_server(WEB1).status, "ACTIVE")


if __name__ == "__main__":
    unittest.main()
