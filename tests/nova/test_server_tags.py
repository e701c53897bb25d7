"""Server tags (2.26) through the openstack CLI as an operator types them:
`server set --tag`, `server unset --tag`, `server list --tags` and
`--not-tags`, `server create --tag` (2.52) and `server show`; Nova's limits
(50 tags a server, 60 characters, no ',' or '/') and answers through
openstacksdk's session; tags kept with --state across a kill -9, and in
snapshots."""
import os
import tempfile
import unittest

from clients import openstack, openstack_json, openstack_sdk
from gateway import Gateway

IMAGE = "cirros-0.6.2-x86_64-disk"
V26 = ("--os-compute-api-version", "2.26")


def ok(result):
    assert result.returncode == 0, result.stderr
    return result


def tags_of(gw, server, user="demo"):
    return openstack_json(gw, *V26, "server", "show", server, user=user)["tags"]


class Cli(unittest.TestCase):
    def test_set_unset_list_and_create_with_tags(self):
        with Gateway() as gw:
            for name in ("vm-1", "vm-2"):
                ok(openstack(gw, "server", "create", "--image", IMAGE, "--flavor", "m1.tiny", "--wait", name))
            self.assertEqual(tags_of(gw, "vm-1"), [])
            ok(openstack(gw, *V26, "server", "set", "--tag", "web", "--tag", "blue", "vm-1"))
            ok(openstack(gw, *V26, "server", "set", "--tag", "web", "vm-2"))
            self.assertEqual(tags_of(gw, "vm-1"), ["blue", "web"])  # in order, as Nova's table gives them

            names = lambda *args: sorted(s["Name"] for s in openstack_json(gw, *V26, "server", "list", *args))
            self.assertEqual(names("--tags", "web"), ["vm-1", "vm-2"])
            self.assertEqual(names("--tags", "web", "--tags", "blue"), ["vm-1"])
            self.assertEqual(names("--not-tags", "blue"), ["vm-2"])
            self.assertEqual(names("--tags", "nothing"), [])

            ok(openstack(gw, *V26, "server", "unset", "--tag", "blue", "vm-1"))
            self.assertEqual(tags_of(gw, "vm-1"), ["web"])
            gone = openstack(gw, *V26, "server", "unset", "--tag", "blue", "vm-1")
            self.assertNotEqual(gone.returncode, 0)
            self.assertIn(f"has no tag 'blue' (HTTP 404)", gone.stderr)
            bad = openstack(gw, *V26, "server", "set", "--tag", "a,b", "vm-1")
            self.assertNotEqual(bad.returncode, 0)
            self.assertIn("Tag 'a,b' is invalid. It must be a non empty string without characters '/' and ','.",
                          bad.stderr)
            # Before 2.26 the CLI refuses the option itself.
            self.assertIn("2.26 or greater is required", openstack(gw, "server", "set", "--tag", "x", "vm-1").stderr)

            made = openstack_json(gw, "--os-compute-api-version", "2.52", "server", "create", "--image", IMAGE,
                                  "--flavor", "m1.tiny", "--tag", "db", "--tag", "blue", "--wait", "vm-3")
            self.assertEqual(tags_of(gw, made["id"]), ["blue", "db"])

    def test_nova_answers_for_the_tags_api(self):
        with Gateway() as gw:
            server = openstack_json(gw, "server", "create", "--image", IMAGE, "--flavor", "m1.tiny", "--wait", "t-1")
            compute = openstack_sdk(gw).compute
            base = f"/servers/{server['id']}/tags"
            r = compute.put(base, json={"tags": [f"t{i}" for i in range(50)]}, microversion="2.26")
            self.assertEqual((r.status_code, len(r.json()["tags"])), (200, 50))
            r = compute.put(f"{base}/one-more", microversion="2.26")
            self.assertEqual(r.status_code, 400)
            self.assertEqual(r.json()["badRequest"]["message"], "The number of tags exceeded the per-server limit 50")
            r = compute.put(base, json={"tags": [f"t{i}" for i in range(51)]}, microversion="2.26")
            self.assertEqual(r.status_code, 400)
            self.assertIn("is too long", r.json()["badRequest"]["message"])

            r = compute.put(base, json={"tags": ["b", "a"]}, microversion="2.26")
            self.assertEqual(r.json(), {"tags": ["a", "b"]})
            r = compute.put(f"{base}/c", microversion="2.26")
            self.assertEqual((r.status_code, r.headers["Location"]), (201, f"{gw.url}/compute/v2.1{base}/c"))
            self.assertEqual(compute.put(f"{base}/c", microversion="2.26").status_code, 204)  # there already
            self.assertEqual(compute.get(f"{base}/c", microversion="2.26").status_code, 204)
            r = compute.get(f"{base}/zz", microversion="2.26")
            self.assertEqual((r.status_code, r.json()["itemNotFound"]["message"]),
                             (404, f"Server {server['id']} has no tag 'zz'"))
            r = compute.put(f"{base}/{'x' * 61}", microversion="2.26")
            self.assertEqual(r.status_code, 400)
            self.assertIn("is too long", r.json()["badRequest"]["message"])
            self.assertEqual(compute.get(base, microversion="2.25").status_code, 404)  # no tags API before 2.26
            shown = compute.get(f"/servers/{server['id']}", microversion="2.26").json()["server"]
            self.assertEqual(shown["tags"], ["a", "b", "c"])

            # A reader reads them, and may not change them; another project may not see them.
            viewer = openstack_sdk(gw, user="viewer").compute
            self.assertEqual(viewer.get(base, microversion="2.26").json(), {"tags": ["a", "b", "c"]})
            r = viewer.delete(f"{base}/a", microversion="2.26")
            self.assertEqual((r.status_code, r.json()["forbidden"]["message"]),
                             (403, "Policy doesn't allow os_compute_api:os-server-tags:delete to be performed."))
            self.assertEqual(openstack_sdk(gw, user="alt").compute.get(base, microversion="2.26").status_code, 403)

            # A server in ERROR keeps its tags but takes no change.
            ok(openstack(gw, "server", "set", "--state", "error", server["id"], user="admin"))
            r = compute.delete(base, microversion="2.26")
            self.assertEqual((r.status_code, r.json()["conflictingRequest"]["message"]),
                             (409, f"Cannot 'delete tags' instance {server['id']} while it is in vm_state error"))
            ok(openstack(gw, "server", "set", "--state", "active", server["id"], user="admin"))
            self.assertEqual(compute.delete(base, microversion="2.26").status_code, 204)
            self.assertEqual(compute.get(base, microversion="2.26").json(), {"tags": []})


class Kept(unittest.TestCase):
    def test_tags_survive_kill_9_and_travel_in_snapshots(self):
        with tempfile.TemporaryDirectory() as d:
            state = os.path.join(d, "state.db")
            with Gateway(["--state", state]) as gw:
                ok(openstack(gw, "server", "create", "--image", IMAGE, "--flavor", "m1.tiny", "--wait", "kept"))
                ok(openstack(gw, *V26, "server", "set", "--tag", "prod", "--tag", "eu", "kept"))
                gw.kill()
            with Gateway(["--state", state]) as gw:
                self.assertEqual(tags_of(gw, "kept"), ["eu", "prod"])
                names = [s["Name"] for s in openstack_json(gw, *V26, "server", "list", "--tags", "prod")]
                self.assertEqual(names, ["kept"])
                status, saved = gw.control("GET", "/_gateway/snapshot")
                self.assertEqual(status, 200)
                ok(openstack(gw, *V26, "server", "unset", "--tag", "prod", "kept"))
                self.assertEqual(gw.control("POST", "/_gateway/snapshot", saved)[0], 200)
                self.assertEqual(tags_of(gw, "kept"), ["eu", "prod"])


if __name__ == "__main__":
    unittest.main()
