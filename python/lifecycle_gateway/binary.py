"""Finds the lifecycle-gateway binary.

Looked at in this order, the first that is given wins:
  1. the `binary` argument (the plugin's --lifecycle-gateway-bin),
  2. $LIFECYCLE_GATEWAY_BIN,
  3. `lifecycle-gateway` on PATH,
  4. a repository's build/gateway/lifecycle-gateway: the checkout this
     package was imported from, then the current directory and its parents.
A binary named by 1 or 2 is used or refused, never replaced by another one.
"""
import os
import shutil

from .errors import GatewayNotFound

ENV_VAR = "LIFECYCLE_GATEWAY_BIN"
NAME = "lifecycle-gateway"
BUILT = os.path.join("build", "gateway", NAME)


def _executable(path):
    return os.path.isfile(path) and os.access(path, os.X_OK)


def _why_not(path):
    if not os.path.exists(path):
        return "no such file"
    if not os.path.isfile(path):
        return "not a file"
    return "not executable"


def _repo_candidates(cwd):
    """build/gateway/lifecycle-gateway in this package's checkout, then in cwd and its parents."""
    here = os.path.dirname(os.path.abspath(__file__))
    seen, out = set(), []
    roots = [os.path.dirname(os.path.dirname(here))]  # python/lifecycle_gateway -> the repository
    d = os.path.abspath(cwd)
    while True:
        roots.append(d)
        parent = os.path.dirname(d)
        if parent == d:
            break
        d = parent
    for root in roots:
        path = os.path.join(root, BUILT)
        if path not in seen:
            seen.add(path)
            out.append(path)
    return out


def find_binary(binary=None, environ=None, cwd=None):
    """Returns the path of the binary to run, or raises GatewayNotFound naming every place tried."""
    environ = os.environ if environ is None else environ
    if binary is not None:
        path = os.fspath(binary)
        if _executable(path):
            return path
        raise GatewayNotFound(f"lifecycle-gateway binary {path!r} (given as binary / --lifecycle-gateway-bin): "
                              f"{_why_not(path)}")
    named = environ.get(ENV_VAR)
    if named:
        if _executable(named):
            return named
        raise GatewayNotFound(f"lifecycle-gateway binary {named!r} (from ${ENV_VAR}): {_why_not(named)}")
    tried = [f"binary argument / --lifecycle-gateway-bin: not given", f"${ENV_VAR}: not set"]
    search_path = environ.get("PATH", "")
    on_path = shutil.which(NAME, path=search_path)
    if on_path:
        return on_path
    tried.append(f"PATH: no {NAME} in {search_path or '(empty)'}")
    for path in _repo_candidates(cwd or os.getcwd()):
        if _executable(path):
            return path
        tried.append(f"{path}: {_why_not(path)}")
    raise GatewayNotFound("lifecycle-gateway binary not found. Tried:\n  " + "\n  ".join(tried) +
                          "\nBuild it with ./dev build in the repository, or point "
                          f"${ENV_VAR} or --lifecycle-gateway-bin at it.")
