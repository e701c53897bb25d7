"""What an operator does to a one-host cloud through the openstack CLI:
guest agent builds (`compute agent create/list/set/delete`, os-agents as
Nova served it with XenAPI: admins only, Nova's 400s and 409s, kept with
--state across a kill -9 and in snapshots), and migrations (`server
migrate`, with `--live-migration`, with `--host`), which Nova answers as
its scheduler does with nowhere else to go: the server stays, and
`server migration list` shows the migration that failed."""
import os
import tempfile
import unittest

from clients import openstack, openstack_json, openstack_sdk
from gateway import Gateway

IMAGE = "cirros-0.6.2-x86_64-disk"
MD5 = "add6bb58e139be103324d04d82d8f545"


def ok(result):
    assert result.returncode == 0, result.stderr
    return result


def refused(result, words):
    assert result.returncode != 0, result.stdout
    assert words in result.stderr, result.stderr


def agents(gw, *args):
    return openstack_json(gw, "compute", "agent", "list", *args, user="admin")


class Agents(unittest.TestCase):
    def test_create_list_set_and_delete_admins_only(self):
        with Gateway() as gw:
            kvm = openstack_json(gw, "compute", "agent", "create", "linux", "x86_64", "7.0", "http://agents/kvm",
                                 MD5, "kvm", user="admin")
            self.assertEqual((kvm["hypervisor"], kvm["os"], kvm["architecture"], kvm["version"]),
                             ("kvm", "linux", "x86_64", "7.0"))
            xen = openstack_json(gw, "compute", "agent", "create", "linux", "x86_64", "7.0", "http://agents/xen",
                                 MD5, "xen", user="admin")
            self.assertEqual([a["Agent ID"] for a in agents(gw)], [kvm["agent_id"], xen["agent_id"]])
            self.assertEqual([a["Hypervisor"] for a in agents(gw, "--hypervisor", "xen")], ["xen"])

            ok(openstack(gw, "compute", "agent", "set", str(kvm["agent_id"]), "--agent-version", "8.0", user="admin"))
            shown = next(a for a in agents(gw) if a["Agent ID"] == kvm["agent_id"])
            self.assertEqual((shown["Version"], shown["URL"]), ("8.0", "http://agents/kvm"))

            refused(openstack(gw, "compute", "agent", "create", "linux", "x86_64", "9.0", "http://agents/kvm2", MD5,
                              "kvm", user="admin"),
                    "Agent-build with hypervisor kvm os linux architecture x86_64 exists. (HTTP 409)")
            refused(openstack(gw, "compute", "agent", "create", "linux", "x86_64", "7.0", "not-a-uri", MD5, "hyperv",
                              user="admin"),
                    "'not-a-uri' is not a 'uri'")
            refused(openstack(gw, "compute", "agent", "list"),
                    "Policy doesn't allow os_compute_api:os-agents:list to be performed. (HTTP 403)")

            ok(openstack(gw, "compute", "agent", "delete", str(xen["agent_id"]), user="admin"))
            self.assertEqual([a["Hypervisor"] for a in agents(gw)], ["kvm"])
            # Nova's own answers to ids that name nothing, as openstacksdk's session shows them.
            admin = openstack_sdk(gw, user="admin").compute
            r = admin.delete(f"/os-agents/{xen['agent_id']}")
            self.assertEqual((r.status_code, r.json()["itemNotFound"]["message"]),
                             (404, f"No agent-build associated with id {xen['agent_id']}."))
            r = admin.delete("/os-agents/one")
            self.assertEqual((r.status_code, r.json()["badRequest"]["message"]),
                             (400, "Invalid input received: id must be an integer"))

    def test_agents_survive_kill_9_and_travel_in_snapshots(self):
        with tempfile.TemporaryDirectory() as d:
            state = os.path.join(d, "state.db")
            with Gateway(["--state", state]) as gw:
                made = openstack_json(gw, "compute", "agent", "create", "linux", "x86_64", "7.0", "http://a/b", MD5,
                                      "xen", user="admin")
                gw.kill()
            with Gateway(["--state", state]) as gw:
                self.assertEqual([a["Agent ID"] for a in agents(gw)], [made["agent_id"]])
                status, saved = gw.control("GET", "/_gateway/snapshot")
                self.assertEqual(status, 200)
                self.assertIn("nova-agent", [doc["kind"] for doc in saved["documents"]])
                ok(openstack(gw, "compute", "agent", "delete", str(made["agent_id"]), user="admin"))
                self.assertEqual(agents(gw), [])
                self.assertEqual(gw.control("POST", "/_gateway/snapshot", saved)[0], 200)
                self.assertEqual([a["Hypervisor"] for a in agents(gw)], ["xen"])
                self.assertEqual(gw.control("POST", "/_gateway/reset")[0], 200)
                self.assertEqual(agents(gw), [])


class Migrations(unittest.TestCase):
    def test_one_host_has_nowhere_to_migrate_to(self):
        with Gateway() as gw:
            server = openstack_json(gw, "server", "create", "--image", IMAGE, "--flavor", "m1.tiny", "--wait", "mv-1")
            uuid = server["id"]  # the admin's project does not list demo's servers by name
            ok(openstack(gw, "server", "migrate", uuid, user="admin"))  # accepted; the scheduler finds no host
            refused(openstack(gw, "server", "migrate", "--live-migration", uuid, user="admin"),
                    "No valid host was found. There are not enough hosts available. (HTTP 400)")
            shown = openstack_json(gw, "server", "show", "mv-1")
            self.assertEqual((shown["status"], shown["OS-EXT-STS:task_state"]), ("ACTIVE", None))
            migrations = openstack_json(gw, "--os-compute-api-version", "2.23", "server", "migration", "list",
                                        user="admin")
            self.assertEqual(sorted((m["Type"], m["Status"]) for m in migrations),
                             [("live-migration", "error"), ("migration", "error")])
            self.assertEqual({m["Server UUID"] for m in migrations}, {server["id"]})

            v256 = ("--os-compute-api-version", "2.56")
            refused(openstack(gw, *v256, "server", "migrate", "--host", "gateway-host", uuid, user="admin"),
                    "Cannot migrate to the host where the server exists. (HTTP 400)")
            refused(openstack(gw, *v256, "server", "migrate", "--host", "elsewhere", uuid, user="admin"),
                    "Compute host elsewhere could not be found. (HTTP 400)")
            refused(openstack(gw, "server", "migrate", "mv-1"),
                    "Policy doesn't allow os_compute_api:os-migrate-server:migrate to be performed. (HTTP 403)")

            ok(openstack(gw, "server", "suspend", "mv-1"))
            refused(openstack(gw, "server", "migrate", uuid, user="admin"),
                    f"Cannot 'migrate' instance {uuid} while it is in vm_state suspended (HTTP 409)")
            refused(openstack(gw, "server", "migrate", "--live-migration", uuid, user="admin"),
                    f"Cannot 'os-migrateLive' instance {uuid} while it is in vm_state suspended (HTTP 409)")
            self.assertEqual(openstack_json(gw, "server", "show", "mv-1")["status"], "SUSPENDED")


if __name__ == "__main__":
    unittest.main()
