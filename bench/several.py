#!/usr/bin/python3
"""Several gateways on one PostgreSQL (issue 24), measured in one run:

  A. stop/start throughput through haproxy (Debian's, round robin) over 1, 2
     and 3 gateways sharing one throwaway PostgreSQL cluster, against ONE
     gateway with --state on SQLite behind the same haproxy (the reference),
     and that SQLite gateway without haproxy (haproxy's own cost). wrk -t2
     -c32 with bench/transfer_stop_start.lua over 1000 servers; each round
     runs every configuration on fresh processes (a fresh database or file),
     rotating which goes first. Per configuration: req/s, p99, CPU per
     request of the gateways, haproxy and PostgreSQL, and PostgreSQL's
     statements (round trips) and transactions per request
     (pg_stat_statements, when PostgreSQL has it). No event stream is open.
  B. visibility on quiet gateways: StopServer/StartServer sent one at a time to gateway A
     until gateway B's event stream (GET /_gateway/events) shows the new
     state; A's own stream is read beside it, and a SQLite gateway's own
     stream is the floor. p50/p99 over --changes changes.
  C. visibility under load: A's runs again (SQLite, 2 and 3 gateways behind
     haproxy) with a probe beside wrk: one more server (outside the sweep)
     stopped and started through the first gateway every 50 ms, each change
     timed to its event on the first and on the last gateway's stream (two
     subscribers, which cost the gateways some throughput: C's req/s are not
     A's). Every round's probes pooled.
  D. at rest: the CPU each gateway uses with nothing asked of it (SQLite, and
     2 gateways on PostgreSQL), over --idle-seconds; with --gateway-args
     "--sftp on" it shows what a second gateway's SFTP ports, taken by the
     first on this one machine, cost it while they are retried.

    bench/several.py GATEWAY [--seconds 5] [--repeat 3] [--changes 200] [--gateway-args "..."]
    bench/several.py GATEWAY --items D --gateway-args "--sftp on"

Every gateway runs with --sftp off (see main()) and the access log off;
--gateway-args come after, so "--sftp on" there turns SFTP back on.

The cluster and haproxy: bench/pg_haproxy.py (tests/clients/postgres.py's
throwaway cluster: initdb into a temporary directory, a unix socket there,
fsync off; never a system cluster); the events: bench/visibility.py.
Prints "BENCH {json}" lines, a summary, and "RESULT {json}" at the end.
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request

BENCH = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, BENCH)
from durable import FLEET, Gateway, fleet_file, wrk  # noqa: E402
from pg_haproxy import HAPROXY, Cluster, Haproxy, cpu_us_per_request, postgres, ticks  # noqa: E402
from visibility import EventStream, LoadProbe, connect, summary, timed_change  # noqa: E402


def log(msg):
    print(msg, flush=True)


def stop_start_requests(url):
    """StopServer and StartServer answered by one gateway, from its /metrics."""
    with urllib.request.urlopen(url + "/metrics", timeout=10) as r:
        text = r.read().decode()
    return sum(int(float(line.rsplit(" ", 1)[1])) for line in text.splitlines()
               if line.startswith("lifecycle_requests_total{") and
               ('operation="StopServer"' in line or 'operation="StartServer"' in line))


def changed_elsewhere(url):
    """Changes this gateway decided on a stale copy and decided again (journal result changed_elsewhere)."""
    with urllib.request.urlopen(url + "/_gateway/journal?result=changed_elsewhere&count=true", timeout=10) as r:
        return json.loads(r.read())["count"]


def database_of(url):
    return urllib.parse.urlparse(url).path.lstrip("/")


def start_gateways(a, pg, config, fleet, workdir):
    """The gateways of one configuration, on a fresh state: (gateways, database or None)."""
    if config.startswith("sqlite"):
        state = os.path.join(workdir, "several.db")
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(state + suffix):
                os.unlink(state + suffix)
        return [Gateway(a.gateway, "--fleet", fleet, "--state", state, *a.gateway_args)], None
    url = pg.new_database()
    # One after the other: the first seeds the database, the others load it.
    gateways = []
    try:
        for _ in range(int(config[2:])):
            gateways.append(Gateway(a.gateway, "--fleet", fleet, "--state", url, *a.gateway_args))
    except RuntimeError:
        for g in gateways:
            g.stop()
        raise
    waited = pg.settle(database_of(url))
    log(f"    {config}: {len(gateways)} gateway(s) up, quiet after {waited} s more")
    return gateways, database_of(url)


def measure(a, pg, config, fleet, workdir, probe):
    gateways, database = start_gateways(a, pg, config, fleet, workdir)
    lb, streams = None, []
    try:
        lb = Haproxy([g.url for g in gateways], workdir) if config != "sqlite_direct" else None
        pids = {"gateways": [g.proc.pid for g in gateways], "haproxy": [lb.proc.pid] if lb else [],
                "postgres": pg.processes() if database else []}
        # A change's visibility under this load: server FLEET + 1 (outside wrk's sweep)
        # through the first gateway, seen on its own stream and on the last gateway's.
        probed = f"s-{FLEET + 1:017x}"
        if probe:
            streams = [EventStream(g.url, probed) for g in (gateways[:1] + gateways[1:][-1:])]
        pg.reset_statements()
        load = os.getloadavg()[0]
        before = {k: ticks(v) for k, v in pids.items()}
        prober = LoadProbe(gateways[0].url, streams, probed) if probe else None
        r = wrk(lb.url if lb else gateways[0].url, "transfer_stop_start.lua", a.seconds)
        if prober:
            r["visibility_s"] = prober.finish()
            r["visibility"] = {k: summary(v) for k, v in r["visibility_s"].items()}
            r["events_dropped"] = sum(s.dropped for s in streams)
        after = {k: ticks(v if k != "postgres" else pg.processes()) for k, v in pids.items()}
        r["load"] = [load, os.getloadavg()[0]]
        r["cpu_us_per_req"] = {k: cpu_us_per_request(before[k], after[k], r["requests"]) for k in pids if pids[k]}
        r["per_gateway"] = [stop_start_requests(g.url) for g in gateways]
        r["changed_elsewhere"] = sum(changed_elsewhere(g.url) for g in gateways)
        if database:
            statements = pg.statements_of(database)
            n = max(r["requests"], 1)
            r["pg_statements_per_req"] = round(sum(c for c, _, _ in statements) / n, 2)
            r["pg_transactions_per_req"] = round(sum(c for c, _, q in statements if q.upper() == "BEGIN") / n, 3)
            r["pg_exec_us_per_req"] = round(sum(ms for _, ms, _ in statements) * 1000 / n, 1)
            r["pg_top"] = [[round(c / n, 3), q] for c, _, q in statements[:8]]
            # One server's row read by its seq (PgStore::load_server): a change beaten by another
            # gateway is decided again on it, as is a refusal checked on the row. Since 512300a the
            # journal keeps no beaten change (changed_elsewhere stays 0): this counts them (before
            # 4d85bbd it also counted the rereads of the other gateways' changes).
            r["rows_read_by_seq"] = pg.calls_matching(database, "%FROM servers WHERE seq = $1 ORDER%")
        return r
    finally:
        for s in streams:
            s.close()
        if lb:
            lb.stop()
        for g in gateways:
            g.stop()


def throughput(a, pg, fleet, workdir, configs, item):
    """Item A (no event stream open) or C (the visibility probe beside wrk): rounds of every configuration."""
    runs = []
    for rep in range(a.repeat):
        one = {}
        for config in configs[rep % len(configs):] + configs[:rep % len(configs)]:
            one[config] = measure(a, pg, config, fleet, workdir, probe=item == "C")
            print("BENCH " + json.dumps({"item": item, "round": rep, "config": config, **one[config]}), flush=True)
        runs.append(one)
    out = {"runs": runs}
    for config in configs:
        rs = [r[config] for r in runs]
        med = {k: statistics.median(x[k] for x in rs) for k in ("rps", "p50_us", "p99_us")}
        med["ratio_vs_sqlite"] = statistics.median(r[config]["rps"] / r["sqlite"]["rps"] for r in runs)
        med["p99_ratio_vs_sqlite"] = statistics.median(r[config]["p99_us"] / r["sqlite"]["p99_us"] for r in runs)
        med["errors"] = sum(x["non2xx"] + x["socket_errors"] for x in rs)
        med["changed_elsewhere"] = sum(x["changed_elsewhere"] for x in rs)
        med["rows_read_by_seq"] = sum(x.get("rows_read_by_seq", 0) for x in rs)
        med["cpu_us_per_req"] = {k: statistics.median(x["cpu_us_per_req"][k] for x in rs)
                                 for k in rs[0]["cpu_us_per_req"]}
        for k in ("pg_statements_per_req", "pg_transactions_per_req", "pg_exec_us_per_req"):
            if k in rs[0]:
                med[k] = statistics.median(x[k] for x in rs)
        if "visibility" in rs[0]:
            # The probes of every round together.
            med["visibility"] = {k: summary(sum((x["visibility_s"][k] for x in rs), [])) for k in rs[0]["visibility_s"]}
            med["events_dropped"] = sum(x["events_dropped"] for x in rs)
        out[config] = med
        share = "/".join(f"{100 * n / max(sum(rs[-1]['per_gateway']), 1):.0f}%" for n in rs[-1]["per_gateway"])
        cpu = ", ".join(f"{k} {v:.0f}" for k, v in med["cpu_us_per_req"].items())
        pgs = (f"; PostgreSQL per request: {med['pg_statements_per_req']:.2f} statements, "
               f"{med['pg_transactions_per_req']:.3f} transactions, {med['pg_exec_us_per_req']:.0f} us executing"
               if "pg_statements_per_req" in med else "")
        log(f"  {item} {config:<13} {med['rps']:8.0f} req/s  p50 {med['p50_us']:6.0f} us  p99 {med['p99_us']:6.0f} us  "
            f"vs sqlite: req/s {med['ratio_vs_sqlite']:.2f} (rounds " +
            ", ".join(f"{r[config]['rps'] / r['sqlite']['rps']:.2f}" for r in runs) +
            f"), p99 {med['p99_ratio_vs_sqlite']:.2f}x; errors {med['errors']}, changed elsewhere "
            f"{med['changed_elsewhere']}" + (f", rows read again by seq {med['rows_read_by_seq']}"
                                             if "rows_read_by_seq" in rs[0] else ""))
        log(f"    {'':<13} CPU us/request: {cpu}; requests per gateway (last round) {share}{pgs}")
        if "visibility" in med:
            log(f"    {'':<13} a change under this load ({med['visibility']['answer']['n']} probes): "
                + seen_line(med["visibility"]) + f"; events dropped by the streams {med['events_dropped']}")
    return out


def seen_line(r):
    """One line of a visibility summary: the answer, A's own stream, B's stream."""
    def part(name, x):
        if not x.get("n"):
            return f"{name} -"
        late = f", {x['over_1s']} over 1 s" if x["over_1s"] else ""
        return f"{name} p50 {x['p50_us']} us p99 {x['p99_us']} us max {x['max_us']} us{late}"
    out = [part("answer", r["answer"]), part("A's own stream", r["own_stream"])]
    if "other_gateway" in r:
        out.append(part("gateway B's stream", r["other_gateway"]))
    lost = sum(r[k]["not_seen_in_10s"] for k in ("own_stream", "other_gateway") if k in r)
    return "; ".join(out) + (f"; NOT SEEN within 10 s: {lost}" if lost else "")


def visibility(a, pg, fleet, workdir):
    """B: one change at a time through A on quiet gateways, timed to its event on B's stream and on A's own."""
    out = {}
    for config in ("sqlite", "pg2"):
        gateways, database = start_gateways(a, pg, config, fleet, workdir)
        streams = [EventStream(g.url) for g in gateways]
        try:
            conn = connect(gateways[0].url)
            pg.reset_statements()
            answers, seen = [], []
            for i in range(a.changes):
                answer, s = timed_change(conn, streams, f"s-{i // 2 % FLEET + 1:017x}", i % 2 == 0)
                answers.append(answer)
                seen.append(s)
                time.sleep(0.005)  # one change at a time: the next is not queued behind this one's notice
            conn.close()
            r = {"changes": a.changes, "answer": summary(answers), "own_stream": summary([x[0] for x in seen])}
            if len(streams) > 1:
                r["other_gateway"] = summary([x[-1] for x in seen])
            if database:
                statements = pg.statements_of(database)
                r["pg_statements_per_change"] = round(sum(c for c, _, _ in statements) / a.changes, 2)
                r["pg_top"] = [[round(c / a.changes, 2), round(ms * 1000 / max(c, 1)), q] for c, ms, q in statements]
            out[config] = r
            print("BENCH " + json.dumps({"visibility": config, **r}), flush=True)
            log(f"  B {config:<6} {seen_line(r)}")
            if database:
                log(f"    PostgreSQL statements per change: {r['pg_statements_per_change']} "
                    "(calls per change, mean us each):")
                for calls, mean, q in r["pg_top"][:14]:
                    log(f"      {calls:5.2f} x {mean:5d} us  {q}")
        finally:
            for s in streams:
                s.close()
            for g in gateways:
                g.stop()
    return out


def at_rest(a, pg, fleet, workdir):
    """D: each gateway's CPU over a.idle_seconds with nothing asked (no stream, no request)."""
    out = {}
    for config in ("sqlite", "pg2"):
        gateways, _ = start_gateways(a, pg, config, fleet, workdir)
        try:
            time.sleep(1)  # past the start-up's own work (the SFTP ports taken or found taken)
            pids = [g.proc.pid for g in gateways]
            before, t0 = ticks(pids), time.perf_counter()
            time.sleep(a.idle_seconds)
            after, wall = ticks(pids), time.perf_counter() - t0
            # CPU milliseconds per second of wall time: thousandths of a core.
            out[config] = [round((after[p] - before[p]) * 1000 / os.sysconf("SC_CLK_TCK") / wall, 1) for p in pids]
            log(f"  D {config:<6} CPU at rest, per gateway: " + ", ".join(f"{x} ms/s" for x in out[config])
                + f" (over {wall:.1f} s)")
        finally:
            for g in gateways:
                g.stop()
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("gateway")
    ap.add_argument("--seconds", type=int, default=5)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--changes", type=int, default=200)
    ap.add_argument("--gateway-args", default="", help="more flags for every gateway (after --sftp off)")
    ap.add_argument("--items", default="A,B,C", help="A, B, C and D (at rest; not run unless asked)")
    ap.add_argument("--idle-seconds", type=float, default=10)
    ap.add_argument("--configs", default="sqlite,sqlite_direct,pg1,pg2,pg3",
                    help="A's configurations: sqlite (the reference, always run), sqlite_direct, pgN (N gateways)")
    ap.add_argument("--load-configs", default="sqlite,pg2,pg3", help="C's configurations (behind haproxy)")
    a = ap.parse_args()
    a.configs = ["sqlite"] + [c for c in a.configs.split(",") if c != "sqlite"]
    a.load_configs = ["sqlite"] + [c for c in a.load_configs.split(",") if c not in ("sqlite", "sqlite_direct")]
    # The SFTP endpoints off, for every configuration: each Transfer server of
    # the fleet would listen on a port of its own, and gateways sharing one
    # machine (only here; one per host in a deployment) would contend for the
    # same ports (the second retries binding them, at a cost in CPU: item D).
    a.gateway_args = ["--sftp", "off"] + a.gateway_args.split()
    missing = [what for what, ok in [("haproxy (apt-get install haproxy)", os.path.exists(HAPROXY)),
                                     ("PostgreSQL (apt-get install postgresql)", postgres.available()),
                                     ("wrk", shutil.which("wrk"))] if not ok]
    if missing:
        print("RESULT " + json.dumps({"skipped": "not installed: " + ", ".join(missing)}), flush=True)
        return
    workdir = tempfile.mkdtemp(prefix="bench-several-")
    result = {"load_start": os.getloadavg(), "cores": os.cpu_count()}
    try:
        fleet = fleet_file(workdir, FLEET + 1)  # wrk sweeps the first FLEET; the last is the probe's
        with Cluster() as pg:
            result["postgres"] = pg.psql("SHOW server_version")
            result["haproxy"] = subprocess.run([HAPROXY, "-v"], capture_output=True, text=True).stdout.split("\n")[0]
            log(f"[several] PostgreSQL {result['postgres']} (throwaway cluster, unix socket, fsync off"
                f"{', pg_stat_statements' if pg.statements else ''}); {result['haproxy']}")
            if "A" in a.items:
                log(f"[several A] stop/start through haproxy: SQLite vs 1/2/3 gateways on PostgreSQL, "
                    f"{a.repeat} rounds of {a.seconds} s, wrk -t2 -c32, {FLEET} servers")
                result["throughput"] = throughput(a, pg, fleet, workdir, a.configs, "A")
            if "B" in a.items:
                log(f"[several B] a change through gateway A to its event on gateway B, {a.changes} changes")
                result["visibility"] = visibility(a, pg, fleet, workdir)
            if "C" in a.items:
                log(f"[several C] a change's visibility under load: the probe beside wrk, {a.repeat} rounds of "
                    f"{a.seconds} s, {', '.join(a.load_configs)} behind haproxy")
                result["under_load"] = throughput(a, pg, fleet, workdir, a.load_configs, "C")
            if "D" in a.items:
                log(f"[several D] the gateways at rest for {a.idle_seconds:g} s, with {' '.join(a.gateway_args)}")
                result["at_rest"] = at_rest(a, pg, fleet, workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    result["load_end"] = os.getloadavg()
    log(f"[several] load average {result['load_start'][0]:.2f} at the start, {result['load_end'][0]:.2f} at the "
        f"end ({result['cores']} cores)")
    print("RESULT " + json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
