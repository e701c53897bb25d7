#!/usr/bin/python3
"""Start-up time: from exec to the first 200 from /_gateway/health.

    bench/startup.py BINARY [--runs N] [gateway flags...]

Prints the median and the worst of N runs in milliseconds. The gateway
listens on 127.0.0.1:0; we read its start line for the port, then poll health
on a raw socket as fast as we can.
"""
import socket
import statistics
import subprocess
import sys
import time


def health_ok(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
            s.sendall(b"GET /_gateway/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            return s.recv(64).startswith(b"HTTP/1.1 200")
    except OSError:
        return False


def one_run(binary, flags):
    t0 = time.perf_counter()
    proc = subprocess.Popen([binary, "--listen", "127.0.0.1:0"] + flags,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        line = proc.stdout.readline()
        port = int(line.rsplit(":", 1)[1])
        while not health_ok(port):
            if time.perf_counter() - t0 > 60:
                raise RuntimeError("no health answer in 60 s")
        return (time.perf_counter() - t0) * 1000
    finally:
        proc.terminate()
        proc.wait()


def main():
    args = sys.argv[1:]
    binary = args.pop(0)
    runs = 20
    if args[:1] == ["--runs"]:
        runs = int(args[1])
        args = args[2:]
    times = [one_run(binary, args) for _ in range(runs)]
    print(f"startup_ms median={statistics.median(times):.1f} max={max(times):.1f} runs={runs}")


if __name__ == "__main__":
    main()
