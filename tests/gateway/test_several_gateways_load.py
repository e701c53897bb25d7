"""Several gateways on one PostgreSQL under load (GATEWAY.md, "Several
gateways on one PostgreSQL"; issue 24): what test_several_gateways.py checks
call by call, here with client threads (boto3 and openstacksdk, see
several_load_clients.py) making changes while one gateway is killed with
SIGKILL and while the database is stopped and started; and the same
StopServer raced through two gateways with boto3. Each thread alone acts on
its servers, so its acknowledged changes fix their final state.

The run is seeded: the seed is printed, LOAD_SEED=<seed> replays the threads'
choices (not their timing)."""
import os
import random
import sys
import threading
import time
import unittest

from botocore.exceptions import ClientError

from clients import openstack_sdk, transfer
from gateway import EXAMPLE_FLEET, Gateway
from haproxy import Haproxy
from postgres import Postgres, available
from several_load_clients import SETTLED, TAG, TRANSFER_STATE, Worker
from test_control_plane import SseReader
from test_several_gateways import Endpoint, state_on, wait_until

WEB1_T = "s-0123456789abcde01"
WEB2, WEB2_T = "6f1c2a3e-0b4d-4c5e-8f60-7a8b9c0d1e02", "s-0123456789abcde02"
TRANSITION_MS = "50"
RACE_ROUNDS = 50


def servers_of(gw):
    """The fleet as a gateway lists it, by id: what every gateway must agree on."""
    return {s["id"]: (s["server_id"], s["state"], s["locked"], s["name"])
            for s in gw.control("GET", "/_gateway/servers")[1]["servers"]}


def journal_of(gw):
    """The gateway's journal, every entry, by request id (the last one of a request's)."""
    entries, since = {}, 0
    while True:
        page = gw.control("GET", f"/_gateway/journal?since={since}&limit=10000")[1]["entries"]
        if not page:
            return entries
        entries.update((e["request_id"], e) for e in page)
        since = page[-1]["id"]


def listed_on(gw):
    """The gateway's list of servers, by either identity."""
    listed = {}
    for s in gw.control("GET", "/_gateway/servers")[1]["servers"]:
        listed[s["id"]] = listed[s["server_id"]] = s
    return listed


def tag_on(gw, server, clients):
    """The server's tag (Transfer) or metadata item (Nova) as its API shows it through gw."""
    if (gw.url, server.api) not in clients:
        clients[gw.url, server.api] = transfer(gw) if server.api == "transfer" else openstack_sdk(gw)
    client = clients[gw.url, server.api]
    if server.api == "transfer":
        tags = client.describe_server(ServerId=server.key)["Server"].get("Tags", [])
        return {t["Key"]: t["Value"] for t in tags}.get(TAG)
    return client.compute.get(f"/servers/{server.key}/metadata").json()["metadata"].get(TAG)


