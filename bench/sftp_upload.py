#!/usr/bin/python3
"""SFTP upload throughput: OpenSSH's sftp client putting one file through a
Transfer server's endpoint (libssh, sftp/), and, when this machine has
OpenSSH's server (sshd and sftp-server, Debian's openssh-server), through
OpenSSH's own sftp-server under an sshd of ours on a free port: the same
client, file, cipher and disk, so the ratio is the endpoint's cost.

    bench/sftp_upload.py BINARY [--mb N] [--runs N]

Prints MB/s for each (the median of the runs) and the ratio.
"""
import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

ROLE = "arn:aws:iam::000000000000:role/transfer"
SSH = ["-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "IdentitiesOnly=yes",
       "-o", "BatchMode=yes", "-o", "LogLevel=ERROR", "-c", "aes128-gcm@openssh.com"]


def put(port, user, key, local, work):
    batch = os.path.join(work, "batch")
    with open(batch, "w") as f:
        f.write(f"put {local} upload.bin\nrm upload.bin\n")
    t0 = time.perf_counter()
    subprocess.run(["sftp", "-b", batch, "-i", key, "-P", str(port)] + SSH + [f"{user}@127.0.0.1"],
                   check=True, capture_output=True, timeout=600)
    return time.perf_counter() - t0


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def gateway_endpoint(binary, key_pub, work):
    # bench/requests.py would shadow the requests package botocore imports.
    here = os.path.dirname(os.path.abspath(__file__))
    sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != here]
    import boto3
    proc = subprocess.Popen([binary, "--listen", "127.0.0.1:0", "--access-log", "off", "--data-dir",
                             os.path.join(work, "data")], stdout=subprocess.PIPE, text=True)
    url = proc.stdout.readline().split()[-1]
    aws = boto3.client("transfer", endpoint_url=url, region_name="us-east-1", aws_access_key_id="bench",
                       aws_secret_access_key="bench")
    server = aws.create_server()["ServerId"]
    with open(key_pub) as f:
        aws.create_user(ServerId=server, UserName="bench", Role=ROLE, HomeDirectory="/bucket/bench",
                        SshPublicKeyBody=f.read().strip())
    with urllib.request.urlopen(url + "/_gateway/servers") as r:
        port = next(s for s in json.load(r)["servers"] if s["server_id"] == server)["sftp"]["port"]
    return proc, port


def openssh_endpoint(key_pub, work):
    sshd = shutil.which("sshd") or "/usr/sbin/sshd"
    sftp_server = next((p for p in ("/usr/lib/openssh/sftp-server", "/usr/libexec/openssh/sftp-server")
                        if os.path.exists(p)), None)
    if not os.path.exists(sshd) or not sftp_server:
        return None, None
    host_key = os.path.join(work, "ssh_host_ed25519_key")
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", host_key], check=True)
    port = free_port()
    config = os.path.join(work, "sshd_config")
    with open(config, "w") as f:
        f.write(f"Port {port}\nListenAddress 127.0.0.1\nHostKey {host_key}\nAuthorizedKeysFile {key_pub}\n"
                f"StrictModes no\nUsePAM no\nPidFile {work}/sshd.pid\nSubsystem sftp {sftp_server}\n")
    proc = subprocess.Popen([sshd, "-D", "-e", "-f", config], stderr=subprocess.DEVNULL)
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.05)
    return proc, port


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("binary")
    parser.add_argument("--mb", type=int, default=256)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        key = os.path.join(work, "key")
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key], check=True)
        local = os.path.join(work, "payload.bin")
        with open(local, "wb") as f:
            for _ in range(args.mb):
                f.write(os.urandom(1 << 20))
        results = {}
        proc, port = gateway_endpoint(args.binary, key + ".pub", work)
        try:
            results["endpoint"] = args.mb / statistics.median(
                put(port, "bench", key, local, work) for _ in range(args.runs))
        finally:
            proc.terminate()
            proc.wait()
        proc, port = openssh_endpoint(key + ".pub", work)
        if proc:
            try:
                user = os.environ.get("USER") or subprocess.run(["id", "-un"], capture_output=True,
                                                                text=True).stdout.strip()
                results["openssh"] = args.mb / statistics.median(
                    put(port, user, key, local, work) for _ in range(args.runs))
            finally:
                proc.terminate()
                proc.wait()
        for name, mbps in results.items():
            print(f"{name}: {mbps:.1f} MB/s")
        if "openssh" in results:
            print(f"ratio endpoint/openssh: {results['endpoint'] / results['openssh']:.2f}")
        else:
            print("OpenSSH's sftp-server is not installed here (apt-get install openssh-server): no ratio")


if __name__ == "__main__":
    main()
