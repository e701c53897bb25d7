#!/usr/bin/python3
"""Connections held (issue 6, item 4): N clients open keep-alive connections
at once, each sends one request before any reads its answer; how many are
answered within the deadline?

    bench/connections.py URL [N [DEADLINE_S]] [--clients N] [--deadline 2] [--wait 10]
                             [--fleet 1000] [--health]

Every client first connects (all N connections open at once), then every
client writes one Transfer DescribeServer (server k mod FLEET, numbered as
bench/run writes fleet files; --health: GET /_gateway/health instead), and
only then does any client read. The clock starts when the first request is
written. Connections stay open (keep-alive) to the end. Prints one line,
BENCH {json}: answered within the deadline, within --wait seconds, the time
of the last answer, the time to open all connections, statuses, failures.
"""
import argparse
import asyncio
import json
import resource
import sys
import time
from urllib.parse import urlsplit

AUTH = ("AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/transfer/aws4_request, "
        "SignedHeaders=host;x-amz-date, Signature=0000")


def request_bytes(host, k, fleet, health):
    if health:
        return f"GET /_gateway/health HTTP/1.1\r\nHost: {host}\r\n\r\n".encode()
    body = '{"ServerId":"s-%017x"}' % (k % fleet + 1)
    return (f"POST / HTTP/1.1\r\nHost: {host}\r\nX-Amz-Target: TransferService.DescribeServer\r\n"
            f"Content-Type: application/x-amz-json-1.1\r\nX-Amz-Date: 20260101T000000Z\r\n"
            f"Authorization: {AUTH}\r\nContent-Length: {len(body)}\r\n\r\n{body}").encode()


async def read_answer(reader):
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    length = 0
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":", 1)[1])
    if length:
        await reader.readexactly(length)
    return status


async def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("url")
    ap.add_argument("n", nargs="?", type=int)
    ap.add_argument("deadline_s", nargs="?", type=float)
    ap.add_argument("--clients", type=int, default=1000)
    ap.add_argument("--deadline", type=float, default=2.0)
    ap.add_argument("--wait", type=float, default=10.0)
    ap.add_argument("--fleet", type=int, default=1000)
    ap.add_argument("--health", action="store_true")
    a = ap.parse_args()
    clients = a.n or a.clients
    deadline = a.deadline_s or a.deadline
    wait = max(a.wait, deadline)
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < clients + 64:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, clients + 64), hard))
    u = urlsplit(a.url)

    t_connect = time.perf_counter()
    opened = await asyncio.gather(*[asyncio.wait_for(asyncio.open_connection(u.hostname, u.port), 10)
                                    for _ in range(clients)], return_exceptions=True)
    conns = [c for c in opened if not isinstance(c, BaseException)]
    connect_s = time.perf_counter() - t_connect

    t0 = time.perf_counter()
    for k, (_, writer) in enumerate(conns):
        writer.write(request_bytes(u.netloc, k, a.fleet, a.health))
    await asyncio.gather(*[w.drain() for _, w in conns], return_exceptions=True)
    sent_s = time.perf_counter() - t0

    times, statuses, failures = [], {}, 0

    async def one(reader):
        nonlocal failures
        try:
            status = await read_answer(reader)
            times.append(time.perf_counter() - t0)
            statuses[status] = statuses.get(status, 0) + 1
        except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError):
            failures += 1

    tasks = [asyncio.ensure_future(one(r)) for r, _ in conns]
    await asyncio.wait(tasks, timeout=max(wait - (time.perf_counter() - t0), 0.1))
    for t in tasks:
        t.cancel()
    for _, w in conns:
        w.close()
    times.sort()
    result = {
        "clients": clients, "connected": len(conns), "connect_s": round(connect_s, 3),
        "send_s": round(sent_s, 3), "deadline_s": deadline,
        "answered_in_deadline": sum(1 for t in times if t <= deadline),
        # the same, counted from the last request written (this client may be slow to write them all)
        "answered_in_deadline_after_send": sum(1 for t in times if t - sent_s <= deadline),
        "answered_in_wait": len(times), "wait_s": wait,
        "last_answer_s": round(times[-1], 3) if times else None,
        "p50_answer_s": round(times[len(times) // 2], 3) if times else None,
        "statuses": {str(k): v for k, v in sorted(statuses.items())}, "read_failures": failures,
    }
    print("BENCH " + json.dumps(result))
    sys.stdout.flush()


if __name__ == "__main__":
    asyncio.run(main())
