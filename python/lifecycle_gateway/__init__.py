"""lifecycle_gateway: a fresh lifecycle-gateway per test, and a pytest plugin.

    from lifecycle_gateway import Gateway
    with Gateway(fleet="examples/fleet.json") as gw:
        gw.transfer_client().list_servers()

The pytest plugin (lifecycle_gateway.plugin, registered as a pytest11 entry
point) gives tests the fixtures lifecycle_gateway and
lifecycle_gateway_session. See the repository's README, "In your test suite".
"""
from .binary import ENV_VAR, find_binary
from .errors import ControlError, GatewayError, GatewayNotFound, GatewayStartError, StrictModeError
from .gateway import Gateway
from .transfer_users import TransferUser

__version__ = "0.1.0"
__all__ = ["Gateway", "TransferUser", "GatewayError", "GatewayNotFound", "GatewayStartError", "ControlError", "StrictModeError",
           "find_binary", "ENV_VAR"]
