"""Writes the fuzz targets' seed corpora (tests/fuzz/corpus/<name>/) from
requests the test suites really sent.

    python3 tests/fuzz/seeds.py CAPTURE_DIR [NAME...]   # NAME...: only those corpora

CAPTURE_DIR holds one JSON file per request a gateway answered while the
client suites ran (openstack CLI, tempest, openstacksdk, the raw-HTTP Nova,
power-lifecycle and instance-actions suites, boto3, the AWS CLI, the AWS SDK
for JavaScript, the control-plane, cross-API, journal and snapshot suites):
{"method", "path", "status", "query": [[k, v]...] (decoded),
"headers": [[k, v]...], "body_hex"}. The capture used for the committed seeds
came from a throwaway build whose cpp-httplib logger wrote each request so
(nothing of it is in the gateway); any recording proxy would serve as well.

Config-file seeds are the files the suites load: examples/fleet.json and the
JSON texts tests/gateway/config_test.cpp writes to temporary files. Cursor
seeds are the NextTokens clients sent, plus cursors the fuzz world's fleet
issues (core::SequentialIds' fixed secret), so the accepting path is seeded.

Each seed is named by the SHA-1 of its content, as libFuzzer names its own.
Files already in a corpus directory (crash regressions) are kept.
"""
import glob
import hashlib
import json
import os
import re
import sys
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
PER_KIND = 6  # seeds per distinct request kind, so no kind of request crowds out the rest
MAX_SEED = 4096  # libFuzzer's default max_len: the suites' 100 KB bodies (size limits, deep nesting) stay out


def load(capture_dir):
    requests = []
    for path in sorted(glob.glob(os.path.join(capture_dir, "*.json"))):
        with open(path) as f:
            r = json.load(f)
        r["h"] = {k.lower(): v for k, v in r["headers"]}
        r["body"] = bytes.fromhex(r["body_hex"])
        requests.append(r)
    return requests


def nova_version(r):
    """The microversion line of a Nova seed: the number the client asked for, if any."""
    if "x-openstack-nova-api-version" in r["h"]:
        return r["h"]["x-openstack-nova-api-version"]
    value = r["h"].get("openstack-api-version", "")
    return value[len("compute "):] if value.startswith("compute ") else ""


class Corpus:
    def __init__(self, name):
        self.dir = os.path.join(HERE, "corpus", name)
        self.seeds = {}
        self.kinds = {}

    def add(self, data, kind=""):
        if isinstance(data, str):
            data = data.encode()
        if len(data) > MAX_SEED or data in self.seeds.values() or self.kinds.get(kind, 0) >= PER_KIND:
            return
        self.kinds[kind] = self.kinds.get(kind, 0) + 1
        self.seeds[hashlib.sha1(data).hexdigest()] = data

    def write(self):
        os.makedirs(self.dir, exist_ok=True)
        for old in glob.glob(os.path.join(self.dir, "*")):
            if re.fullmatch(r"[0-9a-f]{40}", os.path.basename(old)):
                os.remove(old)
        for sha, data in self.seeds.items():
            with open(os.path.join(self.dir, sha), "wb") as f:
                f.write(data)
        print(f"{os.path.basename(self.dir)}: {len(self.seeds)} seeds")


def mix(x):
    """core/fleet.cpp's cursor mix (splitmix64's finaliser), for cursors the fuzz world accepts."""
    m = (1 << 64) - 1
    x = (x + 0x9E3779B97F4A7C15) & m
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & m
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & m
    return x ^ (x >> 31)


def cursor(scope, seq, secret=0x5EED5EED5EED5EED):
    key = 0xFFFFFFFFFFFF if scope is None else scope
    return f"{seq:016x}{mix(seq ^ mix(key ^ secret)):016x}"


IDENTITY_KINDS = {"projects": "project", "users": "user", "roles": "role"}


