#!/usr/bin/python3
"""The soak (issue 15): millions of requests mixed over both APIs and the
control plane (bench/soak.lua) against one gateway holding a large fleet,
in wrk segments of SEGMENT seconds (wrk -t2 -c32), until REQUESTS are done.

Reports, from one run:
  - resident memory (VmRSS) after the first segment (the warm-up: the
    journal has filled to --journal-max and dropped its oldest many times
    over) and at the end, and the growth between them (target: under 2%);
  - errors: answers >= 400 and socket errors, over every segment (target: 0);
  - p99 of the first and the last segment (target: stable);
  - at the end, every server accounted for: each in the state its last
    write left it (RUNNING or STOPPED, per the mix's phase), read back
    through the control plane; then SIGTERM and a clean exit.

    bench/soak.py GATEWAY [--servers 100000] [--requests 10000000] [--segment 60]

Prints a table and "RESULT {json}".
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from types import SimpleNamespace

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

BENCH = os.path.dirname(os.path.abspath(__file__))
THREADS = 2


def log(msg):
    print(msg, flush=True)


def rss_kib(pid):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


class RssSampler(threading.Thread):
    """VmRSS once a second, for the peak and the curve."""

    def __init__(self, pid):
        super().__init__(daemon=True)
        self.pid, self.samples, self.running = pid, [], True

    def run(self):
        while self.running:
            try:
                self.samples.append((time.time(), rss_kib(self.pid)))
            except OSError:
                return
            time.sleep(1)


def segment(url, token, servers, seconds, positions):
    r = subprocess.run(["wrk", f"-t{THREADS}", "-c32", f"-d{seconds}s", "--latency", "-s",
                        os.path.join(BENCH, "soak.lua"), url, "--", str(servers), str(THREADS),
                        *map(str, positions)],
                       capture_output=True, text=True, env=dict(os.environ, BENCH_DIR=BENCH, TOKEN=token))
    result = next((l for l in r.stdout.splitlines() if l.startswith("BENCH ")), None)
    moved = next((l for l in r.stdout.splitlines() if l.startswith("SOAKPOS ")), None)
    if result is None or moved is None:
        raise RuntimeError(f"wrk gave no result: {r.stdout} {r.stderr}")
    return json.loads(result[6:]), [int(float(p)) for p in moved.split()[1:]]


def expected_state(position, servers, n):
    """The Nova status server n (1-based) should end in, from how far each thread got."""
    slice_ = servers // THREADS
    thread = (n - 1) // slice_
    if thread >= THREADS:
        return "ACTIVE"  # beyond the slices: never written
    pos = position[thread]
    writes = (pos + 1) // 2  # writes sent: the even positions below pos
    k = n - 1 - thread * slice_
    done_for_k = writes // slice_ + (1 if k < writes % slice_ else 0)
    if done_for_k == 0:
        return "ACTIVE"
    last_phase = (done_for_k - 1) % 4  # 0 StopServer, 1 os-start, 2 os-stop, 3 StartServer
    return "SHUTOFF" if last_phase in (0, 2) else "ACTIVE"


def check_states(url, token, servers, positions, sample):
    """Servers spread over the fleet, each in the state its last write left it."""
    wrong = []
    step = max(1, servers // sample)
    for n in range(1, servers + 1, step):
        req = urllib.request.Request(f"{url}/compute/v2.1/servers/00000000-0000-4000-8000-{n:012x}",
                                     headers={"X-Auth-Token": token})
        with urllib.request.urlopen(req, timeout=30) as r:
            status = json.load(r)["server"]["status"]
        want = expected_state(positions, servers, n)
        if status != want:
            wrong.append((n, status, want))
    return wrong


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("gateway")
    ap.add_argument("--servers", type=int, default=100_000)
    ap.add_argument("--requests", type=int, default=10_000_000)
    ap.add_argument("--segment", type=int, default=60, help="seconds per wrk run")
    ap.add_argument("--gateway-args", default="")
    ap.add_argument("--out", help="where the fleet file goes (default: a temporary directory)")
    a = ap.parse_args()
    out = a.out or tempfile.mkdtemp(prefix="soak-")
    os.makedirs(out, exist_ok=True)
    harness.configure(SimpleNamespace(gateway=a.gateway, gateway_args=a.gateway_args), out)
    fleet = harness.fleet_file(a.servers)

    log(f"soak: {a.servers} servers, {a.requests} requests in {a.segment} s segments of wrk -t{THREADS} -c32, "
        f"load {os.getloadavg()[0]:.1f}")
    segments = []
    gw = harness.gateway(fleet)
    try:
        token = harness.keystone_token(gw.url)
        sampler = RssSampler(gw.pid)
        sampler.start()
        positions = [0] * THREADS
        total, t0 = 0, time.time()
        while total < a.requests:
            res, positions = segment(gw.url, token, a.servers, a.segment, positions)
            res["rss_kib"] = rss_kib(gw.pid)
            res["load"] = round(os.getloadavg()[0], 1)
            total += res["requests"]
            segments.append(res)
            log(f"  segment {len(segments):>3}: {res['requests']:>9} requests, {res['rps']:>8.0f} req/s, "
                f"p50 {res['p50_us']:>6} us, p99 {res['p99_us']:>6} us, max {res['max_us']:>7} us, "
                f"errors {res['non2xx'] + res['socket_errors']}, RSS {res['rss_kib'] / 1024:.1f} MiB, "
                f"load {res['load']}")
        elapsed = time.time() - t0
        wrong = check_states(gw.url, token, a.servers, positions, sample=min(a.servers, 2000))
        sampler.running = False
        gw.proc.terminate()
        exit_code = gw.proc.wait(timeout=60)
    finally:
        if gw.proc.poll() is None:
            gw.proc.kill()

    warm, end = segments[0]["rss_kib"], segments[-1]["rss_kib"]
    peak = max(s for _, s in sampler.samples) if sampler.samples else end
    result = {
        "servers": a.servers, "requests": total, "seconds": round(elapsed, 1), "segments": len(segments),
        "segment_seconds": a.segment, "rps": round(total / elapsed),
        "errors": sum(s["non2xx"] + s["socket_errors"] for s in segments),
        "rss_after_warmup_kib": warm, "rss_end_kib": end, "rss_peak_kib": peak,
        "rss_growth_pct": round(100 * (end - warm) / warm, 2),
        "p99_first_us": segments[0]["p99_us"], "p99_last_us": segments[-1]["p99_us"],
        "states_checked": min(a.servers, 2000), "states_wrong": wrong[:10], "exit_code": exit_code,
        "per_segment": segments,
    }
    log(f"  {total} requests in {elapsed:.0f} s ({result['rps']} req/s), errors {result['errors']}")
    log(f"  RSS after warm-up {warm / 1024:.1f} MiB, at the end {end / 1024:.1f} MiB "
        f"(growth {result['rss_growth_pct']}%, target < 2%), peak {peak / 1024:.1f} MiB")
    log(f"  p99 first segment {result['p99_first_us']} us, last {result['p99_last_us']} us")
    log(f"  states: {len(wrong)} of {result['states_checked']} servers not where their last write left them; "
        f"exit code {exit_code}")
    print("RESULT " + json.dumps(result), flush=True)
    if result["errors"] or wrong or exit_code != 0:
        sys.exit("soak: errors, wrong states or an unclean exit (see above)")


if __name__ == "__main__":
    main()
