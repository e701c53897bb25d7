"""Exposure (GATEWAY.md): off loopback, the control plane is never open by
accident. Without --control-token a non-loopback --listen gets a random token,
printed once on stderr with the dashboard URL that carries it, and required;
--control-token none opens it on purpose; loopback stays open by default."""
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import unittest
import urllib.error
import urllib.request

from gateway import REPO_ROOT

BIN = os.environ["GATEWAY_BIN"]
NOTICE = "is not loopback and no --control-token was given"


class Launched:
    """The gateway on PORT 0 of HOST; its start line read, stderr kept for the end."""

    def __init__(self, *args, host="0.0.0.0"):
        self.proc = subprocess.Popen([BIN, "--listen", f"{host}:0", *args], stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline()
        started = re.search(r"(https?)://\S+:(\d+)$", line.strip())
        if not started:
            self.proc.kill()
            raise RuntimeError(f"gateway did not start: {line!r} {self.proc.stderr.read()}")
        self.scheme, self.port = started.group(1), int(started.group(2))
        self.base = f"http://127.0.0.1:{self.port}"
        self.stderr = None

    def notice(self):
        """The four lines printed before the start line, when a token was generated."""
        return "".join(self.proc.stderr.readline() for _ in range(4))

    def get(self, path, headers=None):
        req = urllib.request.Request(self.base + path, headers=headers or {})
        try:
            with urllib.request.urlopen(req, timeout=10) as r:
                return r.status, r.headers, r.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, e.headers, e.read().decode()

    def stop(self):
        """SIGTERM; the rest of stderr. A gateway that does not exit is killed, and the test fails."""
        self.proc.send_signal(signal.SIGTERM)
        try:
            _, rest = self.proc.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise AssertionError("the gateway did not exit on SIGTERM")
        self.stderr = rest
        assert self.proc.returncode == 0, self.proc.returncode
        return rest

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


class GeneratedToken(unittest.TestCase):
    def test_printed_once_with_the_dashboard_url_and_required(self):
        with Launched("--access-log", "on") as gw:
            notice = gw.notice()
            self.assertIn(f"--listen 0.0.0.0 {NOTICE}", notice)
            token = re.search(r"control token: ([0-9a-f]+)\n", notice).group(1)
            self.assertEqual(len(token), 32)
            dashboard = re.search(r"dashboard: (\S+)\n", notice).group(1)
            # A wildcard address is shown as the machine's name, which a browser can reach.
            self.assertEqual(dashboard, f"http://{socket.gethostname()}:{gw.port}/_gateway/ui/?token={token}")

            for path in ["/_gateway/health", "/_gateway/servers", "/metrics", "/_gateway/ui/"]:
                status, headers, body = gw.get(path)
                self.assertEqual(status, 401, path)
                self.assertEqual(headers["WWW-Authenticate"], "Bearer")
                self.assertIn("control token", body)
            self.assertEqual(gw.get("/_gateway/health", {"Authorization": "Bearer " + "0" * 32})[0], 401)
            self.assertEqual(gw.get("/_gateway/health", {"Authorization": "Bearer " + token[:-1]})[0], 401)
            self.assertEqual(gw.get("/_gateway/health?token=" + token.upper())[0], 401)
            self.assertEqual(gw.get("/_gateway/health", {"Authorization": "Bearer " + token})[:1], (200,))
            self.assertEqual(gw.get("/_gateway/servers?token=" + token)[0], 200)
            # The URL printed opens the page (its own requests carry ?token=).
            status, headers, body = gw.get(dashboard[dashboard.index("/_gateway"):])
            self.assertEqual(status, 200)
            self.assertIn("text/html", headers["Content-Type"])
            # The APIs are not the control plane: their own auth applies, no token.
            self.assertEqual(gw.get("/identity/v3")[0], 200)
            rest = gw.stop()
        # Shown once, and never again: the access log writes paths without their query.
        everything = notice + rest
        self.assertEqual(everything.count(token), 2)  # the token line and the dashboard URL
        self.assertIn("GET /_gateway/servers 200", rest)

    def test_every_run_gets_its_own(self):
        tokens = []
        for _ in range(2):
            with Launched("--access-log", "off") as gw:
                tokens.append(re.search(r"control token: ([0-9a-f]+)", gw.notice()).group(1))
                gw.stop()
        self.assertNotEqual(tokens[0], tokens[1])

    def test_over_https_the_dashboard_url_says_https(self):
        ca = tempfile.mkdtemp(prefix="gateway-exposure-ca-")
        try:
            subprocess.run([os.path.join(REPO_ROOT, "tests", "harness", "make_test_ca.sh"), ca], check=True)
            with Launched("--tls-cert", os.path.join(ca, "server.pem"), "--tls-key", os.path.join(ca, "server.key"),
                          "--access-log", "off") as gw:
                self.assertEqual(gw.scheme, "https")
                self.assertRegex(gw.notice(), rf"dashboard: https://\S+:{gw.port}/_gateway/ui/\?token=[0-9a-f]{{32}}\n")
                gw.stop()
        finally:
            shutil.rmtree(ca, ignore_errors=True)


class ExplicitChoices(unittest.TestCase):
    def test_control_token_none_opens_it_off_loopback(self):
        with Launched("--control-token", "none") as gw:
            self.assertEqual(gw.get("/_gateway/health")[0], 200)
            self.assertEqual(gw.get("/metrics")[0], 200)
            rest = gw.stop()
        self.assertNotIn(NOTICE, rest)
        self.assertNotIn("control token:", rest)

    def test_a_given_token_is_required_and_not_printed(self):
        with Launched("--control-token", "team-s3cret") as gw:
            self.assertEqual(gw.get("/_gateway/health")[0], 401)
            self.assertEqual(gw.get("/_gateway/health", {"Authorization": "Bearer team-s3cret"})[0], 200)
            rest = gw.stop()
        self.assertNotIn(NOTICE, rest)
        self.assertNotIn("team-s3cret", rest)

    def test_loopback_stays_open_by_default(self):
        with Launched(host="127.0.0.1") as gw:
            self.assertEqual(gw.get("/_gateway/health")[0], 200)
            rest = gw.stop()
        self.assertNotIn(NOTICE, rest)


if __name__ == "__main__":
    unittest.main()
