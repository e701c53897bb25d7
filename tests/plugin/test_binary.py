"""Finding the binary, and the errors when there is none or it does not come
up: each says what was tried and what the gateway printed."""
import os
import stat

import pytest

from lifecycle_gateway import ENV_VAR, Gateway, GatewayNotFound, GatewayStartError, binary as lookup
from lifecycle_gateway.binary import find_binary


def executable(path, text="#!/bin/sh\nexit 0\n"):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)
    os.chmod(path, os.stat(path).st_mode | stat.S_IXUSR)
    return str(path)


@pytest.fixture
def places(tmp_path, monkeypatch):
    """A binary in each place the lookup knows, and no real checkout behind them."""
    monkeypatch.setattr(lookup, "CHECKOUT", str(tmp_path / "checkout"))
    return {
        "arg": executable(tmp_path / "arg" / "lifecycle-gateway"),
        "env": executable(tmp_path / "env" / "lifecycle-gateway"),
        "path_dir": os.path.dirname(executable(tmp_path / "bin" / "lifecycle-gateway")),
        "repo": executable(tmp_path / "repo" / "build" / "gateway" / "lifecycle-gateway"),
        "cwd": str(tmp_path / "repo" / "src" / "deep"),
        "tmp": tmp_path,
    }


def test_the_argument_then_the_variable_then_path_then_a_build_directory(places):
    env = {ENV_VAR: places["env"], "PATH": places["path_dir"]}
    os.makedirs(places["cwd"])
    assert find_binary(places["arg"], environ=env, cwd=places["cwd"]) == places["arg"]
    assert find_binary(None, environ=env, cwd=places["cwd"]) == places["env"]
    del env[ENV_VAR]
    assert find_binary(None, environ=env, cwd=places["cwd"]) == os.path.join(places["path_dir"], "lifecycle-gateway")
    env["PATH"] = "/nonexistent"
    assert find_binary(None, environ=env, cwd=places["cwd"]) == places["repo"]  # found from a subdirectory


def test_the_checkout_of_the_package_is_the_last_place(places, monkeypatch):
    monkeypatch.setattr(lookup, "CHECKOUT", str(places["tmp"] / "repo"))
    assert find_binary(None, environ={"PATH": "/nonexistent"}, cwd="/") == places["repo"]


def test_none_anywhere_lists_every_place_tried(places):
    os.remove(places["repo"])
    with pytest.raises(GatewayNotFound) as e:
        find_binary(None, environ={"PATH": "/nonexistent:/nowhere"}, cwd=str(places["tmp"]))
    message = str(e.value)
    assert "lifecycle-gateway binary not found. Tried:" in message
    assert "binary argument / --lifecycle-gateway-bin: not given" in message
    assert f"${ENV_VAR}: not set" in message
    assert "PATH: no lifecycle-gateway in /nonexistent:/nowhere" in message
    assert f"{places['tmp']}/build/gateway/lifecycle-gateway: no such file" in message
    assert f"{places['tmp']}/checkout/build/gateway/lifecycle-gateway: no such file" in message
    assert "./dev build" in message


def test_a_named_binary_is_used_or_refused_never_replaced(places):
    missing = str(places["tmp"] / "no" / "gateway")
    with pytest.raises(GatewayNotFound, match=f"{missing}.*given as binary.*no such file"):
        find_binary(missing, environ={"PATH": places["path_dir"]})
    plain = places["tmp"] / "not-executable"
    plain.write_text("")
    with pytest.raises(GatewayNotFound, match=f"from \\${ENV_VAR}\\): not executable"):
        find_binary(None, environ={ENV_VAR: str(plain), "PATH": places["path_dir"]})


def test_gateway_raises_the_lookup_error(monkeypatch, tmp_path):
    monkeypatch.delenv(ENV_VAR, raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(lookup, "CHECKOUT", str(tmp_path))
    with pytest.raises(GatewayNotFound, match="binary not found. Tried:"):
        Gateway()


def test_a_gateway_that_refuses_its_flags_is_reported_with_what_it_printed(binary):
    with pytest.raises(GatewayStartError) as e:
        Gateway(binary=binary, flags=["--no-such-flag"])
    message = str(e.value)
    assert "exited with status 2 before it listened" in message
    assert f"command: {binary} --listen 127.0.0.1:0 --no-such-flag" in message
    assert "--no-such-flag" in message.split("stderr:", 1)[1]  # the gateway's own complaint


def test_a_bad_fleet_is_reported_with_the_gateways_reason(binary):
    with pytest.raises(GatewayStartError) as e:
        Gateway(binary=binary, fleet=[{"name": "x", "project": "demo", "state": "melting"}])
    assert "servers[0].state" in str(e.value) and "exited with status 1" in str(e.value)


def test_a_binary_that_is_not_the_gateway(tmp_path):
    chatty = executable(tmp_path / "chatty", "#!/bin/sh\necho hello\nexec sleep 30\n")
    with pytest.raises(GatewayStartError, match="printed 'hello', not 'lifecycle-gateway listening on URL'"):
        Gateway(binary=chatty)
    silent = executable(tmp_path / "silent", "#!/bin/sh\necho 'starting...' >&2\nexec sleep 30\n")
    with pytest.raises(GatewayStartError) as e:
        Gateway(binary=silent, start_timeout=0.5)
    assert "printed no 'lifecycle-gateway listening on URL' line within 0.5 s" in str(e.value)
    assert "stderr:\nstarting..." in str(e.value)
