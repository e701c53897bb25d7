"""gateway.sftp_endpoint(...): a Transfer server's SFTP endpoint and a ready
user, as the plugin's lifecycle_gateway_sftp fixture gives a test.

    endpoint = gateway.sftp_endpoint()     # a new SFTP server (CreateServer), ONLINE, and user "alice"
    endpoint.host, endpoint.port           # where it listens
    endpoint.user.private_key_path         # the user's key (ssh -i / sftp -i / paramiko key_filename)
    with endpoint.connect() as sftp:       # a paramiko SFTPClient logged in as the user
        sftp.put("report.csv", "report.csv")

The server is made through the Transfer API as code under test would make it
(CreateServer, CreateUser, ImportSshPublicKey: all in the journal). connect()
needs paramiko (on Debian: apt-get install python3-paramiko).
"""
import contextlib
import time
from dataclasses import dataclass

from .errors import GatewayError
from .transfer_users import TransferUser


@dataclass(frozen=True)
class SftpEndpoint:
    server_id: str
    host: str
    port: int
    user: TransferUser

    @contextlib.contextmanager
    def connect(self, timeout=10):
        """A paramiko SFTPClient logged in as the user; closed on leaving the block."""
        try:
            import paramiko
        except ImportError as e:
            raise GatewayError("SftpEndpoint.connect() needs paramiko (on Debian: apt-get install "
                               "python3-paramiko)") from e
        client = paramiko.SSHClient()
        client.set_missing_host_key_policy(paramiko.AutoAddPolicy())
        try:
            client.connect(self.host, port=self.port, username=self.user.user_name,
                           key_filename=self.user.private_key_path, look_for_keys=False, allow_agent=False,
                           timeout=timeout, banner_timeout=timeout, auth_timeout=timeout)
        except BaseException:
            client.close()  # paramiko keeps a refused connection open until collected
            raise
        try:
            sftp = client.open_sftp()
            try:
                yield sftp
            finally:
                sftp.close()
        finally:
            client.close()


def endpoint_of(gateway, server_id):
    """(host, port) of a server's endpoint, from GET /_gateway/servers."""
    for s in gateway.servers():
        if server_id in (s["id"], s["server_id"]):
            if not s.get("sftp"):
                raise GatewayError(f"server {server_id} has no SFTP endpoint (its Protocols lack SFTP, "
                                   "or the gateway runs with --sftp off)")
            return s["sftp"]["host"], s["sftp"]["port"]
    raise GatewayError(f"no server {server_id!r} at {gateway.url}")


def sftp_endpoint(gateway, server=None, user_name="alice", home_directory="/bucket/alice", timeout=10):
    if server is None:
        client = gateway.transfer_client()
        server = client.create_server(Protocols=["SFTP"], IdentityProviderType="SERVICE_MANAGED")["ServerId"]
        deadline = time.monotonic() + timeout
        while client.describe_server(ServerId=server)["Server"]["State"] != "ONLINE":
            if time.monotonic() > deadline:
                raise GatewayError(f"server {server} did not come ONLINE within {timeout} s")
            time.sleep(0.02)
    server_id = server.get("server_id") if isinstance(server, dict) else server
    user = gateway.transfer_user(server_id, user_name, home_directory=home_directory)
    host, port = endpoint_of(gateway, user.server_id)
    return SftpEndpoint(user.server_id, host, port, user)
