"""The real clients, configured against a Gateway (see gateway.py):

    openstack(gw, "server", "stop", "web-1", user="demo")  -> CompletedProcess
    openstack_json(gw, "server", "show", "web-1")          -> parsed -f json output
    transfer(gw, key="test", region="us-east-1")           -> boto3 client, retries off
    transfer(gw, verify=ca_path)                           -> the same over HTTPS, trusting ca_path
    openstack_sdk(gw, user="demo")                         -> openstacksdk Connection

Each call runs with a private HOME so no clouds.yaml or ~/.aws leaks in.
"""
import json
import os
import subprocess
import tempfile

import boto3
from botocore.config import Config

_HOME = tempfile.mkdtemp(prefix="gateway-client-home-")

PROJECT_OF = {"demo": "demo", "alt": "alt", "viewer": "demo", "admin": "admin"}


def openstack_env(gw, user="demo", password=None, project=None):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OS_", "AWS_"))}
    env.update({
        "HOME": _HOME,
        "OS_AUTH_URL": gw.url + "/identity",
        "OS_USERNAME": user,
        "OS_PASSWORD": password or user,
        "OS_PROJECT_NAME": project or PROJECT_OF.get(user, user),
        "OS_USER_DOMAIN_NAME": "Default",
        "OS_PROJECT_DOMAIN_NAME": "Default",
        "OS_IDENTITY_API_VERSION": "3",
        "OS_REGION_NAME": "RegionOne",
        "OS_INTERFACE": "public",
    })
    return env


def openstack(gw, *args, user="demo", check=False, timeout=120):
    """Runs Debian's openstack CLI as a user types it."""
    return subprocess.run(["/usr/bin/openstack", *args], env=openstack_env(gw, user), capture_output=True,
                          text=True, timeout=timeout, check=check)


def openstack_json(gw, *args, user="demo"):
    r = openstack(gw, *args, "-f", "json", user=user)
    if r.returncode != 0:
        raise AssertionError(f"openstack {' '.join(args)} failed: {r.stderr}")
    return json.loads(r.stdout)


def openstack_sdk(gw, user="demo", project=None):
    """An openstacksdk Connection as a user; it authenticates on first use and keeps its token."""
    import openstack as sdk
    return sdk.connect(auth_url=gw.url + "/identity", username=user, password=user,
                       project_name=project or PROJECT_OF.get(user, user), user_domain_name="Default",
                       project_domain_name="Default", region_name="RegionOne", load_yaml_config=False,
                       load_envvars=False)


def transfer(gw, key="test", secret="test", region="us-east-1", retries=False, verify=None):
    """A boto3 Transfer client; with retries off, a 5xx is seen once. verify: boto3's
    (None: the system's CA bundle; a path: trust that CA)."""
    config = Config(retries={"total_max_attempts": 1} if not retries else {"mode": "legacy"})
    return boto3.client("transfer", endpoint_url=gw.url, region_name=region, aws_access_key_id=key,
                        aws_secret_access_key=secret, config=config, verify=verify)


def aws_env(key="test", secret="test", region="us-east-1"):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OS_", "AWS_"))}
    env.update({"HOME": _HOME, "AWS_ACCESS_KEY_ID": key, "AWS_SECRET_ACCESS_KEY": secret,
                "AWS_DEFAULT_REGION": region, "AWS_CONFIG_FILE": "/dev/null",
                "AWS_SHARED_CREDENTIALS_FILE": "/dev/null"})
    return env


def aws(gw, *args, key="test", secret="test", region="us-east-1", timeout=120):
    """Runs Debian's AWS CLI (/usr/bin/aws, not a pyenv one) against the gateway."""
    return subprocess.run(["/usr/bin/aws", "--endpoint-url", gw.url, *args], env=aws_env(key, secret, region),
                          capture_output=True, text=True, timeout=timeout)
