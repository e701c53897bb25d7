"""The control plane over HTTP: fault rules, the clock, billing, events,
reset, metrics and the control token, as a contract-test author uses them."""
import http.client
import json
import re
import socket
import threading
import time
import unittest

from prometheus_client.parser import text_string_to_metric_families

from gateway import EXAMPLE_FLEET, Gateway

WEB1 = "6f1c2a3e-0b4d-4c5e-8f60-7a8b9c0d1e01"
WEB1_TRANSFER = "s-0123456789abcde01"


class SseReader:
    """Reads /_gateway/events on its own connection into a list."""

    def __init__(self, port, headers=None):
        self.events = []
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.conn.request("GET", "/_gateway/events", headers=headers or {})
        self.response = self.conn.getresponse()
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self):
        event = {}
        try:
            for raw in self.response:
                line = raw.decode().rstrip("\n")
                if not line:
                    if "data" in event:
                        self.events.append(event)
                    event = {}
                elif line.startswith("event: "):
                    event["event"] = line[7:]
                elif line.startswith("data: "):
                    event["data"] = json.loads(line[6:])
        except (OSError, ValueError, AttributeError):
            pass

    def wait_for(self, predicate, timeout=5):
        deadline = time.time() + timeout
        while time.time() < deadline:
            for e in list(self.events):
                if predicate(e):
                    return e
            time.sleep(0.02)
        raise AssertionError(f"no such event in {self.events}")

    def close(self):
        # Shut the socket first: close() alone waits for the reading thread.
        if self.conn.sock:
            self.conn.sock.shutdown(socket.SHUT_RDWR)
        self.conn.close()


class FaultRules(unittest.TestCase):
    def test_create_list_delete(self):
        with Gateway(["--fleet", EXAMPLE_FLEET]) as gw:
            status, body = gw.control("POST", "/_gateway/faults", {
                "match": {"api": "transfer", "operation": "StopServer", "server": WEB1_TRANSFER},
                "effect": {"error": "throttled", "retry_after_s": 3}, "count": 2})
            self.assertEqual(status, 201)
            rule = body["rule"]
            self.assertEqual(rule["match"]["server"], WEB1)  # resolved to both identities
            self.assertEqual(rule["match"]["server_id"], WEB1_TRANSFER)
            self.assertEqual(rule["effect"], {"error": "throttled", "retry_after_s": 3})
            self.assertEqual(rule["count"], 2)
            status, body = gw.control("POST", "/_gateway/faults", {
                "match": {"tenant": {"project": "demo"}}, "effect": {"latency_ms": 50},
                "probability": 0.5, "seed": 7})
            self.assertEqual(status, 201)
            status, body = gw.control("GET", "/_gateway/faults")
            self.assertEqual([r["id"] for r in body["rules"]], [1, 2])
            self.assertEqual(body["rules"][1]["match"]["tenant"]["account"], "000000000000")
            self.assertEqual(gw.control("DELETE", "/_gateway/faults/1")[0], 204)
            self.assertEqual(gw.control("DELETE", "/_gateway/faults/1")[0], 404)
            self.assertEqual(len(gw.control("GET", "/_gateway/faults")[1]["rules"]), 1)
            self.assertEqual(gw.control("DELETE", "/_gateway/faults")[0], 204)
            self.assertEqual(gw.control("GET", "/_gateway/faults")[1]["rules"], [])

    def test_malformed_rules_name_the_problem(self):
        cases = [
            ({"effect": {}}, "effect: names no effect"),
            ({}, "effect: is required"),
            ({"effect": {"error": "boom"}}, "effect.error: 'boom' is not unavailable, internal or throttled"),
            ({"effect": {"latency_ms": -1}}, "effect.latency_ms: must be a whole number"),
            ({"match": {"api": "gce"}, "effect": {"error": "internal"}}, "match.api: 'gce' is not nova, transfer or sftp"),
            ({"match": {"server": "nope"}, "effect": {"error": "internal"}}, "match.server: no server 'nope'"),
            ({"match": {"colour": "red"}, "effect": {"error": "internal"}}, "match: unknown key 'colour'"),
            ({"effect": {"error": "internal"}, "probability": 0}, "probability: must be a number above 0"),
            ({"effect": {"error": "internal"}, "count": 0}, "count: must be a whole number from 1"),
            ([1], "(body): must be a JSON object"),
        ]
        with Gateway(["--fleet", EXAMPLE_FLEET]) as gw:
            for rule, message in cases:
                status, body = gw.control("POST", "/_gateway/faults", rule)
                self.assertEqual(status, 400, rule)
                self.assertIn(message, body["error"]["message"], rule)
            status, body = gw.control("POST", "/_gateway/faults", None)  # Content-Length: 0
            self.assertEqual(status, 400)
            self.assertIn("body is not JSON", body["error"]["message"])
            req_status, req_body = self._raw(gw, b"{not json")
            self.assertEqual(req_status, 400)
            self.assertIn("body is not JSON", req_body)

    def _raw(self, gw, data):
        conn = http.client.HTTPConnection("127.0.0.1", gw.port, timeout=5)
        conn.request("POST", "/_gateway/faults", body=data, headers={"Content-Type": "application/json"})
        r = conn.getresponse()
        return r.status, r.read().decode()


