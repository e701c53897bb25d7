"""Keystone's identity API as its clients use it: the openstack CLI's
project, user, role, role assignment and application credential commands,
openstacksdk's identity layer, what a non-admin is refused, Keystone's error
bodies, tokens a change takes back, and what --state, snapshots and a reset
keep of it."""
import json
import unittest
from concurrent.futures import ThreadPoolExecutor

from openstack.exceptions import HttpException

from clients import openstack_sdk, transfer
from gateway import EXAMPLE_FLEET, Gateway
from identity_support import (app_credential_env, cli, cli_json, env_for, http, journal, login)
from lifecycle_support import CIRROS_ID, TINY, TempDir


class Cli(unittest.TestCase):
    def test_projects_users_roles_and_assignments_through_the_cli(self):
        with Gateway([]) as gw:
            projects = cli_json(self, gw, "project", "list")
            self.assertEqual(sorted(p["Name"] for p in projects), ["admin", "alt", "demo"])
            made = cli_json(self, gw, "project", "create", "--description", "team a", "--property", "cost=42",
                            "team-a")
            self.assertEqual((made["name"], made["description"], made["domain_id"], made["enabled"], made["cost"]),
                             ("team-a", "team a", "default", True, "42"))
            self.assertRegex(made["id"], r"^[0-9a-f]{32}$")
            shown = cli_json(self, gw, "project", "show", "team-a")
            self.assertEqual((shown["id"], shown["parent_id"], shown["is_domain"]), (made["id"], "default", False))
            duplicate = cli(gw, "project", "create", "team-a")
            self.assertIn("Conflict occurred attempting to store project - Duplicate entry found with name team-a "
                          "at domain ID default. (HTTP 409)", duplicate.stderr)

            alice = cli_json(self, gw, "user", "create", "--password", "s3cret", "--project", "team-a",
                             "--email", "alice@example.org", "alice")
            self.assertEqual((alice["name"], alice["default_project_id"], alice["email"], alice["enabled"]),
                             ("alice", made["id"], "alice@example.org", True))
            self.assertEqual(cli(gw, "role", "add", "--user", "alice", "--project", "team-a", "member").returncode, 0)
            listed = cli_json(self, gw, "role", "assignment", "list", "--user", "alice", "--names")
            self.assertEqual([(a["Role"], a["User"], a["Project"]) for a in listed],
                             [("member", "alice@Default", "team-a@Default")])
            effective = cli_json(self, gw, "role", "assignment", "list", "--user", "alice", "--names", "--effective")
            self.assertEqual(sorted(a["Role"] for a in effective), ["member", "reader"])
            self.assertEqual(sorted(r["Name"] for r in cli_json(self, gw, "role", "list")),
                             ["admin", "member", "reader"])
            users = cli_json(self, gw, "user", "list")
            self.assertIn(("alice", alice["id"]), [(u["Name"], u["ID"]) for u in users])

            # Alice signs in by name, sees her own project, and works in it.
            env = env_for(gw, "alice", "s3cret", "team-a")
            self.assertEqual(cli_json(self, gw, "server", "list", env=env), [])
            mine = cli_json(self, gw, "project", "list", "--my-projects", env=env)
            self.assertEqual([p["Name"] for p in mine], ["team-a"])
            # Listing every project is an admin's: the CLI, refused, lists hers (/users/{id}/projects).
            self.assertEqual([p["Name"] for p in cli_json(self, gw, "project", "list", env=env)], ["team-a"])
            self.assertIn("identity:create_user", cli(gw, "user", "create", "bob", env=env).stderr)

            # Her application credential signs the CLI in without a password.
            cred = cli_json(self, gw, "application", "credential", "create", "--description", "ci", "ci", env=env)
            self.assertEqual((cred["name"], cred["project_id"], cred["unrestricted"]), ("ci", made["id"], False))
            self.assertEqual(sorted(cred["roles"].split()), ["member", "reader"])
            self.assertEqual([c["Name"] for c in cli_json(self, gw, "application", "credential", "list", env=env)],
                             ["ci"])
            by_credential = app_credential_env(gw, cred["id"], cred["secret"])
            self.assertEqual(cli_json(self, gw, "server", "list", env=by_credential), [])
            self.assertIn("Using method 'application_credential' is not allowed for managing additional application "
                          "credentials.", cli(gw, "application", "credential", "create", "more",
                                              env=by_credential).stderr)
            self.assertEqual(cli(gw, "application", "credential", "delete", "ci", env=env).returncode, 0)
            self.assertNotEqual(cli(gw, "server", "list", env=by_credential).returncode, 0)

            self.assertEqual(cli(gw, "role", "remove", "--user", "alice", "--project", "team-a", "member").returncode, 0)
            self.assertNotEqual(cli(gw, "server", "list", env=env).returncode, 0)  # no role there: no token
            self.assertEqual(cli(gw, "user", "delete", "alice").returncode, 0)
            self.assertEqual(cli(gw, "project", "delete", "team-a").returncode, 0)
            self.assertIn("No project with a name or ID of 'team-a' exists.", cli(gw, "project", "show", "team-a").stderr)

            calls = [(e["operation"], e["status"]) for e in journal(gw, api="keystone")]
            for expected in [("create_project", 201), ("create_project", 409), ("create_user", 201),
                             ("create_grant", 204), ("list_role_assignments", 200), ("list_projects", 403),
                             ("list_user_projects", 200),
                             ("create_user", 403), ("create_application_credential", 201),
                             ("create_application_credential", 403), ("delete_application_credential", 204),
                             ("revoke_grant", 204), ("delete_user", 204), ("delete_project", 204)]:
                self.assertIn(expected, calls)


