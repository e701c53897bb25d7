#!/usr/bin/python3
"""The callgrind driver (bench/run --items profile): N stop/start requests,
one at a time, on one keep-alive connection, to a server running under
valgrind --tool=callgrind; the counters are zeroed after a warm-up and dumped
after the N requests, so the dump holds exactly their cost (plus the
gateway's 5 ms ticker thread meanwhile).

    bench/requests.py URL transfer|nova|describe N TOKEN PID

Prints BENCH {json}: instructions per request, non-2xx answers, and the path
of a callgrind_annotate report of the dump.
"""
import glob
import http.client
import json
import os
import re
import subprocess
import sys
from urllib.parse import urlsplit

AUTH = ("AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/transfer/aws4_request, "
        "SignedHeaders=host;x-amz-date, Signature=0000")


def requests(api, n, token, start=0):
    for i in range(start, start + n):
        k = i // 2 % 1000 + 1
        stop = i % 2 == 0
        if api in ("transfer", "describe"):
            operation = "DescribeServer" if api == "describe" else "StopServer" if stop else "StartServer"
            yield "/", json.dumps({"ServerId": f"s-{k:017x}"}), {
                "X-Amz-Target": "TransferService." + operation,
                "Content-Type": "application/x-amz-json-1.1", "X-Amz-Date": "20260101T000000Z",
                "Authorization": AUTH}
        else:
            yield (f"/compute/v2.1/servers/00000000-0000-4000-8000-{k:012x}/action",
                   '{"os-stop": null}' if stop else '{"os-start": null}',
                   {"Content-Type": "application/json", "X-Auth-Token": token})


def main():
    url, api, n, token, pid = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5]
    u = urlsplit(url)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=120)
    non2xx = 0

    def send(batch):
        nonlocal non2xx
        for path, body, headers in batch:
            conn.request("POST", path, body=body, headers=headers)
            r = conn.getresponse()
            r.read()
            non2xx += r.status >= 300
            if (r.getheader("Connection") or "").lower() == "close":
                conn.close()

    warm = 50
    send(requests(api, warm, token))
    subprocess.run(["callgrind_control", "-z", pid], check=True, capture_output=True)
    non2xx = 0
    send(requests(api, n, token, start=warm))
    subprocess.run(["callgrind_control", "-d", pid], check=True, capture_output=True)
    dumps = sorted((f for f in glob.glob(os.path.join(os.environ.get("BENCH_OUT", "."), f"*.{pid}.*"))
                    if not f.endswith(".txt")), key=os.path.getmtime)
    out = {"requests": n, "non2xx": non2xx}
    if dumps:
        text = open(dumps[-1]).read()
        m = re.search(r"^(?:totals|summary): (\d+)", text, re.M)
        out["instructions_per_request"] = round(int(m.group(1)) / n) if m else None
        report = dumps[-1] + ".annotate.txt"
        with open(report, "w") as f:
            subprocess.run(["callgrind_annotate", "--inclusive=yes", dumps[-1]], stdout=f, stderr=subprocess.DEVNULL)
        with open(dumps[-1] + ".self.txt", "w") as f:
            subprocess.run(["callgrind_annotate", dumps[-1]], stdout=f, stderr=subprocess.DEVNULL)
        out["profile"] = report
    print("BENCH " + json.dumps(out))


if __name__ == "__main__":
    main()
