"""--state FILE as GATEWAY.md promises it, driven by the real clients: what a
restart (after kill -9) keeps and what it does not, a transition that
settles after the restart, files that are refused untouched, a store that
cannot be written, reset, and Keystone tokens that outlive the process."""
import contextlib
import hashlib
import json
import os
import sqlite3
import subprocess
import tempfile
import time
import unittest

from botocore.exceptions import ClientError

from openstack import exceptions as sdk_exceptions

from clients import openstack, openstack_env, openstack_json, openstack_sdk, transfer
from gateway import EXAMPLE_FLEET, Gateway

WEB1, WEB1_T = "6f1c2a3e-0b4d-4c5e-8f60-7a8b9c0d1e01", "s-0123456789abcde01"
WEB2, WEB2_T = "6f1c2a3e-0b4d-4c5e-8f60-7a8b9c0d1e02", "s-0123456789abcde02"
WEB3_T = "s-0123456789abcde03"
REPORT, REPORT_T = "6f1c2a3e-0b4d-4c5e-8f60-7a8b9c0d1e07", "s-0123456789abcde07"
BINARY = os.environ.get("GATEWAY_BIN")


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def servers(gw):
    return {s["server_id"]: s for s in gw.control("GET", "/_gateway/servers")[1]["servers"]}


def journal(gw, **filters):
    query = "&".join(f"{k}={v}" for k, v in filters.items())
    return gw.control("GET", "/_gateway/journal?" + query)[1]["entries"]


def token_env(gw):
    """The openstack CLI's environment with a token issued now, instead of a password."""
    r = openstack(gw, "token", "issue", "-f", "value", "-c", "id")
    assert r.returncode == 0, r.stderr
    env = openstack_env(gw)
    for key in ("OS_USERNAME", "OS_PASSWORD", "OS_USER_DOMAIN_NAME"):
        env.pop(key)
    env.update({"OS_AUTH_TYPE": "token", "OS_TOKEN": r.stdout.strip()})
    return env


def openstack_with(env, *args):
    return subprocess.run(["/usr/bin/openstack", *args], env=env, capture_output=True, text=True, timeout=120)


def wait_for_state(aws, server_id, state, timeout=10):
    deadline = time.time() + timeout
    while True:
        seen = aws.describe_server(ServerId=server_id)["Server"]["State"]
        if seen == state or time.time() > deadline:
            return seen
        time.sleep(0.05)


