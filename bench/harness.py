"""What bench/run's items share: the servers under test (started on
127.0.0.1:0, their start line read), wrk runs with the server's CPU time per
request, small HTTP helpers for the two APIs, and the result line format.
bench/run calls configure() with its flags before any item runs."""
import json
import os
import re
import shlex
import shutil
import signal
import socket
import ssl
import statistics
import subprocess
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCH = os.path.join(ROOT, "bench")
AUTH = ("AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/transfer/aws4_request, "
        "SignedHeaders=host;x-amz-date, Signature=0000")
FLEET = 1000          # servers the stop/start scripts sweep
WRK = ["-t2", "-c32"]  # the wrk settings

# Set by configure(): bench/run's parsed flags and its output directory.
args = None
OUT = None


def configure(parsed_args, out):
    global args, OUT
    args, OUT = parsed_args, out


def log(msg):
    print(msg, flush=True)


def sh(*cmd, **kw):
    return subprocess.run(cmd, check=True, **kw)


def build():
    """A release build in build-release/ and the bare responder; returns the two binaries."""
    out = os.path.join(ROOT, "build-release")
    if not os.path.exists(os.path.join(out, "build.ninja")):
        sh("meson", "setup", out, "--buildtype=release", cwd=ROOT, stdout=subprocess.DEVNULL)
    sh("ninja", "-C", out, stdout=subprocess.DEVNULL)
    gateway = os.path.join(out, "gateway", "lifecycle-gateway")
    bare = os.path.join(out, "bench", "bare-responder")  # once meson.build has subdir('bench')
    if not os.path.exists(bare):
        bare = os.path.join(out, "bench-bare-responder")
        source = os.path.join(BENCH, "bare_responder.cpp")
        if not os.path.exists(bare) or os.path.getmtime(bare) < os.path.getmtime(source):
            flags = subprocess.run(["pkg-config", "--cflags", "--libs", "cpp-httplib"], check=True,
                                   capture_output=True, text=True).stdout.split()
            sh("g++", "-O2", "-DNDEBUG", "-std=c++20", source, "-o", bare, *flags, "-pthread")
    return gateway, bare


def fleet_file(n):
    """n servers in project demo, running, with fixed ids the Lua scripts address."""
    path = os.path.join(OUT, f"bench-fleet-{n}.json")
    if not os.path.exists(path):
        tmp = path + ".tmp"
        with open(tmp, "w") as f:
            f.write('{"servers": [\n')
            f.write(",\n".join(
                f'{{"name": "b{i}", "project": "demo", "state": "running", '
                f'"id": "00000000-0000-4000-8000-{i:012x}", "server_id": "s-{i:017x}"}}' for i in range(1, n + 1)))
            f.write("\n]}\n")
        os.replace(tmp, path)
    return path


class Process:
    """A server on 127.0.0.1:0; its first stdout line names its URL."""

    def __init__(self, cmd, stderr=subprocess.DEVNULL, name=None):
        self.name = name or os.path.basename(cmd[0])
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=stderr, text=True)
        line = self.proc.stdout.readline()
        started = re.search(r"https?://\S+", line)
        if not started:
            self.proc.kill()
            raise RuntimeError(f"{self.name} did not start: {line!r} (exit {self.proc.wait()})")
        self.url = started.group(0)
        self.port = int(self.url.rsplit(":", 1)[1])
        self.pid = self.proc.pid

    def alive(self):
        return self.proc.poll() is None

    def stop(self):
        if self.proc.poll() is not None:
            raise RuntimeError(f"{self.name} died during the run (exit {self.proc.returncode})")
        self.proc.terminate()
        self.proc.wait(timeout=60)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=60)
        elif exc[0] is None:
            raise RuntimeError(f"{self.name} died during the run (exit {self.proc.returncode})")


def gateway(fleet, stderr=subprocess.DEVNULL, extra=()):
    return Process([args.gateway, "--listen", "127.0.0.1:0", "--fleet", fleet, *extra] + shlex.split(args.gateway_args),
                   stderr=stderr, name="gateway")


def bare(extra=()):
    return Process([args.bare, *extra] + shlex.split(args.bare_args), name="bare-responder")


def test_certificate():
    """A CA and a server certificate for 127.0.0.1, made once per run by the
    tests' own script (openssl); returns (cert, key)."""
    tls = os.path.join(OUT, "bench-tls")
    cert, key = os.path.join(tls, "server.pem"), os.path.join(tls, "server.key")
    if not os.path.exists(key):
        sh(os.path.join(ROOT, "tests", "harness", "make_test_ca.sh"), tls)
    return cert, key


def perf_works():
    if not shutil.which("perf"):
        return False
    r = subprocess.run(["perf", "stat", "-x,", "-e", "instructions:u", "true"], capture_output=True, text=True)
    return r.returncode == 0 and "not supported" not in r.stderr and "<not counted>" not in r.stderr


def cpu_ticks(pid):
    """User and system CPU time of a process (all its threads), in clock ticks."""
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return int(fields[11]), int(fields[12])


