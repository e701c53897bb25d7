"""Under pytest-xdist (-n 2): each worker starts its own gateways, per test
and per session, and nothing is shared between workers; strict mode still
fails a test on the worker that ran it."""
import json
import os

from conftest import FLEET, PLUGIN, REPO, WEB1_T


def test_each_worker_has_its_own_gateways_and_strict_mode_holds(pytester, monkeypatch, tmp_path):
    records = tmp_path / "records"
    records.mkdir()
    monkeypatch.setenv("RECORDS", str(records))
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(
        p for p in [os.path.join(REPO, "python"), os.environ.get("PYTHONPATH")] if p))
    pytester.makeconftest(f"""
        import pytest
        @pytest.fixture(scope="session")
        def lifecycle_gateway_session_args():
            return {{"fleet": {FLEET!r}}}
    """)
    pytester.makepyfile(f"""
        import json, os
        import pytest
        from botocore.exceptions import ClientError

        pytestmark = pytest.mark.lifecycle_gateway(fleet={FLEET!r})

        def record(kind, gw, name):
            worker = os.environ.get("PYTEST_XDIST_WORKER", "none")
            with open(os.path.join(os.environ["RECORDS"], name + ".json"), "w") as f:
                json.dump({{"kind": kind, "worker": worker, "url": gw.url, "pid": gw.pid}}, f)

        @pytest.mark.parametrize("n", range(6))
        def test_own(lifecycle_gateway, n):
            lifecycle_gateway.transfer_client().stop_server(ServerId="{WEB1_T}")
            assert lifecycle_gateway.journal.count() == 1   # only this test's call
            record("own", lifecycle_gateway, f"own-{{n}}")

        @pytest.mark.parametrize("n", range(6))
        def test_session(lifecycle_gateway_session, n):
            gw = lifecycle_gateway_session
            assert gw.journal.count() == 0                  # reset: no other test's calls
            gw.transfer_client().stop_server(ServerId="{WEB1_T}")
            record("session", gw, f"session-{{n}}")

        def test_unknown_call(lifecycle_gateway):
            with pytest.raises(ClientError):
                lifecycle_gateway.transfer_client().create_workflow(
                    Steps=[{{"Type": "DELETE", "DeleteStepDetails": {{"Name": "d"}}}}])
    """)
    result = pytester.runpytest_subprocess(*PLUGIN, "-p", "no:cacheprovider", "-n", "2")
    result.assert_outcomes(passed=12, failed=1)
    result.stdout.fnmatch_lines(["*test_unknown_call*", "*transfer CreateWorkflow -> 400 unknown_operation*"])

    seen = [json.loads(p.read_text()) for p in records.iterdir()]
    assert len(seen) == 12
    assert {r["worker"] for r in seen} == {"gw0", "gw1"}
    own = [(r["pid"], r["url"]) for r in seen if r["kind"] == "own"]
    assert len(set(own)) == 6  # a process of its own per test
    sessions = {}
    for r in seen:
        if r["kind"] == "session":
            sessions.setdefault(r["worker"], set()).add((r["pid"], r["url"]))
    assert all(len(s) == 1 for s in sessions.values())  # one per worker...
    assert len(set().union(*sessions.values())) == len(sessions)  # ...and not the same one
    assert not set(own) & set().union(*sessions.values())
