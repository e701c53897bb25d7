"""The pytest plugin (entry point pytest11 "lifecycle_gateway.plugin"; from a
checkout without installing: `pytest -p lifecycle_gateway.plugin` with
python/ on PYTHONPATH).

Fixtures:
  lifecycle_gateway          a fresh gateway per test, configured by the marker
  lifecycle_gateway_session  one gateway per session (per xdist worker), reset
                             before each test that uses it; configured by
                             overriding lifecycle_gateway_session_args
  lifecycle_gateway_sftp     the test's gateway's SFTP endpoint: a new ONLINE
                             server and a ready user with a key pair
                             (an SftpEndpoint: host, port, user, connect())
Marker:
  @pytest.mark.lifecycle_gateway(fleet=..., flags=[...], strict=True)
Option:
  --lifecycle-gateway-bin PATH

Strict mode: once a test has passed, each gateway it used is asked for
journal entries answered with a 5xx that no fault rule injected, or for an
operation or path the gateway does not know; if there are any, the test
fails with them listed. A test that failed anyway gets them as a report
section. strict=False on the marker turns this off for a test.
"""
import pytest

from .errors import GatewayError
from .gateway import Gateway
from .strict import report

MARKER = "lifecycle_gateway"
MARKER_KEYS = ("fleet", "flags", "strict")
_used = pytest.StashKey[list]()  # the gateways a test used, for the strict check


def pytest_addoption(parser):
    group = parser.getgroup("lifecycle-gateway")
    group.addoption("--lifecycle-gateway-bin", metavar="PATH", default=None,
                    help="the lifecycle-gateway binary (else $LIFECYCLE_GATEWAY_BIN, PATH, the repository's build/)")


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        f"{MARKER}(fleet=None, flags=(), strict=True): configures the test's own lifecycle_gateway "
        "(fleet: a path, a fleet dict or a list of servers; flags: further gateway flags); strict=False "
        "lets the test pass although the gateway answered an unknown call or a 5xx it was not told to inject")


def marker_options(node):
    """The marker's keywords, the closest marker first (a test's over its class's over its module's)."""
    options = {}
    for mark in node.iter_markers(MARKER):
        if mark.args:
            raise ValueError(f"{node.nodeid}: @pytest.mark.{MARKER} takes keywords only "
                             f"({', '.join(MARKER_KEYS)}), not {mark.args!r}")
        unknown = set(mark.kwargs) - set(MARKER_KEYS)
        if unknown:
            raise ValueError(f"{node.nodeid}: @pytest.mark.{MARKER} does not know "
                             f"{', '.join(sorted(unknown))} (it takes {', '.join(MARKER_KEYS)})")
        for key, value in mark.kwargs.items():
            options.setdefault(key, value)
    return options


def _start(config, fleet=None, flags=()):
    """A Gateway, or the test's error with what was tried and what the gateway printed."""
    try:
        return Gateway(binary=config.getoption("lifecycle_gateway_bin"), fleet=fleet, flags=flags)
    except (GatewayError, ValueError, TypeError) as e:
        pytest.fail(f"lifecycle-gateway could not start: {e}", pytrace=False)


def _watch(node, gateway):
    node.stash.setdefault(_used, []).append(gateway)


@pytest.fixture
def lifecycle_gateway(request):
    """A gateway of this test's own on a free port, stopped (SIGTERM) after it."""
    try:
        options = marker_options(request.node)
    except ValueError as e:
        pytest.fail(str(e), pytrace=False)
    gateway = _start(request.config, options.get("fleet"), options.get("flags", ()))
    _watch(request.node, gateway)
    try:
        yield gateway
    finally:
        gateway.stop()


@pytest.fixture
def lifecycle_gateway_sftp(lifecycle_gateway):
    """An SFTP endpoint of the test's own gateway: a new server made through the Transfer API, ONLINE,
    with the user "alice" (home /bucket/alice) and a new key pair: an SftpEndpoint (server_id, host,
    port, user, connect())."""
    try:
        return lifecycle_gateway.sftp_endpoint()
    except GatewayError as e:
        pytest.fail(f"lifecycle_gateway_sftp: {e}", pytrace=False)


@pytest.fixture(scope="session")
def lifecycle_gateway_session_args():
    """Override to configure the session's gateway: {"fleet": ..., "flags": [...]}."""
    return {}


@pytest.fixture(scope="session")
def _lifecycle_gateway_session_process(request, lifecycle_gateway_session_args):
    args = dict(lifecycle_gateway_session_args)
    unknown = set(args) - {"fleet", "flags"}
    if unknown:
        pytest.fail(f"lifecycle_gateway_session_args: unknown keys {', '.join(sorted(unknown))} "
                    "(it takes fleet and flags)", pytrace=False)
    gateway = _start(request.config, args.get("fleet"), args.get("flags", ()))
    try:
        yield gateway
    finally:
        gateway.stop()


@pytest.fixture
def lifecycle_gateway_session(request, _lifecycle_gateway_session_process):
    """The session's gateway, reset (fleet, fault rules, clock, journal) for this test."""
    gateway = _lifecycle_gateway_session_process
    gateway.reset()
    _watch(request.node, gateway)
    return gateway


def _strict(item):
    try:
        return bool(marker_options(item).get("strict", True))
    except ValueError:
        return True


def _violations(item):
    """[(gateway, entries)] for each gateway the test used that has any."""
    found = []
    for gateway in item.stash.get(_used, []):
        entries = gateway.strict_violations()
        if entries:
            found.append((gateway, entries))
    return found


@pytest.hookimpl(trylast=True)
def pytest_runtest_call(item):
    """Runs after the test function, and only if it passed (an earlier hook raising stops the call)."""
    if not item.stash.get(_used, None) or not _strict(item):
        return
    found = _violations(item)
    if found:
        pytest.fail("\n\n".join(report(gw.url, entries) for gw, entries in found), pytrace=False)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    if call.when != "call" or not rep.failed or not item.stash.get(_used, None):
        return
    # The test failed on its own: what the gateway could not serve may be why.
    try:
        found = _violations(item)
    except Exception as e:  # the gateway may be what failed
        rep.sections.append(("lifecycle-gateway", f"could not read the journal: {e}"))
        return
    text = "\n\n".join(report(gw.url, entries) for gw, entries in found)
    if text and text not in str(rep.longrepr):
        rep.sections.append(("lifecycle-gateway", text))
