"""The plugin as a user meets it: test modules of their own (run by pytester)
using the fixtures, the marker and the option, and strict teardown failing a
test whose code made a call the gateway cannot serve."""
import pytest

from conftest import FLEET, PLUGIN, WEB1_T


@pytest.fixture
def run(pytester):
    """Runs pytester's test files with the plugin loaded, in this process."""
    def run(*args):
        return pytester.runpytest(*PLUGIN, "-p", "no:cacheprovider", *args)
    return run


def test_each_test_gets_a_fresh_gateway_of_its_own(pytester, run):
    pytester.makepyfile(f"""
        import pytest
        pytestmark = pytest.mark.lifecycle_gateway(fleet={FLEET!r})
        seen = []

        def test_one(lifecycle_gateway):
            lifecycle_gateway.transfer_client().stop_server(ServerId="{WEB1_T}")
            seen.append((lifecycle_gateway.url, lifecycle_gateway.pid))

        def test_two(lifecycle_gateway):
            web1 = next(s for s in lifecycle_gateway.servers() if s["server_id"] == "{WEB1_T}")
            assert web1["state"] == "running"          # test_one's stop is not here
            assert lifecycle_gateway.journal() == []    # nor its calls
            assert (lifecycle_gateway.url, lifecycle_gateway.pid) not in seen
            import os
            with pytest.raises(ProcessLookupError):
                os.kill(seen[0][1], 0)                  # test_one's gateway is gone
    """)
    run().assert_outcomes(passed=2)


def test_the_closest_marker_wins_keyword_by_keyword(pytester, run):
    pytester.makepyfile("""
        import pytest
        ONE = [{"name": "module-server", "project": "demo"}]
        pytestmark = pytest.mark.lifecycle_gateway(fleet=ONE, flags=["--transition-ms", "250"])

        def names(gw):
            return [s["name"] for s in gw.servers()]

        def test_module_marker(lifecycle_gateway):
            assert names(lifecycle_gateway) == ["module-server"]

        @pytest.mark.lifecycle_gateway(fleet=[{"name": "own-server", "project": "demo"}])
        def test_own_fleet_module_flags(lifecycle_gateway):
            assert names(lifecycle_gateway) == ["own-server"]
            sid = lifecycle_gateway.servers()[0]["server_id"]
            lifecycle_gateway.transfer_client().stop_server(ServerId=sid)
            assert lifecycle_gateway.servers()[0]["state"] == "stopping"   # --transition-ms 250 from the module

        class TestInAClass:
            pytestmark = pytest.mark.lifecycle_gateway(flags=[])
            def test_class_flags(self, lifecycle_gateway):
                sid = lifecycle_gateway.servers()[0]["server_id"]
                lifecycle_gateway.transfer_client().stop_server(ServerId=sid)
                assert lifecycle_gateway.servers()[0]["state"] == "stopped"  # no transition time
    """)
    run().assert_outcomes(passed=3)


def test_the_session_gateway_is_one_process_reset_before_each_test(pytester, run):
    pytester.makeconftest(f"""
        import pytest
        @pytest.fixture(scope="session")
        def lifecycle_gateway_session_args():
            return {{"fleet": {FLEET!r}, "flags": ["--journal-max", "50"]}}
    """)
    pytester.makepyfile(f"""
        seen = []
        def test_one(lifecycle_gateway_session):
            gw = lifecycle_gateway_session
            gw.transfer_client().stop_server(ServerId="{WEB1_T}")
            gw.faults.add(effect={{"latency_ms": 1}})
            gw.clock.freeze()
            seen.append(gw.pid)

        def test_two(lifecycle_gateway_session):
            gw = lifecycle_gateway_session
            assert gw.pid == seen[0]
            assert next(s for s in gw.servers() if s["server_id"] == "{WEB1_T}")["state"] == "running"
            assert gw.faults.rules() == [] and gw.clock.now()["mode"] == "real" and gw.journal() == []
    """)
    run().assert_outcomes(passed=2)


def test_the_option_names_the_binary(pytester, run, binary, tmp_path, monkeypatch):
    monkeypatch.delenv("LIFECYCLE_GATEWAY_BIN")
    ran = tmp_path / "ran"
    wrapper = tmp_path / "my-gateway"
    wrapper.write_text(f"#!/bin/sh\ntouch {ran}\nexec {binary} \"$@\"\n")
    wrapper.chmod(0o755)
    pytester.makepyfile("""
        def test_it(lifecycle_gateway):
            assert lifecycle_gateway.binary.endswith("my-gateway")
    """)
    run("--lifecycle-gateway-bin", str(wrapper)).assert_outcomes(passed=1)
    assert ran.exists()


def test_a_missing_binary_errors_the_test_saying_where_it_looked(pytester, run):
    pytester.makepyfile("""
        def test_it(lifecycle_gateway):
            pass
    """)
    result = run("--lifecycle-gateway-bin", "/nonexistent/lifecycle-gateway")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*lifecycle-gateway could not start: lifecycle-gateway binary "
                                 "'/nonexistent/lifecycle-gateway' (given as binary / --lifecycle-gateway-bin): "
                                 "no such file*"])


