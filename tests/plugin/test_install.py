"""The package installed as a user installs it: `pip install
--no-build-isolation ./python` into a fresh venv made with
--system-site-packages, offline; then `pytest examples/pytest` passes with
the installed plugin (loaded by its entry point), and so does a copy of the
example module on its own, as a user would copy it."""
import os
import shutil
import subprocess

import pytest

from conftest import REPO


@pytest.fixture(scope="module")
def venv(tmp_path_factory):
    root = tmp_path_factory.mktemp("install")
    source = root / "python"
    shutil.copytree(os.path.join(REPO, "python"), source,
                    ignore=shutil.ignore_patterns("build", "*.egg-info", "__pycache__"))
    env = clean_env()
    env.update({"PIP_NO_INDEX": "1", "PIP_DISABLE_PIP_VERSION_CHECK": "1"})  # offline, and it must not matter
    subprocess.run(["/usr/bin/python3", "-m", "venv", "--system-site-packages", str(root / "venv")],
                   check=True, env=env, timeout=300)
    python = str(root / "venv" / "bin" / "python")
    r = subprocess.run([python, "-m", "pip", "install", "--no-build-isolation", str(source)],
                       capture_output=True, text=True, env=env, cwd=root, timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr
    return python, root


def clean_env():
    """The environment without the checkout's python/ on PYTHONPATH: only the install may serve."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    return env


def test_the_installed_package_and_its_entry_point(venv):
    python, root = venv
    r = subprocess.run([python, "-c", "import lifecycle_gateway, importlib.metadata as m; "
                        "print(lifecycle_gateway.__file__); "
                        "print([e.value for e in m.entry_points(group='pytest11') if e.name == 'lifecycle_gateway.plugin'])"],
                       capture_output=True, text=True, env=clean_env(), cwd=root, timeout=60)
    assert r.returncode == 0, r.stderr
    location, entry = r.stdout.splitlines()
    assert location.startswith(str(root / "venv")), location
    assert entry == "['lifecycle_gateway.plugin']"


def test_pytest_examples_pytest_passes_with_the_install(venv):
    python, _ = venv
    r = subprocess.run([python, "-m", "pytest", "-p", "no:cacheprovider", "-q", "examples/pytest"],
                       capture_output=True, text=True, env=clean_env(), cwd=REPO, timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "2 passed" in r.stdout


def test_a_copy_of_the_example_needs_nothing_else(venv):
    python, root = venv
    mine = root / "my-tests"
    mine.mkdir()
    shutil.copy(os.path.join(REPO, "examples", "pytest", "test_stop_servers.py"), mine)
    r = subprocess.run([python, "-m", "pytest", "-p", "no:cacheprovider", "-q", "-n", "2"],
                       capture_output=True, text=True, env=clean_env(), cwd=mine, timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "2 passed" in r.stdout
