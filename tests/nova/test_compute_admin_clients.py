"""The compute cloud's admin side through the openstack CLI, as an operator
types it: limits and quotas that hold (a create over quota is Nova's 403,
in Nova's words; a server made through Transfer counts but is never
refused), flavors made, shared with a project, given properties and
deleted, server groups with one host's anti-affinity, the host's
hypervisor, services, aggregates and zones, migrations from a resize, and
usage from the billing ledger."""
import json
import time
import unittest

from clients import openstack, openstack_json, openstack_sdk, transfer
from gateway import Gateway

IMAGE = "cirros-0.6.2-x86_64-disk"


def ok(result):
    assert result.returncode == 0, result.stderr
    return result


def absolute_limits(gw, user="demo"):
    return {row["Name"]: row["Value"] for row in openstack_json(gw, "limits", "show", "--absolute", user=user)}


def wait_status(gw, server, wanted, user="demo", timeout=30):
    deadline = time.time() + timeout
    while True:
        shown = openstack_json(gw, "server", "show", server, user=user)
        if shown["status"] == wanted or time.time() > deadline:
            return shown
        time.sleep(0.2)


class Quotas(unittest.TestCase):
    def test_limits_show_and_a_quota_that_holds(self):
        with Gateway() as gw:
            limits = absolute_limits(gw)
            self.assertEqual((limits["maxTotalInstances"], limits["maxTotalCores"], limits["maxTotalRAMSize"]),
                             (10, 20, 51200))
            self.assertEqual(limits["totalInstancesUsed"], 0)

            ok(openstack(gw, "quota", "set", "--instances", "2", "--cores", "8", "demo", user="admin"))
            quota = openstack_json(gw, "quota", "show", "demo", user="admin")
            self.assertEqual((quota["instances"], quota["cores"]), (2, 8))
            refused = openstack(gw, "quota", "set", "--instances", "5", "demo", user="demo")
            self.assertNotEqual(refused.returncode, 0)
            self.assertIn("os_compute_api:os-quota-sets:update", refused.stderr)

            for name in ("q-1", "q-2"):
                ok(openstack(gw, "server", "create", "--image", IMAGE, "--flavor", "m1.tiny", "--wait", name))
            over = openstack(gw, "server", "create", "--image", IMAGE, "--flavor", "m1.tiny", "q-3")
            self.assertNotEqual(over.returncode, 0)
            self.assertIn("Quota exceeded for instances: Requested 1, but already used 2 of 2 instances (HTTP 403)",
                          over.stderr)
            limits = absolute_limits(gw)
            self.assertEqual((limits["maxTotalInstances"], limits["totalInstancesUsed"]), (2, 2))
            self.assertEqual((limits["totalCoresUsed"], limits["totalRAMUsed"]), (2, 1024))

            # Transfer's CreateServer is never refused by Nova's quota, and its server counts (as an m1.tiny).
            transfer(gw).create_server(Tags=[{"Key": "Name", "Value": "sftp-1"}])
            self.assertEqual(absolute_limits(gw)["totalInstancesUsed"], 3)

            # Deleting frees the place: the quota counts what exists.
            ok(openstack(gw, "quota", "set", "--instances", "4", "demo", user="admin"))
            ok(openstack(gw, "server", "delete", "--wait", "q-1"))
            self.assertEqual(absolute_limits(gw)["totalInstancesUsed"], 2)
            ok(openstack(gw, "server", "create", "--image", IMAGE, "--flavor", "m1.tiny", "--wait", "q-4"))

    def test_quota_classes_set_every_projects_defaults(self):
        with Gateway() as gw:
            ok(openstack(gw, "quota", "set", "--class", "--key-pairs", "1", "default", user="admin"))
            # `quota show --class` looks the class name up as a Keystone project first (OSC 6.0): read it from Nova.
            shown = openstack_sdk(gw, user="admin").compute.get("/os-quota-class-sets/default").json()
            self.assertEqual(shown["quota_class_set"]["key_pairs"], 1)
            ok(openstack(gw, "keypair", "create", "k1"))
            refused = openstack(gw, "keypair", "create", "k2")
            self.assertNotEqual(refused.returncode, 0)
            self.assertIn("403", refused.stderr)
            self.assertIn("Quota exceeded, too many key pairs.", refused.stderr)


