#!/usr/bin/python3
"""Durable state (issue 11), measured in one run:

  A. stop/start throughput with --state on a file against the same gateway in
     memory (wrk -t2 -c32, 1000 servers, Transfer and Nova, rounds alternating
     which goes first). Target: at least 0.7x.
  B. restart: a state file grown by CreateServer to each size (every create
     is a journal entry, --journal-max 1000000), the gateway stopped and
     started again on it: time to the first health answer, and resident memory
     per server (journal included). Targets: 100k under 1 s, 1M under 5 s.
  C. the journal at each size: a page of 100 and a count, filtered by server
     and by operation (client-side medians, with the health call as the floor).
     Target: flat, under 2 ms.

    bench/durable.py GATEWAY --out DIR [--seconds 5] [--repeat 3] [--sizes 100000,1000000]

Prints "BENCH {json}" lines (one per measurement) and a summary.
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from scale import Client, create, keystone_token, rss_kib, timed  # noqa: E402

BENCH = os.path.dirname(os.path.abspath(__file__))
FLEET = 1000


def log(msg):
    print(msg, flush=True)


def fleet_file(out, n):
    path = os.path.join(out, f"durable-fleet-{n}.json")
    with open(path, "w") as f:
        f.write('{"servers": [\n')
        f.write(",\n".join(
            f'{{"name": "b{i}", "project": "demo", "state": "running", '
            f'"id": "00000000-0000-4000-8000-{i:012x}", "server_id": "s-{i:017x}"}}' for i in range(1, n + 1)))
        f.write("\n]}\n")
    return path


class Gateway:
    def __init__(self, binary, *flags):
        t0 = time.perf_counter()
        self.proc = subprocess.Popen([binary, "--listen", "127.0.0.1:0", "--access-log", "off", *flags],
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline()
        if "http://" not in line:
            raise RuntimeError(f"gateway did not start: {line!r} {self.proc.stderr.read()}")
        self.url = line[line.index("http://"):].strip()
        while True:  # the first health answer: the port accepts work
            try:
                with urllib.request.urlopen(self.url + "/_gateway/health", timeout=5) as r:
                    if r.status == 200:
                        break
            except OSError:
                time.sleep(0.001)
        self.startup_s = time.perf_counter() - t0
        self.port = int(self.url.rsplit(":", 1)[1])

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=120)


def wrk(url, script, seconds, token=""):
    r = subprocess.run(["wrk", "-t2", "-c32", f"-d{seconds}s", "--latency", "-s", os.path.join(BENCH, script), url,
                        "--", str(FLEET), "2"], capture_output=True, text=True,
                       env=dict(os.environ, BENCH_DIR=BENCH, TOKEN=token))
    line = next((l for l in r.stdout.splitlines() if l.startswith("BENCH ")), None)
    if line is None:
        raise RuntimeError(f"wrk gave no result: {r.stdout} {r.stderr}")
    return json.loads(line[6:])


def throughput(a):
    """A: the same gateway in memory and with --state, back to back."""
    fleet = fleet_file(a.out, FLEET)
    out = {}
    for api, script in [("transfer", "transfer_stop_start.lua"), ("nova", "nova_stop_start.lua")]:
        runs = []
        for rep in range(a.repeat):
            one = {}
            for mode in (["memory", "durable"] if rep % 2 == 0 else ["durable", "memory"]):
                state = os.path.join(a.out, "durable-bench.db")
                for suffix in ("", "-wal", "-shm"):
                    if os.path.exists(state + suffix):
                        os.unlink(state + suffix)
                flags = ["--fleet", fleet] + (["--state", state] + a.state_args if mode == "durable" else [])
                gw = Gateway(a.gateway, *flags)
                try:
                    token = keystone_token(Client(gw.port)) if api == "nova" else ""
                    one[mode] = wrk(gw.url, script, a.seconds, token)
                finally:
                    gw.stop()
            one["ratio"] = one["durable"]["rps"] / one["memory"]["rps"]
            runs.append(one)
        ratio = statistics.median(r["ratio"] for r in runs)
        rps = {m: statistics.median(r[m]["rps"] for r in runs) for m in ("memory", "durable")}
        p99 = {m: statistics.median(r[m]["p99_us"] for r in runs) for m in ("memory", "durable")}
        errors = sum(r[m]["non2xx"] + r[m]["socket_errors"] for r in runs for m in ("memory", "durable"))
        out[api] = {"runs": runs, "ratio_median": ratio, "rps": rps, "p99_us": p99, "errors": errors}
        print("BENCH " + json.dumps({"throughput": api, **out[api]}), flush=True)
        log(f"  A {api:<8} durable {rps['durable']:8.0f} req/s vs memory {rps['memory']:8.0f} req/s: "
            f"ratio {ratio:.2f} (rounds " + ", ".join(f"{r['ratio']:.2f}" for r in runs) +
            f"), p99 {p99['durable']:.0f} vs {p99['memory']:.0f} us, errors {errors}; target >= 0.7 "
            f"{'met' if ratio >= 0.7 else 'MISSED'}")
    return out


def journal_timings(c, server, samples):
    """C: a page and a count, by server and by operation; the health call is the client's floor."""
    q = "/_gateway/journal"
    return {
        "health": timed(lambda: c.call("GET", "/_gateway/health"), samples),
        "page_by_server": timed(lambda: c.call("GET", f"{q}?server={server}&limit=100"), samples),
        "page_by_operation": timed(lambda: c.call("GET", f"{q}?operation=CreateServer&limit=100"), samples),
        "page_by_operation_late": timed(lambda: c.call("GET", f"{q}?operation=CreateServer&since={c.late}&limit=100"),
                                        samples),
        "count_by_server": timed(lambda: c.call("GET", f"{q}?server={server}&count=true"), samples),
        "count_by_operation": timed(lambda: c.call("GET", f"{q}?operation=CreateServer&count=true"), samples),
    }


