"""HTTPS on the one port (--tls-cert, --tls-key): the AWS CLI (--ca-bundle),
boto3 (verify=), the openstack CLI (--os-cacert) and the control plane, each
trusting a CA made here by the openssl command; clients that do not trust it
are refused; Keystone's catalog says https://; bad files never start."""
import http.client
import json
import os
import shutil
import signal
import ssl
import subprocess
import tempfile
import time
import unittest
import urllib.request

import botocore.exceptions

from clients import aws, openstack, openstack_json, transfer
from gateway import EXAMPLE_FLEET, REPO_ROOT, Gateway

BIN = os.environ["GATEWAY_BIN"]
WEB1 = "6f1c2a3e-0b4d-4c5e-8f60-7a8b9c0d1e01"
WEB1_TRANSFER = "s-0123456789abcde01"
CA_DIR = tempfile.mkdtemp(prefix="gateway-test-ca-")
CA = os.path.join(CA_DIR, "ca.pem")
CERT = os.path.join(CA_DIR, "server.pem")
KEY = os.path.join(CA_DIR, "server.key")
OTHER_KEY = os.path.join(CA_DIR, "other.key")


def setUpModule():
    subprocess.run([os.path.join(REPO_ROOT, "tests", "harness", "make_test_ca.sh"), CA_DIR], check=True)


def tearDownModule():
    shutil.rmtree(CA_DIR, ignore_errors=True)


def https_gateway(*args):
    return Gateway(["--tls-cert", CERT, "--tls-key", KEY, *args], cafile=CA)


def start(*args):
    return subprocess.run([BIN, "--listen", "127.0.0.1:0", *args], capture_output=True, text=True, timeout=10)


class BadFiles(unittest.TestCase):
    def test_missing_file_is_named(self):
        r = start("--tls-cert", "/nonexistent/cert.pem", "--tls-key", KEY)
        self.assertEqual(r.returncode, 1)
        self.assertIn("--tls-cert /nonexistent/cert.pem: cannot read the file: No such file or directory", r.stderr)
        self.assertNotIn("listening", r.stdout)
        r = start("--tls-cert", CERT, "--tls-key", "/nonexistent/key.pem")
        self.assertEqual(r.returncode, 1)
        self.assertIn("--tls-key /nonexistent/key.pem: cannot read the file", r.stderr)

    def test_not_pem(self):
        with tempfile.NamedTemporaryFile("w", suffix=".pem") as junk:
            junk.write("not a certificate\n")
            junk.flush()
            r = start("--tls-cert", junk.name, "--tls-key", KEY)
            self.assertEqual(r.returncode, 1)
            self.assertIn(f"--tls-cert {junk.name}: no PEM certificate in the file", r.stderr)
            # A certificate where the key should be is no key.
            r = start("--tls-cert", CERT, "--tls-key", CERT)
            self.assertEqual(r.returncode, 1)
            self.assertIn(f"--tls-key {CERT}: no usable PEM private key in the file", r.stderr)

    def test_key_of_another_certificate(self):
        r = start("--tls-cert", CERT, "--tls-key", OTHER_KEY)
        self.assertEqual(r.returncode, 1)
        self.assertIn(f"--tls-key {OTHER_KEY} does not match the certificate in --tls-cert {CERT}", r.stderr)

    def test_encrypted_key_is_refused_without_asking_for_a_passphrase(self):
        encrypted = os.path.join(CA_DIR, "encrypted.key")
        subprocess.run(["openssl", "pkcs8", "-topk8", "-in", KEY, "-out", encrypted, "-passout", "pass:secret"],
                       check=True)
        r = subprocess.run([BIN, "--listen", "127.0.0.1:0", "--tls-cert", CERT, "--tls-key", encrypted],
                           capture_output=True, text=True, timeout=10, stdin=subprocess.DEVNULL)
        self.assertEqual(r.returncode, 1)
        self.assertIn("a key protected by a passphrase is not supported", r.stderr)

    def test_one_without_the_other_is_a_usage_error(self):
        r = start("--tls-cert", CERT)
        self.assertEqual(r.returncode, 2)
        self.assertIn("--tls-cert and --tls-key go together", r.stderr)


class ControlPlane(unittest.TestCase):
    def test_start_line_says_https_and_plain_http_is_refused(self):
        with https_gateway("--fleet", EXAMPLE_FLEET) as gw:
            self.assertRegex(gw.url, r"^https://127\.0\.0\.1:\d+$")
            status, body = gw.control("GET", "/_gateway/servers")
            self.assertEqual((status, len(body["servers"])), (200, 12))
            # Plain HTTP on the TLS port gets no answer.
            conn = http.client.HTTPConnection("127.0.0.1", gw.port, timeout=5)
            with self.assertRaises((http.client.RemoteDisconnected, ConnectionError)):
                conn.request("GET", "/_gateway/health")
                conn.getresponse()
            # A client that does not trust the CA refuses the certificate.
            with self.assertRaises(urllib.error.URLError) as refused:
                urllib.request.urlopen(gw.url + "/_gateway/health", timeout=5,
                                       context=ssl.create_default_context())
            self.assertIsInstance(refused.exception.reason, ssl.SSLCertVerificationError)

    def test_idle_keep_alive_connection_does_not_hold_the_exit(self):
        with https_gateway() as gw:
            conn = http.client.HTTPSConnection("127.0.0.1", gw.port, timeout=10,
                                               context=ssl.create_default_context(cafile=CA))
            conn.request("GET", "/_gateway/health")
            self.assertEqual(conn.getresponse().read(), b'{"status":"ok"}')
            t0 = time.time()
            gw.proc.send_signal(signal.SIGTERM)
            self.assertEqual(gw.proc.wait(timeout=20), 0)
            self.assertLess(time.time() - t0, 2.0)
            conn.close()


