"""The promise under load: concurrent clients through both APIs (boto3 and
openstacksdk) create, stop, start, lock, unlock and delete servers while the
gateway, running with --state, is killed with SIGKILL at a random moment.
After each restart on the same file every acknowledged change is there, and
nothing that was refused is. Five rounds on one file.

The run is seeded: the seed is printed, and CRASH_SEED=<seed> replays the
same choices (the moment of the kill is one of them; thread timing is not)."""
import os
import random
import shutil
import sys
import tempfile
import threading
import time
import unittest

from botocore.exceptions import ClientError
from openstack import exceptions as sdk_exceptions

from clients import openstack_sdk, transfer
from gateway import EXAMPLE_FLEET, Gateway

ROUNDS = 5
WORKERS_PER_API = 2
SERVERS_PER_WORKER = 3
IMAGE = "0b1c3f0e-5a6d-4e2f-9a70-1c2d3e4f5a61"


class Server:
    """What the clients were told about one server: the state after the last
    acknowledged change, and what an unanswered change (cut off by the kill)
    may have done on top of it."""

    def __init__(self, key):
        self.key = key  # the identity of the API that made it (a Transfer id or a UUID)
        self.state, self.locked, self.exists = "running", False, True
        self.maybe = []  # (state, locked, exists) the last unanswered change may have left

    def acked(self, state=None, locked=None, exists=None):
        self.state = self.state if state is None else state
        self.locked = self.locked if locked is None else locked
        self.exists = self.exists if exists is None else exists

    def in_doubt(self, state=None, locked=None, exists=None):
        self.maybe.append((self.state if state is None else state, self.locked if locked is None else locked,
                           self.exists if exists is None else exists))

    def allowed(self):
        return [(self.state, self.locked, self.exists)] + self.maybe


class CutOff(Exception):
    """The gateway went away mid-call: the call's outcome is unknown."""


