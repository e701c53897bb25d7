"""Remote consoles through the clients people use: `openstack console url
show --novnc` (python-openstackclient, remote-consoles at 2.6+), then the
URL opened as a browser and a VNC client would: the console page (a page of
the dashboard: noVNC's name, its script, the server's log read live), its
log, and the WebSocket with the RFB handshake tempest's test_novnc does.
The older actions (to 2.5), os-console-auth-tokens (admin, 2.31), Nova's
400/403/404/409 answers, a token's expiry by the gateway's clock, a deleted
server's tokens, a restart with --state, --console-port off, and HTTPS."""
import json
import os
import shutil
import socket
import ssl
import struct
import subprocess
import tempfile
import unittest
import urllib.error
import urllib.parse
import urllib.request

from clients import openstack, openstack_json, openstack_sdk
from gateway import REPO_ROOT, Gateway
from vnc import VncClient

IMAGE = "cirros-0.6.2-x86_64-disk"


def http_get(url, context=None):
    """(status, headers, body text) of a GET, errors included."""
    try:
        with urllib.request.urlopen(url, timeout=10, context=context) as r:
            return r.status, r.headers, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read().decode()


def nova(gw, token, method, path, body=None, version="2.1"):
    req = urllib.request.Request(gw.url + "/compute/v2.1" + path, method=method,
                                 data=json.dumps(body).encode() if body is not None else None,
                                 headers={"X-Auth-Token": token, "Content-Type": "application/json",
                                          "OpenStack-API-Version": f"compute {version}"})
    try:
        with urllib.request.urlopen(req, timeout=10, context=gw.ssl_context) as r:
            return r.status, json.loads(r.read() or b"null")
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"null")


def token_of(gw, user):
    return openstack_sdk(gw, user=user).session.get_auth_headers()["X-Auth-Token"]


def create(gw, name):
    return openstack_json(gw, "server", "create", "--image", IMAGE, "--flavor", "m1.tiny", "--wait", name)


def console_url(gw, server, user="demo"):
    shown = openstack_json(gw, "console", "url", "show", "--novnc", server, user=user)
    assert shown["type"] == "novnc", shown
    return shown["url"]


def token_in(url):
    path = urllib.parse.parse_qs(urllib.parse.urlparse(url).query)["path"][0]
    return urllib.parse.parse_qs(path[1:])["token"][0]


def log_url(url):
    parts = urllib.parse.urlparse(url)
    return f"{parts.scheme}://{parts.netloc}/log?token={token_in(url)}"