@unittest.skipUnless(available(), "PostgreSQL is not installed (Debian: postgresql)")
class SeveralGatewaysUnderLoad(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.cluster = Postgres().__enter__()
        cls.seed = int(os.environ.get("LOAD_SEED", random.randrange(2**32)))
        print(f"load seed: {cls.seed} (replay with LOAD_SEED={cls.seed})", file=sys.stderr)

    @classmethod
    def tearDownClass(cls):
        cls.cluster.close()

    def start_gateways(self, count=3):
        self.args = ["--fleet", EXAMPLE_FLEET, "--state", self.cluster.new_database(),
                     "--transition-ms", TRANSITION_MS]
        gateways = [self.start_gateway() for _ in range(count)]  # the first seeds the database
        # An operator's first step before a load: Nova's default quota (10 servers a project) would
        # refuse the threads' creates.
        openstack_sdk(gateways[0], "admin").set_compute_quotas("demo", instances=-1, cores=-1, ram=-1)
        return gateways

    def start_gateway(self):
        gw = Gateway(self.args).__enter__()
        self.addCleanup(lambda: gw.proc.poll() is None and gw.kill())
        return gw

    def workers(self, pick, t0, most=4):
        rng = random.Random(self.seed)
        workers = [Worker(f"{api}{i}", api, pick, random.Random(rng.random()), t0, most=most)
                   for i in range(2) for api in ("transfer", "nova")]
        for w in workers:
            w.start()
        self.addCleanup(lambda: [w.halt.set() for w in workers])
        return workers

    def halt(self, workers):
        for w in workers:
            w.halt.set()
        for w in workers:
            w.join(timeout=60)
            self.assertFalse(w.is_alive(), f"{w.name} hung")
            self.assertIsNone(w.error, f"{w.name}: {w.error}")
        servers = [s for w in workers for s in w.servers]
        calls = [c for w in workers for c in w.calls]
        self.assertEqual([c for c in calls if c.outcome == "error"], [], "a 5xx other than 503")
        return servers, calls

    def settled_everywhere(self, gateways, servers):
        def settled(gw):
            listed = listed_on(gw)
            return all(s.key not in listed or listed[s.key]["state"] in SETTLED for s in servers)
        for gw in gateways:
            self.assertTrue(wait_until(lambda gw=gw: settled(gw), 10), f"{gw.url}: transitions not settled")

    def assert_kept(self, gateways, servers, counts=lambda began, ended: True):
        """Every server of the threads' on every gateway, as its acknowledged changes left it."""
        clients = {}
        for gw in gateways:
            listed = listed_on(gw)
            for server in servers:
                states, tags = server.allowed(counts)
                where = f"{gw.url}: {server.api} server {server.key}"
                self.assertIn(server.key, listed, f"{where}: its acknowledged create is lost")
                self.assertIn(listed[server.key]["state"], states, where)
                self.assertIn(tag_on(gw, server, clients), tags, f"{where}: its {TAG}")

    def assert_journaled_as_changes(self, gateways, workers, calls):
        """Each acknowledged change is an entry of a change in the journal of the gateway that answered it
        (when it is one of `gateways`); the acknowledged changes."""
        changes = {r for w in workers for r in w.changes}
        acked = [c for c in calls if c.request_id in changes]
        journaled = {}
        for gw in gateways:
            journaled.update((r, e) for r, e in journal_of(gw).items() if r in changes)
        no_op = [(c, journaled[c.request_id]) for c in acked
                 if c.request_id in journaled and journaled[c.request_id]["state_after"] is None]
        self.assertFalse(no_op, f"{len(no_op)} calls acknowledged where the thread's own changes had left the "
                                "server in the other state, journaled as no change (decided on the answering "
                                f"gateway's stale copy, not on the database's state?): {no_op[:3]}")
        return acked

    def test_kill_9_of_one_gateway_under_load_loses_nothing_acknowledged(self):
        gateways = self.start_gateways()
        alive = [tuple(gateways)]  # replaced whole, never changed in place: the threads read it
        t0 = time.monotonic()
        # Each call goes straight to one gateway (the next one alive): a thread's changes to one server
        # are decided by all three in turn, and each answer's gateway is known.
        workers = self.workers(lambda n: (lambda now: now[n % len(now)])(alive[0]), t0)
        victim = gateways[2]
        time.sleep(1.5)
        victim.kill()  # mid-call for some of the threads
        killed_at = time.monotonic() - t0
        alive[0] = tuple(gateways[:2])
        time.sleep(1.0)
        servers, calls = self.halt(workers)
        survivors = gateways[:2]
        by_victim = [c for c in calls if c.via == victim.url and c.outcome == "ok" and c.ended < killed_at
                     and c.op in ("create", "stop", "start", "tag")]
        self.assertTrue(by_victim, "the killed gateway acknowledged no change before the kill: nothing was tested")
        print(f"{len(calls)} calls, {sum(c.outcome == 'ok' for c in calls)} answered 2xx, "
              f"{len(by_victim)} changes by the victim, {sum(c.outcome == 'cut' for c in calls)} cut off, "
              f"{len(servers)} servers", file=sys.stderr)

        self.settled_everywhere(survivors, servers)
        # First the answers: a change acknowledged is one the gateway made (else the states below differ too).
        acked = self.assert_journaled_as_changes(survivors, workers, calls)
        self.assert_kept(survivors, servers)
        restarted = self.start_gateway()  # the same arguments: it catches up from the database alone
        self.assertTrue(wait_until(lambda: servers_of(restarted) == servers_of(survivors[0])
                                   == servers_of(survivors[1]), 2), "the restarted gateway did not catch up")
        self.assert_kept([restarted], servers)
        # Each acknowledged change is in the journal the restarted gateway reads from the database. (The
        # running gateways do not list each other's entries, though GATEWAY.md says the entries of
        # changes are shared: not asserted here.)
        answered = {gw.url: journal_of(gw) for gw in survivors}
        kept = journal_of(restarted)
        lost = [(c, answered[c.via].get(c.request_id, {}).get("id") if c.via in answered else "by the killed one")
                for c in acked if c.request_id not in kept]
        database = self.args[3].split("///")[1].split("?")[0]
        rows = self.cluster.psql("SELECT count(*), min(id), max(id) FROM journal", database)
        self.assertFalse(lost, f"{len(lost)} of {len(acked)} acknowledged changes missing from the journal read "
                               f"from the database (its rows: count|min id|max id {rows}), each with its entry's "
                               f"id where it was answered: {lost}")

    def test_the_database_stopped_and_started_under_load(self):
        gateways = self.start_gateways()
        lb = Haproxy([gw.url for gw in gateways]).__enter__()
        self.addCleanup(lb.__exit__, None, None, None)
        t0 = time.monotonic()
        # No creates once under way: a server made through one gateway is unknown to the others for
        # up to a second (GATEWAY.md), and until the database is back if it went away in between.
        workers = self.workers(lambda n: Endpoint(lb.url), t0, most=2)
        for w in workers:
            self.assertTrue(w.ready.wait(30), f"{w.name} made no servers: {w.error}")
        made = [s.key for w in workers for s in w.servers]
        for gw in gateways:
            self.assertTrue(wait_until(lambda gw=gw: set(made) <= set(listed_on(gw)), 2), gw.url)
        known = time.monotonic() - t0  # from here every gateway knows every server the threads act on
        time.sleep(0.5)
        self.cluster.stop()
        try:
            down = time.monotonic() - t0
            health = []
            while time.monotonic() - t0 < down + 2.0:
                health += [gw.control("GET", "/_gateway/health")[0] for gw in gateways]
                time.sleep(0.1)
            up = time.monotonic() - t0
        finally:
            self.cluster.start()
        # Changes succeed again on each gateway, the same processes.
        aws = [transfer(gw) for gw in gateways]
        arn = aws[0].describe_server(ServerId=WEB1_T)["Server"]["Arn"]
        for gw, client in zip(gateways, aws):
            self.assertTrue(wait_until(lambda client=client: self._tagged(client, arn), 10),
                            f"{gw.url} took no change within 10 s of the database's return")
        back = time.monotonic() - t0
        time.sleep(0.5)
        servers, calls = self.halt(workers)
        self.assertEqual([gw.proc.poll() for gw in gateways], [None] * 3)
        self.assertEqual(set(health), {200}, "/_gateway/health while the database was down")

        self.assertEqual([c for c in calls if c.outcome == "cut"], [], "no answer, though no gateway was killed")
        self.assert_journaled_as_changes(gateways, workers, calls)  # first: else the states below differ too
        inside = [c for c in calls if c.began >= down and c.ended <= up]
        reads = [c for c in calls if c.op in ("describe", "show") and c.began >= known]
        self.assertEqual([c for c in reads if c.outcome != "ok"], [], "a read not answered from memory")
        changes = [c for c in inside if c.op not in ("describe", "show")]
        for api in ("transfer", "nova"):
            self.assertTrue([c for c in changes if c.api == api and c.genuine],
                            f"no {api} change was sent while the database was down: nothing was tested")
        # Only a Transfer stop or start to where the server is may be a 200 then (no change, nothing to lose).
        self.assertEqual([c for c in changes if c.outcome == "ok" and not (c.api == "transfer" and c.no_op)], [],
                         "acknowledged while the database was down")
        self.assertEqual([c for c in changes if c.genuine and c.outcome != "unavailable"], [],
                         "a change the state allows, sent while the database was down: not 503 / "
                         "ServiceUnavailableException")
        self.assertEqual([c for c in changes if c.outcome not in ("unavailable", "refused", "ok")], [])
        after = [c for c in calls if c.began >= back and c.op not in ("describe", "show")]
        self.assertTrue([c for c in after if c.outcome == "ok"], "no thread's change succeeded after")
        print(f"{len(calls)} calls; while down: {len(changes)} changes "
              f"({sum(c.outcome == 'unavailable' for c in changes)} unavailable, "
              f"{sum(c.outcome == 'ok' for c in changes)} no-op 200s), "
              f"{len([c for c in reads if c.began >= down and c.ended <= up])} reads; "
              f"changes again {back - up:.1f} s after the start", file=sys.stderr)

        # A 503 sent while the database was down changed nothing; one near the stop may have.
        def counts(began, ended):
            return not (began >= down and ended <= up)

        everyone = gateways + [self.start_gateway()]  # a fourth, fresh: what the database holds
        self.settled_everywhere(everyone, servers)
        self.assert_kept(everyone, servers, counts)

    @staticmethod
    def _tagged(aws, arn):
        try:
            aws.tag_resource(Arn=arn, Tags=[{"Key": "back", "Value": "yes"}])
            return True
        except ClientError as e:
            if e.response["Error"]["Code"] != "ServiceUnavailableException":
                raise
            return False

    def test_the_same_stop_server_through_two_gateways_is_applied_once(self):
        gateways = self.start_gateways()
        aws = [transfer(gw) for gw in gateways[:2]]
        for client in aws:
            client.describe_server(ServerId=WEB2_T)  # connected before the race
        events = SseReader(gateways[2].port)  # a third gateway's stream: every change it is told of
        self.addCleanup(events.close)
        miscounted = []  # rounds whose journal does not show one entry a call, one of them the stop
        for round_no in range(RACE_ROUNDS):
            self.running_everywhere(gateways, aws[0])
            since = [self.last_journal_id(gw) for gw in gateways[:2]]
            barrier = threading.Barrier(2)
            answers = [None, None]

            def stop(i):
                barrier.wait()
                try:
                    answers[i] = aws[i].stop_server(ServerId=WEB2_T)["ResponseMetadata"]
                except ClientError as e:
                    answers[i] = e.response["Error"]["Code"]

            threads = [threading.Thread(target=stop, args=(i,)) for i in range(2)]
            for t in threads:
                t.start()
            for t in threads:
                t.join(timeout=30)
            # TRANSFER.md: StopServer on a STOPPING or OFFLINE server is 200, no change; the loser finds one.
            self.assertEqual([a if isinstance(a, str) else a["HTTPStatusCode"] for a in answers], [200, 200],
                             f"round {round_no}")
            # Each gateway journals the calls it answered (GATEWAY.md: "Every call ... is one entry").
            entries = []
            for gw, after, answer in zip(gateways[:2], since, answers):
                entries.append([e for e in gw.control("GET", f"/_gateway/journal?since={after}&server={WEB2_T}"
                                                             "&operation=StopServer")[1]["entries"]
                                if e["request_id"] == answer["RequestId"]])
            stopped = [e for mine in entries for e in mine
                       if (e["action"], e["state_before"], e["state_after"], e["status"]) == ("stop", "running",
                                                                                              "stopping", 200)]
            self.assertEqual(len(stopped), 1, f"round {round_no}: {entries}")
            # The other call changed nothing: its entry shows no change (as when it comes alone).
            if [len(mine) for mine in entries] != [1, 1] or sum(e["action"] == "stop" for m in entries for e in m) != 1:
                miscounted.append((round_no, [[(e["id"], e["action"], e["state_before"], e["state_after"], e["status"],
                                                e["result"]) for e in mine] for mine in entries]))
            for gw in gateways:
                self.assertTrue(wait_until(lambda gw=gw: state_on(gw, WEB2_T)["state"] == "stopped", 5))
        # The third gateway's stream: OFFLINE once a round, never stopped again from there. (A peer may
        # skip the short STOPPING: running -> stopped is one event then.)
        def ours():
            return [(e["data"]["old_state"], e["data"]["new_state"]) for e in list(events.events)
                    if e["data"].get("id") == WEB2]
        wait_until(lambda: sum(new == "stopped" for _, new in ours()) >= RACE_ROUNDS, 2)
        self.assertEqual(sum(new == "stopped" for _, new in ours()), RACE_ROUNDS, f"OFFLINE once a round: {ours()}")
        self.assertNotIn(("stopped", "stopping"), ours())
        # The loser's call is the no-op it is when it comes alone: one entry, no action.
        since = self.last_journal_id(gateways[0])
        alone = aws[0].stop_server(ServerId=WEB2_T)["ResponseMetadata"]["RequestId"]
        entry = [e for e in gateways[0].control("GET", f"/_gateway/journal?since={since}")[1]["entries"]
                 if e["request_id"] == alone]
        self.assertEqual([(e["action"], e["state_after"]) for e in entry], [(None, None)])
        self.assertFalse(miscounted, f"{len(miscounted)} of {RACE_ROUNDS} rounds: the loser's call is not one "
                                     "entry without an action; each gateway's entries of its call (id, action, "
                                     f"before, after, status, result), first rounds: {miscounted[:3]}")

    @staticmethod
    def last_journal_id(gw):
        last = 0
        while True:
            page = gw.control("GET", f"/_gateway/journal?since={last}&limit=10000")[1]["entries"]
            if not page:
                return last
            last = page[-1]["id"]

    def running_everywhere(self, gateways, aws):
        if TRANSFER_STATE.get(aws.describe_server(ServerId=WEB2_T)["Server"]["State"]) == "stopped":
            aws.start_server(ServerId=WEB2_T)
        for gw in gateways:
            self.assertTrue(wait_until(lambda gw=gw: state_on(gw, WEB2_T)["state"] == "running", 5),
                            f"{gw.url} never saw {WEB2_T} running")


if __name__ == "__main__":
    unittest.main()
