#!/usr/bin/python3
"""SFTP upload throughput: OpenSSH's sftp client putting one file through a
Transfer server's endpoint (libssh, sftp/), and, when this machine has
OpenSSH's server (sshd and sftp-server, Debian's openssh-server), through
OpenSSH's own sftp-server under an sshd of ours: the same client, file,
cipher and disk, so the ratio is the endpoint's cost.

    bench/sftp_upload.py BINARY [--mb N] [--runs N]

Our sshd is never the system's: it runs in the foreground on 127.0.0.1 and a
free port, with a host key, config and pid file of its own in a temporary
directory, as whoever runs the script (as root it needs sshd's privilege
separation directory, /run/sshd, which it makes when missing); the files go
to a directory beside the gateway's data directory, on the same disk. The
two servers take turns, run after run, so a change in the machine's load
falls on both. Prints MB/s for each, the median of the runs: of the whole
`sftp` session (connect, key exchange, login, put, leave) and of the put
alone (the session less one that only logs in, run just before), the
servers' CPU time per MB put (the gateway's; sshd's with its per-connection
processes and sftp-server: a figure the machine's load moves less), the
ratios endpoint/OpenSSH, and a `RESULT {json}` line for bench/run.
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


def sftp_batch(port, user, key, commands, work):
    """Seconds for one `sftp -b` session (connect, log in, run `commands`, leave)."""
    batch = os.path.join(work, "batch")
    with open(batch, "w") as f:
        f.write(commands)
    command = ["sftp", "-b", batch, "-i", key, "-P", str(port)] + SSH + [f"{user}@127.0.0.1"]
    t0 = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True, timeout=600)
    return time.perf_counter() - t0


TICK = os.sysconf("SC_CLK_TCK")


def server_cpu(proc):
    """CPU seconds of a server process so far, with its children that have
    ended (sshd's per-connection processes and their sftp-server): it waits
    until the server has no child left, so a finished session is counted whole."""
    children = f"/proc/{proc.pid}/task/{proc.pid}/children"
    for _ in range(100):
        try:
            with open(children) as f:
                if not f.read().strip():
                    break
        except OSError:
            break
        time.sleep(0.05)
    with open(f"/proc/{proc.pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return sum(int(x) for x in fields[11:15]) / TICK  # utime, stime, cutime, cstime


def session(proc, port, user, key, commands, work):
    """(wall seconds, server CPU seconds) of one sftp session."""
    cpu = server_cpu(proc)
    wall = sftp_batch(port, user, key, commands, work)
    return wall, server_cpu(proc) - cpu


def put(proc, port, user, key, local, remote, work):
    """For `sftp` putting `local` as `remote`: (session seconds, seconds of
    the put alone, the server's CPU seconds for the put alone). The put alone
    is the session less a session that only logs in and asks where it is, run
    just before (the key exchange and login cost seconds on a loaded
    machine). The file is removed afterwards, untimed."""
    login, login_cpu = session(proc, port, user, key, "pwd\n", work)
    whole, whole_cpu = session(proc, port, user, key, f"put {local} {remote}\n", work)
    sftp_batch(port, user, key, f"rm {remote}\n", work)
    return whole, max(whole - login, 1e-3), max(whole_cpu - login_cpu, 0.0)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port, proc, what):
    for _ in range(200):
        if proc.poll() is not None:
            sys.exit(f"{what} exited with {proc.returncode} before listening on {port}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.05)
    sys.exit(f"{what} never listened on {port}")


def gateway_endpoint(binary, key_pub, work, gateway_args):
    # bench/requests.py would shadow the requests package botocore imports.
    here = os.path.dirname(os.path.abspath(__file__))
    sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != here]
    import boto3
    proc = subprocess.Popen([binary, "--listen", "127.0.0.1:0", "--access-log", "off", "--data-dir",
                             os.path.join(work, "data")] + gateway_args, stdout=subprocess.PIPE, text=True)
    url = proc.stdout.readline().split()[-1]
    aws = boto3.client("transfer", endpoint_url=url, region_name="us-east-1", aws_access_key_id="bench",
                       aws_secret_access_key="bench")
    server = aws.create_server()["ServerId"]
    with open(key_pub) as f:
        aws.create_user(ServerId=server, UserName="bench", Role=ROLE, HomeDirectory="/bucket/bench",
                        SshPublicKeyBody=f.read().strip())
    with urllib.request.urlopen(url + "/_gateway/servers") as r:
        port = next(s for s in json.load(r)["servers"] if s["server_id"] == server)["sftp"]["port"]
    wait_for_port(port, proc, "the gateway's endpoint")
    return proc, port


def openssh_programs():
    sshd = shutil.which("sshd") or "/usr/sbin/sshd"
    sftp_server = next((p for p in ("/usr/lib/openssh/sftp-server", "/usr/libexec/openssh/sftp-server")
                        if os.path.exists(p)), None)
    return (sshd, sftp_server) if os.path.exists(sshd) and sftp_server else (None, None)


def openssh_endpoint(key_pub, work):
    """An sshd of ours (never the system's) serving OpenSSH's sftp-server; (proc, port, directory)."""
    sshd, sftp_server = openssh_programs()
    if not sshd:
        return None, None, None
    if os.geteuid() == 0 and not os.path.isdir("/run/sshd"):
        os.makedirs("/run/sshd", mode=0o755)  # sshd's privilege separation directory (tmpfiles makes it at boot)
    host_key = os.path.join(work, "ssh_host_ed25519_key")
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", host_key], check=True)
    port = free_port()
    config = os.path.join(work, "sshd_config")
    with open(config, "w") as f:
        f.write(f"Port {port}\nListenAddress 127.0.0.1\nHostKey {host_key}\nAuthorizedKeysFile {key_pub}\n"
                f"PubkeyAuthentication yes\nPasswordAuthentication no\nKbdInteractiveAuthentication no\n"
                f"PermitRootLogin prohibit-password\nStrictModes no\nUsePAM no\nPidFile {work}/sshd.pid\n"
                f"Subsystem sftp {sftp_server}\n")
    # -D: in the foreground (ours to stop); -e: errors to stderr, not syslog.
    proc = subprocess.Popen([sshd, "-D", "-e", "-f", config], stderr=open(os.path.join(work, "sshd.log"), "w"))
    wait_for_port(port, proc, "sshd")
    files = os.path.join(work, "openssh-files")  # beside the gateway's data directory: the same disk
    os.makedirs(files)
    return proc, port, files


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("binary")
    parser.add_argument("--mb", type=int, default=256)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--gateway-args", default="", help="more flags for the gateway")
    args = parser.parse_args()
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="sftp-bench-") as work:
        key = os.path.join(work, "key")
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key], check=True)
        local = os.path.join(work, "payload.bin")
        with open(local, "wb") as f:
            for _ in range(args.mb):
                f.write(os.urandom(1 << 20))
        user = os.environ.get("USER") or subprocess.run(["id", "-un"], capture_output=True,
                                                        text=True).stdout.strip()
        gateway, gateway_port = gateway_endpoint(args.binary, key + ".pub", work, args.gateway_args.split())
        sshd, sshd_port, sshd_files = None, None, None
        seconds = {"endpoint": [], "openssh": []}  # (session, put alone, server CPU of the put) per run
        try:
            sshd, sshd_port, sshd_files = openssh_endpoint(key + ".pub", work)
            put(gateway, gateway_port, "bench", key, local, "warm.bin", work)  # first connections out of the timings
            if sshd:
                put(sshd, sshd_port, user, key, local, os.path.join(sshd_files, "warm.bin"), work)
            for _ in range(args.runs):  # in turns: the machine's load falls on both
                seconds["endpoint"].append(put(gateway, gateway_port, "bench", key, local, "upload.bin", work))
                if sshd:
                    seconds["openssh"].append(put(sshd, sshd_port, user, key, local,
                                                  os.path.join(sshd_files, "upload.bin"), work))
        finally:
            for proc in (gateway, sshd):
                if proc:
                    proc.terminate()
                    proc.wait()
    result = {"mb": args.mb, "runs": args.runs, "load_before": [round(x, 2) for x in load_before],
              "load_after": [round(x, 2) for x in os.getloadavg()]}
    for name, runs in seconds.items():
        if not runs:
            continue
        result[name] = {}
        for which, index in (("session", 0), ("put", 1)):
            rates = [round(args.mb / run[index], 1) for run in runs]
            result[name][which] = {"mb_per_s": rates,
                                   "median_mb_per_s": round(args.mb / statistics.median(r[index] for r in runs), 1)}
            print(f"{name} ({which}): {result[name][which]['median_mb_per_s']} MB/s "
                  f"(median of {len(runs)}: {', '.join(str(x) for x in rates)})")
        cpu = [round(run[2] * 1000 / args.mb, 2) for run in runs]
        result[name]["server_cpu_ms_per_mb"] = {"runs": cpu, "median": round(statistics.median(cpu), 2)}
        print(f"{name}: server CPU {result[name]['server_cpu_ms_per_mb']['median']} ms per MB put "
              f"(median of {len(runs)}: {', '.join(str(x) for x in cpu)})")
    if seconds["openssh"]:
        for which in ("session", "put"):
            result[f"ratio_{which}"] = round(result["endpoint"][which]["median_mb_per_s"] /
                                             result["openssh"][which]["median_mb_per_s"], 2)
            print(f"ratio endpoint/openssh ({which} MB/s): {result[f'ratio_{which}']}")
        result["ratio_server_cpu"] = round(result["endpoint"]["server_cpu_ms_per_mb"]["median"] /
                                           max(result["openssh"]["server_cpu_ms_per_mb"]["median"], 1e-6), 2)
        print(f"ratio endpoint/openssh (server CPU per MB): {result['ratio_server_cpu']}")
    else:
        print("OpenSSH's sftp-server is not installed here (apt-get install openssh-server): no ratio")
    print(f"load average before {result['load_before']}, after {result['load_after']}")
    print("RESULT " + json.dumps(result))


if __name__ == "__main__":
    main()
