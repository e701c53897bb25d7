"""The action journal as a contract test reads it: one entry per call to
either API (reads, refusals, injected faults, unknown operations and paths
included), filters and counts, paging with since/limit, DELETE, and the
--journal-max bound. The calls are made by the real clients."""
import json
import unittest
import urllib.request

from botocore.exceptions import ClientError

from clients import openstack, transfer
from gateway import EXAMPLE_FLEET, Gateway

WEB1, WEB1_T = "6f1c2a3e-0b4d-4c5e-8f60-7a8b9c0d1e01", "s-0123456789abcde01"
DB_T = "s-0123456789abcde04"  # locked by its owner in the demo fleet


def entries(gw, query=""):
    status, body = gw.control("GET", "/_gateway/journal" + query)
    assert status == 200, body
    return body["entries"]


def count(gw, query):
    return gw.control("GET", "/_gateway/journal?count=true&" + query)[1]["count"]


class Journal(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.gw = Gateway(["--fleet", EXAMPLE_FLEET]).__enter__()

    @classmethod
    def tearDownClass(cls):
        cls.gw.__exit__(None, None, None)

    def setUp(self):
        self.assertEqual(self.gw.control("DELETE", "/_gateway/journal")[0], 204)

    def test_every_call_is_an_entry_with_its_outcome(self):
        aws = transfer(self.gw)
        stop = aws.stop_server(ServerId=WEB1_T)
        aws.describe_server(ServerId=WEB1_T)
        with self.assertRaises(ClientError):
            aws.stop_server(ServerId=DB_T)
        with self.assertRaises(ClientError):
            aws.describe_server(ServerId="s-0000000000000dead")
        r = openstack(self.gw, "server", "start", WEB1)
        self.assertEqual(r.returncode, 0, r.stderr)

        got = entries(self.gw)
        by_op = {}
        for e in got:
            by_op.setdefault((e["api"], e["operation"]), []).append(e)
        stop_entry = by_op[("transfer", "StopServer")][0]
        self.assertEqual(stop_entry["request_id"], stop["ResponseMetadata"]["RequestId"])
        self.assertEqual(stop_entry["caller"], {"access_key": "test", "account": "000000000000"})
        self.assertEqual(stop_entry["server"], {"id": WEB1, "server_id": WEB1_T})
        self.assertEqual((stop_entry["action"], stop_entry["state_before"], stop_entry["state_after"]),
                         ("stop", "running", "stopped"))
        self.assertEqual((stop_entry["status"], stop_entry["result"], stop_entry["injected"]), (200, "accepted", False))
        self.assertLessEqual(stop_entry["start_ms"], stop_entry["finish_ms"])
        locked = by_op[("transfer", "StopServer")][1]
        self.assertEqual((locked["status"], locked["result"], locked["action"]), (400, "locked", None))
        self.assertEqual(locked["state_before"], locked["state_after"])
        missing = by_op[("transfer", "DescribeServer")][1]
        self.assertEqual((missing["result"], missing["server"]["server_id"]), ("not_found", "s-0000000000000dead"))
        start = by_op[("nova", "os-start")][0]
        self.assertEqual(start["caller"], {"user": "demo", "project": "demo"})
        self.assertEqual((start["status"], start["action"], start["state_after"]), (202, "start", "running"))
        self.assertEqual(start["tenant"]["project"], "demo")
        # The CLI looked the server up first: reads are entries too.
        self.assertIn(("nova", "show"), by_op)
        self.assertEqual([e["id"] for e in got], sorted(e["id"] for e in got))

    def test_unknown_operations_and_paths_and_injected_faults_are_on_record(self):
        req = urllib.request.Request(self.gw.url + "/", data=b"{}", method="POST", headers={
            "X-Amz-Target": "TransferService.ExplodeServer", "Content-Type": "application/x-amz-json-1.1",
            "Authorization": "AWS4-HMAC-SHA256 Credential=test/20240101/us-east-1/transfer/aws4_request, "
                             "SignedHeaders=host, Signature=00"})
        with self.assertRaises(urllib.error.HTTPError):
            urllib.request.urlopen(req)
        with self.assertRaises(urllib.error.HTTPError):
            urllib.request.urlopen(self.gw.url + "/compute/v2.1/os-cells")
        with self.assertRaises(urllib.error.HTTPError):
            urllib.request.urlopen(self.gw.url + "/nowhere")
        rule = {"match": {"api": "transfer", "operation": "StopServer"}, "effect": {"error": "unavailable"}, "count": 1}
        self.assertEqual(self.gw.control("POST", "/_gateway/faults", rule)[0], 201)
        with self.assertRaises(ClientError):
            transfer(self.gw).stop_server(ServerId=WEB1_T)
        unknown = entries(self.gw, "?result=unknown_operation")
        self.assertEqual([(e["api"], e["operation"]) for e in unknown],
                         [("transfer", "ExplodeServer"), ("nova", "GET /compute/v2.1/os-cells"),
                          ("unknown", "GET /nowhere")])
        injected = entries(self.gw, "?operation=StopServer")[0]
        self.assertEqual((injected["injected"], injected["result"], injected["status"]), (True, "unavailable", 500))

    def test_filters_counts_and_paging(self):
        aws = transfer(self.gw)
        for _ in range(5):
            aws.stop_server(ServerId=WEB1_T)
            aws.start_server(ServerId=WEB1_T)
        aws.describe_server(ServerId="s-0123456789abcde02")
        self.assertEqual(count(self.gw, "operation=StopServer"), 5)
        self.assertEqual(count(self.gw, f"server={WEB1}"), 10)  # by the other identity too
        self.assertEqual(count(self.gw, f"server={WEB1_T}&operation=StartServer"), 5)
        self.assertEqual(count(self.gw, "api=nova"), 0)
        self.assertEqual(count(self.gw, "tenant=demo"), 11)
        self.assertEqual(count(self.gw, "tenant=000000000000"), 11)
        self.assertEqual(count(self.gw, "tenant=alt"), 0)
        self.assertEqual(count(self.gw, "result=accepted"), 11)
        first = entries(self.gw, "?limit=4")
        self.assertEqual(len(first), 4)
        rest = entries(self.gw, f"?since={first[-1]['id']}&limit=100")
        self.assertEqual(len(rest), 7)
        self.assertGreater(rest[0]["id"], first[-1]["id"])
        self.assertEqual(count(self.gw, f"since={first[-1]['id']}"), 7)

    def test_bad_queries_are_400_naming_the_problem(self):
        for query, words in [("?limit=0", "limit"), ("?limit=x", "limit"), ("?since=-1", "since"),
                             ("?colour=red", "unknown parameter 'colour'"), ("?count=maybe", "count")]:
            status, body = self.gw.control("GET", "/_gateway/journal" + query)
            self.assertEqual(status, 400, query)
            self.assertIn(words, body["error"]["message"])

    def test_delete_empties_it_and_ids_go_on(self):
        transfer(self.gw).describe_server(ServerId=WEB1_T)
        last = entries(self.gw)[-1]["id"]
        self.assertEqual(self.gw.control("DELETE", "/_gateway/journal")[0], 204)
        self.assertEqual(entries(self.gw), [])
        transfer(self.gw).describe_server(ServerId=WEB1_T)
        self.assertGreater(entries(self.gw)[0]["id"], last)


class Bounded(unittest.TestCase):
    def test_journal_max_keeps_the_newest(self):
        with Gateway(["--fleet", EXAMPLE_FLEET, "--journal-max", "5"]) as gw:
            aws = transfer(gw)
            ids = [aws.describe_server(ServerId=WEB1_T)["ResponseMetadata"]["RequestId"] for _ in range(8)]
            kept = entries(gw)
            self.assertEqual([e["request_id"] for e in kept], ids[-5:])
            self.assertEqual(count(gw, "operation=DescribeServer"), 5)


if __name__ == "__main__":
    unittest.main()
