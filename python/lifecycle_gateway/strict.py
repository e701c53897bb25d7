"""Strict mode: the journal entries a passing test must not contain.

- a 5xx that no fault rule injected: the gateway failed, the test did not
  test what it meant to;
- an unknown operation or path (result "unknown_operation"): the client
  under test asked for something the gateway cannot serve.
"""


def violations(entries):
    """The entries of the journal that strict mode holds against a test."""
    return [e for e in entries
            if e.get("result") == "unknown_operation" or (e.get("status", 0) >= 500 and not e.get("injected"))]


def _why(entry):
    if entry.get("result") == "unknown_operation":
        return "an operation or path the gateway does not know"
    return "a 5xx no fault rule injected"


def _describe(entry):
    server = entry.get("server") or {}
    who = entry.get("caller") or {}
    caller = ", ".join(f"{k}={v}" for k, v in who.items() if v)
    target = f" server {server.get('server_id') or server.get('id')}" if server else ""
    return (f"#{entry.get('id')} {entry.get('api')} {entry.get('operation')}{target} -> {entry.get('status')} "
            f"{entry.get('result')} ({_why(entry)}; request {entry.get('request_id')}"
            f"{'; caller ' + caller if caller else ''})")


def report(url, entries):
    """The text of a strict-mode failure for one gateway."""
    lines = [f"lifecycle-gateway at {url} answered {len(entries)} call(s) that a passing test must not make:"]
    lines += ["  " + _describe(e) for e in entries]
    lines.append("An unknown operation means the code under test called something the gateway cannot serve; "
                 "a 5xx that no fault rule injected is a gateway error. To allow them in this test: "
                 "@pytest.mark.lifecycle_gateway(strict=False).")
    return "\n".join(lines)
