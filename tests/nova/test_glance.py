"""Glance as its clients use it: the views openstacksdk turns into dicts,
the list's filters and operators, `openstack image set / unset / add project
/ remove project / member list / show / list / save` and the image set
--deactivate an admin sends, glanceclient (which reads /v2/schemas), Glance's
refusals of a bad PATCH, and what --state keeps of images and members."""
import json
import os
import unittest
from concurrent.futures import ThreadPoolExecutor

import glanceclient

from clients import openstack_sdk
from gateway import EXAMPLE_FLEET, Gateway
from identity_support import cli, cli_json, http, journal, login
from lifecycle_support import CIRROS, CIRROS_ID, DEBIAN, DEBIAN_ID, TempDir, advance, freeze, ok

PATCH = {"Content-Type": "application/openstack-images-v2.1-json-patch"}


def patch(gw, image, ops, token, headers=PATCH):
    return http(gw, "PATCH", f"/image/v2/images/{image}", json.dumps(ops), token, headers)


def make(gw, token, **body):
    status, _, doc = http(gw, "POST", "/image/v2/images", body, token)
    assert status == 201, doc
    return doc


class Views(unittest.TestCase):
    def test_every_image_has_glances_attributes_and_the_sdk_turns_each_into_a_dict(self):
        with Gateway([]) as gw:
            demo = openstack_sdk(gw, "demo")
            demo.image.create_image(name="mine", disk_format="raw", container_format="bare", visibility="private")
            images = list(demo.image.images())
            self.assertEqual(sorted(i.name for i in images), [CIRROS, DEBIAN, "mine"])
            for image in images:
                as_dict = image.to_dict()
                self.assertIn("owner_id", as_dict)
            self.assertEqual({i.name: i.owner_id for i in images}, {CIRROS: None, DEBIAN: None, "mine": "demo"})
            status, _, doc = http(gw, "GET", f"/image/v2/images/{CIRROS_ID}", token=login(gw, "demo"))
            for key in ("id", "name", "status", "visibility", "protected", "os_hidden", "checksum", "os_hash_algo",
                        "os_hash_value", "owner", "size", "virtual_size", "min_disk", "min_ram", "disk_format",
                        "container_format", "tags", "created_at", "updated_at", "self", "file", "schema"):
                self.assertIn(key, doc)
            long = cli_json(self, gw, "image", "list", "--long", user="demo")
            self.assertEqual({i["Name"]: i["Project"] for i in long}, {CIRROS: None, DEBIAN: None, "mine": "demo"})