class Flavors(unittest.TestCase):
    def test_a_private_flavor_with_properties_from_creation_to_deletion(self):
        with Gateway() as gw:
            made = openstack_json(gw, "flavor", "create", "--ram", "1024", "--disk", "5", "--vcpus", "2",
                                  "--private", "--property", "hw:cpu_policy=dedicated", "gold", user="admin")
            self.assertEqual((made["ram"], made["vcpus"], made["os-flavor-access:is_public"]), (1024, 2, False))
            self.assertNotIn("gold", [f["Name"] for f in openstack_json(gw, "flavor", "list")])
            unseen = openstack(gw, "server", "create", "--image", IMAGE, "--flavor", made["id"], "nope")
            self.assertNotEqual(unseen.returncode, 0)

            ok(openstack(gw, "flavor", "set", "--project", "demo", "--property", "tier=gold", "gold", user="admin"))
            shown = openstack_json(gw, "flavor", "show", "gold", user="admin")
            self.assertEqual(shown["properties"], {"hw:cpu_policy": "dedicated", "tier": "gold"})
            self.assertIn("gold", [f["Name"] for f in openstack_json(gw, "flavor", "list")])
            server = openstack_json(gw, "server", "create", "--image", IMAGE, "--flavor", "gold", "--wait", "g-1")
            self.assertEqual(server["status"], "ACTIVE")

            ok(openstack(gw, "flavor", "unset", "--property", "tier", "gold", user="admin"))
            self.assertEqual(openstack_json(gw, "flavor", "show", "gold", user="admin")["properties"],
                             {"hw:cpu_policy": "dedicated"})
            refused = openstack(gw, "flavor", "delete", "gold", user="demo")
            self.assertNotEqual(refused.returncode, 0)
            ok(openstack(gw, "flavor", "delete", "gold", user="admin"))
            self.assertNotEqual(openstack(gw, "flavor", "show", "gold", user="admin").returncode, 0)
            # The server keeps the flavor it was made with, as Nova keeps a copy.
            shown = openstack_json(gw, "--os-compute-api-version", "2.47", "server", "show", "g-1")
            self.assertEqual(shown["flavor"]["original_name"], "gold")


class ServerGroups(unittest.TestCase):
    def test_anti_affinity_on_one_host(self):
        with Gateway() as gw:
            group = openstack_json(gw, "server", "group", "create", "--policy", "anti-affinity", "ha")
            ok(openstack(gw, "server", "create", "--image", IMAGE, "--flavor", "m1.tiny", "--hint",
                         f"group={group['id']}", "--wait", "ha-1"))
            ok(openstack(gw, "server", "create", "--image", IMAGE, "--flavor", "m1.tiny", "--hint",
                         f"group={group['id']}", "ha-2"))
            second = wait_status(gw, "ha-2", "ERROR")
            self.assertEqual(second["status"], "ERROR")
            self.assertIn("No valid host was found.", json.dumps(second["fault"]))
            members = openstack_json(gw, "server", "group", "show", "ha")["members"]
            self.assertEqual(len(members.split(",")) if isinstance(members, str) else len(members), 2)
            self.assertEqual([g["Name"] for g in openstack_json(gw, "server", "group", "list")], ["ha"])
            ok(openstack(gw, "server", "group", "delete", "ha"))
            self.assertEqual(openstack_json(gw, "server", "group", "list"), [])


class HostViews(unittest.TestCase):
    def test_hypervisor_services_aggregates_zones_migrations_usage(self):
        with Gateway() as gw:
            ok(openstack(gw, "server", "create", "--image", IMAGE, "--flavor", "m1.small", "--wait", "vm-1"))
            hypervisors = openstack_json(gw, "hypervisor", "list", user="admin")
            self.assertEqual([h["Hypervisor Hostname"] for h in hypervisors], ["gateway-host"])
            shown = openstack_json(gw, "hypervisor", "show", "gateway-host", user="admin")
            self.assertEqual((shown["vcpus_used"], shown["running_vms"]), (1, 1))
            services = openstack_json(gw, "compute", "service", "list", user="admin")
            self.assertEqual(sorted(s["Binary"] for s in services), ["nova-compute", "nova-conductor", "nova-scheduler"])

            # A disabled compute service takes no new server: Nova's scheduler finds no host.
            ok(openstack(gw, "compute", "service", "set", "--disable", "--disable-reason", "maintenance",
                         "gateway-host", "nova-compute", user="admin"))
            ok(openstack(gw, "server", "create", "--image", IMAGE, "--flavor", "m1.tiny", "vm-2"))
            self.assertEqual(wait_status(gw, "vm-2", "ERROR")["status"], "ERROR")
            ok(openstack(gw, "compute", "service", "set", "--enable", "gateway-host", "nova-compute", user="admin"))

            ok(openstack(gw, "aggregate", "create", "--zone", "az1", "agg1", user="admin"))
            ok(openstack(gw, "aggregate", "add", "host", "agg1", "gateway-host", user="admin"))
            zones = [z["Zone Name"] for z in openstack_json(gw, "availability", "zone", "list", "--compute")]
            self.assertEqual(zones, ["az1"])
            ok(openstack(gw, "server", "create", "--image", IMAGE, "--flavor", "m1.tiny", "--availability-zone",
                         "az1", "--wait", "vm-3"))
            self.assertEqual(openstack_json(gw, "server", "show", "vm-3")["OS-EXT-AZ:availability_zone"], "az1")

            ok(openstack(gw, "server", "resize", "--flavor", "m1.medium", "--wait", "vm-1"))
            migrations = openstack_json(gw, "server", "migration", "list", user="admin")
            self.assertEqual([(m["Server UUID"], m["Status"]) for m in migrations],
                             [(openstack_json(gw, "server", "show", "vm-1")["id"], "finished")])
            ok(openstack(gw, "server", "resize", "confirm", "vm-1"))

            usage = openstack_json(gw, "usage", "list", user="admin")
            self.assertEqual([u["Project"] for u in usage], ["demo"])
            servers = usage[0]["Servers"]  # OSC 6.0 prints the server usages themselves
            self.assertEqual(len(servers) if isinstance(servers, list) else servers, 3)