class ClockBillingEventsReset(unittest.TestCase):
    def test_virtual_clock_drives_billing(self):
        with Gateway(["--fleet", EXAMPLE_FLEET]) as gw:
            status, clock = gw.control("POST", "/_gateway/clock", {"mode": "virtual"})
            self.assertEqual((status, clock["mode"]), (200, "virtual"))
            before = {s["id"]: s for s in gw.control("GET", "/_gateway/billing")[1]["servers"]}
            time.sleep(0.3)  # the wall clock moves; virtual time does not
            status, clock2 = gw.control("POST", "/_gateway/clock", {"advance_ms": 60000})
            self.assertEqual(clock2["now_ms"], clock["now_ms"] + 60000)
            after = {s["id"]: s for s in gw.control("GET", "/_gateway/billing")[1]["servers"]}
            web1, web3 = after[WEB1], after["6f1c2a3e-0b4d-4c5e-8f60-7a8b9c0d1e03"]
            self.assertAlmostEqual(web1["billed_seconds"] - before[WEB1]["billed_seconds"], 60.0, places=3)
            self.assertAlmostEqual(web1["running_seconds"] - before[WEB1]["running_seconds"], 60.0, places=3)
            self.assertEqual(web3["state"], "stopped")
            self.assertAlmostEqual(web3["stopped_seconds"] - before[web3["id"]]["stopped_seconds"], 60.0, places=3)
            self.assertFalse(web1["deleted"])
            body = gw.control("GET", "/_gateway/billing")[1]
            self.assertEqual(body["billing_note"],
                             "server remains billable while stopped; delete it to stop billing")
            status, body = gw.control("POST", "/_gateway/clock", {"mode": "real", "advance_ms": 1})
            self.assertEqual(status, 400)
            self.assertEqual(gw.control("POST", "/_gateway/clock", {"mode": "real"})[1]["mode"], "real")

    def test_reset_restores_the_fleet_and_is_streamed(self):
        with Gateway(["--fleet", EXAMPLE_FLEET]) as gw:
            sse = SseReader(gw.port)
            try:
                gw.control("POST", "/_gateway/faults", {"effect": {"error": "internal"}})
                gw.control("POST", "/_gateway/clock", {"mode": "virtual"})
                status, body = gw.control("POST", "/_gateway/reset", {})
                self.assertEqual((status, body), (200, {"servers": 12}))
                sse.wait_for(lambda e: e["event"] == "reset")
                created = sse.wait_for(lambda e: e["event"] == "created" and e["data"]["id"] == WEB1)
                self.assertEqual(created["data"]["server_id"], WEB1_TRANSFER)
                self.assertEqual(created["data"]["new_state"], "running")
                self.assertEqual(created["data"]["tenant"]["project"], "demo")
                self.assertEqual(gw.control("GET", "/_gateway/faults")[1]["rules"], [])
                self.assertEqual(gw.control("GET", "/_gateway/clock")[1]["mode"], "real")
                self.assertEqual(len(gw.control("GET", "/_gateway/servers")[1]["servers"]), 12)
            finally:
                sse.close()

    def test_stuck_event_reader_does_not_slow_requests(self):
        with Gateway(["--fleet", EXAMPLE_FLEET]) as gw:
            # A reader that never reads: its buffer fills, events drop, requests go on.
            stuck = http.client.HTTPConnection("127.0.0.1", gw.port, timeout=5)
            stuck.request("GET", "/_gateway/events")
            t0 = time.time()
            for _ in range(60):
                self.assertEqual(gw.control("POST", "/_gateway/reset", {})[0], 200)
            self.assertLess(time.time() - t0, 20)
            fresh = SseReader(gw.port)
            try:
                gw.control("POST", "/_gateway/reset", {})
                fresh.wait_for(lambda e: e["event"] == "reset")
            finally:
                fresh.close()
                stuck.close()