class Sdk(unittest.TestCase):
    def test_openstacksdk_identity_layer(self):
        with Gateway([]) as gw:
            admin = openstack_sdk(gw, "admin")
            project = admin.identity.create_project(name="sdk-project", description="made by the sdk")
            self.assertEqual(admin.identity.find_project("sdk-project").id, project.id)
            user = admin.identity.create_user(name="sdk-user", password="pw", default_project_id=project.id)
            member = admin.identity.find_role("member")
            admin.identity.assign_project_role_to_user(project, user, member)
            self.assertTrue(admin.identity.validate_user_has_project_role(project, user, member))
            assigned = list(admin.identity.role_assignments_filter(project=project, user=user))
            self.assertEqual([a.id for a in assigned], [member.id])
            self.assertEqual([p.id for p in admin.identity.user_projects(user)], [project.id])
            project = admin.identity.update_project(project, description="renamed")
            self.assertEqual(admin.identity.get_project(project.id).description, "renamed")
            role = admin.identity.create_role(name="auditor")
            self.assertIn("auditor", [r.name for r in admin.identity.roles()])
            admin.identity.delete_role(role)

            # The new user works in its project through the SDK, as any user would.
            import openstack as sdk
            conn = sdk.connect(auth_url=gw.url + "/identity", username="sdk-user", password="pw",
                               project_id=project.id, user_domain_name="Default", region_name="RegionOne",
                               load_yaml_config=False, load_envvars=False)
            server = conn.compute.create_server(name="sdk-vm", image_id=CIRROS_ID, flavor_id=TINY, networks="none")
            self.assertEqual(conn.compute.get_server(server.id).project_id, project.id)
            with self.assertRaises(HttpException) as caught:
                list(conn.identity.projects())
            self.assertEqual(caught.exception.status_code, 403)

            admin.identity.unassign_project_role_from_user(project, user, member)
            admin.identity.delete_user(user)
            admin.identity.delete_project(project)
            self.assertIsNone(admin.identity.find_project("sdk-project"))


class Errors(unittest.TestCase):
    def assertKeystoneError(self, answer, status, message):
        code, _, doc = answer
        self.assertEqual((code, doc), (status, {"error": {"code": status, "title": doc["error"]["title"],
                                                          "message": message}}))

    def test_bad_bodies_unknown_things_and_policy_in_keystones_words(self):
        with Gateway([]) as gw:
            admin, demo = login(gw, "admin"), login(gw, "demo")
            post = lambda path, body, token=admin: http(gw, "POST", "/identity/v3" + path, body, token)
            self.assertKeystoneError(post("/projects", {"project": {}}), 400, "'name' is a required property")
            self.assertKeystoneError(post("/projects", {"project": {"name": 7}}), 400,
                                     "Invalid input for field/attribute project/name. Value: 7. 7 is not of type "
                                     "'string'")
            self.assertKeystoneError(post("/projects", "{nope"), 400, "The request body is not a valid JSON object.")
            self.assertKeystoneError(post("/projects", {"project": {"name": "x"}, "extra": 1}), 400,
                                     "Additional properties are not allowed ('extra' was unexpected)")
            self.assertKeystoneError(post("/users", {"user": {"name": "   "}}), 400,
                                     "Invalid input for field/attribute user/name. Value: \"   \". \"   \" does not "
                                     "match '[\\\\S]+'")
            self.assertKeystoneError(post("/projects", {"project": {"name": "x"}}, demo), 403,
                                     "You are not authorized to perform the requested action: identity:create_project.")
            self.assertKeystoneError(http(gw, "GET", "/identity/v3/projects/nope", token=admin), 404,
                                     "Could not find project: nope.")
            self.assertKeystoneError(http(gw, "GET", "/identity/v3/projects/alt", token=demo), 403,
                                     "You are not authorized to perform the requested action: identity:get_project.")
            self.assertEqual(http(gw, "GET", "/identity/v3/projects/demo", token=demo)[2]["project"]["name"], "demo")
            self.assertKeystoneError(http(gw, "PUT", "/identity/v3/projects/demo/users/demo/roles/nope", token=admin),
                                     404, "Could not find role: nope.")
            self.assertKeystoneError(http(gw, "DELETE", "/identity/v3/projects/alt/users/demo/roles/member",
                                          token=admin), 404,
                                     "Could not find role assignment with role: member, user or group: demo, project, "
                                     "domain, or system: alt.")
            self.assertKeystoneError(post("/roles", {"role": {"name": "MEMBER"}}), 409,
                                     "Conflict occurred attempting to store role - Duplicate entry found with name "
                                     "MEMBER.")
            self.assertKeystoneError(http(gw, "GET", "/identity/v3/users", token="bogus"), 401,
                                     "The request you have made requires authentication.")
            status, headers, _ = http(gw, "PUT", "/identity/v3/users", "{}", admin)
            self.assertEqual((status, headers["allow"]), (405, "GET, POST"))
            self.assertKeystoneError(http(gw, "GET", "/identity/v3/role_assignments?scope.project.id=a&"
                                                     "scope.domain.id=b", token=admin), 400,
                                     "Specify a domain or project, not both")
            # Each refusal is journaled, none is a 5xx.
            self.assertFalse([e for e in journal(gw, api="keystone") if e["status"] >= 500])


