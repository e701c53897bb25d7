"""Finds the lifecycle-gateway binary.

Looked at in this order, the first that is given wins:
  1. the `binary` argument (the plugin's --lifecycle-gateway-bin),
  2. $LIFECYCLE_GATEWAY_BIN,
  3. `lifecycle-gateway` on PATH,
  4. a repository's build/gateway/lifecycle-gateway: in the current
     directory or one of its parents, then in the checkout this package was
     imported from.
A binary named by 1 or 2 is used or refused, never replaced by another one.
"""
import os
import shutil

from .errors import GatewayNotFound

ENV_VAR = "LIFECYCLE_GATEWAY_BIN"
NAME = "lifecycle-gateway"
BUILT = os.path.join("build", "gateway", NAME)
# The repository this package sits in when used from a checkout (python/lifecycle_gateway/).
CHECKOUT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _executable(path):
    return os.path.isfile(path) and os.access(path, os.X_OK)


def _why_not(path):
    if not os.path.exists(path):
        return "no such file"
    if not os.path.isfile(path):
        return "not a file"
    return "not executable"


def _repo_candidates(cwd):
    """build/gateway/lifecycle-gateway in cwd and each of its parents, then in this package's checkout."""
    roots = []
    d = os.path.abspath(cwd)
    while True:
        roots.append(d)
        parent = os.path.dirname(d)
        if parent == d:
            break
        d = parent
    roots.append(CHECKOUT)
    out = []
    for root in roots:
        path = os.path.join(root, BUILT)
        if path not in out:
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
    tried = ["binary argument / --lifecycle-gateway-bin: not given", f"${ENV_VAR}: not set"]
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
