"""Client threads for test_several_gateways_load.py: each makes changes
(create, stop, start, a tag or a metadata item) on servers only it acts on,
through boto3 or openstacksdk, and keeps what it was told. As no one else
acts on its servers, the acknowledged changes, in order, fix each server's
final state; a call whose answer never came (the gateway was killed) or that
was answered "unavailable" near an outage may have done its change as well."""
import threading
import time
import traceback

from botocore.exceptions import ClientError

from clients import openstack_sdk, transfer

IMAGE = "0b1c3f0e-5a6d-4e2f-9a70-1c2d3e4f5a61"
TAG = "load"  # the Transfer tag key and the Nova metadata key the threads rewrite
SETTLED = ("running", "stopped")
TRANSFER_STATE = {"ONLINE": "running", "OFFLINE": "stopped"}
NOVA_STATE = {"ACTIVE": "running", "SHUTOFF": "stopped"}


class Server:
    """What one thread was told about one of its servers: the state and tag
    its last acknowledged changes leave, and what calls left in doubt may
    have left on top (each with when it was sent and answered)."""

    def __init__(self, api, key):
        self.api, self.key = api, key  # key: the identity of the API that made it
        self.state, self.tag = "running", "0"
        self.maybe_states, self.maybe_tags = [], []  # (value, began, ended, answered)

    def acked(self, state=None, tag=None):
        # A later acknowledged change was decided on the database's state, after any doubtful one.
        if state is not None:
            self.state, self.maybe_states = state, []
        if tag is not None:
            self.tag, self.maybe_tags = tag, []

    def in_doubt(self, began, ended, answered, state=None, tag=None):
        if state is not None:
            self.maybe_states.append((state, began, ended, answered))
        if tag is not None:
            self.maybe_tags.append((tag, began, ended, answered))

    def unanswered(self):
        """A change of its state whose answer never came may be pending (a 503 says it changed nothing)."""
        return any(not answered for _, _, _, answered in self.maybe_states)

    def allowed(self, counts=lambda began, ended: True):
        """The states and tags the server may end in; `counts` says which doubtful calls may have changed it."""
        return ({self.state} | {v for v, b, e, _ in self.maybe_states if counts(b, e)},
                {self.tag} | {v for v, b, e, _ in self.maybe_tags if counts(b, e)})


class Call:
    """One call as the client saw it: outcome is ok, refused, unavailable, cut (no answer) or error (a 5xx
    other than 503, or anything unexpected). genuine: a change the database's state would have accepted.
    no_op: a Transfer stop or start to where the server is (200, no change, as TRANSFER.md says)."""

    def __init__(self, api, op, key, via, began):
        self.api, self.op, self.key, self.via, self.began = api, op, key, via, began
        self.ended, self.outcome, self.detail, self.request_id, self.genuine = None, None, "", None, False
        self.no_op = False  # a stop or start to where the thread's own changes already left the server

    def __repr__(self):
        return (f"{self.api} {self.op} {self.key} via {self.via} at +{self.began:.3f}..{self.ended:.3f}: "
                f"{self.outcome} {self.detail} (request {self.request_id})")


