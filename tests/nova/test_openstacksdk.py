"""openstacksdk: stop and start a server found by name."""
import os
import subprocess
import sys
import unittest

import openstack

from gateway import EXAMPLE_FLEET, REPO_ROOT, Gateway


def connect(gw):
    return openstack.connect(auth_url=gw.url + "/identity", username="demo", password="demo", project_name="demo",
                             user_domain_name="Default", project_domain_name="Default", region_name="RegionOne",
                             load_yaml_config=False, load_envvars=False)


class OpenstackSdk(unittest.TestCase):
    def test_stop_and_start_by_name(self):
        with Gateway(["--fleet", EXAMPLE_FLEET]) as gw:
            conn = connect(gw)
            server = conn.compute.find_server("web-2", ignore_missing=False)
            self.assertEqual(conn.compute.get_server(server.id).status, "ACTIVE")
            conn.compute.stop_server(server)
            self.assertEqual(conn.compute.get_server(server.id).status, "SHUTOFF")
            conn.compute.start_server(server)
            self.assertEqual(conn.compute.get_server(server.id).status, "ACTIVE")

    def test_the_example_script(self):
        with Gateway(["--fleet", EXAMPLE_FLEET]) as gw:
            r = subprocess.run([sys.executable, os.path.join(REPO_ROOT, "examples", "openstacksdk_stop.py"), "web-3",
                                "--start"], capture_output=True, text=True, timeout=60,
                               env=dict(os.environ, OS_AUTH_URL=gw.url + "/identity"))
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertIn("web-3: SHUTOFF -> ACTIVE", r.stdout)


if __name__ == "__main__":
    unittest.main()