class ConsoleFromTheCli(unittest.TestCase):
    def test_the_url_opens_the_console_page_its_live_log_and_an_rfb_session(self):
        with Gateway() as gw:
            server = create(gw, "console-vm")
            url = console_url(gw, "console-vm")
            parts = urllib.parse.urlparse(url)
            self.assertEqual(parts.scheme, "http")
            self.assertEqual(parts.hostname, "127.0.0.1")
            self.assertNotEqual(parts.port, gw.port)  # the console proxy's own port
            self.assertEqual(parts.path, "/vnc_lite.html")
            self.assertRegex(token_in(url), r"^[A-Za-z0-9_-]{32}$")
            status, proxy = gw.control("GET", "/_gateway/consoles")
            self.assertEqual((status, proxy["url"]), (200, f"http://127.0.0.1:{parts.port}"))

            # The page, as tempest's _validate_novnc_html reads it.
            status, headers, page = http_get(url)
            self.assertEqual(status, 200)
            self.assertEqual(headers["Content-Type"], "text/html; charset=utf-8")
            self.assertEqual(headers["Referrer-Policy"], "no-referrer")
            self.assertRegex(page, "<html.*>")
            for text in ("</html>", "noVNC", "<script", 'src="console.js"', 'href="style.css"'):
                self.assertIn(text, page)
            for asset in ("console.js", "style.css"):
                self.assertEqual(http_get(f"http://{parts.netloc}/{asset}")[0], 200)

            # The log it polls is the server's console log, as `openstack console log show` prints it.
            status, _, body = http_get(log_url(url))
            self.assertEqual(status, 200)
            shown = json.loads(body)
            self.assertEqual(shown["server"], {"id": server["id"], "name": "console-vm", "status": "ACTIVE"})
            cli_log = openstack(gw, "console", "log", "show", "console-vm", check=True).stdout
            self.assertEqual(shown["log"].rstrip("\n"), cli_log.rstrip("\n"))
            self.assertIn("console-vm login:", shown["log"])

            # Live: a rename and a stop show on the next read.
            openstack(gw, "server", "set", "--name", "renamed-vm", server["id"], check=True)
            shown = json.loads(http_get(log_url(url))[2])
            self.assertEqual(shown["server"]["name"], "renamed-vm")
            self.assertIn("renamed-vm login:", shown["log"])

            # The WebSocket and RFB, as tempest's test_novnc and noVNC do them.
            vnc = VncClient(url)
            self.assertTrue(vnc.response.startswith("HTTP/1.1 101 Switching Protocols"), vnc.response)
            self.assertIn("upgrade: websocket", vnc.response.lower())
            self.assertIn("Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", vnc.response)
            self.assertEqual(vnc.handshake(), (640, 400, "renamed-vm"))
            vnc.send(bytes([3, 0, 0, 0, 0, 0, 0, 8, 0, 8]))  # FramebufferUpdateRequest 8x8
            opcode, update = vnc.frame()
            self.assertEqual((opcode, len(update)), (2, 4 + 12 + 8 * 8 * 4))

            openstack(gw, "server", "stop", server["id"], check=True)
            opcode, payload = vnc.frame()  # the guest went: the session closes, and says why
            self.assertEqual((opcode, payload[:2]), (8, struct.pack(">H", 1000)))
            self.assertEqual(payload[2:], b"the server is no longer running")
            self.assertTrue(vnc.closed())
            self.assertEqual(json.loads(http_get(log_url(url))[2])["server"]["status"], "SHUTOFF")
            proxy = gw.control("GET", "/_gateway/consoles")[1]
            self.assertEqual((proxy["sessions"], proxy["refused"]), (1, 0))

    def test_a_bad_or_expired_token_opens_nothing(self):
        with Gateway() as gw:
            create(gw, "vm")
            url = console_url(gw, "vm")
            bad = url.replace("token%3D", "token%3Dbad")  # as tempest's test_novnc_bad_token
            vnc = VncClient(bad)
            self.assertTrue(vnc.response.startswith("HTTP/1.1 403 Forbidden"), vnc.response)
            self.assertTrue(vnc.closed())
            self.assertEqual(http_get(log_url(bad))[0], 403)

            # Nova's token_ttl, 600 s, by the gateway's clock.
            status, _ = gw.control("POST", "/_gateway/clock", {"advance_ms": 599_000})
            self.assertEqual(status, 200)
            self.assertEqual(http_get(log_url(url))[0], 200)
            gw.control("POST", "/_gateway/clock", {"advance_ms": 1_000})
            status, _, body = http_get(log_url(url))
            self.assertEqual(status, 403)
            self.assertIn("expired", json.loads(body)["error"]["message"])
            vnc = VncClient(url)
            self.assertTrue(vnc.response.startswith("HTTP/1.1 403 Forbidden"))
            self.assertTrue(vnc.closed())
            # A new URL works again.
            self.assertEqual(http_get(log_url(console_url(gw, "vm")))[0], 200)

    def test_a_deleted_servers_console_closes_for_good(self):
        with Gateway() as gw:
            server = create(gw, "doomed")
            url = console_url(gw, "doomed")
            admin = token_of(gw, "admin")
            status, body = nova(gw, admin, "GET", f"/os-console-auth-tokens/{token_in(url)}", version="2.31")
            self.assertEqual(status, 200)
            openstack(gw, "server", "delete", "--wait", server["id"], check=True)
            self.assertEqual(http_get(log_url(url))[0], 403)
            status, body = nova(gw, admin, "GET", f"/os-console-auth-tokens/{token_in(url)}", version="2.31")
            self.assertEqual((status, body["itemNotFound"]["message"]), (404, "Token not found"))


