"""Shared by the plugin's own suite (tests/plugin): pytester for the tests
that run a test suite of their own through the plugin, and the repository's
paths. The plugin itself comes from -p lifecycle_gateway.plugin (meson), with
python/ on PYTHONPATH, as a checkout uses it without installing."""
import os

import pytest

pytest_plugins = ["pytester"]

REPO = os.environ.get("REPO_ROOT") or os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
FLEET = os.path.join(REPO, "examples", "fleet.json")
PLUGIN = ["-p", "lifecycle_gateway.plugin"]

# The demo fleet's servers the tests address (examples/fleet.json).
WEB1, WEB1_T = "6f1c2a3e-0b4d-4c5e-8f60-7a8b9c0d1e01", "s-0123456789abcde01"


@pytest.fixture
def binary():
    """The gateway under test, as meson passes it."""
    path = os.environ.get("LIFECYCLE_GATEWAY_BIN")
    if not path:
        pytest.fail("LIFECYCLE_GATEWAY_BIN is not set (meson sets it; from a shell: "
                    "LIFECYCLE_GATEWAY_BIN=build/gateway/lifecycle-gateway)", pytrace=False)
    return path