class Durable(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="gateway-state-")
        self.state = os.path.join(self.dir, "state.db")

    def tearDown(self):
        subprocess.run(["rm", "-rf", self.dir])

    @contextlib.contextmanager
    def write_lock_held(self):
        """Another process holds the store's write lock meanwhile."""
        holder = sqlite3.connect(self.state, timeout=0, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            holder.execute("ROLLBACK")
            holder.close()

    def gateway(self, *extra):
        gw = Gateway(["--fleet", EXAMPLE_FLEET, "--state", self.state, *extra])
        # A test that fails half-way must not leave its gateway running.
        self.addCleanup(lambda: gw.proc and gw.proc.poll() is None and gw.kill())
        return gw

    def test_a_restart_after_kill_keeps_servers_locks_tags_billing_and_the_journal_of_changes(self):
        gw = self.gateway().__enter__()
        aws = transfer(gw)
        aws.stop_server(ServerId=WEB1_T)
        created = aws.create_server(Tags=[{"Key": "Name", "Value": "kept"}])["ServerId"]
        arn = aws.describe_server(ServerId=created)["Server"]["Arn"]
        aws.tag_resource(Arn=arn, Tags=[{"Key": "team", "Value": "data"}])
        aws.delete_server(ServerId=WEB3_T)
        r = openstack(gw, "--os-compute-api-version", "2.73", "server", "lock", "--reason", "maintenance", WEB2)
        self.assertEqual(r.returncode, 0, r.stderr)
        aws.describe_server(ServerId=WEB1_T)  # a read: journaled in memory only
        before = servers(gw)
        changes = journal(gw, result="accepted", limit=1000)
        gw.kill()

        with self.gateway() as again:
            notice = f"--state {self.state} exists: restored from it, --fleet {EXAMPLE_FLEET} is ignored"
            self.assertIn(notice, again.wait_for_stderr(notice))
            # Every change is still on record; the reads were not kept.
            kept = journal(again, limit=1000)
            self.assertEqual([e["request_id"] for e in kept], [e["request_id"] for e in changes if e["action"]])
            self.assertEqual({e["operation"] for e in kept},
                             {"StopServer", "CreateServer", "TagResource", "DeleteServer", "lock"})
            after = servers(again)
            self.assertEqual(set(after), set(before))
            for sid, s in before.items():
                for key in ("id", "name", "state", "locked", "locked_by", "locked_reason", "tenant", "created_ms"):
                    self.assertEqual(after[sid].get(key), s.get(key), f"{sid} {key}")
            self.assertNotIn(WEB3_T, after)
            self.assertEqual(after[WEB1_T]["state"], "stopped")
            self.assertEqual(after[WEB2_T]["locked_reason"], "maintenance")
            aws = transfer(again)
            tags = aws.describe_server(ServerId=created)["Server"]["Tags"]
            self.assertIn({"Key": "team", "Value": "data"}, tags)
            billing = {e["server_id"]: e for e in again.control("GET", "/_gateway/billing")[1]["servers"]}
            self.assertTrue(billing[WEB3_T]["deleted"])
            # New entries go on after the old ones.
            self.assertGreater(journal(again, operation="DescribeServer")[0]["id"], kept[-1]["id"])

    def test_a_transition_under_way_at_the_crash_settles_at_its_due_time_after_the_restart(self):
        # Six seconds: long enough that a restart under ASan on a loaded machine ends before it.
        gw = self.gateway("--transition-ms", "6000").__enter__()
        aws = transfer(gw)
        aws.stop_server(ServerId=WEB1_T)
        self.assertEqual(aws.describe_server(ServerId=WEB1_T)["Server"]["State"], "STOPPING")
        stopped_at = time.time()
        gw.kill()
        with self.gateway("--transition-ms", "6000") as again:
            aws = transfer(again)
            self.assertEqual(aws.describe_server(ServerId=WEB1_T)["Server"]["State"], "STOPPING")
            self.assertEqual(wait_for_state(aws, WEB1_T, "OFFLINE"), "OFFLINE")
            self.assertGreaterEqual(time.time() - stopped_at, 5.9)
            entry = journal(again, operation="StopServer")[0]
            self.assertIsNotNone(entry["settled_ms"])

    def test_a_transition_whose_time_passed_during_the_outage_is_settled_at_once(self):
        gw = self.gateway("--transition-ms", "300").__enter__()
        transfer(gw).stop_server(ServerId=WEB1_T)
        gw.kill()
        time.sleep(0.4)
        with self.gateway("--transition-ms", "300") as again:
            self.assertEqual(transfer(again).describe_server(ServerId=WEB1_T)["Server"]["State"], "OFFLINE")

    def test_reset_rewrites_the_file(self):
        gw = self.gateway().__enter__()
        aws = transfer(gw)
        aws.stop_server(ServerId=WEB1_T)
        aws.create_server()
        status, body = gw.control("POST", "/_gateway/reset")
        self.assertEqual(status, 200)
        self.assertEqual(body["servers"], 12)
        gw.kill()
        with self.gateway() as again:
            after = servers(again)
            self.assertEqual(len(after), 12)
            self.assertEqual(after[WEB1_T]["state"], "running")
            self.assertEqual(journal(again), [])

    def test_a_restart_after_kill_keeps_key_pairs_images_metadata_a_resize_to_confirm_and_a_soft_delete(self):
        config = os.path.join(self.dir, "config.json")
        with open(config, "w") as f:
            json.dump({"reclaim_instance_interval": 3600}, f)
        key = os.path.join(self.dir, "id_ed25519")
        subprocess.run(["/usr/bin/ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "me@laptop", "-f", key],
                       check=True, capture_output=True, timeout=30)

        def ok(r):
            self.assertEqual(r.returncode, 0, r.stderr)
            return r

        gw = self.gateway("--config", config).__enter__()
        ok(openstack(gw, "keypair", "create", "made"))
        ok(openstack(gw, "keypair", "create", "--public-key", key + ".pub", "laptop"))
        ok(openstack(gw, "keypair", "create", "gone"))
        ok(openstack(gw, "keypair", "delete", "gone"))
        image = openstack_json(gw, "image", "create", "--disk-format", "qcow2", "--container-format", "bare",
                               "--property", "os_distro=debian", "golden")
        silver = openstack_json(gw, "image", "create", "silver")
        dropped = openstack_json(gw, "image", "create", "dropped")
        ok(openstack(gw, "image", "delete", "dropped"))
        ok(openstack(gw, "server", "set", "--property", "role=web", "--property", "tier=1", "web-1"))
        ok(openstack(gw, "server", "resize", "--flavor", "m1.small", "web-2"))
        ok(openstack(gw, "server", "delete", "report-gen"))
        booted = openstack_json(gw, "server", "create", "--image", "golden", "--flavor", "m1.tiny", "--key-name",
                                "laptop", "--wait", "keyed")
        before = {
            "made": openstack_json(gw, "keypair", "show", "made"),
            "laptop": openstack_json(gw, "keypair", "show", "laptop"),
            "golden": openstack_json(gw, "image", "show", image["id"]),
            "silver": openstack_json(gw, "image", "show", silver["id"]),
            "web-2": openstack_json(gw, "server", "show", WEB2, "-c", "status", "-c", "flavor"),
            "report-gen": openstack_json(gw, "server", "show", REPORT, "-c", "status", "-c", "OS-EXT-STS:vm_state"),
        }
        self.assertEqual(before["web-2"], {"status": "VERIFY_RESIZE", "flavor": "m1.small (2)"})
        self.assertEqual(before["report-gen"], {"status": "SOFT_DELETED", "OS-EXT-STS:vm_state": "soft-delete"})
        gw.kill()

        with self.gateway("--config", config) as again:
            # Key pairs: the same records, the deleted one still gone.
            self.assertEqual([k["Name"] for k in openstack_json(again, "keypair", "list")], ["laptop", "made"])
            self.assertEqual(openstack_json(again, "keypair", "show", "made"), before["made"])
            self.assertEqual(openstack_json(again, "keypair", "show", "laptop"), before["laptop"])
            with open(key + ".pub") as f:
                self.assertEqual(ok(openstack(again, "keypair", "show", "--public-key", "laptop")).stdout.strip(),
                                 f.read().strip())
            self.assertNotEqual(openstack(again, "keypair", "show", "gone").returncode, 0)
            ok(openstack(again, "keypair", "create", "after"))  # a new one gets an id of its own
            ids = {openstack_json(again, "keypair", "show", n)["id"] for n in ("made", "laptop", "after")}
            self.assertEqual(len(ids), 3)

            # Metadata.
            shown = openstack_json(again, "server", "show", WEB1, "-c", "properties")
            self.assertEqual(shown["properties"], {"role": "web", "tier": "1"})

            # The resize still waits for its confirmation, and a revert still knows the old flavor.
            self.assertEqual(openstack_json(again, "server", "show", WEB2, "-c", "status", "-c", "flavor"),
                             before["web-2"])
            aws = transfer(again)
            self.assertEqual(aws.describe_server(ServerId=WEB2_T)["Server"]["State"], "ONLINE")
            ok(openstack(again, "server", "resize", "revert", "web-2"))
            self.assertEqual(openstack_json(again, "server", "show", WEB2, "-c", "status", "-c", "flavor"),
                             {"status": "ACTIVE", "flavor": "m1.tiny (1)"})

            # The soft delete is still restorable.
            self.assertEqual(openstack_json(again, "server", "show", REPORT, "-c", "status", "-c",
                                            "OS-EXT-STS:vm_state"), before["report-gen"])
            self.assertEqual(aws.describe_server(ServerId=REPORT_T)["Server"]["State"], "OFFLINE")
            ok(openstack(again, "server", "restore", REPORT))
            self.assertEqual(openstack_json(again, "server", "show", REPORT, "-c", "status")["status"], "ACTIVE")
            self.assertEqual(aws.describe_server(ServerId=REPORT_T)["Server"]["State"], "ONLINE")

            # Images: those created are there as they were, the one deleted is not, and a server
            # boots from one again.
            names = sorted(i["Name"] for i in openstack_json(again, "image", "list"))
            self.assertEqual(names, ["cirros-0.6.2-x86_64-disk", "debian-12-genericcloud-amd64", "golden", "silver"])
            for name in ("golden", "silver"):
                self.assertEqual(openstack_json(again, "image", "show", before[name]["id"]), before[name])
            self.assertEqual(before["golden"]["properties"]["os_distro"], "debian")
            self.assertNotEqual(openstack(again, "image", "show", dropped["id"]).returncode, 0)
            keyed = openstack_json(again, "server", "show", booted["id"], "-c", "key_name", "-c", "image")
            self.assertEqual(keyed, {"key_name": "laptop", "image": f"golden ({image['id']})"})
            ok(openstack(again, "server", "create", "--image", image["id"], "--flavor", "m1.tiny", "--wait", "again"))

    def test_a_reclaim_due_during_the_outage_happens_at_the_restart(self):
        config = os.path.join(self.dir, "config.json")
        with open(config, "w") as f:
            json.dump({"reclaim_instance_interval": 1}, f)
        gw = self.gateway("--config", config).__enter__()
        r = openstack(gw, "server", "delete", "report-gen")
        self.assertEqual(r.returncode, 0, r.stderr)
        deleted_at = time.time()
        # Soft-deleted (its reclaim may have come already: a second is short).
        entry = journal(gw, operation="delete")[0]
        self.assertEqual((entry["action"], entry["state_after"]), ("soft_delete", "soft_deleted"))
        gw.kill()
        time.sleep(max(0.0, deleted_at + 1.2 - time.time()))
        with self.gateway("--config", config) as again:
            with self.assertRaises(ClientError) as e:
                transfer(again).describe_server(ServerId=REPORT_T)
            self.assertEqual(e.exception.response["Error"]["Code"], "ResourceNotFoundException")
            self.assertNotEqual(openstack(again, "server", "show", REPORT).returncode, 0)
            billing = {e["server_id"]: e for e in again.control("GET", "/_gateway/billing")[1]["servers"]}
            self.assertTrue(billing[REPORT_T]["deleted"])

    def test_a_keystone_token_issued_before_a_restart_works_after_it(self):
        gw = self.gateway().__enter__()
        env = token_env(gw)
        gw.kill()
        with self.gateway() as again:
            env["OS_AUTH_URL"] = again.url + "/identity"  # a new port: the token is the same
            r = openstack_with(env, "server", "list", "-f", "json")
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertIn("web-1", [s["Name"] for s in json.loads(r.stdout)])
            # A token never issued is still refused.
            env["OS_TOKEN"] = "0" * 32
            self.assertNotEqual(openstack_with(env, "server", "list").returncode, 0)

    def test_a_store_that_cannot_be_written_refuses_changes_in_each_protocol_and_half_applies_nothing(self):
        with self.gateway() as gw:
            aws = transfer(gw)
            conn = openstack_sdk(gw)
            conn.compute.get_server(WEB2)  # authenticated now: issuing a token writes the file too
            with self.write_lock_held():
                with self.assertRaises(ClientError) as e:
                    aws.stop_server(ServerId=WEB1_T)
                self.assertEqual(e.exception.response["Error"]["Code"], "ServiceUnavailableException")
                self.assertEqual(e.exception.response["ResponseMetadata"]["HTTPStatusCode"], 500)
                with self.assertRaises(sdk_exceptions.HttpException) as refused_stop:
                    conn.compute.stop_server(WEB2)
                self.assertEqual(refused_stop.exception.status_code, 503)
                # Reads keep working, and nothing changed.
                self.assertEqual(aws.describe_server(ServerId=WEB1_T)["Server"]["State"], "ONLINE")
                self.assertEqual(servers(gw)[WEB2_T]["state"], "running")
                refused = journal(gw, result="unavailable")
                self.assertEqual({e["operation"] for e in refused}, {"StopServer", "os-stop"})
                self.assertEqual({e["status"] for e in refused}, {500, 503})
            aws.stop_server(ServerId=WEB1_T)
            self.assertEqual(aws.describe_server(ServerId=WEB1_T)["Server"]["State"], "OFFLINE")


class Refused(unittest.TestCase):
    """A FILE that is not ours, is corrupt, or has a newer schema: a clear
    message, exit 1, and the file exactly as it was."""

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="gateway-state-")
        self.path = os.path.join(self.dir, "state.db")

    def tearDown(self):
        subprocess.run(["rm", "-rf", self.dir])

    def start(self):
        return subprocess.run([BINARY, "--listen", "127.0.0.1:0", "--state", self.path], capture_output=True,
                              text=True, timeout=20)

    def assert_refused(self, words):
        before = sha256(self.path)
        r = self.start()
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertIn(f"--state {self.path}:", r.stderr)
        self.assertIn(words, r.stderr)
        self.assertEqual(r.stdout, "")
        self.assertEqual(sha256(self.path), before)

    def test_not_a_database(self):
        with open(self.path, "wb") as f:
            f.write(os.urandom(8192))
        self.assert_refused("not an SQLite database")

    def test_another_programs_database(self):
        db = sqlite3.connect(self.path)
        db.execute("CREATE TABLE photos(name)")
        db.commit()
        db.close()
        self.assert_refused("another program")

    def test_a_newer_schema(self):
        with Gateway(["--state", self.path]):
            pass
        db = sqlite3.connect(self.path)
        db.execute("PRAGMA journal_mode=DELETE")
        db.execute("PRAGMA user_version=7")
        db.close()
        self.assert_refused("newer lifecycle-gateway (schema version 7")

    def test_a_truncated_file(self):
        with Gateway(["--fleet", EXAMPLE_FLEET, "--state", self.path]):
            pass
        db = sqlite3.connect(self.path)
        db.execute("PRAGMA journal_mode=DELETE")
        db.close()
        with open(self.path, "r+b") as f:
            f.truncate(4096 + 100)
        before = sha256(self.path)
        r = self.start()
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn(f"--state {self.path}:", r.stderr)
        self.assertEqual(sha256(self.path), before)


if __name__ == "__main__":
    unittest.main()
