"""--state postgresql://... as GATEWAY.md promises it: every test of
test_durable_state.py's Durable again, on a database of its own in a
throwaway cluster (tests/clients/postgres.py) this module starts and
removes; then what only a database server has: it goes away and comes back
under a running gateway, and databases that are refused untouched."""
import contextlib
import subprocess
import unittest

from botocore.exceptions import ClientError
from openstack import exceptions as sdk_exceptions

import test_durable_state as base
from clients import openstack_sdk, transfer
from gateway import EXAMPLE_FLEET, Gateway
from postgres import Postgres, available

cluster = None


def setUpModule():
    global cluster
    if available():
        cluster = Postgres().__enter__()


def tearDownModule():
    if cluster is not None:
        cluster.close()


@unittest.skipUnless(available(), "PostgreSQL is not installed (Debian: postgresql)")
class DurablePostgres(base.Durable):
    def setUp(self):
        super().setUp()
        self.state = cluster.new_database()
        self.database = self.state.split("///")[1].split("?")[0]

    @contextlib.contextmanager
    def write_lock_held(self):
        holder = cluster.psql_session(self.database)
        holder.stdin.write("BEGIN; LOCK TABLE servers, journal, documents, meta IN ACCESS EXCLUSIVE MODE;"
                           " SELECT 'held';\n")
        holder.stdin.flush()
        self.assertIn("held", holder.stdout.readline() + holder.stdout.readline() + holder.stdout.readline())
        try:
            yield
        finally:
            holder.stdin.write("ROLLBACK;\n\\q\n")
            holder.stdin.flush()
            holder.wait(timeout=10)

    def test_the_database_away_refuses_changes_reads_from_memory_and_the_gateway_goes_on_when_it_is_back(self):
        with self.gateway() as gw:
            aws = transfer(gw)
            conn = openstack_sdk(gw)
            conn.compute.get_server(base.WEB2)
            cluster.stop()
            try:
                with self.assertRaises(ClientError) as e:
                    aws.stop_server(ServerId=base.WEB1_T)
                self.assertEqual(e.exception.response["Error"]["Code"], "ServiceUnavailableException")
                with self.assertRaises(sdk_exceptions.HttpException) as refused_stop:
                    conn.compute.stop_server(base.WEB2)
                self.assertEqual(refused_stop.exception.status_code, 503)
                self.assertEqual(aws.describe_server(ServerId=base.WEB1_T)["Server"]["State"], "ONLINE")
                self.assertEqual(gw.control("GET", "/_gateway/health")[0], 200)
            finally:
                cluster.start()
            aws.stop_server(ServerId=base.WEB1_T)  # no restart: the gateway connects again
            self.assertEqual(aws.describe_server(ServerId=base.WEB1_T)["Server"]["State"], "OFFLINE")
        with self.gateway() as again:
            self.assertEqual(base.servers(again)[base.WEB1_T]["state"], "stopped")
            self.assertEqual(base.servers(again)[base.WEB2_T]["state"], "running")


@unittest.skipUnless(available(), "PostgreSQL is not installed (Debian: postgresql)")
class RefusedPostgres(unittest.TestCase):
    """A database whose tables are another program's or of a newer schema,
    or one that cannot be reached: a clear message, exit 1, nothing written."""

    def setUp(self):
        self.url = cluster.new_database()
        self.database = self.url.split("///")[1].split("?")[0]

    def start(self, url=None):
        return subprocess.run([base.BINARY, "--listen", "127.0.0.1:0", "--state", url or self.url],
                              capture_output=True, text=True, timeout=30)

    def assert_refused(self, words, url=None):
        r = self.start(url)
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertIn(f"--state {url or self.url}:", r.stderr)
        self.assertIn(words, r.stderr)

    def test_another_programs_tables(self):
        cluster.psql("CREATE TABLE meta(key TEXT PRIMARY KEY, value BIGINT)", self.database)
        self.assert_refused("another program")
        self.assertEqual(cluster.psql("SELECT count(*) FROM meta", self.database), "0")

    def test_a_newer_schema(self):
        with Gateway(["--state", self.url]):
            pass
        cluster.psql("UPDATE meta SET value = 7 WHERE key = 'schema_version'", self.database)
        self.assert_refused("newer lifecycle-gateway (schema version 7")

    def test_a_database_that_cannot_be_reached(self):
        self.assert_refused("cannot connect", url=cluster.url("no_such_database"))

    def test_a_password_is_not_shown(self):
        url = f"postgresql://gateway:s3cret@/no_such_database?host={cluster.dir}&port={cluster.port}"
        r = self.start(url)
        self.assertEqual(r.returncode, 1)
        self.assertNotIn("s3cret", r.stderr)
        self.assertIn("postgresql://gateway:***@/no_such_database", r.stderr)


if __name__ == "__main__":
    unittest.main()
