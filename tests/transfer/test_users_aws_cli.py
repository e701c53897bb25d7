"""The AWS CLI (Debian's awscli) as a user types it for a server's users,
SSH keys, host keys, accesses and security policies: what it prints, and how
it reports each error (stderr, exit status 254/255)."""
import json
import tempfile
import unittest

from clients import aws
from gateway import EXAMPLE_FLEET, Gateway
from keys import make_key

WEB1 = "s-0123456789abcde01"
ROLE = "arn:aws:iam::000000000000:role/transfer"


class AwsCliUsers(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)

    def ok(self, gw, *args):
        r = aws(gw, "transfer", *args)
        self.assertEqual(r.returncode, 0, r.stderr)
        return json.loads(r.stdout) if r.stdout.strip() else None

    def fails(self, gw, code, operation, *args):
        r = aws(gw, "transfer", *args)
        self.assertIn(r.returncode, (254, 255), r.stdout)
        self.assertIn(f"An error occurred ({code}) when calling the {operation} operation", r.stderr)
        return r.stderr

    def test_users_and_keys_as_a_user_types_them(self):
        with Gateway(["--fleet", EXAMPLE_FLEET]) as gw:
            key = make_key(self.tmp.name, "ed25519")
            created = self.ok(gw, "create-user", "--server-id", WEB1, "--user-name", "alice", "--role", ROLE,
                              "--home-directory", "/bucket/alice", "--ssh-public-key-body", key.public,
                              "--tags", "Key=team,Value=data")
            self.assertEqual(created, {"ServerId": WEB1, "UserName": "alice"})
            rsa = make_key(self.tmp.name, "rsa", bits=2048)
            imported = self.ok(gw, "import-ssh-public-key", "--server-id", WEB1, "--user-name", "alice",
                               "--ssh-public-key-body", f"file://{rsa.private_path}.pub")
            self.assertRegex(imported["SshPublicKeyId"], r"^key-[0-9a-f]{17}$")
            user = self.ok(gw, "describe-user", "--server-id", WEB1, "--user-name", "alice")["User"]
            self.assertEqual([k["SshPublicKeyBody"] for k in user["SshPublicKeys"]], [key.public, rsa.public])
            self.assertEqual(user["Tags"], [{"Key": "team", "Value": "data"}])
            r = aws(gw, "transfer", "list-users", "--server-id", WEB1, "--query", "Users[].UserName", "--output", "text")
            self.assertEqual(r.stdout.strip(), "alice")
            self.ok(gw, "update-user", "--server-id", WEB1, "--user-name", "alice", "--home-directory-type", "LOGICAL",
                    "--home-directory-mappings", "Entry=/,Target=/bucket/alice")
            r = aws(gw, "transfer", "describe-server", "--server-id", WEB1, "--query", "Server.UserCount")
            self.assertEqual(r.stdout.strip(), "1")
            self.assertIsNone(self.ok(gw, "delete-ssh-public-key", "--server-id", WEB1, "--user-name", "alice",
                                      "--ssh-public-key-id", imported["SshPublicKeyId"]))  # prints nothing
            self.assertIsNone(self.ok(gw, "delete-user", "--server-id", WEB1, "--user-name", "alice"))

            err = self.fails(gw, "ResourceNotFoundException", "DescribeUser", "describe-user", "--server-id", WEB1,
                             "--user-name", "alice")
            self.assertIn("Unknown user", err)
            self.fails(gw, "ResourceNotFoundException", "CreateUser", "create-user", "--server-id",
                       "s-0000000000000dead", "--user-name", "alice", "--role", ROLE)
            self.ok(gw, "create-user", "--server-id", WEB1, "--user-name", "alice", "--role", ROLE)
            self.fails(gw, "ResourceExistsException", "CreateUser", "create-user", "--server-id", WEB1,
                       "--user-name", "alice", "--role", ROLE)
            self.fails(gw, "InvalidRequestException", "CreateUser", "create-user", "--server-id", WEB1,
                       "--user-name=-bad-name", "--role", ROLE)
            err = self.fails(gw, "InvalidRequestException", "ImportSshPublicKey", "import-ssh-public-key",
                             "--server-id", WEB1, "--user-name", "alice", "--ssh-public-key-body", "ssh-rsa AAAA")
            self.assertIn("Unsupported or invalid SSH public key format", err)
            r = aws(gw, "transfer", "list-users", "--server-id", WEB1, region="eu-west-1")
            self.assertIn("(ResourceNotFoundException) when calling the ListUsers operation: Unknown server", r.stderr)

    def test_host_keys_accesses_and_policies(self):
        with Gateway(["--fleet", EXAMPLE_FLEET]) as gw:
            key = make_key(self.tmp.name, "ecdsa", bits=384)
            imported = self.ok(gw, "import-host-key", "--server-id", WEB1, "--host-key-body",
                               f"file://{key.private_path}", "--description", "rotated in")
            host_key_id = imported["HostKeyId"]
            described = self.ok(gw, "describe-host-key", "--server-id", WEB1, "--host-key-id", host_key_id)["HostKey"]
            self.assertEqual((described["HostKeyFingerprint"], described["Type"]), (key.fingerprint, "ecdsa-sha2-nistp384"))
            r = aws(gw, "transfer", "describe-server", "--server-id", WEB1, "--query", "Server.HostKeyFingerprint",
                    "--output", "text")
            self.assertEqual(r.stdout.strip(), key.fingerprint)
            listed = self.ok(gw, "list-host-keys", "--server-id", WEB1)["HostKeys"]
            self.assertEqual([k["HostKeyId"] for k in listed], [host_key_id])
            self.ok(gw, "update-host-key", "--server-id", WEB1, "--host-key-id", host_key_id, "--description", "x")
            self.fails(gw, "ResourceExistsException", "ImportHostKey", "import-host-key", "--server-id", WEB1,
                       "--host-key-body", f"file://{key.private_path}")
            self.assertIsNone(self.ok(gw, "delete-host-key", "--server-id", WEB1, "--host-key-id", host_key_id))
            self.fails(gw, "ResourceNotFoundException", "DescribeHostKey", "describe-host-key", "--server-id", WEB1,
                       "--host-key-id", host_key_id)

            directory = self.ok(gw, "create-server", "--identity-provider-type", "AWS_DIRECTORY_SERVICE",
                                "--identity-provider-details", "DirectoryId=d-1234567890")["ServerId"]
            sid = "S-1-1-12-1234567890"
            self.ok(gw, "create-access", "--server-id", directory, "--external-id", sid, "--role", ROLE,
                    "--home-directory", "/bucket")
            self.assertEqual(self.ok(gw, "list-accesses", "--server-id", directory)["Accesses"][0]["ExternalId"], sid)
            self.fails(gw, "ResourceExistsException", "CreateAccess", "create-access", "--server-id", directory,
                       "--external-id", sid, "--role", ROLE)
            self.ok(gw, "delete-access", "--server-id", directory, "--external-id", sid)

            r = aws(gw, "transfer", "list-security-policies", "--query", "length(SecurityPolicyNames)")
            self.assertEqual(r.stdout.strip(), "15")
            policy = self.ok(gw, "describe-security-policy", "--security-policy-name",
                             "TransferSecurityPolicy-FIPS-2024-01")["SecurityPolicy"]
            self.assertTrue(policy["Fips"])
            err = self.fails(gw, "InvalidRequestException", "TestIdentityProvider", "test-identity-provider",
                             "--server-id", WEB1, "--user-name", "alice")
            self.assertIn(f"{WEB1} not configured for external auth", err)


if __name__ == "__main__":
    unittest.main()
