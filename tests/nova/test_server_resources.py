"""What a server is given besides its state: key pairs (generated and
imported, and a server booted with one), the console log, the default
security group, Glance images (created, booted from, protected,
deleted), and personality files within Nova's injected-files quotas. Debian's openstack CLI runs once per command the README shows
(keypair create with and without --public-key, console log show, image
create, server add and remove security group); every other step goes through
openstacksdk or tempest.lib in this process (lifecycle_support.py)."""

import os
import subprocess
import unittest

from tempest.lib.services.image.v2 import images_client

from clients import openstack, openstack_json
from gateway import EXAMPLE_FLEET, Gateway
from lifecycle_support import (WEB1, CIRROS_ID, TINY, ok, refused, tempest_auth, Cloud, TempDir)


class Keypairs(TempDir):
    def ssh_keygen(self, *args):
        r = subprocess.run(["/usr/bin/ssh-keygen", *args], capture_output=True, text=True, timeout=30)
        self.assertEqual(r.returncode, 0, r.stderr)
        return r.stdout

    def test_create_import_list_show_and_delete(self):
        with Gateway([]) as gw:
            demo, alt = Cloud(gw), Cloud(gw, "alt")
            # A generated pair: the CLI prints the private key, the cloud keeps its public half.
            r = ok(self, openstack(gw, "keypair", "create", "made"))
            self.assertTrue(r.stdout.startswith("-----BEGIN"), r.stdout[:80])
            self.assertIn("PRIVATE KEY-----", r.stdout)
            private = self.path("made", r.stdout)
            os.chmod(private, 0o600)
            derived = self.ssh_keygen("-y", "-f", private).split()[:2]
            made = demo.compute.get_keypair("made")
            self.assertEqual(made.public_key.split()[:2], derived)
            md5 = self.ssh_keygen("-l", "-E", "md5", "-f", private).split()[1]
            self.assertEqual(made.fingerprint, md5.removeprefix("MD5:"))

            # An imported one: the same public key back, with OpenSSH's fingerprint.
            key = self.path("id_ed25519")
            self.ssh_keygen("-q", "-t", "ed25519", "-N", "", "-C", "me@laptop", "-f", key)
            imported = openstack_json(gw, "keypair", "create", "--public-key", key + ".pub", "laptop")
            md5 = self.ssh_keygen("-l", "-E", "md5", "-f", key + ".pub").split()[1]
            self.assertEqual((imported["name"], imported["fingerprint"], imported["type"], imported["user_id"]),
                             ("laptop", md5.removeprefix("MD5:"), "ssh", "demo"))
            with open(key + ".pub") as f:
                public = f.read()
            self.assertEqual(demo.compute.get_keypair("laptop").public_key.strip(), public.strip())

            listed = demo.compute.keypairs()
            self.assertEqual(sorted((k.name, k.type) for k in listed), [("laptop", "ssh"), ("made", "ssh")])
            shown = demo.compute.get_keypair("laptop")
            self.assertEqual((shown.name, shown.user_id, shown.type, shown.is_deleted),
                             ("laptop", "demo", "ssh", False))
            self.assertTrue(shown.created_at)

            refused(self, lambda: demo.compute.create_keypair(name="made"), 409, "Key pair 'made' already exists.")
            refused(self, lambda: demo.compute.create_keypair(name="laptop", public_key=public), 409,
                    "Key pair 'laptop' already exists.")
            refused(self, lambda: demo.compute.create_keypair(name="bad", public_key="ssh-rsa notakey me@host\n"),
                    400, "Keypair data is invalid: failed to generate fingerprint")

            # Key pairs are the user's: another user sees none and cannot boot with one.
            self.assertEqual(list(alt.compute.keypairs()), [])
            refused(self, lambda: alt.compute.get_keypair("made"), 404, "Keypair made not found for user alt")

            demo.compute.delete_keypair("made", ignore_missing=False)
            refused(self, lambda: demo.compute.get_keypair("made"), 404, "Keypair made not found for user demo")
            refused(self, lambda: demo.compute.delete_keypair("made", ignore_missing=False), 404,
                    "Keypair made not found for user demo")
            self.assertEqual([k.name for k in demo.compute.keypairs()], ["laptop"])

    def test_a_server_boots_with_a_known_key_name_only(self):
        with Gateway([]) as gw:
            demo, alt = Cloud(gw), Cloud(gw, "alt")
            key = self.path("id_ed25519")
            self.ssh_keygen("-q", "-t", "ed25519", "-N", "", "-f", key)
            with open(key + ".pub") as f:
                demo.compute.create_keypair(name="laptop", public_key=f.read())
            refused(self, lambda: demo.compute.create_server(name="vm-1", image_id=CIRROS_ID, flavor_id=TINY,
                                                             networks="none", key_name="unknown"),
                    400, "Invalid key_name provided.")
            refused(self, lambda: alt.compute.create_server(name="vm-alt", image_id=CIRROS_ID, flavor_id=TINY,
                                                            networks="none", key_name="laptop"),
                    400, "Invalid key_name provided.")
            self.assertEqual(list(demo.compute.servers()), [])
            self.assertEqual(list(alt.compute.servers()), [])
            demo.boot(self, "vm-1", key_name="laptop")
            self.assertEqual(demo.get("vm-1").key_name, "laptop")
            # Deleting the key pair leaves the server's key_name, as in Nova.
            demo.compute.delete_keypair("laptop", ignore_missing=False)
            self.assertIsNone(demo.compute.find_keypair("laptop"))
            self.assertEqual(demo.get("vm-1").key_name, "laptop")


