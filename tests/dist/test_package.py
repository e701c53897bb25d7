"""The Debian package (dist/package, ./dev package) as an operator meets it:
its file list and control fields, the binary from the extracted package,
`man -l` on its page, `systemd-analyze verify` on its unit (and on the
drop-in the page documents), and its example config starting a gateway."""
import gzip
import json
import os
import re
import shutil
import subprocess
import tempfile
import unittest
import urllib.error
import urllib.request

REPO_ROOT = os.environ["REPO_ROOT"]
BUILD_ROOT = os.environ["BUILD_ROOT"]
GATEWAY_BIN = os.environ["GATEWAY_BIN"]
UNIT = "usr/lib/systemd/system/lifecycle-gateway.service"
MAN = "usr/share/man/man1/lifecycle-gateway.1.gz"
EXAMPLE_CONFIG = "usr/share/doc/lifecycle-gateway/examples/config.json"

work = None
deb = None
root = None


def setUpModule():
    global work, deb, root
    work = tempfile.mkdtemp(prefix="gateway-package-")
    r = subprocess.run([os.path.join(REPO_ROOT, "dist", "package"), BUILD_ROOT, work], capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError(f"dist/package failed: {r.stderr}")
    deb = r.stdout.strip().splitlines()[-1]
    root = os.path.join(work, "root")
    subprocess.run(["dpkg-deb", "-x", deb, root], check=True)


def tearDownModule():
    shutil.rmtree(work, ignore_errors=True)


def field(name):
    return subprocess.run(["dpkg-deb", "-f", deb, name], capture_output=True, text=True, check=True).stdout.strip()


def flags_of_help():
    usage = subprocess.run([GATEWAY_BIN, "--help"], capture_output=True, text=True, check=True).stdout
    return sorted(set(re.findall(r"^\s+(--[a-z-]+)", usage, re.M)))


class Contents(unittest.TestCase):
    def test_file_list(self):
        listing = subprocess.run(["dpkg-deb", "-c", deb], capture_output=True, text=True, check=True).stdout
        files = sorted(line.split()[-1] for line in listing.splitlines() if not line.startswith("d"))
        self.assertEqual(files, sorted("./" + p for p in [
            "etc/default/lifecycle-gateway", "usr/bin/lifecycle-gateway", UNIT, MAN, EXAMPLE_CONFIG,
            "usr/share/doc/lifecycle-gateway/copyright"]))
        owners = {line.split()[1] for line in listing.splitlines()}
        self.assertEqual(owners, {"root/root"})
        self.assertRegex(next(l for l in listing.splitlines() if l.endswith("usr/bin/lifecycle-gateway")), r"^-rwxr-xr-x")

    def test_control_fields(self):
        version = subprocess.run([GATEWAY_BIN, "--version"], capture_output=True, text=True).stdout.split()[1]
        arch = subprocess.run(["dpkg", "--print-architecture"], capture_output=True, text=True).stdout.strip()
        self.assertEqual(field("Package"), "lifecycle-gateway")
        self.assertEqual(field("Version"), version)
        self.assertEqual(field("Architecture"), arch)
        self.assertEqual(os.path.basename(deb), f"lifecycle-gateway_{version}_{arch}.deb")
        depends = {d.split()[0] for d in field("Depends").split(", ")}
        # The Debian runtime libraries the binary links, found by dpkg-shlibdeps.
        self.assertTrue({"libc6", "libstdc++6", "libssl3", "libfmt9", "libcpp-httplib0.11"} <= depends, depends)
        control = subprocess.run(["dpkg-deb", "--ctrl-tarfile", deb], capture_output=True, check=True).stdout
        self.assertIn(b"conffiles", control)
        with tempfile.TemporaryDirectory() as ctrl:
            subprocess.run(["dpkg-deb", "-e", deb, ctrl], check=True)
            with open(os.path.join(ctrl, "conffiles")) as f:
                self.assertEqual(f.read().split(), ["/etc/default/lifecycle-gateway"])

    def test_binary_from_the_package_runs(self):
        binary = os.path.join(root, "usr/bin/lifecycle-gateway")
        r = subprocess.run([binary, "--version"], capture_output=True, text=True, timeout=10)
        expected = subprocess.run([GATEWAY_BIN, "--version"], capture_output=True, text=True).stdout
        self.assertEqual((r.returncode, r.stdout), (0, expected))
        self.assertRegex(r.stdout, r"^lifecycle-gateway \d+\.\d+\.\d+\n$")

    def test_example_config_starts_a_gateway_with_its_own_passwords(self):
        binary = os.path.join(root, "usr/bin/lifecycle-gateway")
        proc = subprocess.Popen([binary, "--listen", "127.0.0.1:0", "--config", os.path.join(root, EXAMPLE_CONFIG),
                                 "--access-log", "off"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            line = proc.stdout.readline()
            self.assertIn("listening on http://", line, proc.stderr.read() if not line else "")
            url = line.split()[-1]

            def login(user, password):
                body = json.dumps({"auth": {"identity": {"methods": ["password"], "password": {"user": {
                    "name": user, "domain": {"name": "Default"}, "password": password}}}}}).encode()
                req = urllib.request.Request(url + "/identity/v3/auth/tokens", data=body,
                                             headers={"Content-Type": "application/json"})
                try:
                    with urllib.request.urlopen(req, timeout=10) as r:
                        return r.status
                except urllib.error.HTTPError as e:
                    return e.code

            self.assertEqual(login("admin", "change-me-admin"), 201)
            self.assertEqual(login("demo", "demo"), 401)  # the default passwords are replaced
        finally:
            proc.terminate()
            proc.wait(timeout=20)


class UnitCommandLine(unittest.TestCase):
    def test_the_units_exec_start_starts_a_gateway(self):
        """ExecStart as systemd would run it (the dynamic user and sandbox aside): its
        flags parse, and --state creates the database it names."""
        with open(os.path.join(root, UNIT)) as f:
            exec_start = re.search(r"(?m)^ExecStart=(.*)$", f.read()).group(1).split()
        self.assertEqual(exec_start[0], "/usr/bin/lifecycle-gateway")
        with tempfile.TemporaryDirectory() as state_dir:
            state = os.path.join(state_dir, "state.db")
            argv = [os.path.join(root, "usr/bin/lifecycle-gateway")]
            for word in exec_start[1:]:
                if word in ("$CREDENTIAL_OPTS", "$GATEWAY_OPTS"):
                    continue  # unset: systemd drops them
                argv.append({"${LISTEN}": "127.0.0.1:0", "/var/lib/lifecycle-gateway/state.db": state}.get(word, word))
            proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            try:
                line = proc.stdout.readline()
                self.assertIn("listening on http://127.0.0.1:", line, proc.stderr.read() if not line else "")
                self.assertTrue(os.path.exists(state))
            finally:
                proc.terminate()
                self.assertEqual(proc.wait(timeout=20), 0)


class ManPage(unittest.TestCase):
    def render(self):
        r = subprocess.run(["man", "--warnings", "-l", os.path.join(root, MAN)], capture_output=True, text=True,
                           env=dict(os.environ, MANWIDTH="100", LANG="C.UTF-8"))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stderr, "")  # no groff warnings
        return re.sub(".\x08", "", r.stdout)  # bold and underline are overstruck characters

    def test_renders_with_every_section(self):
        page = self.render()
        for section in ["NAME", "SYNOPSIS", "DESCRIPTION", "OPTIONS", "SIGNALS", "EXIT STATUS", "FILES", "EXAMPLES",
                        "SEE ALSO"]:
            self.assertRegex(page, rf"(?m)^{section}$")
        for path in ["/etc/default/lifecycle-gateway", "/usr/lib/systemd/system/lifecycle-gateway.service",
                     "/var/lib/lifecycle-gateway/state.db", "/usr/share/doc/lifecycle-gateway/examples/config.json"]:
            self.assertIn(path, page)
        for signal in ["SIGTERM", "SIGINT", "SIGPIPE"]:
            self.assertIn(signal, page)

    def test_documents_every_flag(self):
        page = self.render()
        documented = set(re.findall(r"(?m)^ {7}(--[a-z-]+)", page))  # the OPTIONS list's entries
        # Every flag of --help, and the durable-state flags landing beside this work.
        expected = set(flags_of_help()) | {"--state", "--state-sync", "--journal-max"}
        self.assertEqual(expected - documented, set())
        for value in ["on|off|json", "T|none", "normal|full", "keystone|noauth", "scope|verify"]:
            self.assertIn(value, page)
        self.assertIn("default 100000", page)

    def test_version_matches_the_binary(self):
        version = subprocess.run([GATEWAY_BIN, "--version"], capture_output=True, text=True).stdout.strip()
        with gzip.open(os.path.join(root, MAN), "rt") as f:
            self.assertIn(f'"{version}"', f.read())


class SystemdUnit(unittest.TestCase):
    def verify(self):
        """systemd-analyze verify on the extracted package, with this machine's own
        units beside it (the targets the unit's defaults pull in) and the package's
        man page on MANPATH (for Documentation=)."""
        with tempfile.TemporaryDirectory() as tree:
            shutil.copytree(root, tree, dirs_exist_ok=True, symlinks=True)
            for units in ["/usr/lib/systemd/system", "/lib/systemd/system"]:
                if os.path.isdir(units) and not os.path.islink(os.path.dirname(units)):
                    shutil.copytree(units, os.path.join(tree, units.lstrip("/")), dirs_exist_ok=True, symlinks=True,
                                    ignore=shutil.ignore_patterns("lifecycle-gateway*"))
            if os.path.islink("/lib") and not os.path.exists(os.path.join(tree, "lib")):
                os.symlink("usr/lib", os.path.join(tree, "lib"))
            for name, text in self.drop_ins.items():
                d = os.path.join(tree, "etc/systemd/system/lifecycle-gateway.service.d")
                os.makedirs(d, exist_ok=True)
                with open(os.path.join(d, name), "w") as f:
                    f.write(text)
            return subprocess.run(["systemd-analyze", "verify", f"--root={tree}", "/" + UNIT], capture_output=True,
                                  text=True, env=dict(os.environ, MANPATH=os.path.join(tree, "usr/share/man")))

    drop_ins = {}

    def test_verify_accepts_the_unit(self):
        r = self.verify()
        self.assertEqual((r.returncode, r.stderr, r.stdout), (0, "", ""))

    def test_verify_accepts_the_drop_in_the_man_page_documents(self):
        with gzip.open(os.path.join(root, MAN), "rt") as f:
            source = f.read()
        block = re.search(r"\.EX\n(\[Service\]\n.*?)\.EE", source, re.S).group(1)
        drop_in = block.replace("\\-", "-")
        self.assertIn("LoadCredential=tls-key:", drop_in)
        self.drop_ins = {"tls.conf": drop_in}
        r = self.verify()
        self.assertEqual((r.returncode, r.stderr, r.stdout), (0, "", ""))

    def test_a_bad_setting_fails_verify(self):
        # The check itself can fail: a wrong value is reported.
        self.drop_ins = {"bad.conf": "[Service]\nProtectSystem=sideways\n"}
        r = self.verify()
        self.assertIn("sideways", r.stderr)

    def test_what_the_unit_promises(self):
        with open(os.path.join(root, UNIT)) as f:
            unit = f.read()
        settings = dict(re.findall(r"(?m)^(\w+)=(.*)$", unit))
        self.assertRegex(settings["ExecStart"],
                         r"^/usr/bin/lifecycle-gateway --listen \$\{LISTEN\} --state /var/lib/lifecycle-gateway/state\.db ")
        self.assertEqual(settings["DynamicUser"], "yes")
        self.assertEqual(settings["StateDirectory"], "lifecycle-gateway")
        self.assertEqual(settings["EnvironmentFile"], "-/etc/default/lifecycle-gateway")
        self.assertIn("Environment=GLIBC_TUNABLES=glibc.malloc.tcache_count=100", unit.splitlines())
        for key, value in {"ProtectSystem": "strict", "ProtectHome": "yes", "PrivateTmp": "yes",
                           "PrivateDevices": "yes", "NoNewPrivileges": "yes", "CapabilityBoundingSet": "",
                           "RestrictAddressFamilies": "AF_INET AF_INET6 AF_UNIX", "MemoryDenyWriteExecute": "yes",
                           "SystemCallArchitectures": "native"}.items():
            self.assertEqual(settings.get(key), value, key)
        self.assertNotIn("ExecReload", settings)


if __name__ == "__main__":
    unittest.main()
