"""One fleet, two views, and the control plane seen through real clients:
boto3 and the AWS CLI on one side, the openstack CLI on the other."""
import time
import unittest

from botocore.exceptions import ClientError, WaiterError

from clients import openstack, openstack_json, openstack_sdk, transfer
from gateway import EXAMPLE_FLEET, Gateway
from test_control_plane import SseReader

WEB1, WEB1_TRANSFER = "6f1c2a3e-0b4d-4c5e-8f60-7a8b9c0d1e01", "s-0123456789abcde01"
WEB2, WEB2_TRANSFER = "6f1c2a3e-0b4d-4c5e-8f60-7a8b9c0d1e02", "s-0123456789abcde02"


def state(client, server_id):
    return client.describe_server(ServerId=server_id)["Server"]["State"]


class OneFleetTwoViews(unittest.TestCase):
    def test_created_by_boto3_stopped_by_openstack_seen_by_boto3(self):
        with Gateway(["--fleet", EXAMPLE_FLEET]) as gw:
            aws = transfer(gw)
            server_id = aws.create_server(Tags=[{"Key": "Name", "Value": "made-by-boto3"}])["ServerId"]
            self.assertEqual(state(aws, server_id), "ONLINE")
            uuid = next(s["id"] for s in gw.control("GET", "/_gateway/servers")[1]["servers"]
                        if s["server_id"] == server_id)
            shown = openstack_json(gw, "server", "show", uuid)
            self.assertEqual(shown["status"], "ACTIVE")
            r = openstack(gw, "server", "stop", uuid)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertEqual(state(aws, server_id), "OFFLINE")
            self.assertEqual(openstack_json(gw, "server", "show", uuid)["status"], "SHUTOFF")
            r = openstack(gw, "server", "start", uuid)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertEqual(state(aws, server_id), "ONLINE")
            r = openstack(gw, "server", "delete", uuid)
            self.assertEqual(r.returncode, 0, r.stderr)
            with self.assertRaises(ClientError) as e:
                aws.describe_server(ServerId=server_id)
            self.assertEqual(e.exception.response["Error"]["Code"], "ResourceNotFoundException")

    def test_lock_set_through_nova_refuses_a_transfer_stop(self):
        with Gateway(["--fleet", EXAMPLE_FLEET]) as gw:
            r = openstack(gw, "server", "lock", "web-1")
            self.assertEqual(r.returncode, 0, r.stderr)
            with self.assertRaises(ClientError) as e:
                transfer(gw).stop_server(ServerId=WEB1_TRANSFER)
            err = e.exception.response
            self.assertEqual(err["Error"]["Code"], "InvalidRequestException")
            self.assertEqual(err["ResponseMetadata"]["HTTPStatusCode"], 400)
            self.assertIn("locked", err["Error"]["Message"])
            self.assertEqual(state(transfer(gw), WEB1_TRANSFER), "ONLINE")
            transfer(gw, key="admin").stop_server(ServerId=WEB1_TRANSFER)  # an admin passes the lock
            self.assertEqual(state(transfer(gw), WEB1_TRANSFER), "OFFLINE")


class PowerLifecycleAcrossApis(unittest.TestCase):
    """A server paused, suspended or shelved through Nova is OFFLINE to Transfer,
    StopServer leaves it be, and StartServer brings it back whatever the Nova state."""

    def test_paused_through_nova_is_offline_to_boto3_and_startserver_brings_it_back(self):
        with Gateway(["--fleet", EXAMPLE_FLEET]) as gw:
            aws, conn = transfer(gw), openstack_sdk(gw)
            for act, nova_status, comes_back_by in [(conn.compute.pause_server, "PAUSED", "unpause"),
                                                    (conn.compute.suspend_server, "SUSPENDED", "resume"),
                                                    (conn.compute.shelve_server, "SHELVED_OFFLOADED", "unshelve")]:
                with self.subTest(nova_status=nova_status):
                    act(WEB1)
                    self.assertEqual(state(aws, WEB1_TRANSFER), "OFFLINE")
                    aws.stop_server(ServerId=WEB1_TRANSFER)  # already offline: 200, no change
                    self.assertEqual(conn.compute.get_server(WEB1).status, nova_status)
                    aws.start_server(ServerId=WEB1_TRANSFER)
                    aws.get_waiter("server_online").wait(ServerId=WEB1_TRANSFER,
                                                         WaiterConfig={"Delay": 1, "MaxAttempts": 10})
                    self.assertEqual(conn.compute.get_server(WEB1).status, "ACTIVE")
                    # The journal says what StartServer did: Nova's instance actions show the same.
                    entries = gw.control("GET", f"/_gateway/journal?server={WEB1}&operation=StartServer")[1]["entries"]
                    self.assertEqual(entries[-1]["action"], comes_back_by)

    def test_a_reboot_under_way_is_starting_to_boto3(self):
        with Gateway(["--fleet", EXAMPLE_FLEET, "--transition-ms", "60000"]) as gw:
            aws, conn = transfer(gw), openstack_sdk(gw)
            conn.compute.reboot_server(WEB1, "SOFT")
            self.assertEqual(conn.compute.get_server(WEB1).status, "REBOOT")
            self.assertEqual(state(aws, WEB1_TRANSFER), "STARTING")
            aws.start_server(ServerId=WEB1_TRANSFER)  # on its way up already: 200, no change
            with self.assertRaises(ClientError) as e:
                aws.stop_server(ServerId=WEB1_TRANSFER)
            self.assertEqual(e.exception.response["Error"]["Code"], "InvalidRequestException")
            listed = {s["ServerId"]: s["State"] for s in aws.list_servers()["Servers"]}
            self.assertEqual(listed[WEB1_TRANSFER], "STARTING")


