#!/usr/bin/python3
"""Scale (issue 6, item 5): one fleet grown by CreateServer calls from 0 to
each size in turn; at each size, resident memory per server, the create
rate, a ListServers page, a Nova `GET /servers?limit=100` page and stop/start
latency.

    bench/scale.py GATEWAY [--sizes 1000,10000,100000,1000000] [--samples 50]

Creates go through wrk (bench/create_servers.lua, 2 threads, 32
connections); pages and stops are timed one at a time by this client on one
keep-alive connection (median and p90 of --samples calls, in microseconds,
client side, so they include ~100 us of this Python client: the `health`
column is the same client timing GET /_gateway/health, the floor).
Resident memory is VmRSS from /proc/PID/status; bytes per server is its
growth from the empty fleet divided by the servers created.
Prints one line per size: BENCH {json}.
"""
import argparse
import http.client
import json
import os
import signal
import statistics
import subprocess
import sys
import time

BENCH = os.path.dirname(os.path.abspath(__file__))
AUTH = ("AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/transfer/aws4_request, "
        "SignedHeaders=host;x-amz-date, Signature=0000")


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


class Client:
    def __init__(self, port):
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def call(self, method, path, body=None, headers=None):
        for attempt in range(3):
            try:
                t = time.perf_counter()
                self.conn.request(method, path, body=body, headers=headers or {})
                r = self.conn.getresponse()
                data = r.read()
                dt = time.perf_counter() - t
                if r.getheader("Connection", "").lower() == "close":
                    self.conn.close()
                return r.status, data, r.headers, dt
            except (http.client.HTTPException, OSError):
                self.conn.close()
                if attempt == 2:
                    raise

    def transfer(self, op, body):
        return self.call("POST", "/", json.dumps(body), {
            "X-Amz-Target": f"TransferService.{op}", "Content-Type": "application/x-amz-json-1.1",
            "X-Amz-Date": "20260101T000000Z", "Authorization": AUTH})


def timed(fn, samples):
    times = []
    for _ in range(samples):
        status, _, _, dt = fn()
        if status >= 300:
            raise RuntimeError(f"status {status}")
        times.append(dt * 1e6)
    times.sort()
    return {"p50_us": round(statistics.median(times)), "p90_us": round(times[int(len(times) * 0.9) - 1])}


def keystone_token(c):
    body = json.dumps({"auth": {"identity": {"methods": ["password"], "password": {"user": {
        "name": "demo", "domain": {"name": "Default"}, "password": "demo"}}},
        "scope": {"project": {"name": "demo", "domain": {"name": "Default"}}}}})
    status, _, headers, _ = c.call("POST", "/identity/v3/auth/tokens", body, {"Content-Type": "application/json"})
    return headers["X-Subject-Token"]


def create(url, count, threads=2):
    """CreateServer count times; wrk runs until every thread says it is done."""
    t0 = time.perf_counter()
    w = subprocess.Popen(["wrk", f"-t{threads}", "-c32", "-d3600s", "-s", os.path.join(BENCH, "create_servers.lua"),
                          url, "--", str(count), str(threads)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         text=True, env=dict(os.environ, BENCH_DIR=BENCH))
    done, result = 0, None
    for line in w.stdout:
        if line.startswith("THREAD-DONE"):
            done += 1
            if done == threads:
                elapsed = time.perf_counter() - t0
                w.send_signal(signal.SIGINT)
        elif line.startswith("BENCH "):
            result = json.loads(line[6:])
    w.wait()
    if result is None:
        raise RuntimeError(f"wrk gave no result: {w.stderr.read()}")
    result["seconds"] = elapsed  # wrk's own duration counts until the signal
    return result


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("gateway")
    ap.add_argument("--sizes", default="1000,10000,100000,1000000")
    ap.add_argument("--samples", type=int, default=50)
    a = ap.parse_args()
    sizes = [int(s) for s in a.sizes.split(",")]
    empty = os.path.join(os.environ.get("BENCH_OUT", "/tmp"), "bench-fleet-empty.json")
    with open(empty, "w") as f:
        f.write('{"servers": []}\n')
    proc = subprocess.Popen([a.gateway, "--listen", "127.0.0.1:0", "--fleet", empty],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        line = proc.stdout.readline()
        url = line[line.index("http://"):].strip()
        port = int(url.rsplit(":", 1)[1])
        c = Client(port)
        token = keystone_token(c)
        time.sleep(0.2)
        rss0 = rss_kib(proc.pid)
        print("BENCH " + json.dumps({"servers": 0, "rss_kib": rss0}), flush=True)
        have = 0
        for size in sizes:
            w = create(url, size - have)
            created = w["requests"] - w["non2xx"]
            have += created
            rss = rss_kib(proc.pid)
            row = {"servers": have, "rss_kib": rss,
                   "bytes_per_server": round((rss - rss0) * 1024 / have),
                   "create": {"count": created, "per_s": round(created / w["seconds"]),
                              "p99_us": w["p99_us"], "non2xx": w["non2xx"]}}
            row["health"] = timed(lambda: c.call("GET", "/_gateway/health"), a.samples)
            row["list_servers_100"] = timed(lambda: c.transfer("ListServers", {"MaxResults": 100}), a.samples)
            _, data, _, _ = c.transfer("ListServers", {"MaxResults": 100})
            page = json.loads(data)
            row["list_servers_100_page2"] = timed(
                lambda: c.transfer("ListServers", {"MaxResults": 100, "NextToken": page["NextToken"]}), a.samples)
            nova = {"X-Auth-Token": token}
            row["nova_servers_limit_100"] = timed(
                lambda: c.call("GET", "/compute/v2.1/servers?limit=100", headers=nova), a.samples)
            row["nova_detail_limit_100"] = timed(
                lambda: c.call("GET", "/compute/v2.1/servers/detail?limit=100", headers=nova), a.samples)
            ids = [s["ServerId"] for s in page["Servers"]]
            stops, starts = [], []
            for k in range(a.samples):
                sid = ids[k % len(ids)]
                stops.append(c.transfer("StopServer", {"ServerId": sid})[3] * 1e6)
                starts.append(c.transfer("StartServer", {"ServerId": sid})[3] * 1e6)
            row["stop_p50_us"] = round(statistics.median(stops))
            row["start_p50_us"] = round(statistics.median(starts))
            print("BENCH " + json.dumps(row), flush=True)
    finally:
        proc.terminate()
        proc.wait(timeout=60)


if __name__ == "__main__":
    main()