class ConsoleLog(unittest.TestCase):
    def test_console_log_show(self):
        with Gateway([]) as gw:
            cloud = Cloud(gw)
            uuid = cloud.boot(self, "Web Front")
            r = ok(self, openstack(gw, "console", "log", "show", "Web Front"))
            lines = r.stdout.splitlines()
            self.assertIn(f"Instance-ID: {uuid}", lines)
            self.assertIn("[    1.204876] cloud-init: hostname: web-front", lines)
            self.assertEqual(lines[-1], "web-front login: ")
            self.assertEqual(cloud.compute.get_server_console_output(uuid)["output"].splitlines(), lines)
            # length N: the log's last N pieces between newlines (Nova's _tail_log), so at most N lines.
            for n in (2, 3, 6):
                tail = cloud.compute.get_server_console_output(cloud.id("Web Front"), length=n)["output"]
                tail = tail.splitlines()
                self.assertTrue(tail, n)
                self.assertLessEqual(len(tail), n)
                self.assertEqual(tail, lines[-len(tail):])
            # A stopped server's console still has its log.
            cloud.compute.stop_server(cloud.id("Web Front"))
            self.assertEqual(cloud.status(uuid)[0], "SHUTOFF")
            self.assertIn(f"Instance-ID: {uuid}", cloud.compute.get_server_console_output(uuid)["output"])

    def test_an_offloaded_server_has_no_console(self):
        with Gateway(["--fleet", EXAMPLE_FLEET]) as gw:
            demo, alt = Cloud(gw), Cloud(gw, "alt")
            demo.compute.shelve_server(demo.id("web-1"))
            self.assertEqual(demo.status("web-1")[0], "SHELVED_OFFLOADED")
            refused(self, lambda: demo.compute.get_server_console_output(WEB1), 409, f"Instance {WEB1} is not ready")
            self.assertIsNone(alt.find(WEB1))
            refused(self, lambda: alt.compute.get_server_console_output(WEB1), 404)


class SecurityGroups(unittest.TestCase):
    def test_remove_and_add_the_default_group(self):
        with Gateway(["--fleet", EXAMPLE_FLEET]) as gw:
            cloud = Cloud(gw)
            default = {"name": "default"}
            self.assertEqual(cloud.nova("web-1")["security_groups"], [default])
            ok(self, openstack(gw, "server", "remove", "security", "group", "web-1", "default"))
            # Nova leaves security_groups out of a server that has none.
            self.assertNotIn("security_groups", cloud.nova("web-1"))
            refused(self, lambda: cloud.compute.remove_security_group_from_server(WEB1, default), 400,
                    f"is not associated with the instance {WEB1}")
            ok(self, openstack(gw, "server", "add", "security", "group", "web-1", "default"))
            self.assertEqual(cloud.nova("web-1")["security_groups"], [default])
            refused(self, lambda: cloud.compute.add_security_group_to_server(WEB1, {"name": "no-such-group"}), 404,
                    "no-such-group")
            self.assertEqual(cloud.nova("web-1")["security_groups"], [default])
            # Other servers keep theirs.
            self.assertEqual(cloud.nova("web-2")["security_groups"], [default])


