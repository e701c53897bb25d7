"""gateway.faults: fault rules that make the cloud misbehave on purpose
(POST/GET/DELETE /_gateway/faults). A call answered by a rule is journaled
as injected, so strict mode never holds it against the test."""


class Faults:
    def __init__(self, control):
        self._control = control

    def add(self, match=None, effect=None, count=None, probability=None, seed=None):
        """Adds a rule and returns it as the gateway keeps it (with its id).

        match:  {"api", "operation", "server", "tenant"}, all optional
        effect: {"error": "unavailable"|"internal"|"throttled", "retry_after_s",
                 "latency_ms", "fail_transition"}, at least one
        A malformed rule raises ControlError with the gateway's reason."""
        rule = {"match": match or {}, "effect": effect or {}}
        for key, value in (("count", count), ("probability", probability), ("seed", seed)):
            if value is not None:
                rule[key] = value
        return self._control.request("POST", "/_gateway/faults", rule)[1]["rule"]

    def rules(self):
        """The rules in force, with how often each matched and fired."""
        return self._control.request("GET", "/_gateway/faults")[1]["rules"]

    def remove(self, rule_id):
        self._control.request("DELETE", f"/_gateway/faults/{int(rule_id)}")

    def clear(self):
        self._control.request("DELETE", "/_gateway/faults")