class FaultsReachRealClients(unittest.TestCase):
    def fault(self, gw, **rule):
        status, body = gw.control("POST", "/_gateway/faults", rule)
        self.assertEqual(status, 201, body)

    def test_boto3_sees_service_unavailable_and_throttling(self):
        with Gateway(["--fleet", EXAMPLE_FLEET]) as gw:
            aws = transfer(gw)
            self.fault(gw, match={"api": "transfer", "operation": "StopServer", "server": WEB1_TRANSFER},
                       effect={"error": "unavailable"}, count=1)
            with self.assertRaises(ClientError) as e:
                aws.stop_server(ServerId=WEB1_TRANSFER)
            self.assertEqual(e.exception.response["Error"]["Code"], "ServiceUnavailableException")
            self.assertEqual(e.exception.response["ResponseMetadata"]["HTTPStatusCode"], 500)
            self.fault(gw, match={"api": "transfer", "operation": "StartServer"},
                       effect={"error": "throttled", "retry_after_s": 4}, count=1)
            aws.stop_server(ServerId=WEB1_TRANSFER)  # the count of 1 was spent: this one passes
            with self.assertRaises(ClientError) as e:
                aws.start_server(ServerId=WEB1_TRANSFER)
            err = e.exception.response
            self.assertEqual(err["Error"]["Code"], "ThrottlingException")
            self.assertEqual(err["ResponseMetadata"]["HTTPStatusCode"], 400)
            self.assertEqual(err["ResponseMetadata"]["HTTPHeaders"].get("retry-after"), "4")
            self.fault(gw, match={"api": "transfer"}, effect={"error": "internal"}, count=1)
            with self.assertRaises(ClientError) as e:
                aws.describe_server(ServerId=WEB1_TRANSFER)
            self.assertEqual(e.exception.response["Error"]["Code"], "InternalServiceError")
            self.assertEqual(e.exception.response["ResponseMetadata"]["HTTPStatusCode"], 500)

    def test_waiter_fails_on_a_failed_transition_and_a_retry_succeeds(self):
        with Gateway(["--fleet", EXAMPLE_FLEET, "--transition-ms", "300"]) as gw:
            aws = transfer(gw)
            self.fault(gw, match={"api": "transfer", "operation": "StopServer", "server": WEB2},
                       effect={"fail_transition": True}, count=1)
            aws.stop_server(ServerId=WEB2_TRANSFER)
            with self.assertRaises(WaiterError) as e:
                aws.get_waiter("server_offline").wait(ServerId=WEB2_TRANSFER,
                                                      WaiterConfig={"Delay": 1, "MaxAttempts": 10})
            self.assertIn("terminal failure state", str(e.exception))
            self.assertEqual(state(aws, WEB2_TRANSFER), "STOP_FAILED")
            aws.stop_server(ServerId=WEB2_TRANSFER)  # STOP_FAILED -> STOPPING -> OFFLINE
            aws.get_waiter("server_offline").wait(ServerId=WEB2_TRANSFER, WaiterConfig={"Delay": 1, "MaxAttempts": 10})
            self.assertEqual(state(aws, WEB2_TRANSFER), "OFFLINE")

    def test_openstack_cli_reports_503_413_500(self):
        with Gateway(["--fleet", EXAMPLE_FLEET]) as gw:
            for error, code in [("unavailable", "503"), ("throttled", "413"), ("internal", "500")]:
                self.fault(gw, match={"api": "nova", "operation": "os-stop", "server": WEB2},
                           effect={"error": error}, count=1)
                r = openstack(gw, "server", "stop", "web-2")
                self.assertNotEqual(r.returncode, 0)
                self.assertIn(f"(HTTP {code})", r.stderr, r.stderr)
            self.assertEqual(openstack(gw, "server", "stop", "web-2").returncode, 0)  # all spent

    def test_latency_is_added(self):
        with Gateway(["--fleet", EXAMPLE_FLEET]) as gw:
            self.fault(gw, match={"api": "transfer", "operation": "DescribeServer"}, effect={"latency_ms": 400},
                       count=1)
            t0 = time.time()
            state(transfer(gw), WEB1_TRANSFER)
            self.assertGreaterEqual(time.time() - t0, 0.4)


