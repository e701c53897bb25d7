"""The gateway as a process: the start line, flags and exit codes, the access
log, and SIGTERM draining in-flight requests before exit 0."""
import http.client
import os
import signal
import subprocess
import tempfile
import time
import unittest

from gateway import EXAMPLE_FLEET, Gateway

BIN = os.environ["GATEWAY_BIN"]


def run(args):
    return subprocess.run([BIN] + args, capture_output=True, text=True, timeout=10)


class Flags(unittest.TestCase):
    def test_help_and_version(self):
        r = run(["--help"])
        self.assertEqual(r.returncode, 0)
        self.assertIn("--listen HOST:PORT", r.stdout)
        r = run(["--version"])
        self.assertEqual(r.returncode, 0)
        self.assertRegex(r.stdout, r"^lifecycle-gateway \d+\.\d+\.\d+\n$")

    def test_bad_flag_prints_usage_and_exits_2(self):
        r = run(["--listen", "127.0.0.1:0", "--frobnicate"])
        self.assertEqual(r.returncode, 2)
        self.assertIn("unknown flag '--frobnicate'", r.stderr)
        self.assertIn("usage: lifecycle-gateway", r.stderr)
        self.assertEqual(r.stdout, "")

    def test_bad_fleet_file_never_starts(self):
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
            f.write('{"servers": [\n  {"project": "demo", "state": "sideways"}\n]}')
        try:
            r = run(["--listen", "127.0.0.1:0", "--fleet", f.name])
            self.assertEqual(r.returncode, 1)
            self.assertIn("servers[0].state: 'sideways' is not a core state", r.stderr)
            self.assertNotIn("listening", r.stdout)
        finally:
            os.unlink(f.name)

    def test_missing_file_is_named(self):
        r = run(["--listen", "127.0.0.1:0", "--config", "/nonexistent/c.json"])
        self.assertEqual(r.returncode, 1)
        self.assertIn("/nonexistent/c.json: cannot open the file", r.stderr)


class Process(unittest.TestCase):
    def test_start_line_health_and_access_log(self):
        with Gateway(["--fleet", EXAMPLE_FLEET]) as gw:
            self.assertRegex(gw.url, r"^http://127\.0\.0\.1:\d+$")
            status, body = gw.control("GET", "/_gateway/servers")
            self.assertEqual(status, 200)
            self.assertEqual(len(body["servers"]), 12)
            names = {s["name"]: s for s in body["servers"]}
            self.assertTrue(names["db-primary"]["locked"])
            self.assertEqual(names["web-3"]["state"], "stopped")
            deadline = time.time() + 5
            while not any("GET /_gateway/servers 200" in l for l in gw.log_lines) and time.time() < deadline:
                time.sleep(0.02)
        line = next(l for l in gw.log_lines if "GET /_gateway/servers 200" in l)
        self.assertRegex(line, r"^GET /_gateway/servers 200 \d+us \S+$")

    def test_access_log_off_keeps_stderr_quiet(self):
        with Gateway(["--fleet", EXAMPLE_FLEET, "--access-log", "off"]) as gw:
            for _ in range(3):
                self.assertEqual(gw.control("GET", "/_gateway/servers")[0], 200)
            # The metrics still count what the log leaves out.
            counted = 'lifecycle_requests_total{api="control",operation="GET /_gateway/servers",status="200"} 3'
            status, text = gw.control("GET", "/metrics")
            self.assertEqual(status, 200)
            self.assertIn(counted, text)
            time.sleep(0.2)
        self.assertEqual([l for l in gw.log_lines if "/_gateway/" in l], [])

    def test_sigterm_drains_in_flight_requests_and_exits_0(self):
        with Gateway(["--fleet", EXAMPLE_FLEET]) as gw:
            # A request in flight when SIGTERM lands: headers sent, body not yet.
            conn = http.client.HTTPConnection("127.0.0.1", gw.port, timeout=10)
            conn.putrequest("POST", "/_gateway/no-such-call")
            conn.putheader("Content-Type", "application/json")
            conn.putheader("Content-Length", "2")
            conn.endheaders()
            time.sleep(0.2)  # the server is now reading the body
            gw.proc.send_signal(signal.SIGTERM)
            time.sleep(0.2)
            self.assertIsNone(gw.proc.poll(), "the gateway exited with a request in flight")
            conn.send(b"{}")
            response = conn.getresponse()
            self.assertEqual(response.status, 404)
            self.assertIn(b"no such path: POST /_gateway/no-such-call", response.read())
            conn.close()
            self.assertEqual(gw.proc.wait(timeout=20), 0)

    def test_idle_keep_alive_connection_does_not_hold_the_exit(self):
        with Gateway([]) as gw:
            conn = http.client.HTTPConnection("127.0.0.1", gw.port, timeout=10)
            conn.request("GET", "/_gateway/health")
            self.assertEqual(conn.getresponse().read(), b'{"status":"ok"}')
            t0 = time.time()
            gw.proc.send_signal(signal.SIGTERM)
            self.assertEqual(gw.proc.wait(timeout=20), 0)
            # cpp-httplib alone would wait out the 5 s keep-alive timeout here.
            self.assertLess(time.time() - t0, 2.0)
            conn.close()

    def test_sigint_exits_0(self):
        with Gateway([]) as gw:
            gw.proc.send_signal(signal.SIGINT)
            self.assertEqual(gw.proc.wait(timeout=20), 0)


if __name__ == "__main__":
    unittest.main()