class AwsClients(unittest.TestCase):
    def test_aws_cli_with_ca_bundle(self):
        with https_gateway("--fleet", EXAMPLE_FLEET) as gw:
            r = aws(gw, "--ca-bundle", CA, "transfer", "stop-server", "--server-id", WEB1_TRANSFER)
            self.assertEqual((r.returncode, r.stdout, r.stderr), (0, "", ""))
            r = aws(gw, "--ca-bundle", CA, "transfer", "describe-server", "--server-id", WEB1_TRANSFER,
                    "--query", "Server.State", "--output", "text")
            self.assertEqual((r.returncode, r.stdout.strip()), (0, "OFFLINE"), r.stderr)
            r = aws(gw, "--ca-bundle", CA, "transfer", "start-server", "--server-id", WEB1_TRANSFER)
            self.assertEqual(r.returncode, 0, r.stderr)
            r = aws(gw, "--ca-bundle", CA, "transfer", "wait", "server-online", "--server-id", WEB1_TRANSFER)
            self.assertEqual(r.returncode, 0, r.stderr)
            # Without the CA the CLI refuses the certificate and sends nothing.
            r = aws(gw, "transfer", "stop-server", "--server-id", WEB1_TRANSFER)
            self.assertNotEqual(r.returncode, 0)
            self.assertIn("SSL validation failed", r.stderr)
            servers = {s["server_id"]: s for s in gw.control("GET", "/_gateway/servers")[1]["servers"]}
            self.assertEqual(servers[WEB1_TRANSFER]["state"], "running")

    def test_boto3_with_verify(self):
        with https_gateway("--fleet", EXAMPLE_FLEET) as gw:
            client = transfer(gw, verify=CA)
            client.stop_server(ServerId=WEB1_TRANSFER)
            self.assertEqual(client.describe_server(ServerId=WEB1_TRANSFER)["Server"]["State"], "OFFLINE")
            response = client.start_server(ServerId=WEB1_TRANSFER)
            self.assertEqual(response["ResponseMetadata"]["HTTPStatusCode"], 200)
            self.assertEqual(client.describe_server(ServerId=WEB1_TRANSFER)["Server"]["State"], "ONLINE")
            with self.assertRaises(botocore.exceptions.SSLError):
                transfer(gw).list_servers()


class OpenstackCli(unittest.TestCase):
    def test_openstack_cli_with_os_cacert(self):
        with https_gateway("--fleet", EXAMPLE_FLEET) as gw:
            # The CLI finds compute through the catalog: an http:// URL there
            # would send it, in plain text, to a port that speaks only TLS.
            servers = openstack_json(gw, "--os-cacert", CA, "server", "list")
            self.assertIn("web-1", [s["Name"] for s in servers])
            r = openstack(gw, "--os-cacert", CA, "server", "stop", "web-1")
            self.assertEqual(r.returncode, 0, r.stderr)
            shown = openstack_json(gw, "--os-cacert", CA, "server", "show", "web-1")
            self.assertEqual(shown["status"], "SHUTOFF")
            r = openstack(gw, "server", "list")
            self.assertNotEqual(r.returncode, 0)
            self.assertIn("CERTIFICATE_VERIFY_FAILED", r.stderr)

    def test_catalog_urls_say_https(self):
        with https_gateway() as gw:
            body = json.dumps({"auth": {"identity": {"methods": ["password"], "password": {"user": {
                "name": "demo", "domain": {"name": "Default"}, "password": "demo"}}},
                "scope": {"project": {"name": "demo", "domain": {"name": "Default"}}}}}).encode()
            req = urllib.request.Request(gw.url + "/identity/v3/auth/tokens", data=body,
                                         headers={"Content-Type": "application/json"})
            with urllib.request.urlopen(req, timeout=10, context=gw.ssl_context) as r:
                catalog = json.loads(r.read())["token"]["catalog"]
            urls = {entry["type"]: entry["endpoints"][0]["url"] for entry in catalog}
            self.assertEqual(urls, {"compute": f"{gw.url}/compute/v2.1", "image": f"{gw.url}/image",
                                    "network": f"{gw.url}/networking", "identity": f"{gw.url}/identity"})
            with urllib.request.urlopen(gw.url + "/identity/v3", timeout=10, context=gw.ssl_context) as r:
                self.assertEqual(json.loads(r.read())["version"]["links"][0]["href"], f"{gw.url}/identity/v3/")


if __name__ == "__main__":
    unittest.main()