class VirtualClockAndEvents(unittest.TestCase):
    def test_stop_stays_stopping_until_the_clock_is_advanced(self):
        with Gateway(["--fleet", EXAMPLE_FLEET, "--transition-ms", "5000"]) as gw:
            gw.control("POST", "/_gateway/clock", {"mode": "virtual"})
            r = openstack(gw, "server", "stop", "web-1")
            self.assertEqual(r.returncode, 0, r.stderr)
            time.sleep(1.0)  # the wall clock moves on; virtual time does not
            shown = openstack_json(gw, "server", "show", "web-1")
            self.assertEqual(shown["status"], "ACTIVE")
            self.assertEqual(shown["OS-EXT-STS:task_state"], "powering-off")
            self.assertEqual(state(transfer(gw), WEB1_TRANSFER), "STOPPING")
            gw.control("POST", "/_gateway/clock", {"advance_ms": 4999})
            self.assertEqual(state(transfer(gw), WEB1_TRANSFER), "STOPPING")
            gw.control("POST", "/_gateway/clock", {"advance_ms": 1})
            self.assertEqual(state(transfer(gw), WEB1_TRANSFER), "OFFLINE")
            shown = openstack_json(gw, "server", "show", "web-1")
            self.assertEqual(shown["status"], "SHUTOFF")
            self.assertIsNone(shown["OS-EXT-STS:task_state"])

    def test_event_stream_delivers_a_stop_as_it_happens(self):
        with Gateway(["--fleet", EXAMPLE_FLEET, "--transition-ms", "200"]) as gw:
            sse = SseReader(gw.port)
            try:
                time.sleep(0.2)
                transfer(gw).stop_server(ServerId=WEB1_TRANSFER)
                stopping = sse.wait_for(lambda e: e["event"] == "state_changed" and e["data"]["new_state"] == "stopping")
                self.assertEqual(stopping["data"]["id"], WEB1)
                self.assertEqual(stopping["data"]["server_id"], WEB1_TRANSFER)
                self.assertEqual(stopping["data"]["old_state"], "running")
                self.assertEqual(stopping["data"]["tenant"]["project"], "demo")
                self.assertEqual(stopping["data"]["nova"]["task_state"], "powering-off")
                self.assertEqual(stopping["data"]["transfer"]["state"], "STOPPING")
                stopped = sse.wait_for(lambda e: e["event"] == "state_changed" and e["data"]["new_state"] == "stopped")
                self.assertTrue(stopped["data"]["clean_shutdown"])
                self.assertEqual(stopped["data"]["transfer"]["state"], "OFFLINE")
            finally:
                sse.close()

    def test_billing_follows_stops_and_deletes(self):
        with Gateway(["--fleet", EXAMPLE_FLEET]) as gw:
            gw.control("POST", "/_gateway/clock", {"mode": "virtual"})
            aws = transfer(gw)
            stop = aws.stop_server(ServerId=WEB1_TRANSFER)
            self.assertEqual(stop["ResponseMetadata"]["HTTPHeaders"]["billing-note"],
                             "server remains billable while stopped; delete it to stop billing")
            gw.control("POST", "/_gateway/clock", {"advance_ms": 10000})
            aws.delete_server(ServerId=WEB1_TRANSFER)
            gw.control("POST", "/_gateway/clock", {"advance_ms": 10000})
            ledger = {e["id"]: e for e in gw.control("GET", "/_gateway/billing")[1]["servers"]}
            web1 = ledger[WEB1]
            self.assertTrue(web1["deleted"])
            self.assertGreaterEqual(web1["stopped_seconds"], 10.0)
            self.assertLess(web1["stopped_seconds"], 11.0)  # nothing billed after deletion


if __name__ == "__main__":
    unittest.main()
