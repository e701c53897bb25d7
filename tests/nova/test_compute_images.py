"""Compute's image API (to 2.35) through the clients that still use it:
novaclient-era calls as openstacksdk's compute proxy sends them (list,
detail, find by name, metadata) and the openstack CLI's `server image
create` followed by the compute view of the snapshot; from 2.36 a 404.
And a snapshot that takes its time (transition_ms create_image): the
server's task image_uploading, the image SAVING, a second snapshot Nova's
409, `--wait` until it is active; a server deleted meanwhile takes its
unfinished image with it."""
import json
import os
import tempfile
import unittest

from clients import openstack, openstack_json, openstack_sdk
from gateway import Gateway

IMAGE = "cirros-0.6.2-x86_64-disk"


class ComputeImages(unittest.TestCase):
    def test_list_show_metadata_and_delete(self):
        with Gateway() as gw:
            compute = openstack_sdk(gw).compute
            names = [i.name for i in compute.images()]
            self.assertIn(IMAGE, names)
            found = compute.find_image(IMAGE)
            detail = compute.get(f"/images/{found.id}", microversion="2.35").json()["image"]
            self.assertEqual((detail["status"], detail["progress"], detail["minRam"]), ("ACTIVE", 100, 0))
            self.assertIn("OS-EXT-IMG-SIZE:size", detail)
            self.assertEqual(compute.get(f"/images/{found.id}", microversion="2.36").status_code, 404)

            server = openstack_json(gw, "server", "create", "--image", IMAGE, "--flavor", "m1.tiny", "--wait", "img-vm")
            snap = openstack_json(gw, "server", "image", "create", "--name", "img-snap", "--wait", server["id"])
            shown = compute.get(f"/images/{snap['id']}", microversion="2.1").json()["image"]
            self.assertEqual(shown["server"]["id"], server["id"])
            self.assertEqual(shown["metadata"]["image_type"], "snapshot")
            listed = compute.get(f"/images/detail?server={server['id']}&type=snapshot").json()["images"]
            self.assertEqual([i["id"] for i in listed], [snap["id"]])

            r = compute.post(f"/images/{snap['id']}/metadata", json={"metadata": {"a": "1", "b": "2"}})
            self.assertEqual(r.status_code, 200)
            self.assertEqual((r.json()["metadata"]["a"], r.json()["metadata"]["b"]), ("1", "2"))
            r = compute.put(f"/images/{snap['id']}/metadata/a", json={"meta": {"a": "9"}})
            self.assertEqual(r.json(), {"meta": {"a": "9"}})
            r = compute.put(f"/images/{snap['id']}/metadata/a", json={"meta": {"b": "9"}})
            self.assertEqual(r.status_code, 400)
            self.assertEqual(compute.delete(f"/images/{snap['id']}/metadata/b").status_code, 204)
            self.assertEqual(compute.get(f"/images/{snap['id']}/metadata/b").status_code, 404)
            self.assertEqual(compute.get(f"/images/{snap['id']}/metadata/a").json(), {"meta": {"a": "9"}})

            # Another project's image, and the cloud's own, cannot be deleted by demo.
            self.assertEqual(compute.delete(f"/images/{found.id}").status_code, 403)
            self.assertEqual(compute.delete(f"/images/{snap['id']}").status_code, 204)
            missing = compute.get(f"/images/{snap['id']}")
            self.assertEqual((missing.status_code, missing.json()["itemNotFound"]["message"]), (404, "Image not found."))
            self.assertEqual(compute.get("/images?limit=x").status_code, 400)
            self.assertEqual(len(compute.get("/images?limit=1").json()["images"]), 1)



class SnapshotUnderWay(unittest.TestCase):
    def test_a_snapshot_uploads_for_a_while_and_a_second_waits(self):
        with tempfile.TemporaryDirectory() as d:
            config = os.path.join(d, "config.json")
            with open(config, "w") as f:
                json.dump({"transition_ms": {"create_image": 1500, "create_backup": 1500}}, f)
            with Gateway(["--config", config]) as gw:
                server = openstack_json(gw, "server", "create", "--image", IMAGE, "--flavor", "m1.tiny", "--wait",
                                        "snap-vm")
                # The virtual clock holds the upload while the CLI looks (each command takes a second or two).
                self.assertEqual(gw.control("POST", "/_gateway/clock", {"mode": "virtual"})[0], 200)
                first = openstack_json(gw, "server", "image", "create", "--name", "first", server["id"])
                shown = openstack_json(gw, "server", "show", server["id"])
                self.assertEqual((shown["status"], shown["OS-EXT-STS:task_state"]), ("ACTIVE", "image_uploading"))
                compute = openstack_sdk(gw).compute
                image = compute.get(f"/images/{first['id']}", microversion="2.1").json()["image"]
                self.assertEqual((image["status"], image["progress"]), ("SAVING", 50))
                self.assertEqual(openstack_json(gw, "image", "show", first["id"])["status"], "saving")
                again = openstack(gw, "server", "image", "create", "--name", "second", server["id"])
                self.assertNotEqual(again.returncode, 0)
                self.assertIn("409", again.stderr)  # openstacksdk's words around Nova's
                self.assertIn(f"Cannot 'createImage' instance {server['id']} while it is in task_state "
                              "image_uploading", again.stderr)
                stop = openstack(gw, "server", "stop", server["id"])
                self.assertIn("task_state image_uploading (HTTP 409)", stop.stderr)

                self.assertEqual(gw.control("POST", "/_gateway/clock", {"advance_ms": 1500})[0], 200)
                self.assertEqual(compute.get(f"/images/{first['id']}").json()["image"]["status"], "ACTIVE")
                self.assertEqual(openstack_json(gw, "server", "show", server["id"])["OS-EXT-STS:task_state"], None)
                self.assertEqual(gw.control("POST", "/_gateway/clock", {"mode": "real"})[0], 200)
                made = openstack_json(gw, "server", "image", "create", "--name", "waited", "--wait", server["id"])
                self.assertEqual(openstack_json(gw, "image", "show", made["id"])["status"], "active")

                # A server deleted before its snapshot is uploaded takes the image with it, as Nova's cleanup does.
                self.assertEqual(gw.control("POST", "/_gateway/clock", {"mode": "virtual"})[0], 200)
                lost = openstack_json(gw, "server", "image", "create", "--name", "lost", server["id"])
                self.assertEqual(openstack(gw, "server", "delete", server["id"]).returncode, 0)
                self.assertEqual(compute.get(f"/images/{lost['id']}").status_code, 404)

if __name__ == "__main__":
    unittest.main()