class ListQuery(unittest.TestCase):
    def test_operators_sorting_and_paging_as_glance(self):
        with Gateway([]) as gw:
            freeze(gw)
            token = login(gw, "demo")
            first = make(gw, token, name="a-first", disk_format="raw", container_format="bare")
            advance(gw, 3_600_000)
            second = make(gw, token, name="b-second", disk_format="qcow2", container_format="bare",
                          os_distro="debian")
            made_at = second["created_at"]
            self.assertEqual(http(gw, "PUT", f"/image/v2/images/{second['id']}/file", b"x" * 10, token,
                                  {"Content-Type": "application/octet-stream"})[0], 204)
            names = lambda q: [i["name"] for i in http(gw, "GET", "/image/v2/images" + q, token=token)[2]["images"]]

            sdk = openstack_sdk(gw, "demo")
            self.assertEqual([i.name for i in sdk.image.images(created_at="gte:" + made_at)], ["b-second"])
            self.assertEqual(sorted(i.name for i in sdk.image.images(created_at="lt:" + made_at)),
                             ["a-first", CIRROS, DEBIAN])
            self.assertEqual(names(f"?created_at={made_at}"), ["b-second"])  # a bare time: eq
            self.assertEqual(names("?updated_at=neq:" + made_at + "&sort=name:asc"), ["a-first", CIRROS, DEBIAN])
            self.assertEqual(names('?name=in:a-first,"b-second"&sort_key=name&sort_dir=asc'), ["a-first", "b-second"])
            self.assertEqual(names("?size_min=5&size_max=10"), ["b-second"])
            self.assertEqual(names("?os_distro=debian"), ["b-second"])
            self.assertEqual(names("?disk_format=in:raw,qcow2&sort=disk_format:asc,name:desc"),
                             [DEBIAN, CIRROS, "b-second", "a-first"])

            status, _, doc = http(gw, "GET", "/image/v2/images?limit=2&sort=name:asc", token=token)
            self.assertEqual(([i["name"] for i in doc["images"]], doc["first"]),
                             (["a-first", "b-second"], "/v2/images?limit=2&sort=name%3Aasc"))
            self.assertEqual(doc["next"], f"/v2/images?limit=2&sort=name%3Aasc&marker={second['id']}")
            self.assertEqual(names(f"?limit=2&sort=name:asc&marker={second['id']}"), [CIRROS, DEBIAN])

            for query, message in [
                    ("?created_at=soon:" + made_at, "Unable to filter on a unknown operator."),
                    ("?created_at=gt:yesterday", 'Bad "created_at" query filter format. Use ISO 8601 DateTime notation.'),
                    ("?name=like:a", "Unable to filter by unknown operator 'like'."),
                    ('?name=in:"a', 'Invalid filter value "a. The quote is not closed.'),
                    ("?size_min=big", "Unable to filter on a range with a non-numeric value."),
                    ("?sort_key=owner", "Invalid sort key: owner. It must be one of the following: name, status, "
                                        "container_format, disk_format, size, id, created_at, updated_at."),
                    ("?sort=name&sort_dir=asc", "Old and new sorting syntax cannot be combined"),
                    ("?limit=-1", "limit param must be positive"),
                    ("?visibility=everyone", "Invalid visibility value: everyone"),
                    ("?marker=nope", "No image found with ID nope"),
                    ("?changes-since=2024-01-01", 'The "changes-since" filter is no longer available on v2.')]:
                self.assertEqual(http(gw, "GET", "/image/v2/images" + query, token=token)[:3:2],
                                 (400, {"code": 400, "title": "Bad Request", "message": message}), query)


class Cli(TempDir):
    def test_set_unset_list_show_save_and_deactivate(self):
        with Gateway([]) as gw:
            ok(self, cli(gw, "image", "create", "--disk-format", "qcow2", "--container-format", "bare", "--property",
                         "os_distro=cirros", "--tag", "gold", "golden", user="demo"))
            ok(self, cli(gw, "image", "set", "--property", "team=data", "--tag", "prod", "--name", "golden2",
                         "--min-disk", "2", "--protected", "golden", user="demo"))
            shown = cli_json(self, gw, "image", "show", "golden2", user="demo")
            self.assertEqual((shown["min_disk"], shown["protected"], sorted(shown["tags"])),
                             (2, True, ["gold", "prod"]))
            self.assertEqual((shown["properties"]["team"], shown["properties"]["os_distro"]), ("data", "cirros"))
            ok(self, cli(gw, "image", "unset", "--property", "team", "--tag", "gold", "golden2", user="demo"))
            shown = cli_json(self, gw, "image", "show", "golden2", user="demo")
            self.assertEqual((shown["tags"], "team" in shown["properties"]), (["prod"], False))
            self.assertEqual([i["Name"] for i in cli_json(self, gw, "image", "list", "--tag", "prod", user="demo")],
                             ["golden2"])
            self.assertEqual([i["Name"] for i in cli_json(self, gw, "image", "list", "--property", "os_distro=cirros",
                                                          user="demo")], ["golden2"])
            human = cli_json(self, gw, "image", "show", "--human-readable", CIRROS, user="demo")
            self.assertEqual(human["size"], "21.4M")
            self.assertIn("is protected and cannot be deleted", cli(gw, "image", "delete", "golden2", user="demo").stderr)

            # No bytes are kept: a download is Glance's answer for an image without data, and the file is empty.
            saved = self.path("saved.img")
            ok(self, cli(gw, "image", "save", "--file", saved, CIRROS, user="demo"))
            self.assertEqual(os.path.getsize(saved), 0)

            ok(self, cli(gw, "image", "set", "--deactivate", CIRROS))  # an admin's
            self.assertEqual(cli_json(self, gw, "image", "show", CIRROS, user="demo")["status"], "deactivated")
            # openstacksdk does not look at an action's answer: the CLI says nothing, Glance refused.
            cli(gw, "image", "set", "--activate", CIRROS, user="demo")
            self.assertEqual(cli_json(self, gw, "image", "show", CIRROS, user="demo")["status"], "deactivated")
            self.assertIn(("reactivate", 403), [(e["operation"], e["status"]) for e in journal(gw, api="glance")])
            status, _, doc = http(gw, "GET", f"/image/v2/images/{CIRROS_ID}/file", token=login(gw, "demo"))
            self.assertEqual((status, doc["message"]),
                             (403, "The requested image has been deactivated. Image data download is forbidden."))
            ok(self, cli(gw, "image", "set", "--activate", CIRROS))
            self.assertEqual(cli_json(self, gw, "image", "show", CIRROS, user="demo")["status"], "active")

            ops = [e["operation"] for e in journal(gw, api="glance")]
            self.assertEqual([o for o in ops if o in ("modify_image", "deactivate", "reactivate")],
                             ["modify_image", "modify_image", "deactivate", "reactivate", "reactivate"])
            self.assertIn("delete_tag", ops)  # unset --tag deletes one tag; set --tag patches the list


