"""The gateway's event stream (GET /_gateway/events, Server-Sent Events) and
waiting on it: wait_for() subscribes first, then reads the server's current
state, then follows its events, so no change can slip between the two and no
time is spent polling."""
import json
import socket
import time

from .errors import GatewayError

CORE_STATES = ("provisioning", "running", "stopping", "stopped", "starting", "stop_failed", "start_failed")
NOVA_STATUSES = ("BUILD", "ACTIVE", "SHUTOFF", "ERROR")
TRANSFER_STATES = ("STARTING", "ONLINE", "STOPPING", "OFFLINE", "STOP_FAILED", "START_FAILED")


def state_matcher(state):
    """A predicate over a server view or an event for a state in any of the three vocabularies."""
    if state in CORE_STATES:
        return lambda view: view.get("state", view.get("new_state")) == state
    if state in NOVA_STATUSES:
        return lambda view: (view.get("nova") or {}).get("status") == state
    if state in TRANSFER_STATES:
        return lambda view: (view.get("transfer") or {}).get("state") == state
    raise ValueError(f"{state!r} is not a state: a core state ({', '.join(CORE_STATES)}), a Nova status "
                     f"({', '.join(NOVA_STATUSES)}) or a Transfer State ({', '.join(TRANSFER_STATES)})")


class EventStream:
    """One subscription; open() returns once the gateway has subscribed it."""

    def __init__(self, control, timeout):
        self.conn = control.connect_raw(timeout=timeout)
        self.conn.request("GET", "/_gateway/events", headers=control.headers)
        self.response = self.conn.getresponse()
        if self.response.status != 200:
            raise GatewayError(f"GET /_gateway/events: {self.response.status} {self.response.read()!r}")
        # The stream opens with a comment: by then the subscription is in place.
        for event in self._events():
            if event is None:
                break

    def _events(self):
        """Yields each event as a dict (event, data), and None for a comment block."""
        event, comment = {}, False
        while True:
            raw = self.response.readline()
            if not raw:
                raise GatewayError("the gateway closed its event stream (is it stopping?)")
            line = raw.decode().rstrip("\r\n")
            if line:
                if line.startswith(":"):
                    comment = True
                elif line.startswith("event: "):
                    event["event"] = line[7:]
                elif line.startswith("data: "):
                    event["data"] = json.loads(line[6:])
                continue
            if "event" in event:
                yield event
            elif comment:
                yield None
            event, comment = {}, False

    def follow(self, deadline):
        """Yields events until the deadline; then returns."""
        events = self._events()
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return
            self.conn.sock.settimeout(left)
            try:
                event = next(events)
            except (socket.timeout, TimeoutError):
                return
            if event is not None:
                yield event

    def close(self):
        if self.conn.sock:
            try:
                self.conn.sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        self.conn.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False


def identity_of(server):
    if isinstance(server, dict):
        return server.get("id") or server.get("server_id")
    return server


def is_server(view, ident):
    return view.get("id") == ident or view.get("server_id") == ident


def wait_for(gateway, server, state, timeout=5):
    """Returns the server's view once it is in `state`; raises TimeoutError naming what it saw."""
    matches = state_matcher(state)
    ident = identity_of(server)
    deadline = time.monotonic() + timeout
    seen = []

    def current():
        return next((s for s in gateway.servers() if is_server(s, ident)), None)

    with EventStream(gateway.control, timeout=max(timeout, 1)) as stream:
        view = current()
        if view is not None and matches(view):
            return view
        for event in stream.follow(deadline):
            kind, data = event["event"], event.get("data") or {}
            if kind in ("reset", "dropped"):  # the picture may have changed whole: look again
                view = current()
            elif is_server(data, ident):
                seen.append(f"{kind}: {data.get('old_state')} -> {data.get('new_state')}")
                if kind == "deleted":
                    raise GatewayError(f"server {ident} was deleted while waiting for {state!r} "
                                       f"(events: {'; '.join(seen)})")
                view = data if matches(data) else None
            else:
                continue
            if view is not None and matches(view):
                return current() or view
    last = current()
    now = f"it is {last['state']} (Nova {last['nova']['status']}, Transfer {last['transfer']['state']})" \
        if last else "no such server"
    hint = ""
    if last is not None:
        clock = gateway.clock.now()
        if clock.get("mode") == "virtual":
            hint = "; the clock is frozen: advance it with gateway.clock.advance(ms)"
    events = f"; its events: {'; '.join(seen)}" if seen else "; no event for it"
    raise TimeoutError(f"server {ident} not {state!r} after {timeout:g} s: {now}{events}{hint}")