class Worker(threading.Thread):
    """pick(n) -> the endpoint (a Gateway, or anything with .url) for the thread's n-th call."""

    def __init__(self, name, api, pick, rng, t0, servers=2, most=4):
        super().__init__(daemon=True, name=name)
        self.api, self.pick, self.rng, self.t0 = api, pick, rng, t0
        self.initial, self.most = servers, most
        self.servers, self.calls, self.changes = [], [], []  # changes: request ids of acknowledged changes
        self.halt, self.ready, self.error, self.n = threading.Event(), threading.Event(), None, 0
        self.clients = {}  # by endpoint URL

    def client(self, endpoint):
        if endpoint.url not in self.clients:
            self.clients[endpoint.url] = transfer(endpoint) if self.api == "transfer" else openstack_sdk(endpoint)
        return self.clients[endpoint.url]

    def call(self, op, key, fn):
        """Runs fn(client) on the next endpoint; the Call, its answer (a dict or a Response) or None."""
        endpoint = self.pick(self.n)
        self.n += 1
        c = Call(self.api, op, key, endpoint.url, time.monotonic() - self.t0)
        answer = None
        try:
            answer = fn(self.client(endpoint))
            if self.api == "transfer":
                c.outcome, c.request_id = "ok", answer["ResponseMetadata"]["RequestId"]
            else:
                status = answer.status_code
                c.request_id = answer.headers.get("x-openstack-request-id")
                c.outcome = ("ok" if status < 300 else "unavailable" if status == 503 else
                             "refused" if status < 500 else "error")
                c.detail = f"{status} {answer.text[:200] if status >= 300 else ''}"
        except ClientError as e:
            code, status = e.response["Error"]["Code"], e.response["ResponseMetadata"]["HTTPStatusCode"]
            c.request_id = e.response["ResponseMetadata"].get("RequestId")
            c.outcome = ("unavailable" if code == "ServiceUnavailableException" else
                         "refused" if status < 500 else "error")
            c.detail = f"{status} {code}: {e.response['Error'].get('Message', '')}"
        except Exception as e:  # the connection refused, reset or closed: no answer came
            c.outcome, c.detail = "cut", repr(e)[:200]
        c.ended = time.monotonic() - self.t0
        self.calls.append(c)
        return c, answer

    def create(self):
        if self.api == "transfer":
            c, answer = self.call("create", None, lambda aws: aws.create_server(Tags=[{"Key": TAG, "Value": "0"}]))
            # A 200 cut short by a kill may parse as {} (urllib3 1.26 does not check Content-Length).
            if c.outcome == "ok" and "ServerId" not in answer:
                c.outcome = "cut"
            key = answer["ServerId"] if c.outcome == "ok" else None
        else:
            body = {"server": {"name": f"load-{self.name}-{self.n}", "imageRef": IMAGE, "flavorRef": "1",
                               "networks": "none", "metadata": {TAG: "0"}}}
            c, answer = self.call("create", None, lambda conn: conn.compute.post("/servers", json=body,
                                                                                   microversion="2.37"))
            key = answer.json()["server"]["id"] if c.outcome == "ok" else None
        if key:
            c.key = key
            self.servers.append(Server(self.api, key))
            self.changes.append(c.request_id)

    def read(self, server):
        """The server's state as the API shows it (running, stopped, or None while under way)."""
        if self.api == "transfer":
            c, answer = self.call("describe", server.key,
                                  lambda aws: aws.describe_server(ServerId=server.key))
            return TRANSFER_STATE.get(answer["Server"]["State"]) if c.outcome == "ok" else None
        c, answer = self.call("show", server.key, lambda conn: conn.compute.get(f"/servers/{server.key}"))
        if c.outcome != "ok":
            return None
        shown = answer.json()["server"]
        return None if shown.get("OS-EXT-STS:task_state") else NOVA_STATE.get(shown["status"])

    def flip(self, server, op):
        if self.api == "transfer":
            fn = {"stop": lambda aws: aws.stop_server(ServerId=server.key),
                  "start": lambda aws: aws.start_server(ServerId=server.key)}[op]
        else:
            action = {"stop": "os-stop", "start": "os-start"}[op]
            fn = lambda conn: conn.compute.post(f"/servers/{server.key}/action", json={action: None})  # noqa: E731
        return self.call(op, server.key, fn)[0]

    def retag(self, server):
        value = str(self.n)
        if self.api == "transfer":
            arn = f"arn:aws:transfer:us-east-1:000000000000:server/{server.key}"
            fn = lambda aws: aws.tag_resource(Arn=arn, Tags=[{"Key": TAG, "Value": value}])  # noqa: E731
        else:
            fn = lambda conn: conn.compute.put(f"/servers/{server.key}/metadata/{TAG}",  # noqa: E731
                                               json={"meta": {TAG: value}})
        return self.call("tag", server.key, fn)[0], value

    def step(self, server):
        shown = self.read(server)
        # The database holds what this thread was told (a read is never ahead of it), unless a call
        # of its own cut off may have changed it: a change decided then is one the state accepts.
        sure = shown is not None and shown == server.state and not server.unanswered()
        blind = self.rng.random() < 0.15  # now and then a change the state may refuse or answer as a no-op
        if shown is None and not blind and self.api == "nova":
            time.sleep(0.01)  # under way: Nova would refuse both a stop or start and a metadata item
            return
        if blind or (shown is not None and self.rng.random() < 0.6):
            op = self.rng.choice(["stop", "start"]) if blind else ("stop" if server.state == "running" else "start")
            target = "stopped" if op == "stop" else "running"
            c = self.flip(server, op)
            c.genuine = sure and not blind
            c.no_op = target == server.state and not server.unanswered()
            if c.outcome == "ok":
                # Nova's 202 is always a change; Transfer's 200 is one when the state was the other one.
                if self.api == "nova" or (server.state != target and not server.maybe_states):
                    self.changes.append(c.request_id)
                server.acked(state=target)
            elif c.outcome in ("cut", "unavailable"):
                server.in_doubt(c.began, c.ended, c.outcome == "unavailable", state=target)
        else:
            c, value = self.retag(server)
            c.genuine = self.api == "transfer" or sure  # Nova takes metadata only on a settled server
            if c.outcome == "ok":
                self.changes.append(c.request_id)
                server.acked(tag=value)
            elif c.outcome in ("cut", "unavailable"):
                server.in_doubt(c.began, c.ended, c.outcome == "unavailable", tag=value)

    def run(self):
        try:
            while len(self.servers) < self.initial and not self.halt.is_set():
                self.create()
            self.ready.set()
            while not self.halt.is_set():
                if len(self.servers) < self.most and self.rng.random() < 0.05:
                    self.create()
                elif self.servers:
                    self.step(self.rng.choice(self.servers))
        except Exception:  # a bug of the test's, or an answer it cannot read: the test fails with it
            self.error = traceback.format_exc()