class Patch(unittest.TestCase):
    def test_glances_refusals(self):
        with Gateway([]) as gw:
            demo, alt = login(gw, "demo"), login(gw, "alt")
            image = make(gw, demo, name="p", os_distro="x")["id"]
            status, headers, doc = patch(gw, image, [], demo, {"Content-Type": "application/json"})
            self.assertEqual((status, headers["accept-patch"]), (415, "application/openstack-images-v2.0-json-patch, "
                                                                      "application/openstack-images-v2.1-json-patch"))
            cases = [
                ([{"op": "replace", "path": "/status", "value": "active"}], 403, "Attribute 'status' is read-only."),
                ([{"op": "add", "path": "/deleted", "value": "x"}], 403, "Attribute 'deleted' is reserved."),
                ([{"op": "remove", "path": "/name"}], 403, "Property name may not be removed."),
                ([{"op": "replace", "path": "/nope", "value": "x"}], 409, "Property nope does not exist."),
                ([{"op": "remove", "path": "/nope"}], 409, "Property nope does not exist."),
                ([{"op": "move", "path": "/name"}], 400,
                 "Invalid operation: `move`. It must be one of the following: add, remove, replace."),
                ([{"op": "add", "path": "name", "value": "x"}], 400, 'Pointer `name` does not start with "/".'),
                ([{"op": "add", "path": "/a/b", "value": "x"}], 400, "Invalid JSON pointer for this resource: '/a/b'"),
                ([{"op": "add", "path": "/min_ram", "value": "lots"}], 400,
                 "Provided object does not match schema 'image': \"lots\" is not a whole number from 0 to 2147483647"),
                ([{"op": "replace", "path": "/visibility", "value": "public"}], 403,
                 "You are not authorized to complete publicize_image action."),
                ([{"op": "replace", "path": "/owner", "value": "alt"}], 403, "Owner can't be updated by non admin."),
                ({"op": "add"}, 400, "Request body must be a JSON array of operation objects.")]
            for ops, code, message in cases:
                status, _, doc = patch(gw, image, ops, demo)
                self.assertEqual((status, doc["message"]), (code, message), ops)
            v20 = {"Content-Type": "application/openstack-images-v2.0-json-patch"}
            status, _, doc = patch(gw, image, [{"add": "/os_distro", "value": "y"}], demo, v20)
            self.assertEqual((status, doc["message"]), (409, "Property os_distro already present."))
            status, _, doc = patch(gw, image, [{"add": "/arch", "value": "x86_64"}, {"replace": "/name", "value": "q"}],
                                   demo, v20)
            self.assertEqual((status, doc["arch"], doc["name"]), (200, "x86_64", "q"))
            status, _, doc = patch(gw, CIRROS_ID, [{"op": "replace", "path": "/name", "value": "mine"}], demo)
            self.assertEqual((status, doc["message"]), (403, "You are not authorized to complete modify_image action."))
            self.assertEqual(patch(gw, image, [{"op": "replace", "path": "/name", "value": "x"}], alt)[0], 404)
            # Nothing of a refused patch is kept: the first op of a failing list is dropped with it.
            status, _, doc = patch(gw, image, [{"op": "replace", "path": "/name", "value": "r"},
                                               {"op": "remove", "path": "/nope"}], demo)
            self.assertEqual(status, 409)
            self.assertEqual(http(gw, "GET", f"/image/v2/images/{image}", token=demo)[2]["name"], "q")


