"""openstacksdk: stop and start a server found by name; the listing order and its pages."""
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

    def test_lists_newest_first_across_pages(self):
        with Gateway(["--fleet", EXAMPLE_FLEET]) as gw:
            conn = connect(gw)
            before = [s.name for s in conn.compute.servers()]
            image = next(conn.image.images())
            newer = conn.compute.create_server(name="newest", flavor_id="1", image_id=image.id, networks="none")
            conn.compute.wait_for_server(newer, status="ACTIVE", wait=10)
            # Nova's default order is created_at descending: the new server first.
            names = [s.name for s in conn.compute.servers()]
            self.assertEqual(names, ["newest"] + before)
            # The SDK follows servers_links page by page (marker = the last id): same order, each once.
            paged = [s.name for s in conn.compute.servers(paginated=True, limit=2)]
            self.assertEqual(paged, names)

    def test_the_example_script(self):
        with Gateway(["--fleet", EXAMPLE_FLEET]) as gw:
            r = subprocess.run([sys.executable, os.path.join(REPO_ROOT, "examples", "openstacksdk_stop.py"), "web-3",
                                "--start"], capture_output=True, text=True, timeout=60,
                               env=dict(os.environ, OS_AUTH_URL=gw.url + "/identity"))
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertIn("web-3: SHUTOFF -> ACTIVE", r.stdout)


if __name__ == "__main__":
    unittest.main()