class Worker(threading.Thread):
    def __init__(self, gw, api, rng, servers, known, acked_ids, refused_ids):
        super().__init__(daemon=True)
        self.gw, self.api, self.rng = gw, api, rng
        self.servers, self.known, self.acked_ids, self.refused_ids = servers, known, acked_ids, refused_ids
        self.error = None
        self.aws = transfer(gw) if api == "transfer" else None
        self.conn = openstack_sdk(gw) if api == "nova" else None

    # One call: its answer, or CutOff when the connection broke.
    def call(self, fn, *args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except (ClientError, sdk_exceptions.HttpException):
            raise
        except Exception as e:  # connection refused / reset / closed by the kill
            raise CutOff() from e

    def create(self):
        if self.api == "transfer":
            answer = self.call(self.aws.create_server)
            # A 200 cut short by the kill: urllib3 1.26 does not check Content-Length, so
            # botocore may parse the truncated body as {}. That answer never fully came.
            if "ServerId" not in answer:
                raise CutOff()
            self.acked_ids.add(answer["ResponseMetadata"]["RequestId"])
            key = answer["ServerId"]
        else:
            key = self.call(self.conn.compute.create_server, name=f"crash-{self.rng.randrange(10**6)}",
                            image_id=IMAGE, flavor_id="1", networks="none").id
        server = Server(key)
        self.servers.append(server)
        self.known[key] = server
        return server

    def act(self, server):
        ops = ["stop", "start", "delete"] + (["lock", "unlock"] if self.api == "nova" else [])
        op = self.rng.choice(ops + ["stop", "start"])  # lifecycle calls most often
        target = {"stop": dict(state="stopped"), "start": dict(state="running"), "delete": dict(exists=False),
                  "lock": dict(locked=True), "unlock": dict(locked=False)}[op]
        # Transfer's stop and start are idempotent: "already there" is a success that changes nothing.
        changes = op == "delete" or target.get("state", server.state) != server.state
        try:
            if self.api == "transfer":
                fn = {"stop": self.aws.stop_server, "start": self.aws.start_server,
                      "delete": self.aws.delete_server}[op]
                answer = self.call(fn, ServerId=server.key)
                if changes:
                    self.acked_ids.add(answer["ResponseMetadata"]["RequestId"])
            else:
                fn = {"stop": self.conn.compute.stop_server, "start": self.conn.compute.start_server,
                      "delete": self.conn.compute.delete_server, "lock": self.conn.compute.lock_server,
                      "unlock": self.conn.compute.unlock_server}[op]
                self.call(fn, server.key)
        except CutOff:
            server.in_doubt(**target)
            raise
        except ClientError as e:  # a Transfer refusal: nothing may have changed
            self.refused_ids.add(e.response["ResponseMetadata"]["RequestId"])
            return
        except sdk_exceptions.HttpException as e:
            if e.status_code >= 500:
                raise
            self.refused_ids.add(e.request_id)
            return
        server.acked(**target)
        if op == "delete":
            self.servers.remove(server)

    def run(self):
        try:
            while len([s for s in self.servers if s.exists]) < SERVERS_PER_WORKER:
                self.create()
            while True:
                live = [s for s in self.servers if s.exists]
                if not live:
                    self.create()
                    continue
                self.act(self.rng.choice(live))
        except CutOff:
            return
        except Exception as e:  # anything else is a failure of the test
            self.error = e


class CrashTest(unittest.TestCase):
    def state_in(self, workdir):
        """Where --state keeps the fleet for this run."""
        return os.path.join(workdir, "state.db")

    def test_every_acknowledged_change_survives_kill_9(self):
        seed = int(os.environ.get("CRASH_SEED", random.randrange(2**32)))
        print(f"crash test seed: {seed} (replay with CRASH_SEED={seed})", file=sys.stderr)
        rng = random.Random(seed)
        workdir = tempfile.mkdtemp(prefix="gateway-crash-")
        state = self.state_in(workdir)
        known, acked_ids, refused_ids = {}, set(), set()  # servers by key, Transfer request ids
        owned = {}  # worker index -> its servers, kept across rounds
        try:
            for round_no in range(ROUNDS + 1):
                gw = Gateway(["--fleet", EXAMPLE_FLEET, "--state", state]).__enter__()
                self.addCleanup(lambda gw=gw: gw.proc.poll() is None and gw.kill())
                if round_no == 0:
                    # An operator's first step before a load: Nova's default quotas (10 servers a
                    # project) would refuse most of the workers' creates. Kept in --state.
                    openstack_sdk(gw, "admin").set_compute_quotas("demo", instances=-1, cores=-1, ram=-1)
                self.verify(gw, known, acked_ids, refused_ids, f"seed {seed}, after round {round_no}")
                if round_no == ROUNDS:
                    gw.__exit__(None, None, None)
                    break
                workers = []
                for i in range(2 * WORKERS_PER_API):
                    api = "transfer" if i % 2 == 0 else "nova"
                    servers = owned.setdefault(i, [])
                    servers[:] = [s for s in servers if s.exists]
                    workers.append(Worker(gw, api, random.Random(rng.random()), servers, known, acked_ids,
                                          refused_ids))
                for w in workers:
                    w.start()
                time.sleep(rng.uniform(0.3, 1.2))
                gw.kill()
                for w in workers:
                    w.join(timeout=60)
                    self.assertFalse(w.is_alive(), "a client hung after the kill")
                    self.assertIsNone(w.error, f"seed {seed}: {w.error!r}")
                self.assertTrue(known, "the clients made no servers: nothing was tested")
        finally:
            shutil.rmtree(workdir, ignore_errors=True)

    def verify(self, gw, known, acked_ids, refused_ids, where):
        listed, billing = {}, {}  # by either identity
        for s in gw.control("GET", "/_gateway/servers")[1]["servers"]:
            listed[s["id"]] = listed[s["server_id"]] = s
        for e in gw.control("GET", "/_gateway/billing")[1]["servers"]:
            billing[e["id"]] = billing[e["server_id"]] = e
        doubtful = sum(1 for s in known.values() if s.maybe)
        for key, server in known.items():
            seen = (listed[key]["state"], listed[key]["locked"], True) if key in listed else (None, None, False)
            allowed = server.allowed()
            ok = any(seen[2] == exists and (not exists or (seen[0], seen[1]) == (state, locked))
                     for state, locked, exists in allowed)
            self.assertTrue(ok, f"{where}: server {key} is {seen}, the clients were told one of {allowed}")
            if not seen[2]:
                self.assertTrue(billing[key]["deleted"], f"{where}: deleted {key} left the ledger")
            # What is there now is what the clients know from here on.
            server.state, server.locked, server.exists = seen[0] or server.state, seen[1], seen[2]
            server.maybe = []
        journaled = set()
        since = 0
        while True:
            page = gw.control("GET", f"/_gateway/journal?since={since}&limit=10000")[1]["entries"]
            if not page:
                break
            journaled |= {e["request_id"] for e in page}
            since = page[-1]["id"]
        print(f"{where}: {len(known)} servers checked ({doubtful} with a change cut off by the kill), "
              f"{len(acked_ids)} acknowledged Transfer changes, {len(refused_ids)} refusals by either API", file=sys.stderr)
        missing = acked_ids - journaled
        self.assertFalse(missing, f"{where}: acknowledged Transfer changes missing from the journal: {missing}")
        self.assertFalse(refused_ids & journaled, f"{where}: refused calls were kept as changes")


if __name__ == "__main__":
    unittest.main()
