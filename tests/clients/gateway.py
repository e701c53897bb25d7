"""Start a lifecycle-gateway process on 127.0.0.1:0 for a client test.

    with Gateway(["--fleet", fleet_path]) as gw:
        gw.url            # http://127.0.0.1:PORT (https:// with --tls-cert; pass cafile=)
        gw.control(...)   # helper for /_gateway calls

The binary comes from $GATEWAY_BIN (set by meson). The gateway prints one line
with its URL on start; we read it, then wait for /_gateway/health.
"""
import json
import os
import re
import ssl
import subprocess
import sys
import threading
import time
import urllib.request

REPO_ROOT = os.environ.get("REPO_ROOT", os.path.join(os.path.dirname(__file__), "..", ".."))
BUILD_ROOT = os.environ.get("BUILD_ROOT", os.path.join(REPO_ROOT, "build"))
EXAMPLE_FLEET = os.path.join(REPO_ROOT, "examples", "fleet.json")


class Gateway:
    def __init__(self, args=None, env=None, control_token=None, cafile=None):
        self.args = list(args or [])
        # Over HTTPS the helper's own calls trust the test's CA, as a client given it would.
        self.ssl_context = ssl.create_default_context(cafile=cafile) if cafile else None
        self.control_headers = {"Authorization": f"Bearer {control_token}"} if control_token else {}
        self.env = env
        self.proc = None
        self.url = None
        self.log_lines = []

    def __enter__(self):
        binary = os.environ.get("GATEWAY_BIN", os.path.join(BUILD_ROOT, "gateway", "lifecycle-gateway"))
        cmd = [binary, "--listen", "127.0.0.1:0"] + self.args
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     text=True, env=self.env)
        line = self.proc.stdout.readline()
        started = re.search(r"https?://\S+", line)
        if not started:
            err = self.proc.stderr.read()
            raise RuntimeError(f"gateway did not start: {line!r} {err}")
        self.url = started.group(0)
        # Drain stderr (the access log) so the pipe never fills.
        threading.Thread(target=self._drain, daemon=True).start()
        deadline = time.time() + 10
        while True:
            try:
                health = urllib.request.Request(self.url + "/_gateway/health", headers=self.control_headers)
                with urllib.request.urlopen(health, timeout=2, context=self.ssl_context) as r:
                    if r.status == 200:
                        break
            except OSError:
                if time.time() > deadline:
                    raise
                time.sleep(0.02)
        return self

    def _drain(self):
        for line in self.proc.stderr:
            self.log_lines.append(line)

    def kill(self):
        """SIGKILL, as a crash: nothing is flushed, nothing is drained."""
        self.proc.kill()
        self.proc.wait(timeout=20)

    def stderr_text(self):
        return "".join(self.log_lines)

    def wait_for_stderr(self, text, timeout=10):
        """What the gateway wrote to stderr once it holds `text`: the gateway writes
        it before its URL, but a thread of ours reads stderr, so it may lag."""
        deadline = time.monotonic() + timeout
        while text not in self.stderr_text() and time.monotonic() < deadline:
            time.sleep(0.01)
        return self.stderr_text()

    def __exit__(self, *exc):
        if self.proc.poll() is not None:  # killed on purpose (or crashed: the caller's test says)
            return False
        self.proc.terminate()
        try:
            code = self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            raise RuntimeError("gateway did not exit on SIGTERM")
        if code != 0 and exc[0] is None:
            sys.stderr.write("".join(self.log_lines[-50:]))
            raise RuntimeError(f"gateway exited {code}")
        return False

    @property
    def port(self):
        return int(self.url.rsplit(":", 1)[1])

    def control(self, method, path, body=None, headers=None):
        """Calls the control plane; returns (status, parsed JSON or text)."""
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.url + path, data=data, method=method,
                                     headers=dict(self.control_headers, **(headers or {}),
                                                  **({"Content-Type": "application/json"} if data else {})))
        try:
            with urllib.request.urlopen(req, timeout=10, context=self.ssl_context) as r:
                raw = r.read().decode()
                status = r.status
        except urllib.error.HTTPError as e:
            raw = e.read().decode()
            status = e.code
        try:
            return status, json.loads(raw)
        except ValueError:
            return status, raw
