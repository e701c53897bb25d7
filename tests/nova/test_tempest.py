"""tempest.lib's ServersClient and FlavorsClient, which validate every answer
against Nova's JSON schemas for the microversion in use."""
import unittest

from tempest.lib import auth, exceptions
from tempest.lib.services.compute import base_compute_client, flavors_client, servers_client

from clients import transfer
from gateway import EXAMPLE_FLEET, Gateway

MICROVERSIONS = ["2.1", "2.9", "2.47", "2.73", "2.79"]
IMAGE = "0b1c3f0e-5a6d-4e2f-9a70-1c2d3e4f5a61"


def clients(gw, user="demo"):
    project = {"viewer": "demo"}.get(user, user)
    creds = auth.KeystoneV3Credentials(username=user, password=user, project_name=project,
                                       user_domain_name="Default", project_domain_name="Default")
    provider = auth.KeystoneV3AuthProvider(creds, gw.url + "/identity/v3")
    return (servers_client.ServersClient(provider, "compute", "RegionOne"),
            flavors_client.FlavorsClient(provider, "compute", "RegionOne"))


class TempestServersClient(unittest.TestCase):
    def tearDown(self):
        base_compute_client.COMPUTE_MICROVERSION = None

    def test_lifecycle_at_every_microversion(self):
        with Gateway(["--fleet", EXAMPLE_FLEET]) as gw:
            for version in MICROVERSIONS:
                with self.subTest(microversion=version):
                    base_compute_client.COMPUTE_MICROVERSION = version
                    servers, flavors = clients(gw)
                    admin, _ = clients(gw, "admin")
                    self.assertGreaterEqual(len(flavors.list_flavors(detail=True)["flavors"]), 1)
                    flavors.show_flavor("1")
                    kwargs = {"networks": "none"} if version not in ("2.1", "2.9") else {}
                    created = servers.create_server(name=f"t-{version}", imageRef=IMAGE, flavorRef="1", **kwargs)
                    sid = created["server"]["id"]
                    self.assertEqual(servers.show_server(sid)["server"]["status"], "ACTIVE")
                    names = [s["name"] for s in servers.list_servers()["servers"]]
                    self.assertIn(f"t-{version}", names)
                    detail = servers.list_servers(detail=True)["servers"]
                    self.assertIn(sid, [s["id"] for s in detail])

                    servers.stop_server(sid)
                    self.assertEqual(servers.show_server(sid)["server"]["status"], "SHUTOFF")
                    with self.assertRaises(exceptions.Conflict):
                        servers.stop_server(sid)  # stopped already
                    servers.start_server(sid)
                    self.assertEqual(servers.show_server(sid)["server"]["status"], "ACTIVE")

                    if version == "2.73" or version == "2.79":
                        servers.lock_server(sid, locked_reason="tempest says so")
                        shown = servers.show_server(sid)["server"]
                        self.assertEqual(shown["locked_reason"], "tempest says so")
                    else:
                        servers.lock_server(sid)
                    if version != "2.1":
                        self.assertTrue(servers.show_server(sid)["server"]["locked"])
                    with self.assertRaises(exceptions.Conflict):
                        servers.stop_server(sid)  # locked, and we are the owner
                    admin.stop_server(sid)  # the admin may
                    servers.unlock_server(sid)
                    servers.start_server(sid)

                    with self.assertRaises(exceptions.NotFound):
                        servers.stop_server("00000000-0000-4000-8000-00000000dead")
                    servers.delete_server(sid)
                    with self.assertRaises(exceptions.NotFound):
                        servers.show_server(sid)

    def test_servers_not_made_through_nova_validate_at_every_microversion(self):
        # Loaded from the fleet file, or created through Transfer: no flavor or
        # image of Nova's recorded, still a valid Nova server at every version.
        with Gateway(["--fleet", EXAMPLE_FLEET]) as gw:
            transfer_id = transfer(gw).create_server()["ServerId"]
            for version in MICROVERSIONS:
                with self.subTest(microversion=version):
                    base_compute_client.COMPUTE_MICROVERSION = version
                    servers, _ = clients(gw)
                    found = servers.list_servers(detail=True, name=transfer_id)["servers"]
                    self.assertEqual([s["name"] for s in found], [transfer_id])
                    shown = servers.show_server(found[0]["id"])["server"]
                    self.assertEqual(shown["image"], "")
                    locked = servers.show_server("6f1c2a3e-0b4d-4c5e-8f60-7a8b9c0d1e04")["server"]
                    if version in ("2.73", "2.79"):
                        self.assertEqual(locked["locked_reason"], "database maintenance window")
                    if version != "2.1":
                        self.assertTrue(locked["locked"])

    def test_owner_cannot_unlock_an_admins_lock(self):
        with Gateway(["--fleet", EXAMPLE_FLEET]) as gw:
            base_compute_client.COMPUTE_MICROVERSION = "2.79"
            servers, _ = clients(gw)
            admin, _ = clients(gw, "admin")
            web2 = "6f1c2a3e-0b4d-4c5e-8f60-7a8b9c0d1e02"
            admin.lock_server(web2)
            with self.assertRaises(exceptions.Forbidden) as e:
                servers.unlock_server(web2)
            self.assertIn("os_compute_api:os-lock-server:unlock:unlock_override", str(e.exception))
            admin.unlock_server(web2)
            reader, _ = clients(gw, "viewer")
            with self.assertRaises(exceptions.Forbidden):
                reader.stop_server(web2)


if __name__ == "__main__":
    unittest.main()