class GlanceImages(unittest.TestCase):
    def test_create_show_boot_from_and_delete_an_image(self):
        with Gateway([]) as gw:
            demo, alt = Cloud(gw), Cloud(gw, "alt")
            created = openstack_json(gw, "image", "create", "--disk-format", "qcow2", "--container-format", "bare",
                                     "--property", "os_distro=cirros", "my-image")
            self.assertEqual((created["name"], created["owner"], created["disk_format"], created["container_format"]),
                             ("my-image", "demo", "qcow2", "bare"))
            shown = demo.image.get_image(demo.image.find_image("my-image", ignore_missing=False))
            self.assertEqual(shown.id, created["id"])
            self.assertEqual((shown.status, shown.size, shown.visibility), ("active", 0, "shared"))
            self.assertEqual(shown.os_distro, "cirros")
            listed = [(i.name, i.status) for i in demo.image.images()]
            self.assertIn(("my-image", "active"), listed)

            # Another project's user does not see it, nor may delete it.
            self.assertNotIn("my-image", [i.name for i in alt.image.images()])
            refused(self, lambda: alt.image.delete_image(created["id"], ignore_missing=False), 404)
            self.assertEqual(demo.image.get_image(created["id"]).status, "active")

            booted = demo.boot(self, "from-mine", image_id=created["id"])
            self.assertEqual(demo.image_of(booted), f"my-image ({created['id']})")
            demo.image.delete_image(demo.image.find_image("my-image", ignore_missing=False), ignore_missing=False)
            refused(self, lambda: demo.image.get_image(created["id"]), 404)
            self.assertNotIn("my-image", [i.name for i in demo.image.images()])
            refused(self, lambda: demo.compute.create_server(name="again", image_id=created["id"], flavor_id=TINY,
                                                             networks="none"), 400)

    def test_a_protected_image_is_not_deleted(self):
        with Gateway([]) as gw:
            demo = Cloud(gw)
            images = images_client.ImagesClient(tempest_auth(gw, "demo"), "image", "RegionOne")
            created = images.create_image(name="guarded", protected=True)
            refused(self, lambda: demo.image.delete_image(demo.image.find_image("guarded", ignore_missing=False),
                                                          ignore_missing=False),
                    403, f"Image {created['id']} is protected and cannot be deleted.")
            self.assertIs(demo.image.get_image(created["id"]).is_protected, True)



class Personality(TempDir):
    def test_injected_files_within_the_quotas_create_and_rebuild(self):
        with Gateway([]) as gw:
            demo = Cloud(gw)
            small = self.path("motd", "hello\n")
            files = [arg for i in range(6) for arg in ("--file", f"/etc/motd{i}={small}")]
            refused_cli = openstack(gw, "server", "create", "--image", CIRROS_ID, "--flavor", TINY, *files,
                                    "six-files")
            self.assertNotEqual(refused_cli.returncode, 0)
            self.assertIn("Personality file limit exceeded (HTTP 403)", refused_cli.stderr)
            ok(self, openstack(gw, "server", "create", "--image", CIRROS_ID, "--flavor", TINY, *files[:10], "--wait",
                               "five-files"))

            big = self.path("big", "x" * 8000)  # 10668 characters of base64: over 10240
            refused_cli = openstack(gw, "server", "create", "--image", CIRROS_ID, "--flavor", TINY, "--file",
                                    f"/etc/big={big}", "big-file")
            self.assertIn("Personality file content exceeds maximum 10240 (HTTP 403)", refused_cli.stderr)

            # A rebuild's files count too (openstacksdk's session: the CLI's rebuild takes none).
            server = demo.id("five-files")
            files = [{"path": "/" + "p" * 255, "contents": "aGk="}]
            r = demo.compute.post(f"/servers/{server}/action",
                                  json={"rebuild": {"imageRef": CIRROS_ID, "personality": files}}, microversion="2.1")
            self.assertEqual((r.status_code, r.json()["forbidden"]["message"]),
                             (403, "Personality file path exceeds maximum 255"))
            # An admin raises the project's limit: six files then fit.
            ok(self, openstack(gw, "quota", "set", "--injected-files", "6", "demo", user="admin"))
            files = [{"path": f"/etc/f{i}", "contents": "aGk="} for i in range(6)]
            r = demo.compute.post(f"/servers/{server}/action",
                                  json={"rebuild": {"imageRef": CIRROS_ID, "personality": files}}, microversion="2.1")
            self.assertEqual(r.status_code, 202)


if __name__ == "__main__":
    unittest.main()
