"""What the server lifecycle suites share (test_server_lifecycle.py,
test_server_resources.py): the example fleet's ids, a cloud of real clients
against one gateway (Cloud), Transfer's view of a server, the virtual clock,
and a test case with a scratch directory for config files."""
import json
import os
import shutil
import subprocess
import tempfile
import time
import unittest

from botocore.exceptions import ClientError
from openstack.exceptions import HttpException
from tempest.lib import auth
from tempest.lib.exceptions import RestClientException
from tempest.lib.services.compute import servers_client
from tempest.lib.services.image.v2 import images_client

from clients import PROJECT_OF, openstack, openstack_json, openstack_sdk, transfer
from gateway import EXAMPLE_FLEET, Gateway

WEB1, WEB1_T = "6f1c2a3e-0b4d-4c5e-8f60-7a8b9c0d1e01", "s-0123456789abcde01"
WEB2, WEB2_T = "6f1c2a3e-0b4d-4c5e-8f60-7a8b9c0d1e02", "s-0123456789abcde02"
WEB3, WEB3_T = "6f1c2a3e-0b4d-4c5e-8f60-7a8b9c0d1e03", "s-0123456789abcde03"  # stopped
DB_PRIMARY = "6f1c2a3e-0b4d-4c5e-8f60-7a8b9c0d1e04"  # locked by its owner
CIRROS = "cirros-0.6.2-x86_64-disk"
CIRROS_ID = "0b1c3f0e-5a6d-4e2f-9a70-1c2d3e4f5a61"
DEBIAN = "debian-12-genericcloud-amd64"
DEBIAN_ID = "0b1c3f0e-5a6d-4e2f-9a70-1c2d3e4f5a62"
TINY, SMALL, MEDIUM = "1", "2", "3"  # m1.tiny, m1.small, m1.medium


def ok(test, r):
    """A CLI run that succeeded."""
    test.assertEqual(r.returncode, 0, f"stdout: {r.stdout}\nstderr: {r.stderr}")
    return r


def refused(test, call, status, *words):
    """call() (openstacksdk or tempest.lib) fails with HTTP status, its message holding each of words."""
    with test.assertRaises((HttpException, RestClientException)) as caught:
        call()
    e = caught.exception
    test.assertEqual(e.status_code, status, str(e))
    for w in words:
        test.assertIn(w, str(e))
    return e


def tempest_auth(gw, user):
    creds = auth.KeystoneV3Credentials(username=user, password=user, project_name=PROJECT_OF.get(user, user),
                                       user_domain_name="Default", project_domain_name="Default")
    return auth.KeystoneV3AuthProvider(creds, gw.url + "/identity/v3")


class Cloud:
    """One user's clients against a gateway, in this process: openstacksdk (.compute, .image), and
    tempest.lib's ServersClient (.servers, at Nova's 2.1 as the CLI reads a server)."""

    def __init__(self, gw, user="demo"):
        self.sdk = openstack_sdk(gw, user)
        self.compute, self.image = self.sdk.compute, self.sdk.image
        self.servers = servers_client.ServersClient(tempest_auth(gw, user), "compute", "RegionOne")

    def id(self, ref):
        """A server's id from its name or id, found as the CLI finds it (by id, then in the list by name)."""
        return self.compute.find_server(ref, ignore_missing=False).id

    def find(self, ref):
        return self.compute.find_server(ref)

    def get(self, ref):
        return self.compute.get_server(self.id(ref))

    def status(self, ref):
        s = self.get(ref)
        return s.status, s.vm_state, s.task_state, s.power_state

    def nova(self, ref):
        """The server as Nova renders it at 2.1 (what `openstack server show` formats), schema-checked."""
        return self.servers.show_server(self.id(ref))["server"]

    def flavor(self, ref):
        """As the CLI shows it: "m1.tiny (1)"."""
        fid = self.nova(ref)["flavor"]["id"]
        return f"{self.compute.get_flavor(fid).name} ({fid})"

    def image_of(self, ref):
        """As the CLI shows it: "cirros-... (id)", or "N/A (booted from volume)" for Nova's ""."""
        image = self.nova(ref)["image"]
        if not image:
            return "N/A (booted from volume)"
        return f"{self.image.get_image(image['id']).name} ({image['id']})"

    def actions(self, ref):
        """Nova's instance actions, newest first (openstacksdk 0.101's server_actions sends a bad query)."""
        return [a["action"] for a in self.servers.list_instance_actions(self.id(ref))["instanceActions"]]

    def restore(self, server_id):
        self.servers.restore_soft_deleted_server(server_id)

    def boot(self, test, name, image_id=CIRROS_ID, **extra):
        created = self.compute.create_server(name=name, image_id=image_id, flavor_id=TINY, networks="none",
                                             **extra)
        test.assertEqual(self.wait_for_status(created.id, "ACTIVE"), "ACTIVE")
        return created.id

    def wait_for_status(self, ref, wanted, attempts=100):
        seen = None
        for _ in range(attempts):
            seen = self.get(ref).status
            if seen == wanted:
                break
            time.sleep(0.05)
        return seen


def transfer_id(gw, uuid):
    return next(s["server_id"] for s in gw.control("GET", "/_gateway/servers")[1]["servers"] if s["id"] == uuid)


def transfer_state(gw, server_id):
    return transfer(gw).describe_server(ServerId=server_id)["Server"]["State"]


def freeze(gw):
    assert gw.control("POST", "/_gateway/clock", {"mode": "virtual"})[0] == 200


def advance(gw, ms):
    assert gw.control("POST", "/_gateway/clock", {"advance_ms": ms})[0] == 200


class TempDir(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="gateway-lifecycle-")
        self.addCleanup(shutil.rmtree, self.dir, True)

    def path(self, name, text=None):
        p = os.path.join(self.dir, name)
        if text is not None:
            with open(p, "w") as f:
                f.write(text)
        return p

    def config(self, **keys):
        return self.path("config.json", json.dumps(keys))