def main(capture_dir, only=()):
    requests = load(capture_dir)
    names = ["transfer_request", "sigv4", "nova_action", "nova_create", "nova_list_query", "nova_microversion",
             "keystone_auth", "keystone_identity", "glance_patch", "glance_query", "glance_members", "fault_rule",
             "config_file", "snapshot", "cursor"]
    c = {n: Corpus(n) for n in names}
    for r in requests:
        method, path, body, h = r["method"], r["path"], r["body"], r["h"]
        agent = h.get("user-agent", "").split("/")[0]
        if method == "POST" and path == "/":
            target = h.get("x-amz-target", "")
            operation = target[len("TransferService."):] if target.startswith("TransferService.") else target
            c["transfer_request"].add(operation.encode() + b"\n" + body, operation + agent)
            if "authorization" in h:
                query = urllib.parse.urlencode([tuple(p) for p in r["query"]])
                head = [h["authorization"], h.get("x-amz-date", ""), f"{method} {path}" + (f"?{query}" if query else "")]
                head += [f"{k}: {v}" for k, v in r["headers"] if k.lower() != "authorization"]
                c["sigv4"].add("\n".join(head).encode() + b"\n\n" + body, agent)
            if operation == "ListServers" and body:
                token = json.loads(body).get("NextToken")
                if token:
                    c["cursor"].add(f"0\n{token}", "client")
        elif path.startswith("/compute/"):
            c["nova_microversion"].add(
                f"{h.get('openstack-api-version', '')}\n{h.get('x-openstack-nova-api-version', '')}",
                agent)
            if method == "POST" and path.endswith("/action"):
                c["nova_action"].add(nova_version(r).encode() + b"\n" + body, body[:12])
            elif method == "POST" and re.fullmatch(r"/compute/v2\.1/servers/?", path):
                c["nova_create"].add(nova_version(r).encode() + b"\n" + body, agent)
            elif method == "GET" and re.fullmatch(r"/compute/v2\.1/servers(/detail)?", path) and r["query"]:
                kind = ",".join(sorted({k for k, _ in r["query"]}))
                query = urllib.parse.urlencode([tuple(p) for p in r["query"]])
                c["nova_list_query"].add(f"{nova_version(r)}\n{query}", kind)
        elif method == "POST" and path == "/identity/v3/auth/tokens":
            c["keystone_auth"].add(body, agent + str(r["status"]))
        elif path.startswith("/identity/v3/") and method in ("POST", "PATCH"):
            parts = path.split("/")[3:]
            if parts[0] in IDENTITY_KINDS and len(parts) <= 2:
                kind = IDENTITY_KINDS[parts[0]] + ("-update" if method == "PATCH" else "")
                c["keystone_identity"].add(kind.encode() + b"\n" + body, kind + str(r["status"]))
            elif parts[0] == "users" and parts[-1] == "application_credentials":
                c["keystone_identity"].add(b"app-credential\n" + body, "app" + str(r["status"]))
        elif path.startswith("/image/v2/images"):
            if method == "PATCH":
                c["glance_patch"].add(h.get("content-type", "").encode() + b"\n" + body, agent + str(r["status"]))
            elif method == "GET" and re.fullmatch(r"/image/v2/images/?", path) and r["query"]:
                kind = ",".join(sorted({k for k, _ in r["query"]}))
                c["glance_query"].add(urllib.parse.urlencode([tuple(p) for p in r["query"]]), kind + str(r["status"]))
            elif method == "POST" and path.endswith("/members"):
                c["glance_members"].add(b"member\n" + body, "member" + str(r["status"]))
            elif method == "PUT" and "/members/" in path:
                c["glance_members"].add(b"status\n" + body, "status" + str(r["status"]))
        elif method == "POST" and path == "/_gateway/faults":
            c["fault_rule"].add(body, str(r["status"]))
        elif method == "POST" and path == "/_gateway/snapshot":
            c["snapshot"].add(body, str(r["status"]))
            for d in json.loads(body).get("documents", []) if r["status"] == 200 else []:
                if d["kind"].startswith("keystone-"):
                    c["keystone_identity"].add(f"document:{d['kind']}\n{d['key']}\n{d['value']}", d["kind"])

    with open(os.path.join(ROOT, "examples", "fleet.json"), "rb") as f:
        example = f.read()
    c["config_file"].add(example, "example")
    c["snapshot"].add(example, "example")  # a fleet file is a snapshot
    with open(os.path.join(ROOT, "tests", "gateway", "config_test.cpp")) as f:
        for text in re.findall(r'R"\((.*?)\)"', f.read(), re.S):
            c["config_file"].add(text, "config_test" + str(len(c["config_file"].seeds)))
    for scope, seqs in ((None, (1, 6)), (0, (2, 3)), (1, (5,))):
        for seq in seqs:
            c["cursor"].add(f"{'all' if scope is None else scope}\n{cursor(scope, seq)}", f"issued{scope}{seq}")
    for name, corpus in c.items():
        if not only or name in only:
            corpus.write()


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2:])
