#!/usr/bin/python3
"""Stop a server by name with openstacksdk, against `./dev run`.

    examples/openstacksdk_stop.py web-1            # stop
    examples/openstacksdk_stop.py web-1 --start    # start
"""
import os
import sys

import openstack

name, start = sys.argv[1], "--start" in sys.argv[2:]
conn = openstack.connect(auth_url=os.environ.get("OS_AUTH_URL", "http://127.0.0.1:8780/identity"),
                         username="demo", password="demo", project_name="demo",
                         user_domain_name="Default", project_domain_name="Default",
                         region_name="RegionOne", load_yaml_config=False, load_envvars=False)
server = conn.compute.find_server(name, ignore_missing=False)
before = conn.compute.get_server(server.id).status
(conn.compute.start_server if start else conn.compute.stop_server)(server)
print(f"{name}: {before} -> {conn.compute.get_server(server.id).status}")