class NovasAnswers(unittest.TestCase):
    def test_the_actions_to_2_5_remote_consoles_from_2_6_and_their_errors(self):
        with Gateway() as gw:
            server = create(gw, "vm")["id"]
            demo = token_of(gw, "demo")
            status, body = nova(gw, demo, "POST", f"/servers/{server}/action", {"os-getVNCConsole": {"type": "novnc"}})
            self.assertEqual(status, 200)
            self.assertEqual(body["console"]["type"], "novnc")
            self.assertEqual(http_get(body["console"]["url"])[0], 200)
            status, body = nova(gw, demo, "POST", f"/servers/{server}/remote-consoles",
                                {"remote_console": {"protocol": "vnc", "type": "novnc"}}, version="2.6")
            self.assertEqual(status, 200)
            self.assertEqual(set(body["remote_console"]), {"protocol", "type", "url"})
            self.assertEqual(body["remote_console"]["protocol"], "vnc")

            def fault(path, request, version="2.1", token=demo):
                status, body = nova(gw, token, "POST", path, request, version)
                (name, detail), = body.items()
                return status, detail["message"]

            action = f"/servers/{server}/action"
            remote = f"/servers/{server}/remote-consoles"
            self.assertEqual(fault(action, {"os-getSPICEConsole": {"type": "spice-html5"}}),
                             (400, "Unavailable console type spice-html5."))
            self.assertEqual(fault(action, {"os-getSerialConsole": {"type": "serial"}}),
                             (400, "Unavailable console type serial."))
            self.assertEqual(fault(action, {"os-getVNCConsole": {"type": "xvpvnc"}}),
                             (400, "Invalid console type xvpvnc"))
            self.assertEqual(fault(action, {"os-getRDPConsole": {"type": "rdp-html5"}})[0], 400)
            self.assertEqual(fault(action, {"os-getVNCConsole": {"type": "novnc"}}, version="2.6"),
                             (404, "The resource could not be found."))
            self.assertEqual(fault(remote, {"remote_console": {"protocol": "vnc", "type": "novnc"}}, version="2.5"),
                             (404, "The resource could not be found."))
            self.assertEqual(fault(remote, {"remote_console": {"protocol": "rdp", "type": "rdp-html5"}}, "2.6"),
                             (400, "Unavailable console type rdp."))
            self.assertEqual(fault(remote, {"remote_console": {"protocol": "vnc", "type": "serial"}}, "2.6"),
                             (400, "Invalid console type serial"))
            self.assertEqual(fault(remote, {"remote_console": {"protocol": "mks", "type": "webmks"}}, "2.8"),
                             (400, "Unavailable console type webmks."))
            self.assertEqual(fault(f"/servers/{'0' * 8}-0000-4000-8000-{'0' * 12}/action",
                                   {"os-getVNCConsole": {"type": "novnc"}})[0], 404)
            viewer = token_of(gw, "viewer")
            self.assertEqual(fault(action, {"os-getVNCConsole": {"type": "novnc"}}, token=viewer),
                             (403, "Policy doesn't allow os_compute_api:os-remote-consoles to be performed."))
            alt = token_of(gw, "alt")
            self.assertEqual(fault(remote, {"remote_console": {"protocol": "vnc", "type": "novnc"}}, "2.6", alt)[0],
                             404)

            # No guest running, no VNC server: 409 in Nova's words.
            openstack(gw, "server", "stop", server, check=True)
            for _ in range(100):
                if openstack_json(gw, "server", "show", server)["status"] == "SHUTOFF":
                    break
            self.assertEqual(fault(action, {"os-getVNCConsole": {"type": "novnc"}}),
                             (409, f"Cannot 'get_vnc_console' instance {server} while it is in vm_state stopped"))
            openstack(gw, "server", "shelve", server, check=True)
            for _ in range(100):
                if openstack_json(gw, "server", "show", server)["status"] == "SHELVED_OFFLOADED":
                    break
            self.assertEqual(fault(remote, {"remote_console": {"protocol": "vnc", "type": "novnc"}}, "2.6"),
                             (409, f"Instance {server} is not ready"))

            # Each call is in the action journal, under its operation.
            status, journal = gw.control("GET", f"/_gateway/journal?server={server}")
            operations = {e["operation"] for e in journal["entries"]}
            self.assertIn("os-getVNCConsole", operations)
            self.assertIn("remote-consoles", operations)

    def test_console_auth_tokens_admin_only_from_2_31(self):
        with Gateway() as gw:
            server = create(gw, "vm")["id"]
            token = token_in(console_url(gw, "vm"))
            admin = token_of(gw, "admin")
            status, body = nova(gw, admin, "GET", f"/os-console-auth-tokens/{token}", version="2.31")
            self.assertEqual(status, 200)
            self.assertEqual(body, {"console": {"instance_uuid": server, "host": "gateway-host", "port": 5900,
                                                "internal_access_path": None}})
            self.assertEqual(nova(gw, admin, "GET", f"/os-console-auth-tokens/{token}", version="2.30")[0], 400)
            status, body = nova(gw, token_of(gw, "demo"), "GET", f"/os-console-auth-tokens/{token}", version="2.31")
            self.assertEqual(status, 403)
            self.assertEqual(nova(gw, admin, "GET", "/os-console-auth-tokens/nope", version="2.31")[0], 404)


