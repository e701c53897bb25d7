"""The throwaway PostgreSQL cluster, haproxy and CPU accounting of
bench/several.py (issue 24): the cluster is tests/clients/postgres.py's
(initdb into a temporary directory, a unix socket there, fsync off; never a
system cluster) with pg_stat_statements loaded when PostgreSQL has it;
haproxy is Debian's, run in the foreground on its own config in the bench's
temporary directory."""
import os
import subprocess
import sys
import time
import urllib.request

BENCH = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, BENCH)
sys.path.insert(0, os.path.join(os.path.dirname(BENCH), "tests", "clients"))
from harness import cpu_ticks, free_port  # noqa: E402
import postgres  # noqa: E402

HAPROXY = "/usr/sbin/haproxy"
# The deployment of README.md's "Several gateways on one PostgreSQL", kept
# alive on both sides (haproxy's default): the tests' `option
# http-server-close` is there so a killed gateway's requests are retried on
# another, and would cost a connection per request here.
HAPROXY_CONFIG = """global
  maxconn 4000
defaults
  mode http
  timeout connect 2s
  timeout client 60s
  timeout server 60s
frontend bench
  bind 127.0.0.1:{port}
  default_backend gateways
backend gateways
  balance roundrobin
  option httpchk GET /_gateway/health
{servers}
"""


class Haproxy:
    def __init__(self, urls, workdir):
        port = free_port()
        self.url = f"http://127.0.0.1:{port}"
        config = os.path.join(workdir, "haproxy.cfg")
        with open(config, "w") as f:
            f.write(HAPROXY_CONFIG.format(port=port, servers="\n".join(
                f"  server g{i} {u.split('://')[1]} check inter 2s" for i, u in enumerate(urls, 1))))
        self.log = open(os.path.join(workdir, "haproxy.log"), "a")
        self.proc = subprocess.Popen([HAPROXY, "-f", config, "-db"], stdout=self.log, stderr=self.log)
        deadline = time.time() + 10
        while True:
            try:
                with urllib.request.urlopen(self.url + "/_gateway/health", timeout=2):
                    return
            except OSError:
                if self.proc.poll() is not None or time.time() > deadline:
                    self.stop()
                    raise RuntimeError(f"haproxy did not start: see {self.log.name}")
                time.sleep(0.05)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=10)
        self.log.close()


class Cluster(postgres.Postgres):
    """The tests' throwaway cluster, with pg_stat_statements loaded when PostgreSQL has it."""

    def start(self):
        self.statements = os.path.exists(os.path.join(os.path.dirname(self.bin), "lib", "pg_stat_statements.so"))
        if self.statements and not getattr(self, "_configured", False):
            with open(os.path.join(self.data, "postgresql.conf"), "a") as f:
                f.write("shared_preload_libraries = 'pg_stat_statements'\n")
            self._configured = True
        super().start()
        if self.statements:
            self.psql("CREATE EXTENSION IF NOT EXISTS pg_stat_statements")

    def processes(self):
        """The postmaster and its children (backends, writers): their CPU is PostgreSQL's."""
        master = int(open(os.path.join(self.data, "postmaster.pid")).readline())
        pids = [master]
        for d in os.listdir("/proc"):
            try:
                if d.isdigit() and int(open(f"/proc/{d}/stat").read().rsplit(")", 1)[1].split()[1]) == master:
                    pids.append(int(d))
            except (OSError, ValueError):
                pass
        return pids

    def reset_statements(self):
        if self.statements:
            self.psql("SELECT pg_stat_statements_reset()")

    def settle(self, database, timeout=30.0):
        """Waits until no statement runs on `database` for a while: a gateway joining reads
        every server once (its catch-up), which is not what is measured. Returns the seconds waited."""
        t0, last = time.perf_counter(), None
        if not self.statements:
            time.sleep(2)
            return 2.0
        while time.perf_counter() - t0 < timeout:
            calls = sum(c for c, _, _ in self.statements_of(database))
            if calls == last:
                break
            last = calls
            time.sleep(0.3)
        return round(time.perf_counter() - t0, 2)

    def calls_matching(self, database, pattern):
        """Calls since the last reset of the statements whose whole text matches a LIKE pattern."""
        if not self.statements:
            return 0
        return int(self.psql("SELECT coalesce(sum(s.calls), 0) FROM pg_stat_statements s JOIN pg_database d "
                             f"ON d.oid = s.dbid WHERE d.datname = '{database}' AND s.query LIKE '{pattern}'") or 0)

    def statements_of(self, database):
        """[(calls, exec ms, query)] of one database since the last reset, most called first."""
        if not self.statements:
            return []
        out = self.psql("SELECT s.calls, round(s.total_exec_time::numeric, 1), "
                        "regexp_replace(left(s.query, 90), '\\s+', ' ', 'g') FROM pg_stat_statements s "
                        f"JOIN pg_database d ON d.oid = s.dbid WHERE d.datname = '{database}' ORDER BY s.calls DESC")
        rows = [line.split("|", 2) for line in out.splitlines() if line]
        return [(int(c), float(ms), q) for c, ms, q in rows]


def ticks(pids):
    out = {}
    for pid in pids:
        try:
            out[pid] = sum(cpu_ticks(pid))
        except (OSError, IndexError):
            pass
    return out


def cpu_us_per_request(before, after, requests):
    used = sum(t - before.get(pid, 0) for pid, t in after.items())
    return round(used * 1e6 / os.sysconf("SC_CLK_TCK") / max(requests, 1), 1)
