"""The access log as a log collector and an operator see it: --access-log
json writes one JSON object per request with the API, operation, server and
caller the adapters noted; lines reach a file while the gateway runs, without
a write per request; and SIGTERM loses none of them."""
import datetime
import http.client
import json
import os
import re
import signal
import subprocess
import tempfile
import threading
import time
import unittest

from clients import transfer
from gateway import EXAMPLE_FLEET, Gateway

BIN = os.environ["GATEWAY_BIN"]
WEB1 = "6f1c2a3e-0b4d-4c5e-8f60-7a8b9c0d1e01"
WEB1_TRANSFER = "s-0123456789abcde01"


def keystone_token(port, user="demo"):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("POST", "/identity/v3/auth/tokens", json.dumps({"auth": {
        "identity": {"methods": ["password"], "password": {"user": {"name": user, "domain": {"name": "Default"},
                                                                    "password": user}}},
        "scope": {"project": {"name": user, "domain": {"name": "Default"}}}}}),
        {"Content-Type": "application/json"})
    r = conn.getresponse()
    r.read()
    return r.getheader("X-Subject-Token")


class LoggedToFile:
    """The gateway with stderr (the access log) going to a file, as under systemd or 2>file."""

    def __init__(self, *args):
        self.log = tempfile.NamedTemporaryFile("w+", prefix="gateway-access-", suffix=".log")
        self.proc = subprocess.Popen([BIN, "--listen", "127.0.0.1:0", *args], stdout=subprocess.PIPE,
                                     stderr=self.log, text=True)
        line = self.proc.stdout.readline()
        self.port = int(re.search(r":(\d+)$", line.strip()).group(1))

    def lines(self):
        with open(self.log.name) as f:
            return f.read().splitlines()

    def close(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.log.close()


class JsonLog(unittest.TestCase):
    def test_one_object_per_request_with_what_the_adapters_noted(self):
        with Gateway(["--fleet", EXAMPLE_FLEET, "--access-log", "json"]) as gw:
            before = datetime.datetime.now(datetime.timezone.utc)
            aws = transfer(gw, key="AKIDEXAMPLE")
            stopped = aws.stop_server(ServerId=WEB1_TRANSFER)
            amzn_id = stopped["ResponseMetadata"]["RequestId"]
            token = keystone_token(gw.port)
            conn = http.client.HTTPConnection("127.0.0.1", gw.port, timeout=10)
            conn.request("POST", f"/compute/v2.1/servers/{WEB1}/action", '{"os-start": null}',
                         {"X-Auth-Token": token, "Content-Type": "application/json"})
            started = conn.getresponse()
            started.read()
            self.assertEqual(started.status, 202)
            nova_id = started.getheader("x-openstack-request-id")
            conn.request("GET", "/nowhere")
            conn.getresponse().read()
            gw.control("GET", "/_gateway/health")

            deadline = time.time() + 5
            while time.time() < deadline and not any("/_gateway/health" in l for l in gw.log_lines[1:]):
                time.sleep(0.02)
            entries = [json.loads(l) for l in gw.log_lines]  # every line is one JSON object

        by_path = {}
        for e in entries:
            by_path.setdefault((e["method"], e["path"]), e)
        stop = next(e for e in entries if e["operation"] == "StopServer")
        self.assertEqual({k: stop[k] for k in ["method", "path", "api", "operation", "server", "status", "caller"]}, {
            "method": "POST", "path": "/", "api": "transfer", "operation": "StopServer", "server": WEB1_TRANSFER,
            "status": 200, "caller": {"access_key": "AKIDEXAMPLE", "account": "000000000000"}})
        self.assertEqual(stop["request_id"], amzn_id)
        self.assertEqual(stop["result"], "accepted")  # the journal's verdict
        self.assertIsInstance(stop["microseconds"], int)
        self.assertGreater(stop["microseconds"], 0)
        when = datetime.datetime.strptime(stop["time"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=datetime.timezone.utc)
        self.assertLess(abs((when - before).total_seconds()), 30)

        start = by_path[("POST", f"/compute/v2.1/servers/{WEB1}/action")]
        self.assertEqual((start["api"], start["operation"], start["server"], start["status"], start["caller"]),
                         ("nova", "os-start", WEB1, 202, {"user": "demo", "project": "demo"}))
        self.assertEqual(start["request_id"], nova_id)

        issued = by_path[("POST", "/identity/v3/auth/tokens")]
        self.assertEqual((issued["api"], issued["operation"], issued["status"], issued["caller"]),
                         ("keystone", "issue_token", 201, {"user": "demo", "project": "demo"}))
        # A path no API serves: as the journal records it, no server, no caller.
        nowhere = by_path[("GET", "/nowhere")]
        self.assertEqual((nowhere["api"], nowhere["operation"], nowhere["status"], nowhere["server"],
                          nowhere["caller"], nowhere["result"]),
                         ("unknown", "GET /nowhere", 404, None, None, "unknown_operation"))
        # The control plane is no API: the metrics' labels, nothing more.
        health = by_path[("GET", "/_gateway/health")]
        self.assertEqual((health["api"], health["operation"], health["caller"]), ("control", "GET /_gateway/health", None))
        self.assertNotIn("result", health)

    def test_a_refused_call_is_logged_as_journaled(self):
        with Gateway(["--fleet", EXAMPLE_FLEET, "--access-log", "json"]) as gw:
            conn = http.client.HTTPConnection("127.0.0.1", gw.port, timeout=10)
            conn.request("GET", f"/compute/v2.1/servers/{WEB1}", headers={"X-Auth-Token": "not-a-token"})
            conn.getresponse().read()
            deadline = time.time() + 5
            while time.time() < deadline and not any("/compute/" in l for l in gw.log_lines):
                time.sleep(0.02)
            shown = json.loads(next(l for l in gw.log_lines if "/compute/" in l))
        # As the journal records it: refused before the caller or the server was known.
        self.assertEqual((shown["api"], shown["operation"], shown["server"], shown["status"], shown["caller"],
                          shown["result"]), ("nova", "show", None, 401, None, "unauthenticated"))


    def test_a_call_no_api_describes_inherits_nothing_from_the_one_before(self):
        # One keep-alive connection: the same worker thread serves both calls.
        with Gateway(["--fleet", EXAMPLE_FLEET, "--access-log", "json"]) as gw:
            conn = http.client.HTTPConnection("127.0.0.1", gw.port, timeout=10)
            conn.request("POST", "/", json.dumps({"ServerId": WEB1_TRANSFER}), {
                "X-Amz-Target": "TransferService.DescribeServer", "Content-Type": "application/x-amz-json-1.1",
                "Authorization": "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/us-east-1/transfer/aws4_request, "
                                 "SignedHeaders=host, Signature=00"})
            described = conn.getresponse()
            described.read()
            self.assertEqual(described.status, 200)
            conn.request("GET", "/_gateway/health")
            conn.getresponse().read()
            deadline = time.time() + 5
            while time.time() < deadline and not any("/_gateway/health\"" in l for l in gw.log_lines[1:]):
                time.sleep(0.02)
            lines = [json.loads(l) for l in gw.log_lines]
        described = next(e for e in lines if e["operation"] == "DescribeServer")
        self.assertEqual((described["server"], described["caller"]["access_key"]), (WEB1_TRANSFER, "AKIDEXAMPLE"))
        health = [e for e in lines if e["path"] == "/_gateway/health"][-1]
        self.assertEqual((health["api"], health["server"], health["caller"]), ("control", None, None))
        self.assertNotIn("result", health)


class Buffered(unittest.TestCase):
    def test_lines_reach_the_file_while_the_gateway_runs(self):
        gw = LoggedToFile()
        try:
            conn = http.client.HTTPConnection("127.0.0.1", gw.port, timeout=10)
            conn.request("GET", "/_gateway/health")
            conn.getresponse().read()
            t0 = time.time()
            while not gw.lines() and time.time() - t0 < 5:
                time.sleep(0.01)
            waited = time.time() - t0
            self.assertRegex(gw.lines()[0], r"^GET /_gateway/health 200 \d+us -$")
            # Flushed within ~50 ms; a second allows for a loaded machine, and
            # fails a log that waits for shutdown.
            self.assertLess(waited, 1.0)
        finally:
            gw.close()

    def test_sigterm_loses_no_line(self):
        gw = LoggedToFile("--access-log", "json")
        try:
            per_thread, threads = 500, 4

            def client():
                conn = http.client.HTTPConnection("127.0.0.1", gw.port, timeout=30)
                for _ in range(per_thread):
                    conn.request("GET", "/_gateway/health")
                    conn.getresponse().read()
                conn.close()

            workers = [threading.Thread(target=client) for _ in range(threads)]
            for w in workers:
                w.start()
            for w in workers:
                w.join()
            # The last answers have just been written: their lines are still in the buffer.
            gw.proc.send_signal(signal.SIGTERM)
            self.assertEqual(gw.proc.wait(timeout=20), 0)
            lines = gw.lines()
            self.assertEqual(len(lines), per_thread * threads)
            self.assertTrue(all(json.loads(l)["path"] == "/_gateway/health" for l in lines))
        finally:
            gw.close()


if __name__ == "__main__":
    unittest.main()