class Concurrency(unittest.TestCase):
    def test_concurrent_patches_and_tags_all_land(self):
        with Gateway([]) as gw:
            token = login(gw, "demo")
            image = make(gw, token, name="busy")["id"]
            add = lambda i: patch(gw, image, [{"op": "add", "path": f"/p{i}", "value": str(i)}], token)[0]
            tag = lambda i: http(gw, "PUT", f"/image/v2/images/{image}/tags/t{i}", token=token)[0]
            with ThreadPoolExecutor(8) as pool:
                patched = list(pool.map(add, range(20)))
                tagged = list(pool.map(tag, range(20)))
            self.assertEqual((patched, tagged), ([200] * 20, [204] * 20))
            doc = http(gw, "GET", f"/image/v2/images/{image}", token=token)[2]
            self.assertEqual({f"p{i}" for i in range(20)} - set(doc), set())
            self.assertEqual(sorted(doc["tags"]), sorted(f"t{i}" for i in range(20)))


class Members(unittest.TestCase):
    def test_sharing_an_image_with_a_project(self):
        with Gateway([]) as gw:
            ok(self, cli(gw, "image", "create", "--shared", "--disk-format", "raw", "--container-format", "bare",
                         "shared-img", user="demo"))
            image = cli_json(self, gw, "image", "show", "shared-img", user="demo")["id"]
            added = cli_json(self, gw, "image", "add", "project", "shared-img", "alt", user="demo")
            self.assertEqual((added["member_id"], added["status"], added["schema"]), ("alt", "pending", "/v2/schemas/member"))
            members = cli_json(self, gw, "image", "member", "list", "shared-img", user="demo")
            self.assertEqual([(m["Member ID"], m["Status"]) for m in members], [("alt", "pending")])
            alt_names = lambda: [i["Name"] for i in cli_json(self, gw, "image", "list", user="alt")]
            self.assertNotIn("shared-img", alt_names())  # pending: not listed yet, but shown by id
            self.assertEqual(cli_json(self, gw, "image", "show", image, user="alt")["name"], "shared-img")
            self.assertIn("Not allowed to update members for image",
                          cli(gw, "image", "set", "--accept", "--project", "alt", image, user="demo").stderr)
            ok(self, cli(gw, "image", "set", "--accept", image, user="alt"))
            self.assertIn("shared-img", alt_names())
            alt_view = cli_json(self, gw, "image", "member", "list", image, user="alt")
            self.assertEqual([(m["Member ID"], m["Status"]) for m in alt_view], [("alt", "accepted")])
            self.assertIn("Member alt is duplicated for image",
                          cli(gw, "image", "add", "project", "shared-img", "alt", user="demo").stderr)
            ok(self, cli(gw, "image", "remove", "project", "shared-img", "alt", user="demo"))
            self.assertNotIn("shared-img", alt_names())
            status, _, doc = http(gw, "GET", f"/image/v2/images/{CIRROS_ID}/members", token=login(gw, "demo"))
            self.assertEqual((status, doc["message"]), (403, f"Not allowed to list members for image {CIRROS_ID}: Only "
                                                             "shared images have members."))
            status, _, doc = http(gw, "POST", f"/image/v2/images/{image}/members", {"member": ""}, login(gw, "demo"))
            self.assertEqual((status, doc["message"]), (400, "Member can't be empty"))
            ops = [e["operation"] for e in journal(gw, api="glance")]
            self.assertEqual([o for o in ops if o.endswith("member")],
                             ["add_member", "modify_member", "modify_member", "add_member", "delete_member",
                              "add_member"])


