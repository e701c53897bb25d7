"""A change's visibility, for bench/several.py (issue 24): a Transfer stop or
start sent to one gateway, timed from the call to its event on gateways'
event streams (GET /_gateway/events, read as it comes). Used one change at a
time on quiet gateways, and as a probe beside a wrk run (LoadProbe)."""
import http.client
import json
import socket
import threading
import time
import urllib.parse

from harness import AUTH

# The core states a Transfer stop and start settle in (an event's new_state).
STOPPED, RUNNING = "stopped", "running"


class EventStream(threading.Thread):
    """A gateway's GET /_gateway/events, read as it comes: (arrival, server_id, new_state) per
    event, of every server or of `only` (a server id: under load the stream carries every change
    of the fleet, and only the probe's are parsed). Raw reads, split here: fast enough to keep up
    with thousands of events a second; the gateway's "dropped" notices are counted."""

    def __init__(self, url, only=None):
        super().__init__(daemon=True)
        u = urllib.parse.urlparse(url)
        self.only = f'"server_id":"{only}"'.encode() if only else None
        self.conn = http.client.HTTPConnection(u.hostname, u.port, timeout=60)
        self.conn.request("GET", "/_gateway/events")
        self.resp = self.conn.getresponse()
        self.events, self.dropped, self.cond = [], 0, threading.Condition()
        self.open = threading.Event()
        self.start()
        if not self.open.wait(10):
            raise RuntimeError(f"{url}/_gateway/events sent no hello")

    def run(self):
        pending = b""
        try:
            while True:
                chunk = self.resp.read1(65536)
                if not chunk:
                    break
                t = time.perf_counter()
                *blocks, pending = (pending + chunk).split(b"\n\n")
                found = []
                for block in blocks:
                    self.open.set()  # the hello came: the stream is open
                    if block.startswith(b"event: dropped"):
                        self.dropped += json.loads(block.split(b"data: ", 1)[1])["dropped"]
                    elif b"\ndata: " in block and (self.only is None or self.only in block):
                        data = json.loads(block.split(b"\ndata: ", 1)[1])
                        found.append((t, data.get("server_id"), data.get("new_state")))
                if found:
                    with self.cond:
                        self.events += found
                        self.cond.notify_all()
        except (OSError, ValueError, AttributeError):  # closed under the reader
            pass

    def wait_for(self, server_id, state, start, timeout=10.0):
        """Arrival of the first event at index >= start for server_id in state, or None."""
        deadline = time.perf_counter() + timeout
        with self.cond:
            while True:
                for t, sid, new in self.events[start:]:
                    if sid == server_id and new == state:
                        return t
                left = deadline - time.perf_counter()
                if left <= 0:
                    return None
                self.cond.wait(left)

    def close(self):
        # shutdown() wakes the reader and tells the gateway at once (close() alone leaves
        # the socket to the blocked reader, and the gateway waiting on it at its stop).
        if self.conn.sock:
            try:
                self.conn.sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        self.conn.close()
        self.join(timeout=5)


def transfer_call(conn, operation, server_id):
    conn.request("POST", "/", json.dumps({"ServerId": server_id}), {
        "X-Amz-Target": f"TransferService.{operation}", "Content-Type": "application/x-amz-json-1.1",
        "X-Amz-Date": "20260101T000000Z", "Authorization": AUTH})
    r = conn.getresponse()
    r.read()
    if r.status != 200:
        raise RuntimeError(f"{operation} {server_id}: {r.status}")


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))] if values else None




def timed_change(conn, streams, server_id, stop):
    """Stops (or starts) server_id through conn: (seconds to the answer, [seconds to its
    settled state's event on each stream, or None if not within 10 s])."""
    operation, state = ("StopServer", STOPPED) if stop else ("StartServer", RUNNING)
    marks = [len(s.events) for s in streams]
    t0 = time.perf_counter()
    transfer_call(conn, operation, server_id)
    answer = time.perf_counter() - t0
    seen = [s.wait_for(server_id, state, m) for s, m in zip(streams, marks)]
    return answer, [t - t0 if t is not None else None for t in seen]


def summary(seconds):
    """p50, p99 and max in microseconds of the values that are not None, and how many were None."""
    xs = [x for x in seconds if x is not None]
    out = {"n": len(xs), "not_seen_in_10s": len(seconds) - len(xs)}
    if xs:
        out.update(p50_us=round(pct(xs, 50) * 1e6), p99_us=round(pct(xs, 99) * 1e6), max_us=round(max(xs) * 1e6))
    out["over_1s"] = sum(x > 1 for x in xs)
    return out


def connect(url):
    u = urllib.parse.urlparse(url)
    return http.client.HTTPConnection(u.hostname, u.port, timeout=30)


class LoadProbe(threading.Thread):
    """Beside a wrk run: one server of its own (outside wrk's sweep) stopped and started through
    gateway `url` every `pause` seconds, each change timed to its event on every stream."""

    def __init__(self, url, streams, server_id, pause=0.05):
        super().__init__(daemon=True)
        self.conn, self.streams, self.server_id, self.pause = connect(url), streams, server_id, pause
        self.done = threading.Event()
        self.answers, self.seen, self.error = [], [], None
        self.start()

    def run(self):
        stop = True
        try:
            while not self.done.is_set():
                answer, seen = timed_change(self.conn, self.streams, self.server_id, stop)
                self.answers.append(answer)
                self.seen.append(seen)
                stop = not stop
                self.done.wait(self.pause)
        except (OSError, RuntimeError) as e:
            self.error = str(e)

    def finish(self):
        """Seconds per change: {"answer": [...], "own_stream": [...], "other_gateway": [...]} (the last
        with two streams; None where the event did not come within 10 s)."""
        self.done.set()
        self.join(timeout=30)
        self.conn.close()
        if self.error:
            raise RuntimeError(f"the visibility probe failed: {self.error}")
        out = {"answer": self.answers, "own_stream": [s[0] for s in self.seen]}
        if len(self.streams) > 1:
            out["other_gateway"] = [s[-1] for s in self.seen]
        return out
