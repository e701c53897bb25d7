"""gateway.transfer_user(...): a service-managed user of a Transfer server,
with an SSH key, made through the Transfer API as the code under test would
make it (so the calls are in the journal: CreateUser, then
ImportSshPublicKey).

    user = gateway.transfer_user("s-0123456789abcde01", "alice")    # a new ed25519 key pair
    user.private_key_path        # for an SFTP client (ssh -i ...)
    user = gateway.transfer_user(server, "bob", public_key=open("bob.pub").read(),
                                 home_directory="/bucket/bob")

A new key pair is made with ssh-keygen (openssh-client) in the gateway's
work directory, removed with it. Errors of the API (an unknown server, a
user that exists, a key that is not one) are boto3's ClientError.
"""
import os
import shutil
import subprocess
from dataclasses import dataclass

from .errors import GatewayError

# Transfer requires a role; the gateway keeps it and checks only its shape.
DEFAULT_ROLE = "arn:aws:iam::000000000000:role/lifecycle-gateway-transfer-user"


@dataclass(frozen=True)
class TransferUser:
    server_id: str
    user_name: str
    arn: str
    ssh_public_key_id: str
    public_key: str              # the OpenSSH line imported
    private_key_path: str = None  # when the helper made the key pair: its private half (OpenSSH format)


def _server(gateway, server):
    """The server's Transfer identity and tenant, from either identity or a server dict."""
    wanted = server.get("server_id") or server.get("id") if isinstance(server, dict) else server
    for s in gateway.servers():
        if wanted in (s["id"], s["server_id"]):
            return s
    raise GatewayError(f"no server {wanted!r} at {gateway.url} (GET /_gateway/servers lists none by either identity)")


def make_key_pair(directory, name, kind="ed25519"):
    """(private key path, public key line), made by ssh-keygen without a passphrase."""
    keygen = shutil.which("ssh-keygen")
    if not keygen:
        raise GatewayError("transfer_user() makes a key pair with ssh-keygen, which is not installed here "
                           "(on Debian: apt-get install openssh-client); or pass public_key=")
    path = os.path.join(directory, f"{name}_{kind}")
    n = 1
    while os.path.exists(path):
        n += 1
        path = os.path.join(directory, f"{name}_{kind}_{n}")
    subprocess.run([keygen, "-q", "-t", kind, "-N", "", "-C", f"{name}@lifecycle-gateway", "-f", path],
                   check=True, capture_output=True)
    with open(path + ".pub") as f:
        return path, f.read().strip()


def transfer_user(gateway, server, name, public_key=None, home_directory=None, home_directory_type=None,
                  home_directory_mappings=None, role=DEFAULT_ROLE, access_key="test", key_type="ed25519"):
    s = _server(gateway, server)
    tenant = s["tenant"]
    if not tenant.get("account"):
        raise GatewayError(f"server {s['server_id']} belongs to project {tenant['project']!r}, which no AWS account "
                           "maps to: the Transfer API does not see it")
    client = gateway.transfer_client(region=tenant["region"], access_key=access_key)
    private_key_path = None
    if public_key is None:
        private_key_path, public_key = make_key_pair(gateway.workdir, name, key_type)
    request = {"ServerId": s["server_id"], "UserName": name, "Role": role}
    if home_directory is not None:
        request["HomeDirectory"] = home_directory
    if home_directory_type is not None:
        request["HomeDirectoryType"] = home_directory_type
    if home_directory_mappings is not None:
        request["HomeDirectoryMappings"] = home_directory_mappings
    client.create_user(**request)
    imported = client.import_ssh_public_key(ServerId=s["server_id"], UserName=name, SshPublicKeyBody=public_key)
    arn = f"arn:aws:transfer:{tenant['region']}:{tenant['account']}:user/{s['server_id']}/{name}"
    return TransferUser(s["server_id"], name, arn, imported["SshPublicKeyId"], public_key.strip(), private_key_path)
