"""Lets `pytest examples/pytest` run from a checkout where lifecycle_gateway
is not installed: python/ goes on sys.path and the plugin is loaded here.
Installed (pip install ./python), the plugin loads itself through its
pytest11 entry point and this does nothing. A copy of test_stop_servers.py
needs no conftest."""
import os
import sys
from importlib.metadata import entry_points

PLUGIN = "lifecycle_gateway.plugin"

if not any(ep.name == PLUGIN for ep in entry_points(group="pytest11")):
    try:
        import lifecycle_gateway  # noqa: F401  (on PYTHONPATH already)
    except ImportError:
        sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "python"))
    pytest_plugins = [PLUGIN]
