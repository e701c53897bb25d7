"""What the Keystone and Glance suites share (test_keystone_admin.py,
test_tempest_dynamic_creds.py, test_glance.py): raw HTTP against a gateway
(for the error bodies clients swallow), the openstack CLI as any user with any
password or environment, and tempest's own service clients, registered as
tempest registers them for its tests."""
import json
import os
import subprocess
import urllib.error
import urllib.request

from tempest.lib.services import clients as tempest_clients

from clients import openstack_env

_REGISTERED = False


def register_tempest_clients():
    """Registers tempest's service clients (identity v3, compute, image, network, ...) with
    ClientsRegistry, as tempest's config module does before a test run, so
    DynamicCredentialProvider can build its admin clients outside tempest's runner."""
    global _REGISTERED
    if _REGISTERED:
        return
    catalog = {"identity": "identity", "compute": "compute", "image": "image", "network": "network",
               "volume": "volumev3", "object-storage": "object-store", "placement": "placement"}
    modules = tempest_clients.tempest_modules()
    tempest_clients.ClientsRegistry().register_service_client("__tempest__", [
        dict(name=k.replace(".", "_").replace("-", "_"), service_version=k, module_path=m.__name__,
             client_names=m.__all__, region="RegionOne", endpoint_type="public",
             service=catalog.get(k.split(".")[0], k.split(".")[0]))
        for k, m in modules.items()])
    _REGISTERED = True


def http(gw, method, path, body=None, token=None, headers=None):
    """(status, headers, parsed JSON or None) of one request."""
    data = body if isinstance(body, (bytes, type(None))) else (body if isinstance(body, str) else json.dumps(body))
    if isinstance(data, str):
        data = data.encode()
    h = {"Content-Type": "application/json"} if data is not None else {}
    if token:
        h["X-Auth-Token"] = token
    h.update(headers or {})
    req = urllib.request.Request(gw.url + path, data=data, method=method, headers=h)
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            raw, status, got = r.read(), r.status, dict(r.headers)
    except urllib.error.HTTPError as e:
        raw, status, got = e.read(), e.code, dict(e.headers)
    got = {k.lower(): v for k, v in got.items()}
    return status, got, (json.loads(raw) if raw else None)


def login(gw, user, password=None, project=None, project_id=None):
    """A project-scoped token (by name in Default, or by id), or raises."""
    scope = {"project": {"id": project_id}} if project_id else \
        {"project": {"name": project or user, "domain": {"name": "Default"}}}
    body = {"auth": {"identity": {"methods": ["password"], "password": {"user": {
        "name": user, "domain": {"name": "Default"}, "password": password or user}}}, "scope": scope}}
    status, headers, doc = http(gw, "POST", "/identity/v3/auth/tokens", body)
    assert status == 201, (status, doc)
    return headers["x-subject-token"]


def cli(gw, *args, env=None, user="admin", timeout=120):
    """Debian's openstack CLI with `env` (default: `user`'s, whose password is its name)."""
    return subprocess.run(["/usr/bin/openstack", *args], env=env or openstack_env(gw, user), capture_output=True,
                          text=True, timeout=timeout)


def cli_json(test, gw, *args, env=None, user="admin"):
    r = cli(gw, *args, "-f", "json", env=env, user=user)
    test.assertEqual(r.returncode, 0, r.stderr)
    return json.loads(r.stdout)


def env_for(gw, user, password, project):
    return openstack_env(gw, user, password, project)


def app_credential_env(gw, cred_id, secret):
    """The CLI's environment for an application credential (no user, no project: the credential says)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OS_", "AWS_"))}
    env.update({"HOME": openstack_env(gw)["HOME"], "OS_AUTH_URL": gw.url + "/identity",
                "OS_AUTH_TYPE": "v3applicationcredential", "OS_APPLICATION_CREDENTIAL_ID": cred_id,
                "OS_APPLICATION_CREDENTIAL_SECRET": secret, "OS_IDENTITY_API_VERSION": "3",
                "OS_REGION_NAME": "RegionOne", "OS_INTERFACE": "public"})
    return env


def journal(gw, **filters):
    query = "&".join(f"{k}={v}" for k, v in filters.items())
    return gw.control("GET", "/_gateway/journal?limit=10000&" + query)[1]["entries"]
