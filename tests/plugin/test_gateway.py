"""lifecycle_gateway.Gateway and every name on it, through the per-test
fixture (so the fixture is exercised too) and by hand where the test is about
the process itself."""
import http.client
import json
import os
import signal
import subprocess
import time
import urllib.request

import pytest
from botocore.exceptions import ClientError
from keystoneauth1.exceptions.http import Unauthorized

import lifecycle_gateway as package
import lifecycle_gateway.journal as journal_module
from lifecycle_gateway import ControlError, Gateway, GatewayError
from conftest import FLEET, WEB1, WEB1_T

pytestmark = pytest.mark.lifecycle_gateway(fleet=FLEET)



def demo_ids(gw):
    """Transfer ids of project demo's servers (account 000000000000 in us-east-1)."""
    return {s["server_id"] for s in gw.servers() if s["tenant"]["project"] == "demo"}


def metric(gw, operation):
    """How many control-plane calls of `operation` the gateway has counted (GET /metrics)."""
    with urllib.request.urlopen(gw.url + "/metrics") as r:
        text = r.read().decode()
    prefix = f'lifecycle_requests_total{{api="control",operation="{operation}",status="200"}} '
    return sum(int(float(line[len(prefix):])) for line in text.splitlines() if line.startswith(prefix))


# -- the process -------------------------------------------------------------

def test_it_listens_on_a_free_port_of_127_0_0_1_and_is_healthy(lifecycle_gateway):
    assert lifecycle_gateway.url == f"http://127.0.0.1:{lifecycle_gateway.port}"
    assert lifecycle_gateway.port > 0
    with urllib.request.urlopen(lifecycle_gateway.url + "/_gateway/health") as r:
        assert json.load(r) == {"status": "ok"}


def test_as_a_context_manager_it_stops_with_sigterm_and_exits_0(binary):
    with Gateway(binary=binary) as gw:
        port, pid = gw.port, gw.pid
        assert gw.servers() == []  # no fleet: no servers
    assert gw._process.proc.returncode == 0  # SIGTERM drains and exits 0; SIGKILL would be -9
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
    with pytest.raises(OSError):
        http.client.HTTPConnection("127.0.0.1", port, timeout=2).request("GET", "/_gateway/health")


def test_a_gateway_that_died_is_an_error_at_stop_with_what_it_printed(binary):
    gw = Gateway(binary=binary, fleet=FLEET)
    gw.servers()
    deadline = time.monotonic() + 5
    while "GET /_gateway/servers 200" not in gw.output():  # its access line follows the answer
        assert time.monotonic() < deadline, gw.output()
        time.sleep(0.01)
    os.kill(gw.pid, signal.SIGKILL)
    gw._process.proc.wait()
    with pytest.raises(GatewayError) as e:
        gw.stop()
    assert "had already exited, with signal SIGKILL" in str(e.value)
    assert "GET /_gateway/servers 200" in str(e.value)  # its access log, from its stderr


def test_own_flags_are_refused(binary):
    with pytest.raises(ValueError, match="--listen 127.0.0.1:0 itself"):
        Gateway(binary=binary, flags=["--listen", "127.0.0.1:8780"])


def test_a_control_token_in_the_flags_is_used_for_the_control_plane(binary):
    with Gateway(binary=binary, fleet=FLEET, flags=["--control-token", "s3cret"]) as gw:
        assert len(gw.servers()) == 12
        with pytest.raises(urllib.error.HTTPError) as e:
            urllib.request.urlopen(gw.url + "/_gateway/servers")
        assert e.value.code == 401


@pytest.mark.parametrize("kind", ["path", "dict", "list"])
def test_a_fleet_is_a_path_a_dict_or_a_list_of_servers(binary, kind):
    with open(FLEET) as f:
        doc = json.load(f)
    fleet = {"path": FLEET, "dict": doc, "list": doc["servers"]}[kind]
    with Gateway(binary=binary, fleet=fleet) as gw:
        assert {s["server_id"] for s in gw.servers()} >= {WEB1_T, "s-0123456789abcde02"}
        assert len(gw.servers()) == 12


