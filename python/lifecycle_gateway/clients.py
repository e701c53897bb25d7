"""Clients and environments pointed at a gateway: boto3 for Transfer,
openstacksdk for Nova, and environment variables for the two CLIs. boto3 and
openstacksdk are imported only when asked for; a missing one is an error that
says which package to install."""
import os
import threading

# The default users' projects (README "Identities and tenants"); any other user is its own project.
PROJECT_OF = {"demo": "demo", "alt": "alt", "viewer": "demo", "admin": "admin"}

_session = None
_session_lock = threading.Lock()


def _require(module, what, debian):
    try:
        return __import__(module, fromlist=["_"])
    except ImportError as e:
        raise ImportError(f"{what} needs {module}, which is not installed here ({e}); "
                          f"on Debian: apt-get install {debian}") from e


def _boto3_session():
    """One boto3 session per process: its model loader is warm after the first client.
    A new one if boto3 was imported anew since (pytester's in-process runs do that),
    so errors come from the botocore the caller imports."""
    global _session
    boto3_session = _require("boto3.session", "transfer_client()", "python3-boto3")
    with _session_lock:
        if _session is None or not isinstance(_session, boto3_session.Session):
            _session = boto3_session.Session()
        return _session


def transfer_client(url, region="us-east-1", access_key="test", secret_key="test", retries=False):
    """A boto3 Transfer client for `url`. retries=False: one attempt, so a 5xx is
    seen as it was answered; True: botocore's default retries; N: N retries."""
    config_mod = _require("botocore.config", "transfer_client()", "python3-boto3")
    if retries is False or retries == 0:
        retry = {"total_max_attempts": 1}
    elif retries is True:
        retry = {"mode": "standard"}
    else:
        retry = {"mode": "standard", "total_max_attempts": int(retries) + 1}
    config = config_mod.Config(retries=retry)
    session = _boto3_session()
    with _session_lock:
        return session.client("transfer", endpoint_url=url, region_name=region, aws_access_key_id=access_key,
                              aws_secret_access_key=secret_key, config=config)


def openstack(url, user="demo", project=None, password=None):
    """An openstacksdk Connection as `user` (password: the user's name, as for the default users)."""
    sdk = _require("openstack", "openstack()", "python3-openstacksdk")
    return sdk.connect(auth_url=url + "/identity", username=user, password=password or user,
                       project_name=project or PROJECT_OF.get(user, user), user_domain_name="Default",
                       project_domain_name="Default", region_name="RegionOne", load_yaml_config=False,
                       load_envvars=False)


def _clean_environ(prefixes):
    return {k: v for k, v in os.environ.items() if not k.startswith(prefixes)}


def openstack_env(url, user="demo", project=None, password=None):
    """An environment for the openstack CLI (or novaclient): os.environ without
    its OS_* variables, plus the gateway's Keystone and this user."""
    env = _clean_environ(("OS_",))
    env.update({
        "OS_AUTH_URL": url + "/identity",
        "OS_IDENTITY_API_VERSION": "3",
        "OS_USERNAME": user,
        "OS_PASSWORD": password or user,
        "OS_PROJECT_NAME": project or PROJECT_OF.get(user, user),
        "OS_USER_DOMAIN_NAME": "Default",
        "OS_PROJECT_DOMAIN_NAME": "Default",
        "OS_REGION_NAME": "RegionOne",
        "OS_INTERFACE": "public",
    })
    return env


def aws_env(url, region="us-east-1", access_key="test", secret_key="test"):
    """An environment for the AWS CLI: os.environ without its AWS_* variables,
    plus a key, a region, no config files, and the endpoint for the CLIs that
    read AWS_ENDPOINT_URL (older ones need --endpoint-url URL)."""
    env = _clean_environ(("AWS_",))
    env.update({
        "AWS_ACCESS_KEY_ID": access_key,
        "AWS_SECRET_ACCESS_KEY": secret_key,
        "AWS_DEFAULT_REGION": region,
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        "AWS_ENDPOINT_URL": url,
    })
    return env
