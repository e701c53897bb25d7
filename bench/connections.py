#!/usr/bin/python3
"""Connections held: N clients open keep-alive connections at once, each
sends one request before any reads its answer; how many are answered within
the deadline?

    bench/connections.py URL [N] [DEADLINE_S]
"""
import asyncio
import resource
import sys
import time
from urllib.parse import urlparse


async def main(url, n, deadline):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    u = urlparse(url)
    conns = [await asyncio.open_connection(u.hostname, u.port) for _ in range(n)]
    request = f"GET /_gateway/health HTTP/1.1\r\nHost: {u.netloc}\r\n\r\n".encode()
    t0 = time.perf_counter()
    for _, writer in conns:
        writer.write(request)
    await asyncio.gather(*(w.drain() for _, w in conns))

    async def answer(reader):
        line = await reader.readline()
        return line.startswith(b"HTTP/1.1 200")

    results = await asyncio.gather(*(asyncio.wait_for(answer(r), deadline) for r, _ in conns),
                                   return_exceptions=True)
    elapsed = time.perf_counter() - t0
    answered = sum(1 for r in results if r is True)
    for _, w in conns:
        w.close()
    print(f"connections n={n} answered={answered} within={deadline}s elapsed_s={elapsed:.3f}")


if __name__ == "__main__":
    args = sys.argv[1:]
    asyncio.run(main(args[0], int(args[1]) if len(args) > 1 else 1000, float(args[2]) if len(args) > 2 else 2.0))