# -- clients -----------------------------------------------------------------

def test_transfer_client_has_retries_off_unless_asked(lifecycle_gateway):
    gw = lifecycle_gateway
    gw.faults.add(match={"operation": "DescribeServer"}, effect={"error": "unavailable"}, count=2)
    with pytest.raises(ClientError) as e:
        gw.transfer_client().describe_server(ServerId=WEB1_T)
    assert e.value.response["Error"]["Code"] == "ServiceUnavailableException"
    assert gw.journal.count(operation="DescribeServer") == 1  # seen once, as answered
    server = gw.transfer_client(retries=2).describe_server(ServerId=WEB1_T)["Server"]
    assert server["State"] == "ONLINE"
    assert [e["injected"] for e in gw.journal(operation="DescribeServer")] == [True, True, False]


def test_transfer_client_signs_with_its_key_and_region(lifecycle_gateway):
    client = lifecycle_gateway.transfer_client(region="eu-west-1", access_key="AKIDPLUGIN")
    assert client.list_servers()["Servers"] == []  # no server of that account in eu-west-1
    call = lifecycle_gateway.journal(operation="ListServers")[0]
    assert call["caller"] == {"access_key": "AKIDPLUGIN", "account": "000000000000"}
    assert call["tenant"]["region"] == "eu-west-1"
    ids = {s["ServerId"] for s in lifecycle_gateway.transfer_client().list_servers()["Servers"]}
    assert ids == demo_ids(lifecycle_gateway)


def test_openstack_is_an_openstacksdk_connection_as_the_user(lifecycle_gateway):
    alt = {s["name"] for s in lifecycle_gateway.servers() if s["tenant"]["project"] == "alt"}
    assert {s.name for s in lifecycle_gateway.openstack(user="alt").compute.servers()} == alt
    assert lifecycle_gateway.openstack(user="admin").compute.get_server(WEB1).name == "web-1"
    callers = [e["caller"] for e in lifecycle_gateway.journal(api="nova")]
    assert callers == [{"user": "alt", "project": "alt"}, {"user": "admin", "project": "admin"}]
    with pytest.raises(Unauthorized):  # the project is the one asked for: demo is no member of alt
        list(lifecycle_gateway.openstack(user="demo", project="alt").compute.servers())


