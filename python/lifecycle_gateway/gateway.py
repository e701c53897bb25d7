"""Gateway: one lifecycle-gateway process for a test, and everything a test
does with it (clients pointed at it, the control plane, the journal).

    with Gateway(fleet={"servers": [...]}, flags=["--transition-ms", "200"]) as gw:
        gw.transfer_client().stop_server(ServerId="s-0123456789abcde01")
        gw.wait_for("s-0123456789abcde01", "OFFLINE")
        assert gw.journal.count(operation="StopServer") == 1
"""
import json
import os
import shutil
import time
import urllib.parse

from . import clients, events, strict, transfer_users
from .binary import find_binary
from .clock import Clock
from .control import Control
from .errors import GatewayError, GatewayStartError
from .faults import Faults
from .journal import Journal
from .process import Process, new_workdir

OWN_FLAGS = ("--listen", "--fleet")


def _fleet_path(fleet, workdir):
    """A path for --fleet: a path as given, or a dict / list of servers written to `workdir`."""
    if fleet is None:
        return None
    if isinstance(fleet, (str, os.PathLike)):
        return os.fspath(fleet)
    if isinstance(fleet, list):
        fleet = {"servers": fleet}
    if not isinstance(fleet, dict):
        raise TypeError(f"fleet must be a path, a fleet dict or a list of servers, not {type(fleet).__name__}")
    path = os.path.join(workdir, "fleet.json")
    with open(path, "w") as f:
        json.dump(fleet, f)
    return path


def _control_token(flags):
    for i, flag in enumerate(flags):
        if flag == "--control-token" and i + 1 < len(flags):
            return flags[i + 1]
        if flag.startswith("--control-token="):
            return flag.split("=", 1)[1]
    return None