class MetricsAndToken(unittest.TestCase):
    def test_a_request_is_counted_before_its_answer_arrives(self):
        with Gateway(["--fleet", EXAMPLE_FLEET]) as gw:
            counted = re.compile(r'^lifecycle_requests_total\{api="control",operation="GET /_gateway/health",'
                                 r'status="200"\} (\d+)$', re.M)
            before = int(counted.search(gw.control("GET", "/metrics")[1]).group(1))  # start-up polled health
            for i in range(1, 41):
                self.assertEqual(gw.control("GET", "/_gateway/health")[0], 200)
                status, text = gw.control("GET", "/metrics")
                self.assertEqual(status, 200)
                self.assertEqual(int(counted.search(text).group(1)), before + i)

    def test_metrics_parse_as_prometheus_text(self):
        with Gateway(["--fleet", EXAMPLE_FLEET]) as gw:
            gw.control("GET", "/_gateway/servers")
            gw.control("POST", "/_gateway/faults", {"effect": {}})
            # Each request is counted before its answer is written: a scrape
            # right after sees both, with no waiting.
            conn = http.client.HTTPConnection("127.0.0.1", gw.port, timeout=5)
            conn.request("GET", "/metrics")
            r = conn.getresponse()
            self.assertEqual(r.status, 200)
            self.assertTrue(r.getheader("Content-Type").startswith("text/plain; version=0.0.4"))
            families = {f.name: f for f in text_string_to_metric_families(r.read().decode())}
            conn.close()
            requests = {(s.labels["api"], s.labels["operation"], s.labels["status"]): s.value
                        for s in families["lifecycle_requests"].samples}
            self.assertEqual(requests[("control", "GET /_gateway/servers", "200")], 1)
            self.assertEqual(requests[("control", "POST /_gateway/faults", "400")], 1)
            servers = {s.labels["state"]: s.value for s in families["lifecycle_servers"].samples}
            self.assertEqual(servers["running"], 8)
            self.assertEqual(servers["stopped"], 4)
            self.assertIn("lifecycle_request_duration_seconds", families)
            self.assertEqual(families["lifecycle_request_duration_seconds"].type, "histogram")
            billed = {s.labels["power"]: s.value for s in families["lifecycle_billed_seconds"].samples}
            self.assertGreaterEqual(billed["all"], billed["running"])

    def test_control_token(self):
        with Gateway(["--fleet", EXAMPLE_FLEET, "--control-token", "t0ken"], control_token="t0ken") as gw:
            for headers, expected in [({}, 401), ({"Authorization": "Bearer nope"}, 401),
                                      ({"Authorization": "Bearer t0ken"}, 200)]:
                for path in ["/_gateway/health", "/_gateway/servers", "/_gateway/billing", "/_gateway/faults"]:
                    conn = http.client.HTTPConnection("127.0.0.1", gw.port, timeout=5)
                    conn.request("GET", path, headers=headers)
                    self.assertEqual(conn.getresponse().status, expected, (path, headers))
            status, body = gw.control("GET", "/_gateway/servers")  # the helper sends the token
            self.assertEqual(status, 200)


if __name__ == "__main__":
    unittest.main()
