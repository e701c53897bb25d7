"""Calls to a gateway's control plane (/_gateway/...): JSON in, JSON out,
over one kept-alive connection per gateway. A refusal (4xx) becomes a
ControlError with the gateway's own message."""
import http.client
import json
import threading
import urllib.parse

from .errors import ControlError, GatewayError


class Control:
    def __init__(self, host, port, token=None, timeout=30):
        self.host, self.port, self.timeout = host, port, timeout
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}
        self._conn = None
        self._lock = threading.Lock()

    def connect_raw(self, timeout=None):
        """A new connection of its own (for the event stream)."""
        return http.client.HTTPConnection(self.host, self.port, timeout=timeout or self.timeout)

    def request(self, method, path, body=None, query=None):
        """Returns (status, parsed JSON or None); raises ControlError on a 4xx or 5xx."""
        if query:
            path += "?" + urllib.parse.urlencode(query)
        data = json.dumps(body).encode() if body is not None else None
        headers = dict(self.headers)
        if data is not None:
            headers["Content-Type"] = "application/json"
        elif method in ("POST", "PUT"):
            data = b""  # the gateway wants a Content-Length on every POST
        with self._lock:
            status, raw = self._send(method, path, data, headers)
        parsed = None
        if raw:
            try:
                parsed = json.loads(raw)
            except ValueError:
                parsed = raw.decode(errors="replace")
        if status >= 400:
            message = parsed
            if isinstance(parsed, dict) and isinstance(parsed.get("error"), dict):
                message = parsed["error"].get("message", parsed)
            raise ControlError(method, path, status, message)
        return status, parsed

    def _send(self, method, path, data, headers):
        # One retry on a fresh connection: a kept-alive one may have been closed by the server.
        for attempt in (0, 1):
            if self._conn is None:
                self._conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
            try:
                self._conn.request(method, path, body=data, headers=headers)
                response = self._conn.getresponse()
                return response.status, response.read()
            except (ConnectionError, http.client.HTTPException, OSError) as e:
                self.close()
                if attempt == 1:
                    raise GatewayError(f"{method} http://{self.host}:{self.port}{path}: {e!r} "
                                       "(is the gateway still running?)") from e
        raise AssertionError("unreachable")

    def close(self):
        if self._conn is not None:
            self._conn.close()
            self._conn = None
