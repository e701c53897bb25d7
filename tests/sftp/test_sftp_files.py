"""GET /_gateway/servers/{id}/files: one directory of a server's files, as
the dashboard shows them. Files uploaded through the endpoint (paramiko) are
listed with their size, time and type; the path is confined to the server's
tree exactly as a session's is: ".." stops at its top, a symlink put there
from outside is refused, not followed, and an over-long path or a NUL byte is
a 400."""
import io
import os
import time
import urllib.parse

from clients import transfer
from gateway import Gateway
from sftp_support import SftpCase, connect


def files(gw, server, path=None):
    query = "" if path is None else "?path=" + urllib.parse.quote(path, safe="/")
    return gw.control("GET", f"/_gateway/servers/{server}/files{query}")


class Files(SftpCase):
    def test_the_files_a_client_uploaded(self):
        data = os.path.join(self.tmp.name, "data")
        with Gateway(["--data-dir", data]) as gw:
            aws, server_id, key, port = self.server_with_user(gw)
            status, doc = files(gw, server_id)
            self.assertEqual(status, 200, doc)
            self.assertEqual((doc["server_id"], doc["path"], doc["entries"], doc["truncated"]),
                             (server_id, "/", [], False))  # nothing uploaded yet: an empty tree
            before = time.time() * 1000
            with connect(port, "alice", key.private_path) as ssh:
                sftp = ssh.open_sftp()
                sftp.putfo(io.BytesIO(b"x" * 1234), "report.csv")
                sftp.mkdir("reports")
                sftp.putfo(io.BytesIO(b"q1"), "reports/q1.csv")
            self.assertEqual(files(gw, server_id)[1]["entries"][0]["name"], "bucket")
            status, doc = files(gw, server_id, "/bucket/alice")
            self.assertEqual(status, 200, doc)
            self.assertEqual([(e["name"], e["type"], e["size"]) for e in doc["entries"]],
                             [("report.csv", "file", 1234), ("reports", "directory", 0)])
            self.assertLessEqual(before - 1000, doc["entries"][0]["mtime_ms"])
            self.assertLessEqual(doc["entries"][0]["mtime_ms"], time.time() * 1000 + 1000)
            # Either identity; a relative path is read from the top.
            self.assertEqual(files(gw, doc["id"], "bucket/alice/reports")[1]["entries"][0]["name"], "q1.csv")
            # Another server's tree holds none of it.
            other = aws.create_server()["ServerId"]
            self.assertEqual(files(gw, other, "/")[1]["entries"], [])
            self.assertEqual(files(gw, other, "/bucket/alice")[0], 404)

    def test_paths_stay_in_the_servers_tree(self):
        data = os.path.join(self.tmp.name, "data")
        with Gateway(["--data-dir", data]) as gw:
            aws, server_id, key, port = self.server_with_user(gw)
            with connect(port, "alice", key.private_path) as ssh:
                ssh.open_sftp().putfo(io.BytesIO(b"mine"), "mine.txt")
            home = os.path.join(data, server_id, "bucket", "alice")
            os.symlink("/etc", os.path.join(home, "etc"))
            os.symlink(home, os.path.join(data, server_id, "loop"))
            # ".." stops at the top of the tree: what lies above is never reached.
            for path in ("/../../../etc", "../..", "/bucket/alice/../../../../etc/passwd", "/..", "/./../tmp"):
                status, doc = files(gw, server_id, path)
                self.assertIn(status, (200, 404), path)
                if status == 200:
                    self.assertEqual(doc["path"], "/", path)
                    self.assertEqual([e["name"] for e in doc["entries"]], ["bucket"], path)  # no symlink listed
                else:
                    self.assertRegex(doc["error"]["message"], r"^no directory /(etc|tmp)", path)
            # Symlinks are refused, not followed, at the end of the path or on the way.
            for path in ("/bucket/alice/etc", "/bucket/alice/etc/ssh", "/loop", "/loop/etc"):
                status, doc = files(gw, server_id, path)
                self.assertEqual(status, 403, path)
                self.assertIn("symlink", doc["error"]["message"])
            self.assertEqual([e["name"] for e in files(gw, server_id, "/bucket/alice")[1]["entries"]], ["mine.txt"])
            # A file is not a directory; what is missing is a 404.
            status, doc = files(gw, server_id, "/bucket/alice/mine.txt")
            self.assertEqual((status, doc["error"]["message"]), (404, "/bucket/alice/mine.txt is not a directory"))
            self.assertEqual(files(gw, server_id, "/bucket/nobody")[0], 404)
            # Over-long, or a NUL byte: 400, as a session refuses them.
            for path in ("a" * 5000, "/" * 4097, "/bucket/alice\0/etc", "\0"):
                status, doc = files(gw, server_id, path)
                self.assertEqual(status, 400, path[:20])
                self.assertIn("4096 bytes", doc["error"]["message"])
            # A path of 100k characters in the query: refused, never a crash.
            status, _ = files(gw, server_id, "x" * 100000)
            self.assertIn(status, (400, 414))
            self.assertEqual(files(gw, "s-00000000000000000", "/")[0], 404)
            self.assertEqual(gw.control("GET", "/_gateway/health")[0], 200)

    def test_sftp_off_has_no_files(self):
        with Gateway(["--sftp", "off"]) as gw:
            server_id = transfer(gw).create_server()["ServerId"]
            status, doc = files(gw, server_id, "/")
            self.assertEqual(status, 404)
            self.assertIn("--sftp off", doc["error"]["message"])
