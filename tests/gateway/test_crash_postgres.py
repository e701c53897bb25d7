"""test_crash.py's promise on --state postgresql://...: the same clients,
the same kill -9 rounds, on a database of a throwaway cluster this module
starts and removes (tests/clients/postgres.py)."""
import unittest

import test_crash as base
from postgres import Postgres, available


@unittest.skipUnless(available(), "PostgreSQL is not installed (Debian: postgresql)")
class CrashTestPostgres(base.CrashTest):
    @classmethod
    def setUpClass(cls):
        cls.cluster = Postgres().__enter__()

    @classmethod
    def tearDownClass(cls):
        cls.cluster.close()

    def state_in(self, workdir):
        return self.cluster.new_database()


if __name__ == "__main__":
    unittest.main()
