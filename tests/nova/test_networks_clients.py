"""Networks through the clients people use: the openstack CLI's network,
subnet, port, router, floating ip and security group commands, `server
create --network` and `server add floating ip`; openstacksdk's cloud layer
(what Ansible's openstack.cloud.server calls) creating a server with a fixed
and a floating address and deleting both; a server made through Transfer
getting its port too."""
import time
import unittest

from clients import openstack, openstack_json, openstack_sdk, transfer
from gateway import EXAMPLE_FLEET, Gateway

IMAGE = "cirros-0.6.2-x86_64-disk"


def ok(result):
    assert result.returncode == 0, result.stderr
    return result


class OpenstackCli(unittest.TestCase):
    def test_the_devstack_topology_and_a_network_of_ones_own(self):
        with Gateway(["--fleet", EXAMPLE_FLEET]) as gw:
            networks = {n["Name"]: n for n in openstack_json(gw, "network", "list")}
            self.assertEqual(set(networks), {"private", "public"})
            subnets = {s["Name"]: s["Subnet"] for s in openstack_json(gw, "subnet", "list")}
            self.assertEqual(subnets, {"private-subnet": "10.0.0.0/26"})  # public's subnet is not shared
            router = openstack_json(gw, "router", "show", "router1")
            self.assertEqual(router["external_gateway_info"]["network_id"], networks["public"]["ID"])

            ok(openstack(gw, "network", "create", "blue"))
            ok(openstack(gw, "subnet", "create", "--network", "blue", "--subnet-range", "192.168.10.0/24", "blue-sub"))
            port = openstack_json(gw, "port", "create", "--network", "blue", "--fixed-ip", "ip-address=192.168.10.20",
                                  "blue-port")
            self.assertEqual(port["fixed_ips"][0]["ip_address"], "192.168.10.20")
            self.assertRegex(port["mac_address"], r"^fa:16:3e(:[0-9a-f]{2}){3}$")
            ok(openstack(gw, "router", "add", "subnet", "router1", "blue-sub"))
            group = openstack_json(gw, "security", "group", "create", "web")
            rule = openstack_json(gw, "security", "group", "rule", "create", "--protocol", "tcp", "--dst-port", "22",
                                  "web")
            self.assertEqual((rule["port_range_min"], rule["security_group_id"]), (22, group["id"]))
            refused = openstack(gw, "subnet", "create", "--network", "blue", "--subnet-range", "192.168.10.128/25", "x")
            self.assertNotEqual(refused.returncode, 0)
            self.assertIn("overlaps with another subnet", refused.stderr)

    def test_a_server_on_a_named_network_with_a_floating_address(self):
        with Gateway(["--fleet", EXAMPLE_FLEET]) as gw:
            server = openstack_json(gw, "server", "create", "--image", IMAGE, "--flavor", "m1.tiny", "--network",
                                    "private", "--wait", "vm-net")
            self.assertEqual(server["status"], "ACTIVE")
            fixed = server["addresses"]["private"][0]
            floating = openstack_json(gw, "floating", "ip", "create", "public")
            ok(openstack(gw, "server", "add", "floating", "ip", "vm-net", floating["floating_ip_address"]))
            shown = openstack_json(gw, "server", "show", "vm-net")
            self.assertEqual(shown["addresses"], {"private": [fixed, floating["floating_ip_address"]]})
            ok(openstack(gw, "server", "delete", "--wait", "vm-net"))
            ports = openstack_json(gw, "port", "list", "--device-id", server["id"])
            self.assertEqual(ports, [])  # the port Nova made went with the server
            self.assertIsNone(openstack_json(gw, "floating", "ip", "show", floating["id"])["port_id"])


class OpenstackSdkCloudLayer(unittest.TestCase):
    def test_create_server_with_auto_ip_then_delete_it_with_its_ips(self):
        with Gateway(["--fleet", EXAMPLE_FLEET]) as gw:
            conn = openstack_sdk(gw)
            server = conn.create_server("sdk-vm", image=IMAGE, flavor="m1.tiny", wait=True, auto_ip=True, timeout=60)
            self.assertEqual(server.status, "ACTIVE")
            self.assertRegex(server.private_v4, r"^10\.0\.0\.\d+$")
            self.assertRegex(server.public_v4, r"^172\.24\.4\.\d+$")
            self.assertTrue(conn.delete_server(server.id, wait=True, delete_ips=True, timeout=60))
            self.assertEqual([ip.floating_ip_address for ip in conn.network.ips()], [])
            self.assertEqual(list(conn.network.ports(device_id=server.id)), [])


class TransferServers(unittest.TestCase):
    def test_a_server_created_through_transfer_has_an_address_in_its_nova_view(self):
        with Gateway(["--fleet", EXAMPLE_FLEET]) as gw:
            made = transfer(gw).create_server(Tags=[{"Key": "Name", "Value": "sftp-1"}])
            conn = openstack_sdk(gw)
            server = conn.compute.find_server("sftp-1")
            server = conn.compute.get_server(server.id)
            addresses = server.addresses["private"]
            self.assertEqual(len(addresses), 1)
            self.assertEqual(addresses[0]["OS-EXT-IPS:type"], "fixed")
            self.assertRegex(addresses[0]["addr"], r"^10\.0\.0\.\d+$")
            transfer(gw).delete_server(ServerId=made["ServerId"])
            self.assertEqual(list(conn.network.ports(device_id=server.id)), [])


class FullPool(unittest.TestCase):
    def test_a_full_pool_is_neutrons_409_and_a_nova_server_ends_in_error(self):
        with Gateway(["--fleet", EXAMPLE_FLEET]) as gw:
            conn = openstack_sdk(gw)
            net = conn.network.create_network(name="tiny")
            conn.network.create_subnet(network_id=net.id, cidr="192.168.99.0/30", ip_version=4)  # one address
            conn.network.create_port(network_id=net.id)
            with self.assertRaises(Exception) as refused:
                conn.network.create_port(network_id=net.id)
            self.assertEqual(refused.exception.status_code, 409)
            self.assertIn("No more IP addresses available on network", str(refused.exception))
            server = conn.compute.create_server(name="starved", image_id=conn.image.find_image(IMAGE).id,
                                                flavor_id="1", networks=[{"uuid": net.id}])
            deadline = time.monotonic() + 10
            while (server := conn.compute.get_server(server.id)).status == "BUILD" and time.monotonic() < deadline:
                time.sleep(0.1)
            self.assertEqual(server.status, "ERROR")
            fault = conn.compute.get(f"/servers/{server.id}").json()["server"]["fault"]
            self.assertEqual(fault["message"], f"Build of instance {server.id} aborted: Failed to allocate the "
                                               "network(s), not rescheduling.")
            self.assertNotIn("details", fault)  # the reason is an admin's to read
            admin = openstack_sdk(gw, user="admin").compute
            details = admin.get(f"/servers/{server.id}").json()["server"]["fault"]["details"]
            self.assertEqual(details, f"No more IP addresses available on network {net.id}.")


if __name__ == "__main__":
    unittest.main()
