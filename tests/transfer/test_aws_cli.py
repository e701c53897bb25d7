"""The AWS CLI (Debian's awscli) as a user types it against the gateway."""
import json
import unittest

from clients import aws
from gateway import Gateway


class AwsCli(unittest.TestCase):
    def test_lifecycle_as_a_user_types_it(self):
        with Gateway(["--transition-ms", "200"]) as gw:
            r = aws(gw, "transfer", "create-server", "--protocols", "SFTP", "--tags", "Key=Name,Value=cli-made")
            self.assertEqual(r.returncode, 0, r.stderr)
            server_id = json.loads(r.stdout)["ServerId"]
            self.assertRegex(server_id, r"^s-[0-9a-f]{17}$")
            self.assertEqual(aws(gw, "transfer", "wait", "server-online", "--server-id", server_id).returncode, 0)

            r = aws(gw, "transfer", "describe-server", "--server-id", server_id)
            self.assertEqual(r.returncode, 0, r.stderr)
            server = json.loads(r.stdout)["Server"]
            self.assertEqual(server["State"], "ONLINE")
            self.assertEqual(server["Arn"], f"arn:aws:transfer:us-east-1:000000000000:server/{server_id}")
            self.assertEqual(server["Tags"], [{"Key": "Name", "Value": "cli-made"}])

            r = aws(gw, "transfer", "stop-server", "--server-id", server_id)
            self.assertEqual((r.returncode, r.stdout, r.stderr), (0, "", ""))  # prints nothing
            r = aws(gw, "transfer", "wait", "server-offline", "--server-id", server_id)
            self.assertEqual(r.returncode, 0, r.stderr)
            r = aws(gw, "transfer", "describe-server", "--server-id", server_id, "--query", "Server.State",
                    "--output", "text")
            self.assertEqual(r.stdout.strip(), "OFFLINE")

            r = aws(gw, "transfer", "start-server", "--server-id", server_id)
            self.assertEqual((r.returncode, r.stdout), (0, ""))
            self.assertEqual(aws(gw, "transfer", "wait", "server-online", "--server-id", server_id).returncode, 0)

            r = aws(gw, "transfer", "delete-server", "--server-id", server_id)
            self.assertEqual((r.returncode, r.stdout), (0, ""))
            r = aws(gw, "transfer", "describe-server", "--server-id", server_id)
            self.assertNotEqual(r.returncode, 0)

    def test_unknown_server(self):
        with Gateway([]) as gw:
            r = aws(gw, "transfer", "stop-server", "--server-id", "s-0000000000000dead")
            self.assertIn(r.returncode, (254, 255))
            self.assertIn("An error occurred (ResourceNotFoundException) when calling the StopServer operation: "
                          "Unknown server", r.stderr)


if __name__ == "__main__":
    unittest.main()
