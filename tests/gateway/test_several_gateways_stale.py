"""Several gateways on one PostgreSQL, GATEWAY.md: "A change is decided on
the database's current state of the server, never on a gateway's possibly
stale copy." Another gateway's change is played here by writing the row
with psql and sending no notice, so this gateway's copy stays stale for as
long as the test needs: deterministic, where a second gateway's notice
would race the request.

- a change its copy would refuse (a start of a server it thinks ACTIVE) is
  decided on the row, which says SHUTOFF: accepted;
- a server only the database has (made elsewhere, its notice not here) is
  found by either identity, by boto3 and openstacksdk;
- the database away: a change of a server not known here, or one the copy
  would refuse, is answered unavailable (503, ServiceUnavailableException),
  never a 404 or a 409 from the stale copy; reads still answer from memory."""
import time
import unittest
import uuid

from botocore.exceptions import ClientError
from openstack import exceptions as sdk_exceptions

from clients import openstack_sdk, transfer
from gateway import EXAMPLE_FLEET, Gateway
from postgres import Postgres, available

WEB1, WEB1_T = "6f1c2a3e-0b4d-4c5e-8f60-7a8b9c0d1e01", "s-0123456789abcde01"
WEB2, WEB2_T = "6f1c2a3e-0b4d-4c5e-8f60-7a8b9c0d1e02", "s-0123456789abcde02"


def wait_until(check, timeout):
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


@unittest.skipUnless(available(), "PostgreSQL is not installed (Debian: postgresql)")
class StaleCopy(unittest.TestCase):
    def setUp(self):
        self.cluster = Postgres().__enter__()
        self.addCleanup(self.cluster.close)
        self.url = self.cluster.new_database()
        self.database = self.url.split("///")[1].split("?")[0]
        self.gw = Gateway(["--fleet", EXAMPLE_FLEET, "--state", self.url, "--transition-ms", "50"]).__enter__()
        self.addCleanup(self.gw.__exit__, None, None, None)

    def sql(self, statement):
        return self.cluster.psql(statement, self.database)

    def stop_behind_its_back(self, transfer_id):
        """What another gateway's stop leaves in the row, without the notice."""
        self.sql(f"UPDATE servers SET state = 'stopped', version = version + 1, clean_shutdown = 1 "
                 f"WHERE transfer_id = '{transfer_id}'")

    def test_a_change_the_stale_copy_would_refuse_is_decided_on_the_row(self):
        conn = openstack_sdk(self.gw)
        self.assertEqual(conn.compute.get_server(WEB1).status, "ACTIVE")
        self.stop_behind_its_back(WEB1_T)
        self.assertEqual(conn.compute.get_server(WEB1).status, "ACTIVE")  # the copy is stale
        conn.compute.start_server(WEB1)  # its copy says ACTIVE (a 409), the row SHUTOFF: accepted
        self.assertTrue(wait_until(lambda: conn.compute.get_server(WEB1).status == "ACTIVE", 5))
        self.assertEqual(self.sql(f"SELECT state FROM servers WHERE uuid = '{WEB1}'"), "running")
        # A refusal the row agrees with stands: the server is running, a second start is a 409.
        with self.assertRaises(sdk_exceptions.ConflictException):
            conn.compute.start_server(WEB1)

    def test_a_server_only_the_database_has_is_found_by_either_identity(self):
        made_uuid, made_t = str(uuid.uuid4()), "s-00000000000000abc"
        columns = self.sql("SELECT string_agg(column_name, ', ' ORDER BY ordinal_position) FROM "
                           "information_schema.columns WHERE table_name = 'servers'")
        copied = columns.replace("seq, uuid, transfer_id, ", "(SELECT max(seq) + 1000 FROM servers), "
                                 f"'{made_uuid}', '{made_t}', ").replace("name,", "'made-elsewhere',")
        self.sql(f"INSERT INTO servers({columns}) SELECT {copied} FROM servers WHERE uuid = '{WEB2}'")
        aws = transfer(self.gw)
        self.assertEqual(aws.describe_server(ServerId=made_t)["Server"]["ServerId"], made_t)
        self.assertEqual(openstack_sdk(self.gw).compute.get_server(made_uuid).name, "made-elsewhere")
        aws.stop_server(ServerId=made_t)
        self.assertTrue(wait_until(lambda: aws.describe_server(ServerId=made_t)["Server"]["State"] == "OFFLINE", 5))
        listed = [s["server_id"] for s in self.gw.control("GET", "/_gateway/servers")[1]["servers"]]
        self.assertIn(made_t, listed)

    def test_the_database_away_a_change_is_unavailable_not_decided_on_the_copy(self):
        aws, conn = transfer(self.gw), openstack_sdk(self.gw)
        conn.compute.get_server(WEB1)  # authenticated while the database is there
        self.stop_behind_its_back(WEB1_T)
        self.cluster.stop()
        try:
            with self.assertRaises(sdk_exceptions.HttpException) as refused:
                conn.compute.start_server(WEB1)  # the copy would say 409
            self.assertEqual(refused.exception.status_code, 503)
            with self.assertRaises(ClientError) as unknown:
                aws.stop_server(ServerId="s-00000000000000def")  # not known here: maybe known there
            self.assertEqual(unknown.exception.response["Error"]["Code"], "ServiceUnavailableException")
            with self.assertRaises(ClientError) as read:
                aws.describe_server(ServerId="s-00000000000000def")  # a read answers from memory
            self.assertEqual(read.exception.response["Error"]["Code"], "ResourceNotFoundException")
            self.assertEqual(aws.describe_server(ServerId=WEB1_T)["Server"]["State"], "ONLINE")
            self.assertEqual(self.gw.control("GET", "/_gateway/health")[0], 200)
        finally:
            self.cluster.start()
        self.assertTrue(wait_until(lambda: self._started(conn), 10))

    @staticmethod
    def _started(conn):
        try:
            conn.compute.start_server(WEB1)
            return True
        except sdk_exceptions.HttpException:
            return False


if __name__ == "__main__":
    unittest.main()
