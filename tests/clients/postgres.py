"""A throwaway PostgreSQL cluster for the tests: initdb into a temporary
directory as an unprivileged user, pg_ctl start listening only on a unix
socket inside that directory (no port to collide on), removed at close().
Never a system cluster. Each test asks for a database of its own.

    with Postgres() as pg:
        url = pg.new_database()     # postgresql:///t1?host=/tmp/...&port=5432&user=gateway
"""
import atexit
import glob
import itertools
import os
import pwd
import shutil
import subprocess
import tempfile

USER = "gateway"  # the cluster's superuser (its own name, not the system's)


def bindir():
    env = os.environ.get("PG_BINDIR")
    if env:
        return env
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not found:
        raise RuntimeError("PostgreSQL's initdb not found under /usr/lib/postgresql/*/bin "
                           "(Debian: apt-get install postgresql; or set PG_BINDIR)")
    return os.path.dirname(found[-1])


def available():
    try:
        bindir()
        return True
    except RuntimeError:
        return False


class Postgres:
    def __init__(self, port=5432):
        self.bin = bindir()
        self.port = port
        self.dir = tempfile.mkdtemp(prefix="gateway-pg-")
        self.data = os.path.join(self.dir, "data")
        self.log = os.path.join(self.dir, "postgres.log")
        self.counter = itertools.count(1)
        # initdb refuses to run as root: the cluster runs as an unprivileged user.
        self.runas = None
        if os.getuid() == 0:
            for name in ("postgres", "nobody"):
                try:
                    self.runas = pwd.getpwnam(name)
                    break
                except KeyError:
                    pass
            if self.runas is None:
                raise RuntimeError("running as root and no unprivileged user (postgres, nobody) to run PostgreSQL as")
            os.chown(self.dir, self.runas.pw_uid, self.runas.pw_gid)
        os.chmod(self.dir, 0o700)

    def _run(self, args, check=True):
        if self.runas is not None:
            args = ["setpriv", f"--reuid={self.runas.pw_uid}", f"--regid={self.runas.pw_gid}", "--clear-groups",
                    "--"] + args
        r = subprocess.run(args, capture_output=True, text=True, cwd=self.dir,
                           env={**os.environ, "LC_ALL": "C.UTF-8", "HOME": self.dir})
        if check and r.returncode != 0:
            log = open(self.log).read() if os.path.exists(self.log) else ""
            raise RuntimeError(f"{' '.join(args)} failed ({r.returncode}): {r.stdout}{r.stderr}{log[-2000:]}")
        return r

    def __enter__(self):
        # A run cut short (an interrupted pytest, a failed setUpClass) still removes its cluster.
        atexit.register(self.close)
        self._run([f"{self.bin}/initdb", "-D", self.data, "-U", USER, "-A", "trust", "-E", "UTF8", "--no-sync"])
        self.start()
        return self

    def start(self):
        opts = (f"-k {self.dir} -p {self.port} -c listen_addresses='' -c fsync=off -c max_connections=200"
                " -c synchronous_commit=on")
        self._run([f"{self.bin}/pg_ctl", "-D", self.data, "-l", self.log, "-w", "-t", "30", "-o", opts, "start"])

    def stop(self, mode="fast"):
        self._run([f"{self.bin}/pg_ctl", "-D", self.data, "-m", mode, "-w", "stop"], check=False)

    def url(self, database="postgres"):
        return f"postgresql:///{database}?host={self.dir}&port={self.port}&user={USER}"

    def psql(self, sql, database="postgres"):
        """Runs SQL through psql; its output (unaligned, tuples only)."""
        r = self._run([f"{self.bin}/psql", "-X", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", self.url(database),
                       "-c", sql])
        return r.stdout.strip()

    def psql_session(self, database):
        """A psql process reading SQL from its stdin (to hold a lock, say)."""
        args = [f"{self.bin}/psql", "-X", "-q", "-d", self.url(database)]
        return subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True)

    def new_database(self):
        name = f"t{next(self.counter)}"
        self.psql(f"CREATE DATABASE {name}")
        return self.url(name)

    def close(self):
        if not os.path.isdir(self.dir):
            return
        self.stop("immediate")
        shutil.rmtree(self.dir, ignore_errors=True)

    def __exit__(self, *exc):
        self.close()
