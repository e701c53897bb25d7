#!/usr/bin/env python3
"""Per-test overhead (issue 12): what one test pays for a cloud of its own.

  gateway: lifecycle_gateway.Gateway() (start on 127.0.0.1:0, read the URL,
           health), a boto3 Transfer client, one ListServers, stop (SIGTERM,
           wait for exit); "as the fixture": the same plus the strict check's
           journal read, as the pytest fixture does at teardown.
  moto:    `with mock_aws():` a boto3 Transfer client and one ListServers
           (moto serves it; it has no StopServer), then exit.

Both run in this one Python process with the same boto3, interleaved round
by round (the order alternating), after warm-up rounds; medians are reported.
moto is not a Debian package: run this with a Python that has it (bench/run
finds one, e.g. the pyenv python3 on PATH).

    bench/per_test.py [--gateway BIN] [--rounds 60] [--warmup 3] [--json FILE]

Prints a summary and one "RESULT {json}" line.
"""
import argparse
import json
import os
import statistics
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# bench/ itself off the path: its requests.py would shadow the requests package boto3 and moto use.
sys.path[:] = [os.path.join(ROOT, "python")] + [p for p in sys.path
                                                if os.path.abspath(p or ".") != os.path.join(ROOT, "bench")]
FLEET = os.path.join(ROOT, "examples", "fleet.json")

from lifecycle_gateway import Gateway  # noqa: E402


def gateway_test(binary, strict):
    """One test's worth; returns the total and its parts in ms."""
    t0 = time.perf_counter()
    gw = Gateway(binary=binary, fleet=FLEET, flags=["--access-log", "off"])
    t1 = time.perf_counter()
    client = gw.transfer_client()
    t2 = time.perf_counter()
    assert len(client.list_servers()["Servers"]) == 7
    t3 = time.perf_counter()
    if strict:
        assert gw.strict_violations() == []
    t4 = time.perf_counter()
    gw.stop()
    t5 = time.perf_counter()
    ms = lambda a, b: (b - a) * 1000  # noqa: E731
    return {"total": ms(t0, t5), "start_health": ms(t0, t1), "client": ms(t1, t2), "call": ms(t2, t3),
            "strict_check": ms(t3, t4), "stop": ms(t4, t5)}


def moto_test(mock_aws, boto3):
    t0 = time.perf_counter()
    with mock_aws():
        t1 = time.perf_counter()
        client = boto3.client("transfer", region_name="us-east-1")
        t2 = time.perf_counter()
        assert client.list_servers()["Servers"] == []
        t3 = time.perf_counter()
    t4 = time.perf_counter()
    ms = lambda a, b: (b - a) * 1000  # noqa: E731
    return {"total": ms(t0, t4), "enter": ms(t0, t1), "client": ms(t1, t2), "call": ms(t2, t3), "exit": ms(t3, t4)}


def medians(rows):
    return {k: round(statistics.median(r[k] for r in rows), 2) for k in rows[0]}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--gateway", help="the binary (default: the lookup of lifecycle_gateway)")
    ap.add_argument("--rounds", type=int, default=60)
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--json")
    args = ap.parse_args()
    try:
        import boto3
        import moto
        from moto import mock_aws
    except ImportError as e:
        sys.exit(f"bench/per_test.py: {sys.executable} lacks moto or boto3 ({e}); run it with a Python that has both")

    runs = {"gateway": [], "fixture": [], "moto": []}
    sides = [("gateway", lambda: gateway_test(args.gateway, False)),
             ("fixture", lambda: gateway_test(args.gateway, True)),
             ("moto", lambda: moto_test(mock_aws, boto3))]
    for i in range(args.warmup + args.rounds):
        order = sides if i % 2 == 0 else list(reversed(sides))
        for name, run in order:
            r = run()
            if i >= args.warmup:
                runs[name].append(r)
    g, f, m = medians(runs["gateway"]), medians(runs["fixture"]), medians(runs["moto"])
    ratios = [mo["total"] / ga["total"] for ga, mo in zip(runs["gateway"], runs["moto"])]
    result = {
        "python": sys.executable, "boto3": boto3.__version__, "moto": moto.__version__,
        "rounds": args.rounds, "warmup": args.warmup, "cores": os.cpu_count(), "load_before": os.getloadavg(),
        "gateway_ms": g, "fixture_ms": f, "moto_ms": m,
        "ratio_of_medians": round(m["total"] / g["total"], 2),
        "median_of_ratios": round(statistics.median(ratios), 2),
        "ratio_fixture": round(m["total"] / f["total"], 2),
        # The mean is what a suite pays per test (its total time over its tests).
        "gateway_mean_ms": round(statistics.mean(r["total"] for r in runs["gateway"]), 2),
        "fixture_mean_ms": round(statistics.mean(r["total"] for r in runs["fixture"]), 2),
        "moto_mean_ms": round(statistics.mean(r["total"] for r in runs["moto"]), 2),
        "moto_p90_ms": round(sorted(r["total"] for r in runs["moto"])[int(0.9 * (len(runs["moto"]) - 1))], 2),
        "gateway_p90_ms": round(sorted(r["total"] for r in runs["gateway"])[int(0.9 * (len(runs["gateway"]) - 1))], 2),
    }
    print(f"per-test overhead, medians of {args.rounds} interleaved rounds ({args.warmup} warm-up), "
          f"boto3 {boto3.__version__}, moto {moto.__version__}")
    print(f"  gateway  {g['total']:7.1f} ms  (start+health {g['start_health']:.1f}, client {g['client']:.1f}, "
          f"ListServers {g['call']:.1f}, stop {g['stop']:.1f})")
    print(f"  fixture  {f['total']:7.1f} ms  (the same + strict check {f['strict_check']:.1f})")
    print(f"  moto     {m['total']:7.1f} ms  (enter {m['enter']:.1f}, client {m['client']:.1f}, "
          f"ListServers {m['call']:.1f}, exit {m['exit']:.1f})")
    result["ratio_of_means"] = round(result["moto_mean_ms"] / result["gateway_mean_ms"], 2)
    print(f"  means (a suite's time per test): gateway {result['gateway_mean_ms']:.1f} ms, fixture "
          f"{result['fixture_mean_ms']:.1f} ms, moto {result['moto_mean_ms']:.1f} ms: {result['ratio_of_means']:.1f}x")
    print(f"  moto / gateway: {result['ratio_of_medians']:.1f}x (ratio of medians), "
          f"{result['median_of_ratios']:.1f}x (median of per-round ratios), fixture {result['ratio_fixture']:.1f}x; "
          f"target >= 5x: {'met' if result['median_of_ratios'] >= 5 else 'MISSED'}")
    print("RESULT " + json.dumps(result))
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"runs": runs, **result}, f, indent=1)


if __name__ == "__main__":
    main()
