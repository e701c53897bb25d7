"""Tempest's own compute and network suites against a gateway this script starts.

    run_tempest.py                 # the compute modules below, TAP on stdout (one case per tempest test)
    run_tempest.py --suite network # every module of tempest.api.network
    run_tempest.py --suite compute-all --dynamic-credentials  # every module of tempest.api.compute
    run_tempest.py --keep DIR      # the same, and keep tempest's workspace (tempest.conf, logs) in DIR
    run_tempest.py -- REGEX...     # only the tests matching these regexes
    run_tempest.py --dynamic-credentials   # tempest makes its own projects and users (Keystone's API)

Tempest (Debian's python3-tempest 33) is configured as a new user would
configure it against a small cloud: pre-provisioned credentials (demo, alt,
admin; with --dynamic-credentials tempest makes its own through Keystone's
API), glance and neutron on (the network section as a fresh devstack's: the
external network `public` and its pool, IPv4 only, the extensions GET
/v2.0/extensions lists), cinder and swift off, SSH
validation off, and the pause, suspend, shelve, rescue and resize features on
so their tests run, as is the VNC console (the gateway's console proxy).
The gateway gives snapshots and backups 500 ms (see SNAPSHOT_MS);
everything else settles at once. stestr (python3-stestr) runs the modules
with one worker; its subunit stream becomes JUnit (python3-subunit's
subunit2junitxml) and
tests/harness/tap.py turns that into TAP, so ./dev test counts each tempest
test. Tempest's output goes to stderr (meson's log).
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "clients"))
sys.path.insert(0, os.path.join(HERE, "..", "harness"))

from gateway import Gateway  # noqa: E402
import tap  # noqa: E402

TEMPEST = "/usr/lib/python3/dist-packages/tempest"

# tempest.api.compute modules run (the rest are issue 21's); the network-facing ones among them.
COMPUTE_MODULES = [
    "servers.test_server_actions", "servers.test_servers", "servers.test_create_server",
    "servers.test_list_servers_negative", "servers.test_servers_negative", "servers.test_instance_actions",
    "servers.test_instance_actions_negative", "servers.test_list_server_filters",
    "servers.test_servers_microversions", "servers.test_server_metadata", "flavors.test_flavors",
    "flavors.test_flavors_negative", "admin.test_servers",
    "servers.test_server_addresses", "servers.test_server_addresses_negative", "servers.test_attach_interfaces",
    "servers.test_virtual_interfaces", "servers.test_virtual_interfaces_negative",
    "floating_ips.test_floating_ips_actions", "floating_ips.test_floating_ips_actions_negative",
    "floating_ips.test_list_floating_ips", "floating_ips.test_list_floating_ips_negative",
    "security_groups.test_security_groups", "security_groups.test_security_groups_negative",
    "security_groups.test_security_group_rules", "security_groups.test_security_group_rules_negative",
    "test_tenant_networks", "admin.test_networks", "admin.test_security_groups", "admin.test_floating_ips_bulk",
    "admin.test_auto_allocate_network",
    # The compute cloud's admin side: flavors, quotas and limits, server groups, hypervisors, services,
    # hosts, aggregates, zones, migrations, usage, the audit log, extensions and versions.
    "admin.test_flavors", "admin.test_flavors_access", "admin.test_flavors_access_negative",
    "admin.test_flavors_extra_specs", "admin.test_flavors_extra_specs_negative", "admin.test_flavors_microversions",
    "test_quotas", "limits.test_absolute_limits", "limits.test_absolute_limits_negative",
    "servers.test_server_group", "admin.test_hypervisor", "admin.test_hypervisor_negative",
    "admin.test_services", "admin.test_services_negative", "admin.test_hosts", "admin.test_hosts_negative",
    "admin.test_aggregates", "admin.test_aggregates_negative", "admin.test_availability_zone",
    "admin.test_availability_zone_negative", "servers.test_availability_zone", "admin.test_migrations",
    "admin.test_simple_tenant_usage", "admin.test_simple_tenant_usage_negative",
    "admin.test_instance_usage_audit_log", "admin.test_instance_usage_audit_log_negative",
    "test_extensions", "test_versions",
    # Diagnostics, password, external events, compute's image API (to 2.35), key pairs and the rest
    # that pass whole since.
    "admin.test_delete_server", "admin.test_keypairs_v210", "admin.test_server_diagnostics",
    "admin.test_server_diagnostics_negative", "admin.test_server_external_events", "images.test_image_metadata",
    "images.test_image_metadata_negative", "images.test_images", "images.test_images_negative",
    "images.test_list_image_filters", "images.test_list_image_filters_negative", "images.test_list_images",
    "keypairs.test_keypairs", "keypairs.test_keypairs_negative", "keypairs.test_keypairs_v22",
    "servers.test_create_server_multi_nic", "servers.test_delete_server", "servers.test_disk_config",
    "servers.test_multiple_create", "servers.test_multiple_create_negative", "servers.test_server_metadata_negative", "servers.test_server_password",
    # Rescue and unrescue (the core's rescued state).
    "servers.test_server_rescue", "servers.test_server_rescue_negative",
    # Remote consoles: noVNC's URL opens the console page, its WebSocket an RFB session (the console proxy).
    "servers.test_novnc",
    # Server tags, guest agents, migrations on one host, personality quotas, snapshots that take their time.
    "servers.test_server_tags", "admin.test_agents", "admin.test_servers_negative", "admin.test_live_migration_negative",
    "servers.test_server_personality", "images.test_images_oneserver", "images.test_images_oneserver_negative",
]

# Modules whose classes make their own projects (force_tenant_isolation: tempest's dynamic
# credentials, Keystone's identity API), run once that is there: admin.test_quotas and
# admin.test_quotas_negative (with pre-provisioned accounts their setUpClass fails).
DYNAMIC_CREDENTIAL_MODULES = ["admin.test_quotas", "admin.test_quotas_negative"]

# The extensions GET /networking/v2.0/extensions lists (adapters/openstack/neutron/service.cpp).
EXTENSIONS = [
    "router", "ext-gw-mode", "external-net", "extraroute", "security-group", "quotas", "quota_details",
    "tag", "net-mtu", "net-mtu-writable", "standard-attr-description",
    "standard-attr-timestamp", "standard-attr-revisions", "port-security", "allowed-address-pairs",
    "extra_dhcp_opt", "binding", "ip-substring-filtering", "filter-validation", "project-id", "sorting",
    "pagination", "service-type", "stateful-security-group",
]

# How long a snapshot or a backup uploads (tempest polls every second).
SNAPSHOT_MS = 500

# The default images and flavors of adapters/openstack/api.cpp.
IMAGE = "0b1c3f0e-5a6d-4e2f-9a70-1c2d3e4f5a61"
IMAGE_ALT = "0b1c3f0e-5a6d-4e2f-9a70-1c2d3e4f5a62"

# The gateway's default users (README "Identities and tenants"); ids equal names.
ACCOUNTS = """\
- username: demo
  project_name: demo
  password: demo
  user_id: demo
  project_id: demo
  domain_name: Default
  roles: [member, reader]