class TempestClients(unittest.TestCase):
    """tempest.lib's ServersClient checks each answer against Nova's schema for
    its microversion; tempest's own WebSocket client (test_novnc's) opens the URL."""

    def tearDown(self):
        from tempest.lib.services.compute import base_compute_client
        base_compute_client.COMPUTE_MICROVERSION = None

    def test_the_console_at_each_microversion_through_tempests_clients(self):
        from tempest.common import compute as tempest_compute
        from tempest.lib import auth
        from tempest.lib.services.compute import base_compute_client, servers_client

        with Gateway() as gw:
            server = create(gw, "tempest-vm")["id"]
            for version in ["2.1", "2.5", "2.6", "2.8", "2.31", "2.79"]:
                with self.subTest(microversion=version):
                    base_compute_client.COMPUTE_MICROVERSION = version
                    creds = auth.KeystoneV3Credentials(username="demo", password="demo", project_name="demo",
                                                       user_domain_name="Default", project_domain_name="Default")
                    provider = auth.KeystoneV3AuthProvider(creds, gw.url + "/identity/v3")
                    client = servers_client.ServersClient(provider, "compute", "RegionOne")
                    if version in ("2.1", "2.5"):
                        body = client.get_vnc_console(server, type="novnc")["console"]
                    else:
                        body = client.get_remote_console(server, console_type="novnc",
                                                         protocol="vnc")["remote_console"]
                    self.assertEqual(body["type"], "novnc")
                    ws = tempest_compute.create_websocket(body["url"])
                    try:
                        self.assertTrue(ws.response.startswith(b"HTTP/1.1 101 Switching Protocols"))
                        self.assertEqual(ws.receive_frame(), b"RFB 003.008\n")
                    finally:
                        ws.close()