def test_a_gateway_that_does_not_start_errors_the_test_with_what_it_printed(pytester, run):
    pytester.makepyfile("""
        import pytest
        @pytest.mark.lifecycle_gateway(flags=["--transition-ms", "soon"])
        def test_it(lifecycle_gateway):
            pass
    """)
    result = run()
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*the gateway exited with status 2 before it listened*", "*--transition-ms*"])


def test_a_marker_with_unknown_keywords_is_refused(pytester, run):
    pytester.makepyfile("""
        import pytest
        @pytest.mark.lifecycle_gateway(fleets=[])
        def test_it(lifecycle_gateway):
            pass
    """)
    result = run()
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*lifecycle_gateway does not know fleets (it takes fleet, flags, strict)*"])


# -- strict teardown ------------------------------------------------------------

UNKNOWN_CALLS = f"""
    import urllib.error, urllib.request
    import pytest
    from botocore.exceptions import ClientError

    def call_the_unservable(gw):
        # Transfer's CreateWorkflow is in boto3's model, not in the gateway; Nova's
        # os-no-such-api is not an API of Nova, nor of the gateway.
        with pytest.raises(ClientError):
            gw.transfer_client().create_workflow(Steps=[{{"Type": "DELETE", "DeleteStepDetails": {{"Name": "d"}}}}])
        with pytest.raises(urllib.error.HTTPError):
            urllib.request.urlopen(gw.url + "/compute/v2.1/os-no-such-api")
"""


def test_a_test_whose_code_made_unknown_calls_fails_with_them_listed(pytester, run):
    pytester.makepyfile(UNKNOWN_CALLS + f"""
    @pytest.mark.lifecycle_gateway(fleet={FLEET!r})
    def test_passes_on_its_own(lifecycle_gateway):
        call_the_unservable(lifecycle_gateway)

    def test_with_the_session_gateway(lifecycle_gateway_session):
        call_the_unservable(lifecycle_gateway_session)
    """)
    result = run()
    result.assert_outcomes(failed=2)
    result.stdout.fnmatch_lines([
        "*answered 2 call(s) that a passing test must not make:",
        "*#1 transfer CreateWorkflow -> 400 unknown_operation (an operation or path the gateway does not know; request *)",
        "*#2 nova GET /compute/v2.1/os-no-such-api -> 404 unknown_operation*",
        "*@pytest.mark.lifecycle_gateway(strict=False)*",
    ])


def test_strict_false_lets_such_a_test_pass(pytester, run):
    pytester.makepyfile(UNKNOWN_CALLS + f"""
    @pytest.mark.lifecycle_gateway(fleet={FLEET!r}, strict=False)
    def test_it(lifecycle_gateway):
        call_the_unservable(lifecycle_gateway)
    """)
    run().assert_outcomes(passed=1)


def test_a_5xx_nobody_injected_fails_the_test(pytester, run, tmp_path):
    state = tmp_path / "state.db"
    pytester.makepyfile(f"""
        import sqlite3
        import pytest
        from botocore.exceptions import ClientError

        @pytest.mark.lifecycle_gateway(fleet={FLEET!r}, flags=["--state", {str(state)!r}])
        def test_it(lifecycle_gateway):
            holder = sqlite3.connect({str(state)!r}, timeout=0, isolation_level=None)
            holder.execute("BEGIN IMMEDIATE")  # another process holds the state file: the gateway cannot write
            try:
                with pytest.raises(ClientError):
                    lifecycle_gateway.transfer_client().stop_server(ServerId="{WEB1_T}")
            finally:
                holder.execute("ROLLBACK")
                holder.close()
    """)
    result = run()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*transfer StopServer server s-0123456789abcde01 -> 500 unavailable "
                                 "(a 5xx no fault rule injected;*"])


def test_injected_faults_and_refusals_do_not_fail_a_test(pytester, run):
    pytester.makepyfile(f"""
        import pytest
        from botocore.exceptions import ClientError

        @pytest.mark.lifecycle_gateway(fleet={FLEET!r})
        def test_it(lifecycle_gateway):
            aws = lifecycle_gateway.transfer_client()
            lifecycle_gateway.faults.add(match={{"operation": "StopServer"}}, effect={{"error": "internal"}}, count=1)
            with pytest.raises(ClientError):
                aws.stop_server(ServerId="{WEB1_T}")                  # 500, injected
            with pytest.raises(ClientError):
                aws.describe_server(ServerId="s-00000000000000000")   # 400, not found: a refusal
            with pytest.raises(ClientError):
                aws.stop_server(ServerId="s-0123456789abcde04")       # 400, locked
    """)
    run().assert_outcomes(passed=1)


def test_a_test_failing_anyway_shows_what_the_gateway_could_not_serve(pytester, run):
    pytester.makepyfile(UNKNOWN_CALLS + """
    def test_it(lifecycle_gateway):
        call_the_unservable(lifecycle_gateway)
        assert lifecycle_gateway.servers() == ["something"]
    """)
    result = run()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*AssertionError*", "*- lifecycle-gateway -*",
                                 "*#1 transfer CreateWorkflow*unknown_operation*"])