def wrk(url, script, extra=(), env=None, pid=None):
    """One wrk run; with pid, also the server's CPU time per request (user, system, from
    /proc/PID/stat) and, where perf has hardware counters, its instructions per request."""
    perf = None
    if pid and args.perf:
        perf_out = tempfile.NamedTemporaryFile(prefix="bench-perf-", suffix=".txt", delete=False).name
        perf = subprocess.Popen(["perf", "stat", "-x,", "-e", "instructions:u,instructions", "-p", str(pid),
                                 "-o", perf_out], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(0.05)
    cpu0 = cpu_ticks(pid) if pid else None
    r = subprocess.run(["wrk", *WRK, f"-d{args.seconds}s", "--latency", "-s", os.path.join(BENCH, script), url,
                        "--", *map(str, extra)],
                       capture_output=True, text=True, env=dict(os.environ, BENCH_DIR=BENCH, **(env or {})))
    line = next((l for l in r.stdout.splitlines() if l.startswith("BENCH ")), None)
    if line is None:
        raise RuntimeError(f"wrk gave no result: {r.stdout} {r.stderr}")
    res = json.loads(line[6:])
    if cpu0 and res["requests"]:
        user, system = (b - a for a, b in zip(cpu0, cpu_ticks(pid)))
        tick_us = 1e6 / os.sysconf("SC_CLK_TCK")
        res["cpu_user_us_per_req"] = round(user * tick_us / res["requests"], 2)
        res["cpu_sys_us_per_req"] = round(system * tick_us / res["requests"], 2)
    if perf:
        perf.send_signal(signal.SIGINT)
        perf.wait()
        counts = {}
        for row in open(perf_out):
            parts = row.strip().split(",")
            if len(parts) > 2 and parts[0].isdigit():
                counts[parts[2]] = int(parts[0])
        os.unlink(perf_out)
        if res["requests"] and "instructions:u" in counts:
            res["instr_user_per_req"] = round(counts["instructions:u"] / res["requests"])
            if "instructions" in counts:
                res["instr_all_per_req"] = round(counts["instructions"] / res["requests"])
    return res


def http(url, path, body=None, headers=None, method=None):
    req = urllib.request.Request(url + path, data=body.encode() if body is not None else None,
                                 headers=headers or {}, method=method)
    # Over HTTPS the benchmark's own set-up calls skip verification (like
    # wrk); the tests check certificates, the benchmark measures.
    context = ssl._create_unverified_context() if url.startswith("https://") else None
    with urllib.request.urlopen(req, timeout=30, context=context) as r:
        return r.status, r.headers, r.read()


def keystone_token(url):
    body = json.dumps({"auth": {"identity": {"methods": ["password"], "password": {"user": {
        "name": "demo", "domain": {"name": "Default"}, "password": "demo"}}},
        "scope": {"project": {"name": "demo", "domain": {"name": "Default"}}}}})
    _, headers, _ = http(url, "/identity/v3/auth/tokens", body, {"Content-Type": "application/json"})
    return headers["X-Subject-Token"]


def transfer(url, operation, body):
    _, _, data = http(url, "/", json.dumps(body), {
        "X-Amz-Target": f"TransferService.{operation}", "Content-Type": "application/x-amz-json-1.1",
        "X-Amz-Date": "20260101T000000Z", "Authorization": AUTH})
    return json.loads(data or b"{}")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def median_of(runs, key):
    values = [r[key] for r in runs if r.get(key) is not None]
    return statistics.median(values) if values else None


def row(name, got, ref, unit, target, ratio, ok):
    """One result line: the medians of the rounds and the median of the rounds' ratios (the figure judged)."""
    verdict = "" if ok is None else ("met" if ok else "MISSED")
    log(f"  {name:<38} {got:>11.1f} {unit:<5} ref {ref:>10.1f}  ratio {ratio:7.2f}  target {target:<9} {verdict}")


class Nginx:
    """Debian's nginx answering a fixed 200 on 127.0.0.1 (issue 25: the machine's HTTP
    ceiling): its own config and prefix in a temporary directory, never the system's
    nginx; one worker per core, keep-alive as the gateway keeps it, no access log."""

    CONFIG = """worker_processes auto;
pid {dir}/nginx.pid;
error_log {dir}/error.log error;
events {{ worker_connections 4096; }}
http {{
  access_log off;
  keepalive_requests 1000;
  client_body_temp_path {dir}/body;
  server {{
    listen 127.0.0.1:{port} reuseport;
    location / {{ return 200; }}
  }}
}}
"""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="bench-nginx-")
        self.port = free_port()
        conf = os.path.join(self.dir, "nginx.conf")
        with open(conf, "w") as f:
            f.write(self.CONFIG.format(dir=self.dir, port=self.port))
        self.proc = subprocess.Popen(["nginx", "-p", self.dir, "-c", conf, "-g", "daemon off;"],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.url = f"http://127.0.0.1:{self.port}"
        self.pid = None  # master and workers: no one pid's CPU to read
        for _ in range(100):
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                time.sleep(0.05)
        self.proc.kill()
        raise RuntimeError("nginx did not start")

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.proc.terminate()
        self.proc.wait(timeout=30)
        shutil.rmtree(self.dir, ignore_errors=True)


def nginx_available():
    return shutil.which("nginx") is not None