def restart_and_journal(a):
    """B and C: grow one state file, restarting on it at each size."""
    state = os.path.join(a.out, "durable-scale.db")
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(state + suffix):
            os.unlink(state + suffix)
    empty = fleet_file(a.out, 0)
    flags = ["--state", state, "--journal-max", "1000000"] + a.state_args
    baseline = Gateway(a.gateway, "--fleet", empty)
    time.sleep(0.2)
    rss0 = rss_kib(baseline.proc.pid)
    baseline.stop()
    rows, have = [], 0
    gw = Gateway(a.gateway, "--fleet", empty, *flags)
    try:
        for size in a.sizes:
            w = create(gw.url, size - have)
            have += w["requests"] - w["non2xx"]
            create_rate = (w["requests"] - w["non2xx"]) / w["seconds"]
            gw.stop()
            gw = Gateway(a.gateway, *flags)  # the restart: everything comes from the file
            time.sleep(0.2)
            rss = rss_kib(gw.proc.pid)
            c = Client(gw.port)
            status, data, _, _ = c.call("GET", "/_gateway/journal?count=true")
            entries = json.loads(data)["count"]
            c.late = max(0, entries - 150)
            first = json.loads(c.call("GET", "/_gateway/journal?limit=1")[1])["entries"][0]
            server = first["server"]["server_id"]
            row = {"servers": have, "journal_entries": entries, "restart_s": round(gw.startup_s, 3),
                   "rss_kib": rss, "bytes_per_server": round((rss - rss0) * 1024 / max(have, 1)),
                   "create_per_s": round(create_rate), "create_p99_us": w["p99_us"],
                   "state_file_mib": round(os.path.getsize(state) / 2**20, 1),
                   "journal": journal_timings(c, server, a.samples)}
            rows.append(row)
            print("BENCH " + json.dumps({"restart": row}), flush=True)
            j = row["journal"]
            target = 1.0 if have <= 100_000 else 5.0
            log(f"  B {have:>8} servers, {entries} journal entries: restart {row['restart_s']:.3f} s "
                f"(target < {target:.0f} s {'met' if row['restart_s'] < target else 'MISSED'}), "
                f"{row['bytes_per_server']} B/server, file {row['state_file_mib']} MiB, "
                f"created {row['create_per_s']}/s durably")
            log(f"  C {'':>8} journal p50 us: by server page {j['page_by_server']['p50_us']}, count "
                f"{j['count_by_server']['p50_us']}; by operation page {j['page_by_operation']['p50_us']} "
                f"(late {j['page_by_operation_late']['p50_us']}), count {j['count_by_operation']['p50_us']}; "
                f"health floor {j['health']['p50_us']}")
    finally:
        gw.stop()
    return rows


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("gateway")
    ap.add_argument("--out", required=True)
    ap.add_argument("--seconds", type=int, default=5)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--sizes", default="100000,1000000")
    ap.add_argument("--samples", type=int, default=30)
    ap.add_argument("--state-args", default="", help="more flags for the durable gateway, e.g. '--state-sync full'")
    ap.add_argument("--items", default="A,B")
    a = ap.parse_args()
    a.sizes = [int(s) for s in a.sizes.split(",")]
    a.state_args = a.state_args.split()
    os.makedirs(a.out, exist_ok=True)
    if not shutil.which("wrk"):
        sys.exit("bench/durable.py: wrk is not installed")
    result = {}
    if "A" in a.items:
        log(f"[durable A] stop/start throughput, --state vs memory, {a.repeat} rounds of {a.seconds} s")
        result["throughput"] = throughput(a)
    if "B" in a.items:
        log(f"[durable B, C] restart and journal at {a.sizes}")
        result["restart"] = restart_and_journal(a)
    print("RESULT " + json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