class GlanceClient(unittest.TestCase):
    def test_glanceclient_reads_the_schemas_and_works(self):
        with Gateway([]) as gw:
            token = login(gw, "demo")
            client = glanceclient.Client("2", endpoint=gw.url + "/image", token=token)
            image = client.images.create(name="gc", disk_format="raw", container_format="bare", os_version="12")
            self.assertEqual((image["name"], image["os_version"], image["owner"]), ("gc", "12", "demo"))
            client.images.update(image["id"], min_ram=256, remove_props=["os_version"])
            got = client.images.get(image["id"])
            self.assertEqual((got["min_ram"], "os_version" in got), (256, False))
            client.image_tags.update(image["id"], "t1")
            self.assertEqual(client.images.get(image["id"])["tags"], ["t1"])
            self.assertIn("gc", [i["name"] for i in client.images.list(filters={"tag": ["t1"]})])
            schema = http(gw, "GET", "/image/v2/schemas/image", token=token)[2]
            self.assertEqual((schema["name"], schema["additionalProperties"]), ("image", {"type": "string"}))
            self.assertEqual(http(gw, "GET", "/image/v2/schemas/members", token=token)[2]["name"], "members")


class Kept(TempDir):
    def test_a_restart_after_kill_keeps_edits_members_and_a_deleted_configured_image(self):
        state = self.path("state.db")
        args = ["--fleet", EXAMPLE_FLEET, "--state", state]
        gw = Gateway(args).__enter__()
        self.addCleanup(lambda: gw.proc.poll() is None and gw.kill())
        demo, admin = login(gw, "demo"), login(gw, "admin")
        image = make(gw, demo, name="kept", visibility="shared")["id"]
        self.assertEqual(patch(gw, image, [{"op": "add", "path": "/os_distro", "value": "debian"}], demo)[0], 200)
        self.assertEqual(http(gw, "PUT", f"/image/v2/images/{image}/tags/keep", token=demo)[0], 204)
        self.assertEqual(http(gw, "POST", f"/image/v2/images/{image}/members", {"member": "alt"}, demo)[0], 200)
        self.assertEqual(http(gw, "DELETE", f"/image/v2/images/{DEBIAN_ID}", token=admin)[0], 204)
        gw.kill()
        with Gateway(args) as again:
            token = login(again, "demo")
            doc = http(again, "GET", f"/image/v2/images/{image}", token=token)[2]
            self.assertEqual((doc["os_distro"], doc["tags"]), ("debian", ["keep"]))
            members = http(again, "GET", f"/image/v2/images/{image}/members", token=token)[2]["members"]
            self.assertEqual([(m["member_id"], m["status"]) for m in members], [("alt", "pending")])
            self.assertEqual(http(again, "GET", f"/image/v2/images/{DEBIAN_ID}", token=token)[0], 404)
            self.assertEqual(again.control("POST", "/_gateway/reset")[0], 200)
            self.assertEqual(http(again, "GET", f"/image/v2/images/{DEBIAN_ID}", token=token)[0], 200)


if __name__ == "__main__":
    unittest.main()