class Concurrency(unittest.TestCase):
    def test_concurrent_creates_of_one_name_make_one_project(self):
        with Gateway([]) as gw:
            admin = login(gw, "admin")
            create = lambda i: http(gw, "POST", "/identity/v3/projects", {"project": {"name": "race"}}, admin)[0]
            grant = lambda role: http(gw, "PUT", f"/identity/v3/projects/demo/users/alt/roles/{role}", token=admin)[0]
            with ThreadPoolExecutor(8) as pool:
                statuses = sorted(pool.map(create, range(16)))
                grants = list(pool.map(grant, ["member", "reader", "admin"] * 4))
            self.assertEqual(statuses, [201] + [409] * 15)
            self.assertEqual(grants, [204] * 12)
            listed = http(gw, "GET", "/identity/v3/projects?name=race", token=admin)[2]["projects"]
            self.assertEqual(len(listed), 1)
            roles = http(gw, "GET", "/identity/v3/projects/demo/users/alt/roles", token=admin)[2]["roles"]
            self.assertEqual(sorted(r["name"] for r in roles), ["admin", "member", "reader"])


class Revocation(unittest.TestCase):
    def test_a_change_takes_back_the_tokens_it_should(self):
        with Gateway([]) as gw:
            admin = login(gw, "admin")
            status, _, doc = http(gw, "POST", "/identity/v3/projects", {"project": {"name": "p1"}}, admin)
            project = doc["project"]["id"]
            status, _, doc = http(gw, "POST", "/identity/v3/users",
                                  {"user": {"name": "u1", "password": "pw", "default_project_id": project}}, admin)
            user = doc["user"]["id"]
            for role in ("member", "reader"):
                self.assertEqual(http(gw, "PUT", f"/identity/v3/projects/{project}/users/{user}/roles/{role}",
                                      token=admin)[0], 204)
            token = login(gw, "u1", "pw", "p1")
            self.assertEqual(http(gw, "GET", "/compute/v2.1/servers", token=token)[0], 200)
            # Unscoped: the default project, where the user has roles.
            body = {"auth": {"identity": {"methods": ["password"], "password": {"user": {"id": user, "password": "pw"}}}}}
            status, _, doc = http(gw, "POST", "/identity/v3/auth/tokens", body)
            self.assertEqual((status, doc["token"]["project"]["id"]), (201, project))
            self.assertEqual(http(gw, "POST", "/identity/v3/auth/tokens", {"auth": {"identity": {
                "methods": ["password"], "password": {"user": {"id": user, "password": "wrong"}}}}})[0], 401)

            # A role taken back ends the token on that project; disabling the user ends every token.
            self.assertEqual(http(gw, "DELETE", f"/identity/v3/projects/{project}/users/{user}/roles/member",
                                  token=admin)[0], 204)
            self.assertEqual(http(gw, "GET", "/compute/v2.1/servers", token=token)[0], 401)
            reader = login(gw, "u1", "pw", "p1")
            status, _, doc = http(gw, "GET", "/identity/v3/auth/tokens", token=admin, headers={"X-Subject-Token": reader})
            self.assertEqual([r["name"] for r in doc["token"]["roles"]], ["reader"])
            self.assertEqual(http(gw, "PATCH", f"/identity/v3/users/{user}", {"user": {"enabled": False}}, admin)[0],
                             200)
            self.assertEqual(http(gw, "GET", "/image/v2/images", token=reader)[0], 401)
            status, _, doc = http(gw, "POST", "/identity/v3/auth/tokens", body)
            self.assertEqual((status, doc["error"]["message"]), (401, f"The account is disabled for user: {user}."))


