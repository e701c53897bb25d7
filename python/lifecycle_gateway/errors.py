"""The errors the package raises; each message says what was tried and what
the gateway said, so a failing test explains itself."""


class GatewayError(Exception):
    """Anything that went wrong with a gateway process or its control plane."""


class GatewayNotFound(GatewayError, FileNotFoundError):
    """No binary at any of the places looked at (the message lists them)."""


class GatewayStartError(GatewayError):
    """The binary ran but did not come up: its exit code and output are in the message."""


class ControlError(GatewayError):
    """The control plane refused a call (a malformed fault rule, a bad filter...)."""

    def __init__(self, method, path, status, message):
        super().__init__(f"{method} {path}: {status} {message}")
        self.method, self.path, self.status, self.message = method, path, status, message


class StrictModeError(GatewayError, AssertionError):
    """The gateway answered calls a passing test must not contain (see strict.py)."""
