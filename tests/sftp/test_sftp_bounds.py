"""A hostile SFTP client against the endpoint (issue 23): thousands of
connections, a handshake that never ends, uploads past the server's quota
(--sftp-quota: a small one here, standing for a 10 GB upload), paths of
100k characters and wrong keys in a loop are each refused or cut off, and
the gateway goes on serving both APIs and the other clients."""
import concurrent.futures
import io
import os
import resource
import socket
import time

import paramiko

from gateway import Gateway
from sftp_support import SftpCase, connect, journal, metric


def apis_answer(test, gw, aws, server_id):
    test.assertEqual(gw.control("GET", "/_gateway/health")[0], 200)
    test.assertEqual(aws.describe_server(ServerId=server_id)["Server"]["State"], "ONLINE")
    status, _ = gw.control("GET", "/_gateway/servers")
    test.assertEqual(status, 200)


def log_in_when_free(test, port, user, key_path, within=30):
    """A login once the sessions a test held have wound down."""
    deadline = time.monotonic() + within
    while True:
        try:
            return connect(port, user, key_path)
        except (paramiko.SSHException, OSError):
            test.assertLess(time.monotonic(), deadline)
            time.sleep(0.2)


class Bounds(SftpCase):
    def test_thousands_of_connections_are_bounded(self):
        wanted = 2000
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        room = hard if hard != resource.RLIM_INFINITY else wanted + 200
        if soft < wanted + 200:
            resource.setrlimit(resource.RLIMIT_NOFILE, (min(room, wanted + 200), hard))
        count = min(wanted, resource.getrlimit(resource.RLIMIT_NOFILE)[0] - 200)
        with Gateway() as gw:
            aws, server_id, key, port = self.server_with_user(gw)

            def open_one(_):
                try:
                    return socket.create_connection(("127.0.0.1", port), timeout=10)
                except OSError:
                    return None

            with concurrent.futures.ThreadPoolExecutor(32) as pool:
                held = [s for s in pool.map(open_one, range(count)) if s]
            try:
                # Past the bound (32 sessions a server), each is closed at once and counted.
                deadline = time.monotonic() + 20
                while metric(gw, "lifecycle_sftp_connections_refused_total") < len(held) - 32:
                    self.assertLess(time.monotonic(), deadline, "connections past the bound still open")
                    time.sleep(0.1)
                self.assertGreater(len(held), count * 0.9)
                self.assertLessEqual(metric(gw, "lifecycle_sftp_sessions_open"), 32)
                self.assertLess(len(os.listdir(f"/proc/{gw.proc.pid}/fd")), 400)
                apis_answer(self, gw, aws, server_id)
            finally:
                for s in held:
                    s.close()
            with log_in_when_free(self, port, "alice", key.private_path) as ssh:
                ssh.open_sftp().putfo(io.BytesIO(b"after the flood"), "ok.txt")

    def test_a_handshake_that_never_ends_is_cut_off(self):
        with Gateway() as gw:
            aws, server_id, key, port = self.server_with_user(gw)
            slow = socket.create_connection(("127.0.0.1", port), timeout=5)
            self.assertTrue(slow.recv(256).startswith(b"SSH-2.0-"))  # the gateway's banner
            slow.settimeout(0.5)
            started = time.monotonic()
            cut = False
            # Our banner, a byte every half second, never finished.
            for byte in b"SSH-2.0-" + b"x" * 200:
                try:
                    slow.send(bytes([byte]))
                    if slow.recv(256) == b"":
                        cut = True
                        break
                except socket.timeout:
                    pass
                except OSError:
                    cut = True
                    break
                if time.monotonic() - started > 40:
                    break
                apis_answer(self, gw, aws, server_id)
            slow.close()
            self.assertTrue(cut, "the slow client was never cut off")
            self.assertLess(time.monotonic() - started, 20)  # the key exchange gets 10 s
            with connect(port, "alice", key.private_path) as ssh:
                self.assertEqual(ssh.open_sftp().listdir("."), [])

    def test_the_quota_bounds_a_servers_files(self):
        data = os.path.join(self.tmp.name, "data")
        with Gateway(["--sftp-quota", "1M", "--data-dir", data]) as gw:
            aws, server_id, key, port = self.server_with_user(gw)
            part = 600 * 1024
            with connect(port, "alice", key.private_path) as ssh:
                sftp = ssh.open_sftp()
                sftp.putfo(io.BytesIO(b"a" * part), "first.bin")
                sftp.putfo(io.BytesIO(b"b" * part), "first.bin")  # rewritten: its old bytes are not counted twice
                # paramiko's put pipelines its writes and reports a short file; a plain write shows the status.
                with self.assertRaisesRegex(OSError, "size mismatch"):
                    sftp.putfo(io.BytesIO(b"c" * part), "second.bin")
                with self.assertRaisesRegex(OSError, "quota exceeded"):
                    with sftp.open("second.bin", "w") as f:
                        f.write(b"c" * part)
                # A write far past the end (a sparse file) counts the hole it leaves.
                with self.assertRaisesRegex(OSError, "quota exceeded"):
                    with sftp.open("sparse.bin", "w") as f:
                        f.seek(10 * 1024 ** 3)
                        f.write(b"x")
                        f.flush()
                # What is removed frees its room.
                sftp.remove("first.bin")
                sftp.remove("sparse.bin")
                sftp.putfo(io.BytesIO(b"c" * part), "second.bin")
                self.assertEqual(sftp.stat("second.bin").st_size, part)
            refusals = [e for e in journal(gw, server=server_id, operation="write") if e["result"] == "quota_exceeded"]
            self.assertEqual([e["path"] for e in refusals],
                             ["/bucket/alice/second.bin", "/bucket/alice/second.bin", "/bucket/alice/sparse.bin"])
            # Files put in the tree from outside count from the next login.
            with open(os.path.join(data, server_id, "bucket", "alice", "outside.bin"), "wb") as f:
                f.write(b"o" * part)
            apis_answer(self, gw, aws, server_id)
            with connect(port, "alice", key.private_path) as ssh:
                with self.assertRaisesRegex(OSError, "quota exceeded"):
                    with ssh.open_sftp().open("third.bin", "w") as f:
                        f.write(b"d" * part)

    def test_paths_keys_and_garbage_leave_the_gateway_serving(self):
        with Gateway() as gw:
            aws, server_id, key, port = self.server_with_user(gw)
            # Wrong keys in a loop.
            stranger = self.key()
            for _ in range(25):
                with self.assertRaises((paramiko.AuthenticationException, paramiko.SSHException, OSError)):
                    connect(port, "alice", stranger.private_path).close()
            deadline = time.monotonic() + 10  # a refusal is counted when its connection ends
            while metric(gw, 'lifecycle_sftp_logins_total{result="refused"}') < 25:
                self.assertLess(time.monotonic(), deadline)
                time.sleep(0.05)
            apis_answer(self, gw, aws, server_id)
            # A path of 100k characters, and other garbage paths: refused, the session goes on.
            with log_in_when_free(self, port, "alice", key.private_path) as ssh:
                sftp = ssh.open_sftp()
                for path in ("a" * 100000, "/" * 5000, "../" * 3000, "%00", "\u00e9\u4e2d\U0001f600"):
                    with self.assertRaises(OSError, msg=path[:20]):
                        sftp.stat(path)
                self.assertEqual(sftp.normalize("x\u00e9\u4e2d/..//./."), "/bucket/alice")
                with self.assertRaises(OSError):
                    sftp.open("b" * 100000, "w")
                sftp.putfo(io.BytesIO(b"still here"), "ok.txt")
                self.assertEqual(sftp.open("ok.txt").read(), b"still here")
            apis_answer(self, gw, aws, server_id)
