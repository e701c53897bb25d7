"""Tempest's DynamicCredentialProvider (use_dynamic_credentials = true)
driven directly against a gateway: it makes a project and a user per
credential set, grants roles (member, admin, reader), the credentials work
against Nova, and clear_creds deletes what it made. What tempest's compute
suite needs to make its own tenants."""
import unittest

from tempest.lib import auth
from tempest.lib.common import dynamic_creds
from tempest.lib.services.compute import servers_client

from clients import transfer
from gateway import Gateway
from identity_support import http, journal, login, register_tempest_clients
from lifecycle_support import CIRROS_ID, TINY


def provider(gw):
    register_tempest_clients()
    admin = auth.get_credentials(gw.url + "/identity/v3", fill_in=True, identity_version="v3", username="admin",
                                 password="admin", project_name="admin", user_domain_name="Default",
                                 project_domain_name="Default")
    return dynamic_creds.DynamicCredentialProvider(
        identity_version="v3", name="gwtest", admin_role="admin", admin_creds=admin,
        identity_uri=gw.url + "/identity/v3", neutron_available=False, create_networks=False)


def servers(gw, creds):
    return servers_client.ServersClient(auth.KeystoneV3AuthProvider(creds.credentials, gw.url + "/identity/v3"),
                                        "compute", "RegionOne")


class DynamicCredentials(unittest.TestCase):
    def test_primary_alt_and_admin_are_made_used_and_cleared(self):
        with Gateway([]) as gw:
            p = provider(gw)
            primary, alt, admin = p.get_primary_creds(), p.get_alt_creds(), p.get_admin_creds()
            self.assertTrue(primary.username.startswith("gwtest-") and primary.username.endswith("-project"))
            self.assertTrue(admin.username.endswith("-project-admin"))
            ids = {primary.project_id, alt.project_id, admin.project_id}
            self.assertEqual(len(ids), 3)
            for creds in (primary, alt, admin):
                self.assertRegex(creds.project_id, r"^[0-9a-f]{32}$")
                self.assertRegex(creds.user_id, r"^[0-9a-f]{32}$")
                self.assertNotEqual(creds.project_id, creds.project_name)

            # Each works against Nova: a server of the primary project is its own, not alt's.
            mine = servers(gw, primary)
            created = mine.create_server(name="dyn-1", imageRef=CIRROS_ID, flavorRef=TINY)["server"]
            shown = mine.show_server(created["id"])["server"]
            self.assertEqual((shown["tenant_id"], shown["user_id"]), (primary.project_id, primary.user_id))
            self.assertEqual(servers(gw, alt).list_servers()["servers"], [])
            everyone = servers(gw, admin).list_servers(all_tenants=True)["servers"]
            self.assertIn(created["id"], [s["id"] for s in everyone])

            # The project is a tenant of the core with an AWS account: Transfer sees the same server.
            row = next(s for s in gw.control("GET", "/_gateway/servers")[1]["servers"] if s["id"] == created["id"])
            account, region = row["tenant"]["account"], row["tenant"]["region"]
            self.assertRegex(account, r"^\d{12}$")
            self.assertEqual(region, "us-east-1")
            status, key = gw.control("POST", "/_gateway/credentials", {"account": account, "region": region})
            self.assertEqual(status, 201, key)
            aws = transfer(gw, key=key["access_key"], secret=key["secret_key"])
            self.assertEqual([s["ServerId"] for s in aws.list_servers()["Servers"]], [row["server_id"]])

            # Roles as tempest asked for them: member for primary, admin (and what it implies) for admin.
            roles = lambda creds: sorted(r["name"] for r in http(
                gw, "GET", "/identity/v3/auth/tokens", token=login(gw, "admin"),
                headers={"X-Subject-Token": login_as(gw, creds)})[2]["token"]["roles"])
            self.assertEqual(roles(primary), ["member", "reader"])
            self.assertEqual(roles(admin), ["admin", "member", "reader"])
            reader = p.get_project_reader_creds()
            self.assertEqual(roles(reader), ["reader"])

            p.clear_creds()
            status, _, doc = http(gw, "GET", "/identity/v3/users", token=login(gw, "admin"))
            self.assertEqual(sorted(u["name"] for u in doc["users"]), ["admin", "alt", "demo", "viewer"])
            status, _, doc = http(gw, "GET", "/identity/v3/projects", token=login(gw, "admin"))
            self.assertEqual(sorted(p["name"] for p in doc["projects"]), ["admin", "alt", "demo"])
            # Their tokens died with them.
            status, _, _ = http(gw, "GET", "/compute/v2.1/servers", token=mine.auth_provider.get_token())
            self.assertEqual(status, 401)

            made = [(e["operation"], e["status"]) for e in journal(gw, api="keystone")
                    if e["operation"].startswith(("create_", "delete_"))]
            self.assertEqual(made.count(("create_project", 201)), 4)
            self.assertEqual(made.count(("create_user", 201)), 4)
            # The admin set is granted admin twice (its admin_role and identity_admin_role): idempotent.
            self.assertEqual(made.count(("create_grant", 204)), 5)
            self.assertEqual(made.count(("delete_user", 204)), 4)
            self.assertEqual(made.count(("delete_project", 204)), 4)


def login_as(gw, creds):
    body = {"auth": {"identity": {"methods": ["password"], "password": {"user": {
        "id": creds.user_id, "password": creds.password}}}, "scope": {"project": {"id": creds.project_id}}}}
    status, headers, doc = http(gw, "POST", "/identity/v3/auth/tokens", body)
    assert status == 201, doc
    return headers["x-subject-token"]


if __name__ == "__main__":
    unittest.main()
