"""Contract tests for code that stops servers, each against a fresh gateway of its own.

Copy this file next to your tests: after `pip install ./python` the plugin
loads itself, and each test that names the `lifecycle_gateway` fixture gets
its own gateway (about 20 ms), configured by the marker. From the
repository: `pytest examples/pytest` (after ./dev build).
"""
import pytest

WEB1 = {"name": "web-1", "project": "demo", "state": "running",
        "id": "6f1c2a3e-0b4d-4c5e-8f60-7a8b9c0d1e01", "server_id": "s-0123456789abcde01"}

# Every test in this module: one server, and stops that take 100 ms as in a cloud.
pytestmark = pytest.mark.lifecycle_gateway(fleet=[WEB1], flags=["--transition-ms", "100"])


# The code under test: what your application does, through the SDK it uses.

def stop_if_online(transfer, server_id):
    if transfer.describe_server(ServerId=server_id)["Server"]["State"] == "ONLINE":
        transfer.stop_server(ServerId=server_id)


def stop_by_name(conn, name):
    conn.compute.stop_server(conn.compute.find_server(name, ignore_missing=False))


# The tests.

def test_stop_through_boto3(lifecycle_gateway):
    stop_if_online(lifecycle_gateway.transfer_client(), WEB1["server_id"])

    assert lifecycle_gateway.wait_for(WEB1["server_id"], "OFFLINE")["state"] == "stopped"
    calls = lifecycle_gateway.journal(api="transfer")
    assert [(c["operation"], c["status"]) for c in calls] == [("DescribeServer", 200), ("StopServer", 200)]


def test_stop_through_openstacksdk(lifecycle_gateway):
    stop_by_name(lifecycle_gateway.openstack(user="demo"), "web-1")

    assert lifecycle_gateway.wait_for(WEB1["id"], "SHUTOFF")["transfer"]["state"] == "OFFLINE"
    # openstacksdk's find_server tries the name as an id first (a 404), then lists by name.
    calls = lifecycle_gateway.journal(api="nova")
    assert [(c["operation"], c["result"]) for c in calls] == [
        ("show", "not_found"), ("list", "accepted"), ("os-stop", "accepted")]