class ProxyAndState(unittest.TestCase):
    def test_a_token_survives_a_restart_with_state(self):
        state_dir = tempfile.mkdtemp(prefix="gateway-consoles-")
        try:
            state = os.path.join(state_dir, "state.db")
            with Gateway(["--state", state]) as gw:
                create(gw, "kept-vm")
                token = token_in(console_url(gw, "kept-vm"))
            with Gateway(["--state", state]) as gw:
                # The proxy listens on a new free port: the token is the same one.
                url = console_url(gw, "kept-vm")
                parts = urllib.parse.urlparse(url)
                status, _, body = http_get(f"http://{parts.netloc}/log?token={token}")
                self.assertEqual(status, 200)
                self.assertEqual(json.loads(body)["server"]["name"], "kept-vm")
            # Only its SHA-256 is in the file.
            import sqlite3
            with sqlite3.connect(state) as db:
                keys = [k for (k,) in db.execute("SELECT key FROM documents WHERE kind = 'nova-console-token'")]
                blob = b"".join(v.encode() if isinstance(v, str) else v for (v,) in db.execute(
                    "SELECT value FROM documents"))
            self.assertGreaterEqual(len(keys), 2)
            self.assertTrue(all(len(k) == 64 for k in keys))
            self.assertNotIn(token.encode(), blob)
            self.assertNotIn(token, "".join(keys))
        finally:
            shutil.rmtree(state_dir, ignore_errors=True)

    def test_console_port_off_makes_consoles_unavailable(self):
        with Gateway(["--console-port", "off"]) as gw:
            create(gw, "vm")
            r = openstack(gw, "console", "url", "show", "--novnc", "vm")
            self.assertNotEqual(r.returncode, 0)
            self.assertIn("Unavailable console type novnc.", r.stderr)
            self.assertEqual(gw.control("GET", "/_gateway/consoles"),
                             (200, {"url": None, "connections": 0, "refused": 0, "sessions": 0, "open": 0}))

    def test_a_console_port_taken_is_named_at_start(self):
        with socket.socket() as taken:
            taken.bind(("127.0.0.1", 0))
            taken.listen()
            port = taken.getsockname()[1]
            r = subprocess.run([os.environ["GATEWAY_BIN"], "--listen", "127.0.0.1:0", "--console-port", str(port)],
                               capture_output=True, text=True, timeout=10)
        self.assertEqual(r.returncode, 1)
        self.assertIn(f"the console proxy cannot listen on 127.0.0.1:{port}", r.stderr)


class OverHttps(unittest.TestCase):
    def test_an_https_gateway_gives_https_consoles(self):
        ca_dir = tempfile.mkdtemp(prefix="gateway-console-ca-")
        try:
            subprocess.run([os.path.join(REPO_ROOT, "tests", "harness", "make_test_ca.sh"), ca_dir], check=True,
                           capture_output=True)
            ca = os.path.join(ca_dir, "ca.pem")
            args = ["--tls-cert", os.path.join(ca_dir, "server.pem"), "--tls-key", os.path.join(ca_dir, "server.key")]
            with Gateway(args, cafile=ca) as gw:
                demo = token_of_https(gw, ca)
                status, body = nova(gw, demo, "POST", "/servers", {
                    "server": {"name": "tls-vm", "imageRef": "0b1c3f0e-5a6d-4e2f-9a70-1c2d3e4f5a61", "flavorRef": "1"}})
                self.assertEqual(status, 202)
                server = body["server"]["id"]
                status, body = nova(gw, demo, "POST", f"/servers/{server}/action", {"os-getVNCConsole": {"type": "novnc"}})
                self.assertEqual(status, 200)
                url = body["console"]["url"]
                self.assertTrue(url.startswith("https://127.0.0.1:"), url)
                context = ssl.create_default_context(cafile=ca)
                status, _, page = http_get(url, context)
                self.assertEqual(status, 200)
                self.assertIn("noVNC", page)
                vnc = VncClient(url, context)
                self.assertTrue(vnc.response.startswith("HTTP/1.1 101 "))
                self.assertEqual(vnc.handshake()[2], "tls-vm")
                vnc.close()
                # A client that does not trust the CA is refused.
                with self.assertRaises(urllib.error.URLError):
                    urllib.request.urlopen(url, timeout=10, context=ssl.create_default_context())
        finally:
            shutil.rmtree(ca_dir, ignore_errors=True)


def token_of_https(gw, ca):
    body = {"auth": {"identity": {"methods": ["password"], "password": {"user": {
        "name": "demo", "password": "demo", "domain": {"name": "Default"}}}},
        "scope": {"project": {"name": "demo", "domain": {"name": "Default"}}}}}
    req = urllib.request.Request(gw.url + "/identity/v3/auth/tokens", data=json.dumps(body).encode(),
                                 headers={"Content-Type": "application/json"}, method="POST")
    with urllib.request.urlopen(req, timeout=10, context=ssl.create_default_context(cafile=ca)) as r:
        return r.headers["X-Subject-Token"]


if __name__ == "__main__":
    unittest.main()
