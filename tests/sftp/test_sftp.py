"""The SFTP endpoint (TRANSFER.md, "The SFTP endpoint: ONLINE serves, OFFLINE
refuses") driven by the clients people use: boto3 creates the server, its
user and key; paramiko and OpenSSH's sftp upload, list and download;
ssh-keyscan reads the host key. A stop refuses, a start serves again, a
restart with --state keeps the port and the files; UpdateServer adding or
taking away SFTP opens or closes the port; a user never leaves their home;
fault rules reach logins and writes. (test_sftp_bounds.py: a hostile
client; test_sftp_files.py: the control plane's view of the files.)"""
import io
import os
import socket
import subprocess
import time

import paramiko

from clients import transfer
from gateway import Gateway
from keys import make_key
from sftp_support import ROLE, SSH_OPTIONS, SftpCase, connect, endpoint, journal, metric, refused, wait_state


class Case(SftpCase):
    def test_upload_list_download_stop_start(self):
        with Gateway() as gw:
            aws, server_id, key, port = self.server_with_user(gw)
            self.assertEqual(endpoint(gw, server_id)["host"], "127.0.0.1")
            # ssh-keyscan sees the key DescribeServer fingerprints.
            scanned = subprocess.run(["ssh-keyscan", "-p", str(port), "-t", "ed25519", "127.0.0.1"],
                                     capture_output=True, text=True, timeout=30).stdout
            line = next(l for l in scanned.splitlines() if not l.startswith("#"))
            printed = subprocess.run(["ssh-keygen", "-l", "-E", "sha256", "-f", "-"], input=line,
                                     capture_output=True, text=True, check=True).stdout.split()[1]
            body = printed[len("SHA256:"):]
            self.assertEqual("SHA256:" + body + "=" * (-len(body) % 4),
                             aws.describe_server(ServerId=server_id)["Server"]["HostKeyFingerprint"])

            local = self.file("payload.bin", 3 * 1024 * 1024 + 17)
            with connect(port, "alice", key.private_path) as ssh:
                sftp = ssh.open_sftp()
                self.assertEqual(sftp.normalize("."), "/bucket/alice")
                sftp.put(local, "payload.bin")
                self.assertEqual(sftp.listdir("."), ["payload.bin"])
                self.assertEqual(sftp.stat("payload.bin").st_size, os.path.getsize(local))
                back = os.path.join(self.tmp.name, "back.bin")
                sftp.get("/bucket/alice/payload.bin", back)
                with open(local, "rb") as a, open(back, "rb") as b:
                    self.assertEqual(a.read(), b.read())
                sftp.mkdir("reports")
                sftp.rename("payload.bin", "reports/p.bin")
                self.assertEqual(sftp.listdir("reports"), ["p.bin"])
                sftp.rename("reports/p.bin", "payload.bin")
                sftp.rmdir("reports")

            # OpenSSH's sftp, in batch mode.
            second = self.file("second.txt", 1000)
            batch = os.path.join(self.tmp.name, "batch")
            with open(batch, "w") as f:
                f.write(f"put {second} second.txt\nls -1\nget second.txt {second}.back\n")
            out = subprocess.run(["sftp", "-b", batch, "-i", key.private_path, "-P", str(port)] + SSH_OPTIONS +
                                 ["alice@127.0.0.1"], capture_output=True, text=True, timeout=60)
            self.assertEqual(out.returncode, 0, out.stderr)
            self.assertIn("payload.bin", out.stdout)
            with open(second, "rb") as a, open(second + ".back", "rb") as b:
                self.assertEqual(a.read(), b.read())

            # The journal holds what was transferred.
            entries = journal(gw, server=server_id)
            ops = [e["operation"] for e in entries]
            for op in ("login", "open", "write", "close", "read", "mkdir", "rename", "rmdir"):
                self.assertIn(op, ops)
            writes = [e for e in entries if e["operation"] == "write" and e["path"] == "/bucket/alice/payload.bin"]
            self.assertEqual(writes[0]["bytes"], os.path.getsize(local))
            self.assertEqual(writes[0]["caller"]["user"], "alice")
            self.assertGreaterEqual(metric(gw, 'lifecycle_sftp_bytes_total{direction="upload"}'),
                                    os.path.getsize(local) + 1000)
            self.assertGreaterEqual(metric(gw, "lifecycle_sftp_sessions_total"), 2)

            # A session open at the stop is closed; the port refuses while OFFLINE.
            ssh = connect(port, "alice", key.private_path)
            sftp = ssh.open_sftp()
            aws.stop_server(ServerId=server_id)
            wait_state(aws, server_id, "OFFLINE")
            self.assertTrue(refused(port))
            with self.assertRaises((OSError, EOFError, paramiko.SSHException)):
                sftp.listdir(".")
            ssh.close()
            with self.assertRaises((OSError, paramiko.SSHException)):
                connect(port, "alice", key.private_path, timeout=3).close()

            # ONLINE again: the same port, the file still there.
            aws.start_server(ServerId=server_id)
            wait_state(aws, server_id, "ONLINE")
            self.assertEqual(endpoint(gw, server_id)["port"], port)
            with connect(port, "alice", key.private_path) as ssh:
                self.assertEqual(sorted(ssh.open_sftp().listdir(".")), ["payload.bin", "second.txt"])

            # Deleted: closed for good.
            aws.delete_user(ServerId=server_id, UserName="alice")
            aws.delete_server(ServerId=server_id)
            self.assertTrue(refused(port))

    def test_update_server_opens_and_closes_the_endpoint(self):
        state = os.path.join(self.tmp.name, "gw.db")
        with Gateway(["--state", state]) as gw:
            aws, server_id, key, port = self.server_with_user(gw)
            ssh = connect(port, "alice", key.private_path)
            sftp = ssh.open_sftp()
            sftp.putfo(io.BytesIO(b"kept"), "kept.txt")
            # SFTP taken away: the open session is closed, the port refuses, the control plane shows none.
            aws.update_server(ServerId=server_id, Protocols=["AS2"], EndpointType="VPC")
            self.assertEqual(aws.describe_server(ServerId=server_id)["Server"]["Protocols"], ["AS2"])
            self.assertIsNone(endpoint(gw, server_id))
            self.assertTrue(refused(port))
            with self.assertRaises((OSError, EOFError, paramiko.SSHException)):
                sftp.listdir(".")
            ssh.close()
            # Given back: the same port, the files still there.
            aws.update_server(ServerId=server_id, Protocols=["SFTP", "AS2"])
            self.assertEqual(endpoint(gw, server_id)["port"], port)
            with connect(port, "alice", key.private_path) as ssh:
                self.assertEqual(ssh.open_sftp().open("kept.txt").read(), b"kept")
            # A server made without SFTP gets a port when SFTP is added: refusing while OFFLINE, serving once ONLINE.
            other = aws.create_server(Protocols=["AS2"], EndpointType="VPC")["ServerId"]
            wait_state(aws, other, "ONLINE")
            self.assertIsNone(endpoint(gw, other))
            aws.stop_server(ServerId=other)
            wait_state(aws, other, "OFFLINE")
            aws.update_server(ServerId=other, Protocols=["SFTP"])
            other_port = endpoint(gw, other)["port"]
            self.assertNotEqual(other_port, port)
            self.assertTrue(refused(other_port))
            aws.create_user(ServerId=other, UserName="bob", Role=ROLE, HomeDirectory="/bucket/bob",
                            SshPublicKeyBody=key.public)
            aws.start_server(ServerId=other)
            wait_state(aws, other, "ONLINE")
            connect(other_port, "bob", key.private_path).close()
            # Taken away, it stays shut through a stop and a start.
            aws.update_server(ServerId=server_id, Protocols=["AS2"])
            aws.stop_server(ServerId=server_id)
            wait_state(aws, server_id, "OFFLINE")
            aws.start_server(ServerId=server_id)
            wait_state(aws, server_id, "ONLINE")
            self.assertTrue(refused(port))
        # A restart with --state: each as it was left, on the same ports.
        with Gateway(["--state", state]) as gw:
            self.assertIsNone(endpoint(gw, server_id))
            self.assertTrue(refused(port))
            self.assertEqual(endpoint(gw, other)["port"], other_port)
            connect(other_port, "bob", key.private_path).close()
            aws = transfer(gw)
            aws.update_server(ServerId=server_id, Protocols=["SFTP"])
            self.assertEqual(endpoint(gw, server_id)["port"], port)
            connect(port, "alice", key.private_path).close()

    def test_imported_host_keys_are_the_ones_presented(self):
        with Gateway() as gw:
            aws, server_id, key, port = self.server_with_user(gw)
            for kind, extra in (("rsa", ["-b", "2048", "-m", "PEM"]), ("ecdsa", ["-b", "384"]), ("ed25519", [])):
                path = os.path.join(self.tmp.name, "host_" + kind)
                subprocess.run(["ssh-keygen", "-q", "-t", kind, "-N", "", "-f", path] + extra, check=True)
                with open(path) as f:
                    key_id = aws.import_host_key(ServerId=server_id, HostKeyBody=f.read())["HostKeyId"]
                expected = aws.describe_host_key(ServerId=server_id, HostKeyId=key_id)["HostKey"]["HostKeyFingerprint"]
                scanned = subprocess.run(["ssh-keyscan", "-t", kind, "-p", str(port), "127.0.0.1"],
                                         capture_output=True, text=True, timeout=30).stdout
                line = next(l for l in scanned.splitlines() if not l.startswith("#"))
                printed = subprocess.run(["ssh-keygen", "-l", "-E", "sha256", "-f", "-"], input=line,
                                         capture_output=True, text=True, check=True).stdout.split()[1]
                self.assertEqual(printed.rstrip("="), expected.rstrip("="), kind)
            # The server's own fingerprint is its oldest imported key's; logins still work.
            self.assertEqual(aws.describe_server(ServerId=server_id)["Server"]["HostKeyFingerprint"],
                             aws.list_host_keys(ServerId=server_id)["HostKeys"][0]["Fingerprint"])
            connect(port, "alice", key.private_path).close()

    def test_a_user_stays_in_their_home(self):
        data = os.path.join(self.tmp.name, "data")
        with Gateway(["--data-dir", data]) as gw:
            aws, server_id, key, port = self.server_with_user(gw)
            bob = self.key()
            aws.create_user(ServerId=server_id, UserName="bob", Role=ROLE, HomeDirectory="/bucket/bob",
                            SshPublicKeyBody=bob.public)
            with connect(port, "bob", bob.private_path) as ssh:
                ssh.open_sftp().putfo(io.BytesIO(b"bob's"), "secret.txt")
            tree = os.path.join(data, server_id)
            self.assertTrue(os.path.isfile(os.path.join(tree, "bucket", "bob", "secret.txt")))
            # A symlink put there from outside is refused, not followed.
            os.makedirs(os.path.join(tree, "bucket", "alice"), exist_ok=True)
            os.symlink("/etc", os.path.join(tree, "bucket", "alice", "etc"))
            with connect(port, "alice", key.private_path) as ssh:
                sftp = ssh.open_sftp()
                for path in ("../bob/secret.txt", "/bucket/bob/secret.txt", "/etc/passwd", "../../../../etc/passwd",
                             "/", "..", "etc/passwd", "etc"):
                    with self.assertRaises(OSError, msg=path):
                        sftp.stat(path) if path in ("/", "..", "etc") else sftp.open(path).read()
                with self.assertRaises(OSError):
                    sftp.listdir("/bucket")
                with self.assertRaises(OSError):
                    sftp.open("../bob/planted.txt", "w").write(b"x")
                # ".." at the root stays at the root: still outside the home.
                with self.assertRaises(OSError):
                    sftp.open("/../../bucket/bob/secret.txt").read()
                self.assertEqual(sftp.normalize("../../.."), "/")
                self.assertNotIn("etc", sftp.listdir("."))
            self.assertFalse(os.path.exists(os.path.join(tree, "bucket", "bob", "planted.txt")))

            # LOGICAL: the mappings are the whole view.
            carol = self.key()
            aws.create_user(ServerId=server_id, UserName="carol", Role=ROLE, HomeDirectoryType="LOGICAL",
                            HomeDirectoryMappings=[{"Entry": "/in", "Target": "/bucket/carol/incoming"},
                                                   {"Entry": "/shared", "Target": "/bucket/bob"}],
                            SshPublicKeyBody=carol.public)
            os.makedirs(os.path.join(tree, "bucket", "carol", "incoming"))
            with connect(port, "carol", carol.private_path) as ssh:
                sftp = ssh.open_sftp()
                self.assertEqual(sorted(sftp.listdir("/")), ["in", "shared"])
                self.assertEqual(sftp.open("/shared/secret.txt").read(), b"bob's")
                sftp.putfo(io.BytesIO(b"hi"), "/in/hello.txt")
                with self.assertRaises(OSError):
                    sftp.open("/in/../../bucket/alice/x", "w").write(b"x")
                with self.assertRaises(OSError):
                    sftp.open("/other.txt", "w").write(b"x")
            self.assertTrue(os.path.isfile(os.path.join(tree, "bucket", "carol", "incoming", "hello.txt")))

    def test_only_the_users_keys_log_in(self):
        with Gateway() as gw:
            aws, server_id, key, port = self.server_with_user(gw)
            other_aws, other_id, other_key, other_port = self.server_with_user(gw)
            stranger = self.key()
            for user, path in (("alice", stranger.private_path), ("mallory", key.private_path),
                               ("alice", other_key.private_path)):
                with self.assertRaises(paramiko.AuthenticationException):
                    connect(port, user, path).close()
            # A connection's refusal is journaled when it ends (the client hangs up after the failure).
            deadline = time.monotonic() + 10
            while len(journal(gw, server=server_id, result="refused")) < 3 and time.monotonic() < deadline:
                time.sleep(0.05)
            refusals = journal(gw, server=server_id, result="refused")
            self.assertEqual(len(refusals), 3)
            self.assertEqual(sorted(e["caller"]["user"] for e in refusals), ["alice", "alice", "mallory"])
            self.assertEqual(metric(gw, 'lifecycle_sftp_logins_total{result="refused"}'), 3)
            # An RSA key in PEM works as well as ed25519.
            rsa = make_key(self.tmp.name, "rsa", bits=2048, pem=True)
            aws.import_ssh_public_key(ServerId=server_id, UserName="alice", SshPublicKeyBody=rsa.public)
            connect(port, "alice", rsa.private_path).close()

    def test_fault_rules_refuse_logins_and_fail_writes(self):
        with Gateway() as gw:
            aws, server_id, key, port = self.server_with_user(gw)
            status, _ = gw.control("POST", "/_gateway/faults", {
                "match": {"api": "sftp", "operation": "login", "server": server_id},
                "effect": {"error": "unavailable"}, "count": 1})
            self.assertEqual(status, 201)
            with self.assertRaises(paramiko.AuthenticationException):
                connect(port, "alice", key.private_path).close()
            self.assertTrue(journal(gw, result="refused")[0]["injected"])
            gw.control("POST", "/_gateway/faults", {"match": {"api": "sftp", "operation": "write"},
                                                    "effect": {"error": "internal"}})
            with connect(port, "alice", key.private_path) as ssh:
                sftp = ssh.open_sftp()
                with self.assertRaises(OSError):
                    sftp.putfo(io.BytesIO(b"x" * 100000), "failing.bin")
            gw.control("DELETE", "/_gateway/faults")
            with connect(port, "alice", key.private_path) as ssh:
                ssh.open_sftp().putfo(io.BytesIO(b"x" * 100000), "fine.bin")

    def test_restart_with_state_keeps_port_and_files(self):
        state = os.path.join(self.tmp.name, "gw.db")
        local = self.file("kept.bin", 200000)
        with Gateway(["--state", state]) as gw:
            aws, server_id, key, port = self.server_with_user(gw)
            with connect(port, "alice", key.private_path) as ssh:
                ssh.open_sftp().put(local, "kept.bin")
        self.assertTrue(os.path.isdir(state + "-files"))
        with Gateway(["--state", state]) as gw:
            self.assertEqual(endpoint(gw, server_id)["port"], port)
            back = os.path.join(self.tmp.name, "kept.back")
            with connect(port, "alice", key.private_path) as ssh:
                ssh.open_sftp().get("kept.bin", back)
            with open(local, "rb") as a, open(back, "rb") as b:
                self.assertEqual(a.read(), b.read())

    def test_sftp_off_and_a_port_range(self):
        with Gateway(["--sftp", "off"]) as gw:
            server_id = transfer(gw).create_server()["ServerId"]
            self.assertIsNone(endpoint(gw, server_id))
        probe = socket.socket()
        probe.bind(("127.0.0.1", 0))
        first = probe.getsockname()[1]
        probe.close()
        with Gateway(["--sftp-ports", f"{first}-{first + 40}"]) as gw:
            server_id = transfer(gw).create_server()["ServerId"]
            self.assertTrue(first <= endpoint(gw, server_id)["port"] <= first + 40)


if __name__ == "__main__":
    unittest.main()