class Gateway:
    """A running gateway on 127.0.0.1 and a free port; stopped by stop() or `with`.

    binary: the executable (else $LIFECYCLE_GATEWAY_BIN, PATH, the repository's build/)
    fleet:  a fleet file's path, a fleet dict, or a list of servers (None: no servers)
    flags:  further gateway flags, e.g. ["--transition-ms", "500"]
    """

    def __init__(self, binary=None, fleet=None, flags=(), start_timeout=10):
        flags = [str(f) for f in flags]
        for flag in flags:
            if flag.split("=", 1)[0] in OWN_FLAGS:
                raise ValueError(f"{flag}: Gateway sets --listen 127.0.0.1:0 itself, and --fleet from `fleet`")
        self.binary = find_binary(binary)
        self.fleet = fleet
        self.flags = flags
        workdir = new_workdir()
        try:
            fleet_path = _fleet_path(fleet, workdir)
        except BaseException:
            shutil.rmtree(workdir, ignore_errors=True)
            raise
        command = [self.binary, "--listen", "127.0.0.1:0"]
        if fleet_path:
            command += ["--fleet", fleet_path]
        self._process = Process(command + flags, workdir, start_timeout)
        self.url = self._process.url
        parsed = urllib.parse.urlsplit(self.url)
        self.port = parsed.port
        self.control = Control(parsed.hostname, parsed.port, token=_control_token(flags))
        self.faults = Faults(self.control)
        self.clock = Clock(self.control)
        self.journal = Journal(self.control)
        self._wait_healthy(start_timeout)

    def _wait_healthy(self, timeout):
        deadline = time.monotonic() + timeout
        while True:
            try:
                self.control.request("GET", "/_gateway/health")
                return
            except GatewayError as e:
                if not self._process.running() or time.monotonic() > deadline:
                    message = self._process.describe(f"the gateway at {self.url} did not answer "
                                                     f"/_gateway/health within {timeout:g} s: {e}")
                    self._process.kill()
                    raise GatewayStartError(message) from e
                time.sleep(0.01)

    # -- the process -------------------------------------------------------

    @property
    def pid(self):
        return self._process.pid

    @property
    def workdir(self):
        """The gateway's own temporary directory (removed when it stops): key pairs made for a test go here."""
        return self._process.workdir

    def output(self):
        """What the gateway printed on stderr (the access log unless --access-log off)."""
        return self._process.output()

    def stop(self):
        """SIGTERM, then wait for exit 0; raises GatewayError with its output otherwise."""
        self.control.close()
        self._process.stop()

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        try:
            self.stop()
        except GatewayError:
            if exc_type is None:
                raise
        return False

    def __repr__(self):
        return f"<Gateway {self.url} pid {self.pid}>"

    # -- clients -----------------------------------------------------------

    def transfer_client(self, region="us-east-1", access_key="test", secret_key="test", retries=False):
        """A boto3 Transfer client pointed at this gateway; retries off unless asked (True or a number)."""
        return clients.transfer_client(self.url, region, access_key, secret_key, retries)

    def openstack(self, user="demo", project=None, password=None):
        """An openstacksdk Connection to this gateway as `user` (default users: password = name)."""
        return clients.openstack(self.url, user, project, password)

    def openstack_env(self, user="demo", project=None, password=None):
        """A full environment for the openstack CLI as `user` (for subprocess env=)."""
        return clients.openstack_env(self.url, user, project, password)

    def aws_env(self, region="us-east-1", access_key="test", secret_key="test"):
        """A full environment for the AWS CLI (pass --endpoint-url gateway.url too, for older CLIs)."""
        return clients.aws_env(self.url, region, access_key, secret_key)

    # -- the control plane -------------------------------------------------

    def servers(self):
        """Every server: both identities, name, core state, its Nova and Transfer views, lock, tenant."""
        return self.control.request("GET", "/_gateway/servers")[1]["servers"]

    def reset(self):
        """Back to the fleet it started with: fault rules cleared, real time, journal emptied."""
        self.control.request("POST", "/_gateway/reset", {})

    def snapshot(self):
        """The whole state as a fleet dict, which restore() or Gateway(fleet=...) takes back."""
        return self.control.request("GET", "/_gateway/snapshot")[1]

    def restore(self, snapshot):
        """Replaces the state with a snapshot (a dict, or a path to a fleet file); the journal is kept."""
        if isinstance(snapshot, (str, os.PathLike)):
            with open(snapshot) as f:
                snapshot = json.load(f)
        self.control.request("POST", "/_gateway/snapshot", snapshot)

    def wait_for(self, server, state, timeout=5):
        """Waits on the event stream until `server` (either identity, or a server dict) is in `state`:
        a core state ("stopped"), a Nova status ("SHUTOFF") or a Transfer State ("OFFLINE").
        Returns the server's view; raises TimeoutError saying where it is instead."""
        return events.wait_for(self, server, state, timeout)

    def transfer_user(self, server, name, public_key=None, home_directory=None, home_directory_type=None,
                      home_directory_mappings=None, role=transfer_users.DEFAULT_ROLE, access_key="test",
                      key_type="ed25519"):
        """Makes `name` a user of `server` (either identity, or a server dict) through the Transfer API
        (CreateUser, then ImportSshPublicKey), with `public_key` or a new ssh-keygen key pair of `key_type`.
        Returns a TransferUser: server_id, user_name, arn, ssh_public_key_id, public_key, private_key_path."""
        return transfer_users.transfer_user(self, server, name, public_key, home_directory, home_directory_type,
                                            home_directory_mappings, role, access_key, key_type)

    def logins(self, server):
        """Who may log in to `server` (either identity, or a server dict) and the host keys it presents:
        its users with their home and public keys, imported host keys, accesses (never private keys)."""
        if isinstance(server, dict):
            server = server.get("server_id") or server.get("id")
        return self.control.request("GET", f"/_gateway/servers/{urllib.parse.quote(server, safe='')}/logins")[1]

    def strict_violations(self):
        """The journal entries strict mode holds against a test (see strict.py)."""
        return strict.violations(self.journal())
