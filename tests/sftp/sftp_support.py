"""What the SFTP suites share: a server with a user and key made through
boto3, its endpoint from the control plane, paramiko connections that hang
up at once when refused, and the journal and metrics read back."""
import os
import socket
import tempfile
import time
import unittest
import urllib.parse

import paramiko

from clients import transfer
from keys import make_key

ROLE = "arn:aws:iam::000000000000:role/transfer"
SSH_OPTIONS = ["-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "IdentitiesOnly=yes",
               "-o", "BatchMode=yes", "-o", "LogLevel=ERROR"]


def endpoint(gw, server_id):
    status, doc = gw.control("GET", "/_gateway/servers")
    assert status == 200, doc
    for s in doc["servers"]:
        if s["server_id"] == server_id:
            return s["sftp"]
    raise AssertionError(f"no server {server_id}")


def wait_state(aws, server_id, state, timeout=10):
    deadline = time.monotonic() + timeout
    while aws.describe_server(ServerId=server_id)["Server"]["State"] != state:
        assert time.monotonic() < deadline, f"{server_id} never {state}"
        time.sleep(0.02)


def refused(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
            s.settimeout(5)
            return s.recv(64) == b""  # accepted, then closed at once: refused too
    except ConnectionRefusedError:
        return True
    except (ConnectionResetError, socket.timeout):
        return True


def connect(port, user, key_path, timeout=10):
    client = paramiko.SSHClient()
    client.set_missing_host_key_policy(paramiko.AutoAddPolicy())
    try:
        client.connect("127.0.0.1", port=port, username=user, key_filename=key_path, look_for_keys=False,
                       allow_agent=False, timeout=timeout, banner_timeout=timeout, auth_timeout=timeout)
    except BaseException:
        # paramiko leaves a refused connection open until its client is
        # collected; hang up now, as OpenSSH's sftp does when it gives up.
        client.close()
        raise
    return client


def journal(gw, **query):
    status, doc = gw.control("GET", "/_gateway/journal?" + urllib.parse.urlencode(dict(api="sftp", limit=1000, **query)))
    assert status == 200, doc
    return doc["entries"]


def metric(gw, name):
    status, text = gw.control("GET", "/metrics")
    for line in text.splitlines():
        if line.startswith(name + " ") or line.startswith(name + "{") and line.split(" ")[0] == name:
            return float(line.rsplit(" ", 1)[1])
    raise AssertionError(f"no metric {name}")


class SftpCase(unittest.TestCase):
    """A temporary directory per test, keys and files in it, and a server with a user."""

    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)

    def key(self, kind="ed25519"):
        return make_key(self.tmp.name, kind)

    def file(self, name, size):
        path = os.path.join(self.tmp.name, name)
        with open(path, "wb") as f:
            f.write(os.urandom(size))
        return path

    def server_with_user(self, gw, home="/bucket/alice", **user):
        aws = transfer(gw)
        server_id = aws.create_server(Protocols=["SFTP"], IdentityProviderType="SERVICE_MANAGED")["ServerId"]
        wait_state(aws, server_id, "ONLINE")
        key = self.key()
        aws.create_user(ServerId=server_id, UserName="alice", Role=ROLE, HomeDirectory=home,
                        SshPublicKeyBody=key.public, **user)
        return aws, server_id, key, endpoint(gw, server_id)["port"]