def test_openstack_env_drives_the_openstack_cli(lifecycle_gateway, monkeypatch):
    monkeypatch.setenv("OS_CLOUD", "somewhere-else")  # the user's own cloud must not leak in
    env = lifecycle_gateway.openstack_env(user="demo")
    assert "OS_CLOUD" not in env and env["OS_AUTH_URL"] == lifecycle_gateway.url + "/identity"
    r = subprocess.run(["/usr/bin/openstack", "server", "list", "-f", "json", "-c", "Name"], env=env,
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    demo = {s["name"] for s in lifecycle_gateway.servers() if s["tenant"]["project"] == "demo"}
    assert {s["Name"] for s in json.loads(r.stdout)} == demo


def test_aws_env_drives_the_aws_cli(lifecycle_gateway, monkeypatch):
    monkeypatch.setenv("AWS_PROFILE", "somewhere-else")
    env = lifecycle_gateway.aws_env()
    assert "AWS_PROFILE" not in env
    r = subprocess.run(["/usr/bin/aws", "--endpoint-url", lifecycle_gateway.url, "transfer", "list-servers"],
                       env=env, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert {s["ServerId"] for s in json.loads(r.stdout)["Servers"]} == demo_ids(lifecycle_gateway)
    assert lifecycle_gateway.journal(operation="ListServers")[0]["caller"]["access_key"] == "test"


# -- state, reset, snapshots ---------------------------------------------------

def test_servers_lists_both_identities_and_both_views(lifecycle_gateway):
    web1 = next(s for s in lifecycle_gateway.servers() if s["id"] == WEB1)
    assert (web1["server_id"], web1["name"], web1["state"]) == (WEB1_T, "web-1", "running")
    assert (web1["nova"]["status"], web1["transfer"]["state"]) == ("ACTIVE", "ONLINE")


def test_reset_returns_to_the_fleet_and_clears_faults_clock_and_journal(lifecycle_gateway):
    gw = lifecycle_gateway
    gw.transfer_client().stop_server(ServerId=WEB1_T)
    gw.faults.add(effect={"latency_ms": 1})
    gw.clock.freeze()
    gw.reset()
    assert next(s for s in gw.servers() if s["id"] == WEB1)["state"] == "running"
    assert gw.faults.rules() == []
    assert gw.clock.now()["mode"] == "real"
    assert gw.journal() == []


def test_snapshot_and_restore_round_trip(lifecycle_gateway, binary):
    gw = lifecycle_gateway
    gw.transfer_client().stop_server(ServerId=WEB1_T)
    saved = gw.snapshot()
    gw.transfer_client().start_server(ServerId=WEB1_T)
    gw.restore(saved)
    assert next(s for s in gw.servers() if s["id"] == WEB1)["state"] == "stopped"
    with Gateway(binary=binary, fleet=saved) as again:  # a snapshot is a fleet
        assert {(s["id"], s["state"]) for s in again.servers()} == {(s["id"], s["state"]) for s in gw.servers()}
    with pytest.raises(ControlError, match="not a core state"):
        gw.restore({"servers": [{"name": "x", "project": "demo", "state": "melting"}]})


# -- faults and the clock --------------------------------------------------------

def test_faults_add_returns_the_rule_and_clear_removes_them(lifecycle_gateway):
    gw = lifecycle_gateway
    rule = gw.faults.add(match={"api": "transfer", "operation": "StopServer", "server": WEB1},
                         effect={"error": "internal"}, count=3, probability=0.5, seed=7)
    assert rule["match"]["server_id"] == WEB1_T  # resolved to both identities
    assert (rule["effect"], rule["count"], rule["probability"], rule["seed"]) == ({"error": "internal"}, 3, 0.5, 7)
    assert [r["id"] for r in gw.faults.rules()] == [rule["id"]]
    gw.faults.clear()
    assert gw.faults.rules() == []
    with pytest.raises(ControlError) as e:
        gw.faults.add(effect={"error": "boom"})
    assert e.value.status == 400 and "'boom' is not unavailable, internal or throttled" in e.value.message


def test_an_injected_5xx_is_not_held_against_the_test(lifecycle_gateway):
    gw = lifecycle_gateway
    gw.faults.add(match={"operation": "StopServer"}, effect={"error": "internal"}, count=1)
    with pytest.raises(ClientError):
        gw.transfer_client().stop_server(ServerId=WEB1_T)
    assert gw.journal(operation="StopServer")[0]["injected"] is True
    assert gw.strict_violations() == []


@pytest.mark.lifecycle_gateway(flags=["--transition-ms", "1000"])
def test_a_frozen_clock_holds_a_transition_until_advanced(lifecycle_gateway):
    gw = lifecycle_gateway
    frozen_at = gw.clock.freeze()
    gw.transfer_client().stop_server(ServerId=WEB1_T)
    assert gw.clock.advance(999) == frozen_at + 999
    assert next(s for s in gw.servers() if s["id"] == WEB1)["transfer"]["state"] == "STOPPING"
    gw.clock.advance(1)
    assert gw.wait_for(WEB1_T, "OFFLINE", timeout=2)["state"] == "stopped"
    gw.clock.real()
    assert gw.clock.now()["mode"] == "real"


# -- the journal ---------------------------------------------------------------

def test_journal_filters_count_and_clear(lifecycle_gateway):
    gw = lifecycle_gateway
    aws = gw.transfer_client()
    aws.stop_server(ServerId=WEB1_T)
    aws.describe_server(ServerId=WEB1_T)
    aws.describe_server(ServerId="s-0123456789abcde02")
    assert [e["operation"] for e in gw.journal()] == ["StopServer", "DescribeServer", "DescribeServer"]
    assert [e["operation"] for e in gw.journal(server=WEB1)] == ["StopServer", "DescribeServer"]
    assert len(gw.journal(server={"id": WEB1, "server_id": WEB1_T}, operation="DescribeServer")) == 1
    assert gw.journal.count(operation="DescribeServer") == 2
    assert gw.journal.count(api="nova") == 0
    assert len(gw.journal(limit=1)) == 1
    with pytest.raises(ControlError, match="unknown parameter 'colour'"):
        gw.journal(colour="red")
    gw.journal.clear()
    assert gw.journal.count() == 0


def test_journal_follows_pages_to_the_end(lifecycle_gateway, monkeypatch):
    monkeypatch.setattr(journal_module, "PAGE", 2)
    aws = lifecycle_gateway.transfer_client()
    ids = [aws.describe_server(ServerId=WEB1_T)["ResponseMetadata"]["RequestId"] for _ in range(5)]
    assert [e["request_id"] for e in lifecycle_gateway.journal()] == ids


# -- Transfer users ------------------------------------------------------------

def test_transfer_user_makes_a_user_with_a_key_pair_of_its_own(lifecycle_gateway):
    gw = lifecycle_gateway
    user = gw.transfer_user(WEB1_T, "alice", home_directory="/bucket/alice")
    assert (user.server_id, user.user_name) == (WEB1_T, "alice")
    assert user.arn == f"arn:aws:transfer:us-east-1:000000000000:user/{WEB1_T}/alice"
    assert user.ssh_public_key_id.startswith("key-")
    assert user.private_key_path.startswith(gw.workdir)
    # The private half is the public key's, as an SFTP client would use it.
    derived = subprocess.run(["ssh-keygen", "-y", "-f", user.private_key_path], capture_output=True, text=True,
                             check=True).stdout.split()[:2]
    assert derived == user.public_key.split()[:2]
    described = gw.transfer_client().describe_user(ServerId=WEB1_T, UserName="alice")["User"]
    assert described["HomeDirectory"] == "/bucket/alice"
    assert [k["SshPublicKeyId"] for k in described["SshPublicKeys"]] == [user.ssh_public_key_id]
    # Its calls are journaled like any, and the journal's filters find them by either identity.
    assert [e["operation"] for e in gw.journal(server=WEB1)] == ["CreateUser", "ImportSshPublicKey", "DescribeUser"]
    assert gw.journal.count(operation="ImportSshPublicKey", server=WEB1_T, result="accepted") == 1
    logins = gw.logins(WEB1)
    assert [u["name"] for u in logins["users"]] == ["alice"]
    assert logins["users"][0]["public_keys"][0]["id"] == user.ssh_public_key_id
    assert [k["generated"] for k in logins["presented_host_keys"]] == [True]


def test_transfer_user_takes_a_public_key_a_server_dict_and_reports_the_apis_errors(lifecycle_gateway, tmp_path):
    gw = lifecycle_gateway
    subprocess.run(["ssh-keygen", "-q", "-t", "ecdsa", "-N", "", "-f", str(tmp_path / "bob")], check=True)
    public = (tmp_path / "bob.pub").read_text()
    server = [s for s in gw.servers() if s["server_id"] == WEB1_T][0]
    bob = gw.transfer_user(server, "bob", public_key=public)
    assert bob.private_key_path is None
    assert bob.public_key == public.strip()
    with pytest.raises(ClientError) as e:
        gw.transfer_user(WEB1_T, "bob", public_key=public)
    assert e.value.response["Error"]["Code"] == "ResourceExistsException"
    with pytest.raises(ClientError) as e:
        gw.transfer_user(WEB1_T, "carol", public_key="ssh-ed25519 not-a-key")
    assert e.value.response["Error"]["Code"] == "InvalidRequestException"
    with pytest.raises(GatewayError, match="no server 's-0000000000000dead'"):
        gw.transfer_user("s-0000000000000dead", "dave")


# -- wait_for --------------------------------------------------------------------

@pytest.mark.lifecycle_gateway(flags=["--transition-ms", "300"])
def test_wait_for_takes_either_identity_and_any_vocabulary(lifecycle_gateway):
    gw = lifecycle_gateway
    aws = gw.transfer_client()
    aws.stop_server(ServerId=WEB1_T)
    assert gw.wait_for(WEB1, "stopping")["transfer"]["state"] == "STOPPING"
    assert gw.wait_for(WEB1, "SHUTOFF")["state"] == "stopped"
    aws.start_server(ServerId=WEB1_T)
    assert gw.wait_for(WEB1_T, "running")["nova"]["status"] == "ACTIVE"
    servers = gw.servers()
    web2 = next(s for s in servers if s["name"] == "web-2")
    gw.openstack().compute.stop_server(web2["id"])
    assert gw.wait_for(web2, "OFFLINE")["state"] == "stopped"  # a server dict too


@pytest.mark.lifecycle_gateway(flags=["--transition-ms", "600"])
def test_wait_for_follows_events_rather_than_polling(lifecycle_gateway):
    gw = lifecycle_gateway
    gw.transfer_client().stop_server(ServerId=WEB1_T)
    before = metric(gw, "GET /_gateway/servers")
    gw.wait_for(WEB1_T, "OFFLINE", timeout=5)
    # One look before following the stream, one for the view it returns: not one per poll.
    assert metric(gw, "GET /_gateway/servers") - before <= 2


@pytest.mark.lifecycle_gateway(flags=["--transition-ms", "1000"])
def test_wait_for_times_out_saying_where_the_server_is(lifecycle_gateway):
    gw = lifecycle_gateway
    gw.clock.freeze()
    gw.transfer_client().stop_server(ServerId=WEB1_T)
    with pytest.raises(TimeoutError) as e:
        gw.wait_for(WEB1_T, "OFFLINE", timeout=0.3)
    message = str(e.value)
    assert "not 'OFFLINE' after 0.3 s: it is stopping (Nova ACTIVE, Transfer STOPPING)" in message
    assert "the clock is frozen" in message
    with pytest.raises(TimeoutError, match="no such server"):
        gw.wait_for("s-00000000000000000", "ONLINE", timeout=0.1)


def test_wait_for_refuses_a_state_no_vocabulary_has(lifecycle_gateway):
    with pytest.raises(ValueError, match="a core state .* a Nova status .* a Transfer State"):
        lifecycle_gateway.wait_for(WEB1, "SHUTDOWN")


def test_the_public_names(lifecycle_gateway):
    assert {"Gateway", "GatewayError", "GatewayNotFound", "GatewayStartError", "ControlError",
            "StrictModeError", "TransferUser"} <= set(package.__all__)
    for name in ("url", "transfer_client", "openstack", "openstack_env", "aws_env", "servers", "reset",
                 "faults", "clock", "journal", "wait_for", "snapshot", "restore", "transfer_user", "logins",
                 "workdir"):
        assert hasattr(lifecycle_gateway, name), name
    for name in ("add", "clear"):
        assert callable(getattr(lifecycle_gateway.faults, name))
    for name in ("freeze", "advance", "real"):
        assert callable(getattr(lifecycle_gateway.clock, name))
    assert callable(lifecycle_gateway.journal) and callable(lifecycle_gateway.journal.count)

