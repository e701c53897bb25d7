"""gateway.clock: the gateway's time (POST /_gateway/clock). Frozen, a
transition under way stays under way, and billing stands still, until
advance() moves time on."""


class Clock:
    def __init__(self, control):
        self._control = control

    def _set(self, body):
        return self._control.request("POST", "/_gateway/clock", body)[1]

    def freeze(self):
        """Virtual time from now on; returns the gateway's now in ms."""
        return self._set({"mode": "virtual"})["now_ms"]

    def advance(self, ms):
        """Moves virtual time on by `ms` (transitions due by then settle); returns the new now."""
        return self._set({"advance_ms": int(ms)})["now_ms"]

    def real(self):
        """Back to the wall clock."""
        return self._set({"mode": "real"})["now_ms"]

    def now(self):
        """{"mode": "real"|"virtual", "now_ms": N}"""
        return self._control.request("GET", "/_gateway/clock")[1]