- username: alt
  project_name: alt
  password: alt
  user_id: alt
  project_id: alt
  domain_name: Default
  roles: [member, reader]
- username: admin
  project_name: admin
  password: admin
  user_id: admin
  project_id: admin
  domain_name: Default
  roles: [admin, member, reader]
"""


def tempest_conf(url, workspace, public_network_id, dynamic=False):
    # Dynamic credentials: tempest makes a project and a user per credential
    # set through Keystone's API, as the admin below.
    credentials = ("use_dynamic_credentials = true\nadmin_username = admin\nadmin_password = admin\n"
                   "admin_project_name = admin\nadmin_domain_name = Default" if dynamic else
                   f"use_dynamic_credentials = false\ntest_accounts_file = {workspace}/accounts.yaml")
    return f"""\
[DEFAULT]
log_file = {workspace}/tempest.log
use_stderr = false

[oslo_concurrency]
lock_path = {workspace}/locks

[auth]
{credentials}
default_credentials_domain_name = Default
create_isolated_networks = {"true" if dynamic else "false"}
admin_role = admin

[identity]
uri_v3 = {url}/identity/v3
auth_version = v3
region = RegionOne

[identity-feature-enabled]
api_v2 = false
api_v3 = true

[compute]
image_ref = {IMAGE}
image_ref_alt = {IMAGE_ALT}
flavor_ref = 1
flavor_ref_alt = 2
min_microversion = 2.1
max_microversion = 2.79
build_interval = 1
build_timeout = 30
fixed_network_name = private

[compute-feature-enabled]
pause = true
suspend = true
shelve = true
rescue = true
resize = true
snapshot = true
console_output = true
change_password = true
personality = true
hostname_fqdn_sanitization = true
xenapi_apis = true
vnc_console = true
spice_console = false
serial_console = false

[validation]
run_validation = false

[service_available]
nova = true
glance = true
neutron = true
cinder = false
swift = false
horizon = false

[network]
public_network_id = {public_network_id}
floating_network_name = public
project_networks_reachable = false

[network-feature-enabled]
ipv6 = false
api_extensions = {",".join(EXTENSIONS)}
port_admin_state_change = true
floating_ips = true