class Kept(TempDir):
    def test_state_snapshots_and_reset_keep_the_directory(self):
        state = self.path("state.db")
        args = ["--fleet", EXAMPLE_FLEET, "--state", state]
        gw = Gateway(args).__enter__()
        self.addCleanup(lambda: gw.proc.poll() is None and gw.kill())
        admin = login(gw, "admin")
        _, _, doc = http(gw, "POST", "/identity/v3/projects", {"project": {"name": "kept"}}, admin)
        project = doc["project"]["id"]
        _, _, doc = http(gw, "POST", "/identity/v3/users", {"user": {"name": "keeper", "password": "pw"}}, admin)
        user = doc["user"]["id"]
        self.assertEqual(http(gw, "PUT", f"/identity/v3/projects/{project}/users/{user}/roles/member",
                              token=admin)[0], 204)
        self.assertEqual(http(gw, "DELETE", "/identity/v3/users/viewer", token=admin)[0], 204)  # a configured one
        token = login(gw, "keeper", "pw", "kept")
        gw.kill()

        with Gateway(args) as again:
            self.assertEqual(http(again, "GET", "/compute/v2.1/servers", token=token)[0], 200)  # the token survived
            login(again, "keeper", "pw", "kept")  # and the password, kept as a hash
            admin = login(again, "admin")
            names = sorted(u["name"] for u in http(again, "GET", "/identity/v3/users", token=admin)[2]["users"])
            self.assertEqual(names, ["admin", "alt", "demo", "keeper"])  # viewer stays deleted
            status, snapshot = again.control("GET", "/_gateway/snapshot")
            kinds = {d["kind"] for d in snapshot["documents"]}
            self.assertTrue({"keystone-project", "keystone-user", "keystone-grant"} <= kinds)
            self.assertNotIn("keystone-token", kinds)
            kept_user = next(d for d in snapshot["documents"] if d["kind"] == "keystone-user" and d["key"] == user)
            self.assertNotIn("pw", json.loads(kept_user["value"]).values())
            self.assertTrue(json.loads(kept_user["value"])["password_hash"].startswith("pbkdf2-sha256$"))

            self.assertEqual(again.control("POST", "/_gateway/reset")[0], 200)
            names = sorted(u["name"] for u in http(again, "GET", "/identity/v3/users", token=admin)[2]["users"])
            self.assertEqual(names, ["admin", "alt", "demo", "viewer"])
            # The reset took keeper away, and its tokens with it; the configured admin's still work.
            self.assertEqual(http(again, "GET", "/compute/v2.1/servers", token=token)[0], 401)
            self.assertEqual(again.control("POST", "/_gateway/snapshot", snapshot)[0], 200)
            login(again, "keeper", "pw", "kept")  # the snapshot brought the user back, able to sign in
            self.assertEqual(http(again, "GET", f"/identity/v3/projects/{project}", token=admin)[0], 200)


class Accounts(TempDir):
    def test_a_new_project_gets_its_configured_account_and_transfer_sees_its_servers(self):
        config = self.config(project_accounts=[{"name": "team-b", "account": "333333333333", "region": "eu-west-1"}])
        with Gateway(["--config", config]) as gw:
            admin = login(gw, "admin")
            _, _, doc = http(gw, "POST", "/identity/v3/projects", {"project": {"name": "team-b"}}, admin)
            project = doc["project"]["id"]
            http(gw, "POST", "/identity/v3/users", {"user": {"name": "b", "password": "pw"}}, admin)
            user = http(gw, "GET", "/identity/v3/users?name=b", token=admin)[2]["users"][0]["id"]
            http(gw, "PUT", f"/identity/v3/projects/{project}/users/{user}/roles/member", token=admin)
            token = login(gw, "b", "pw", "team-b")
            body = {"server": {"name": "b-1", "imageRef": CIRROS_ID, "flavorRef": TINY}}
            self.assertEqual(http(gw, "POST", "/compute/v2.1/servers", body, token)[0], 202)
            aws = transfer(gw, region="eu-west-1",
                           key=gw.control("POST", "/_gateway/credentials",
                                          {"account": "333333333333", "region": "eu-west-1"})[1]["access_key"])
            self.assertEqual(len(aws.list_servers()["Servers"]), 1)


if __name__ == "__main__":
    unittest.main()
