"""Networks as state: Neutron's error bodies for bad input (never a 500 or
an HTML page), a restart after kill -9 with --state keeping networks,
ports and addresses, snapshots and reset, the action journal (api neutron),
Nova's ip filter, and two creates at once never sharing an address."""
import json
import os
import tempfile
import threading
import unittest
import urllib.error
import urllib.request

from clients import openstack_sdk
from gateway import EXAMPLE_FLEET, Gateway

IMAGE = "0b1c3f0e-5a6d-4e2f-9a70-1c2d3e4f5a61"


def token(gw, user="demo"):
    body = json.dumps({"auth": {"identity": {"methods": ["password"], "password": {"user": {
        "name": user, "domain": {"name": "Default"}, "password": user}}},
        "scope": {"project": {"name": user, "domain": {"name": "Default"}}}}}).encode()
    req = urllib.request.Request(gw.url + "/identity/v3/auth/tokens", data=body,
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as r:
        return r.headers["X-Subject-Token"]


def call(gw, method, path, body=None, raw=None, tok=None):
    data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
    req = urllib.request.Request(gw.url + path, data=data, method=method,
                                 headers={"X-Auth-Token": tok or token(gw), "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            text = r.read().decode()
            return r.status, r.headers, json.loads(text) if text else None
    except urllib.error.HTTPError as e:
        text = e.read().decode()
        return e.code, e.headers, json.loads(text) if text else None


class BadInput(unittest.TestCase):
    def test_neutron_errors_for_bad_bodies_queries_and_sizes(self):
        with Gateway(["--fleet", EXAMPLE_FLEET]) as gw:
            tok = token(gw)
            status, _, net = call(gw, "POST", "/networking/v2.0/networks", {"network": {"name": "n"}}, tok=tok)
            self.assertEqual(status, 201)
            nid = net["network"]["id"]
            cases = [
                ("POST", "/networking/v2.0/subnets", {"subnet": {"network_id": nid, "cidr": "10.0.0.0/33"}}, 400,
                 "HTTPBadRequest", "'10.0.0.0/33' is not a valid IP subnet"),
                ("POST", "/networking/v2.0/networks", {"network": {"name": "x" * 256}}, 400, "HTTPBadRequest",
                 "exceeds maximum length of 255"),
                ("POST", "/networking/v2.0/networks", {"network": {"color": "red"}}, 400, "HTTPBadRequest",
                 "Unrecognized attribute(s) 'color'"),
                ("GET", "/networking/v2.0/networks?color=red", None, 400, "HTTPBadRequest",
                 "[color] is invalid attribute for filtering"),
                ("GET", "/networking/v2.0/networks/nope", None, 404, "NetworkNotFound", "Network nope could not be found."),
            ]
            for method, path, body, code, kind, words in cases:
                status, headers, answer = call(gw, method, path, body, tok=tok)
                self.assertEqual(status, code, path)
                self.assertEqual(answer["NeutronError"]["type"], kind)
                self.assertIn(words, answer["NeutronError"]["message"])
                self.assertTrue(headers["Content-Type"].startswith("application/json"))
            # An address outside the subnet.
            call(gw, "POST", "/networking/v2.0/subnets",
                 {"subnet": {"network_id": nid, "cidr": "192.168.7.0/24", "ip_version": 4}}, tok=tok)
            status, _, answer = call(gw, "POST", "/networking/v2.0/ports", {"port": {
                "network_id": nid, "fixed_ips": [{"ip_address": "10.1.1.1"}]}}, tok=tok)
            self.assertEqual(status, 400)
            self.assertIn("is not a valid IP for any of the subnets", answer["NeutronError"]["message"])
            # A 2 MB body: refused before it is read, in Neutron's shape.
            status, _, answer = call(gw, "POST", "/networking/v2.0/networks", raw=b"{" + b" " * (2 << 20) + b"}",
                                     tok=tok)
            self.assertEqual(status, 413)
            self.assertEqual(answer["NeutronError"]["type"], "HTTPRequestEntityTooLarge")
            # Without a token: keystonemiddleware's 401.
            req = urllib.request.Request(gw.url + "/networking/v2.0/networks")
            with self.assertRaises(urllib.error.HTTPError) as e:
                urllib.request.urlopen(req, timeout=10)
            self.assertEqual(e.exception.code, 401)


class Durable(unittest.TestCase):
    def test_networks_ports_and_addresses_survive_kill_9(self):
        with tempfile.TemporaryDirectory() as d:
            state = os.path.join(d, "state.db")
            with Gateway(["--fleet", EXAMPLE_FLEET, "--state", state]) as gw:
                conn = openstack_sdk(gw)
                net = conn.network.create_network(name="kept")
                conn.network.create_subnet(network_id=net.id, cidr="192.168.50.0/24", ip_version=4)
                # Two networks in the project now: a server names one, or Nova finds the choice ambiguous.
                server = conn.create_server("kept-vm", image=IMAGE, flavor="m1.tiny", network="private", wait=True,
                                            auto_ip=True, timeout=60)
                before = conn.compute.get_server(server.id).addresses
                gw.kill()
            with Gateway(["--state", state]) as gw:
                conn = openstack_sdk(gw)
                self.assertEqual(conn.compute.get_server(server.id).addresses, before)
                self.assertEqual(conn.network.find_network("kept").id, net.id)
                self.assertEqual(len(list(conn.network.ips())), 1)
                # The next server does not get an address the first one holds.
                other = conn.create_server("next-vm", image=IMAGE, flavor="m1.tiny", network="private", wait=True,
                                           timeout=60)
                self.assertNotEqual(other.private_v4, server.private_v4)


class SnapshotsAndReset(unittest.TestCase):
    def test_a_snapshot_brings_networks_back_and_reset_returns_to_devstacks(self):
        with Gateway(["--fleet", EXAMPLE_FLEET]) as gw:
            conn = openstack_sdk(gw)
            conn.network.create_network(name="demo-net")
            status, saved = gw.control("GET", "/_gateway/snapshot")
            self.assertEqual(status, 200)
            self.assertEqual(gw.control("POST", "/_gateway/reset")[0], 200)
            self.assertIsNone(conn.network.find_network("demo-net"))
            self.assertIsNotNone(conn.network.find_network("private"))
            web1 = conn.compute.find_server("web-1")
            self.assertRegex(conn.compute.get_server(web1.id).addresses["private"][0]["addr"], r"^10\.0\.0\.")
            self.assertEqual(gw.control("POST", "/_gateway/snapshot", saved)[0], 200)
            self.assertIsNotNone(conn.network.find_network("demo-net"))


class JournalAndFilters(unittest.TestCase):
    def test_neutron_calls_are_journaled_and_novas_ip_filter_matches(self):
        with Gateway(["--fleet", EXAMPLE_FLEET]) as gw:
            conn = openstack_sdk(gw)
            conn.network.create_network(name="journaled")
            status, page = gw.control("GET", "/_gateway/journal?api=neutron&operation=create_network")
            self.assertEqual(status, 200)
            self.assertEqual(len(page["entries"]), 1)
            self.assertEqual(page["entries"][0]["status"], 201)
            web1 = conn.compute.get_server(conn.compute.find_server("web-1").id)
            address = web1.addresses["private"][0]["addr"]
            found = [s.name for s in conn.compute.servers(ip=address.replace(".", r"\.") + "$")]
            self.assertEqual(found, ["web-1"])


class Concurrency(unittest.TestCase):
    def test_creates_at_once_never_share_an_address(self):
        with Gateway(["--fleet", EXAMPLE_FLEET]) as gw:
            conn = openstack_sdk(gw)
            net = conn.network.create_network(name="busy")
            conn.network.create_subnet(network_id=net.id, cidr="192.168.60.0/24", ip_version=4)
            tok = token(gw)
            made, errors = [], []

            def create(i):
                status, _, body = call(gw, "POST", "/networking/v2.0/ports",
                                       {"port": {"network_id": net.id, "name": f"p{i}"}}, tok=tok)
                (made if status == 201 else errors).append(body)

            threads = [threading.Thread(target=create, args=(i,)) for i in range(40)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            self.assertEqual(errors, [])
            addresses = [p["port"]["fixed_ips"][0]["ip_address"] for p in made]
            self.assertEqual(len(set(addresses)), 40)


if __name__ == "__main__":
    unittest.main()