[image]
build_interval = 1
build_timeout = 30
"""


def public_network(gw):
    """The external network's id, as an admin sees it (tempest's public_network_id)."""
    body = json.dumps({"auth": {"identity": {"methods": ["password"], "password": {"user": {
        "name": "admin", "domain": {"name": "Default"}, "password": "admin"}}},
        "scope": {"project": {"name": "admin", "domain": {"name": "Default"}}}}}).encode()
    req = urllib.request.Request(gw.url + "/identity/v3/auth/tokens", data=body,
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as r:
        token = r.headers["X-Subject-Token"]
    req = urllib.request.Request(gw.url + "/networking/v2.0/networks?router:external=True&name=public",
                                 headers={"X-Auth-Token": token})
    with urllib.request.urlopen(req, timeout=10) as r:
        return json.loads(r.read())["networks"][0]["id"]


def write_workspace(gw, workspace, suite, dynamic=False):
    os.makedirs(os.path.join(workspace, "locks"), exist_ok=True)
    with open(os.path.join(workspace, "tempest.conf"), "w") as f:
        f.write(tempest_conf(gw.url, workspace, public_network(gw), dynamic))
    with open(os.path.join(workspace, "accounts.yaml"), "w") as f:
        f.write(ACCOUNTS)
    # stestr discovers tests under the suite's folder only (all of tempest takes longer to import).
    with open(os.path.join(workspace, ".stestr.conf"), "w") as f:
        f.write(f"[DEFAULT]\ntest_path={TEMPEST}/api/{suite}\ntop_dir={os.path.dirname(TEMPEST)}\n")


# Tempest's subnet client sleeps 10 s before every delete, to let a real
# Neutron finish tearing ports down; ours deletes them before it answers, so
# every test process tempest starts runs without that sleep (nothing else of
# tempest is touched). The network suite deletes about 90 subnets.
SITECUSTOMIZE = """\
import time as _time
import types as _types
try:
    import tempest.lib.services.network.subnets_client as _subnets
    _subnets.time = _types.SimpleNamespace(sleep=lambda seconds: None, time=_time.time)
except ImportError:
    pass
"""


def run(workspace, regexes):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OS_", "TEMPEST_"))}
    hooks = os.path.join(workspace, "hooks")
    os.makedirs(hooks, exist_ok=True)
    with open(os.path.join(hooks, "sitecustomize.py"), "w") as f:
        f.write(SITECUSTOMIZE)
    env.update({"TEMPEST_CONFIG_DIR": workspace, "TEMPEST_CONFIG": "tempest.conf", "HOME": workspace,
                "PYTHON": "/usr/bin/python3", "PYTHONPATH": hooks})
    stestr = ["/usr/bin/python3", "-m", "stestr"]
    subprocess.run(stestr + ["init"], cwd=workspace, env=env, stdout=sys.stderr, check=True)
    started = time.monotonic()
    code = subprocess.call(stestr + ["run", "--concurrency", "1", *regexes], cwd=workspace, env=env,
                           stdout=sys.stderr, stderr=sys.stderr)
    sys.stderr.write(f"tempest: stestr exited {code} after {time.monotonic() - started:.0f} s\n")
    stream = subprocess.run(stestr + ["last", "--subunit"], cwd=workspace, env=env, capture_output=True).stdout
    junit = os.path.join(workspace, "tempest.xml")
    with open(junit, "wb") as out:
        subprocess.run(["/usr/bin/subunit2junitxml"], input=stream, stdout=out)
    return junit, code


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--keep", help="keep tempest's workspace in this directory")
    parser.add_argument("--suite", choices=["compute", "compute-all", "network"], default="compute",
                        help="tempest.api.compute's modules above, every module of tempest.api.compute, "
                             "or every module of tempest.api.network")
    parser.add_argument("--dynamic-credentials", action="store_true",
                        help="let tempest make its own projects and users (use_dynamic_credentials = true)")
    parser.add_argument("regexes", nargs="*", help="run only the tests matching these")
    args = parser.parse_args()
    if args.regexes:
        regexes = args.regexes
    elif args.suite == "network":
        regexes = [r"^tempest\.api\.network\."]
    elif args.suite == "compute-all":
        regexes = [r"^tempest\.api\.compute\."]
    else:
        modules = COMPUTE_MODULES + (DYNAMIC_CREDENTIAL_MODULES if args.dynamic_credentials else [])
        regexes = [r"^tempest\.api\.compute\.(" + "|".join(m.replace(".", r"\.") for m in modules) + r")\."]
    workspace = args.keep or tempfile.mkdtemp(prefix="tempest-")
    os.makedirs(workspace, exist_ok=True)
    # A snapshot or a backup takes a while, as on a cloud (the server's task
    # image_uploading, the image SAVING): what the tests of a second snapshot
    # and of deleting a saving image need to see. Every other transition settles at once.
    config = os.path.join(workspace, "gateway.json")
    with open(config, "w") as f:
        json.dump({"transition_ms": {"create_image": SNAPSHOT_MS, "create_backup": SNAPSHOT_MS}}, f)
    try:
        with Gateway(["--config", config]) as gw:
            write_workspace(gw, workspace, args.suite.split("-")[0], args.dynamic_credentials)
            junit, code = run(workspace, regexes)
        return tap.report(junit, code, "stestr")
    finally:
        if not args.keep:
            shutil.rmtree(workspace, ignore_errors=True)


if __name__ == "__main__":
    sys.stdout.reconfigure(line_buffering=True)
    sys.exit(main())
