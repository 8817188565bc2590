"""The load driver: closed-loop HTTP/1.1 clients over keep-alive connections, in one asyncio process.

    .venv/bin/python -m bench.load --port 8801 --requests requests.json --connections 10 --seconds 10
    .venv/bin/python -m bench.load --serve-trivial 8809        # a server answering every request at once

Each connection sends a request, waits for the whole answer (``Content-Length``), and sends the next;
the requests of ``--requests`` (a JSON list of ``[path, headers, body]``) are taken round-robin. The
result, on stdout as JSON: completed requests, requests per second, p50/p99 latency in ms, and the
count of answers that were not 200 or carried ``"errors"``. The driver pins itself to ``--cpu`` (the
server runs on another core) and uses ``asyncio.Protocol`` directly, with the requests encoded once up
front. ``bench.run`` measures it against ``--serve-trivial`` (a protocol that answers a fixed 200 without
parsing) to show its own ceiling is far above any figure it reports.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import time
from dataclasses import dataclass, field

TRIVIAL = b"HTTP/1.1 200 OK\r\nContent-Length: 11\r\nContent-Type: application/json\r\n\r\n{\"data\":{}}"


@dataclass
class Tally:
    """What the connections measured."""

    latencies: list[float] = field(default_factory=list)
    failures: int = 0
    sample_failure: str = ""


class Client(asyncio.Protocol):
    """One keep-alive connection: ``await client.send(request)`` returns the status and the body."""

    def __init__(self) -> None:
        self.buffer = bytearray()
        self.waiter: asyncio.Future | None = None
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        end = self.buffer.find(b"\r\n\r\n")
        if end < 0 or self.waiter is None:
            return
        head = bytes(self.buffer[:end]).lower()
        start = head.find(b"content-length:") + 15
        stop = head.find(b"\r\n", start)
        length = int(head[start:stop if stop >= 0 else len(head)])
        if len(self.buffer) >= end + 4 + length:
            status = int(head[9:12])
            body = bytes(self.buffer[end + 4:end + 4 + length])
            del self.buffer[:end + 4 + length]
            waiter, self.waiter = self.waiter, None
            waiter.set_result((status, body))

    def connection_lost(self, exc: Exception | None) -> None:
        if self.waiter is not None and not self.waiter.done():
            self.waiter.set_exception(ConnectionError("the server closed the connection"))

    async def send(self, request: bytes) -> tuple[int, bytes]:
        self.waiter = asyncio.get_running_loop().create_future()
        self.transport.write(request)  # type: ignore[union-attr]
        return await self.waiter


def encode(host: str, port: int, path: str, headers: dict[str, str], body: bytes) -> bytes:
    """One HTTP/1.1 POST, ready to write."""
    lines = [f"POST {path} HTTP/1.1", f"Host: {host}:{port}", "Content-Type: application/json",
             f"Content-Length: {len(body)}", *(f"{k}: {v}" for k, v in headers.items())]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


async def drive(host: str, port: int, requests: list[bytes], connections: int, seconds: float,
                check_errors: bool = True) -> dict:
    """Run ``connections`` closed loops for ``seconds``; the figures of the run."""
    loop = asyncio.get_running_loop()
    tally, counter = Tally(), iter(range(10**12))
    deadline = time.perf_counter() + seconds

    async def one() -> None:
        _, client = await loop.create_connection(Client, host, port)
        try:
            while (now := time.perf_counter()) < deadline:
                status, body = await client.send(requests[next(counter) % len(requests)])
                tally.latencies.append(time.perf_counter() - now)
                if status != 200 or (check_errors and (b'"errors":[{' in body or b'"errors": [{' in body)):
                    tally.failures += 1
                    tally.sample_failure = tally.sample_failure or f"{status} {body[:300]!r}"
        finally:
            client.transport.close()  # type: ignore[union-attr]

    started = time.perf_counter()
    await asyncio.gather(*(one() for _ in range(connections)))
    elapsed = time.perf_counter() - started
    ordered = sorted(tally.latencies)
    pick = (lambda q: ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000) if ordered else (lambda q: 0.0)
    return {"requests": len(ordered), "seconds": elapsed, "rps": len(ordered) / elapsed, "p50_ms": pick(0.50),
            "p99_ms": pick(0.99), "failures": tally.failures, "sample_failure": tally.sample_failure}


class Trivial(asyncio.Protocol):
    """Answers every request with the same 200 (requests are assumed to arrive whole, one at a time)."""

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.transport.write(TRIVIAL)  # type: ignore[attr-defined]


async def serve_trivial(port: int) -> None:
    server = await asyncio.get_running_loop().create_server(Trivial, "127.0.0.1", port)
    async with server:
        await server.serve_forever()


def pin(cpu: int | None) -> None:
    """Run on one core only (when the machine has it)."""
    if cpu is not None and hasattr(os, "sched_setaffinity") and cpu < (os.cpu_count() or 1):
        os.sched_setaffinity(0, {cpu})


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int)
    parser.add_argument("--requests", help="JSON file: a list of [path, headers, body]")
    parser.add_argument("--connections", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--cpu", type=int, default=None, help="pin the process to this core")
    parser.add_argument("--serve-trivial", type=int, default=None, metavar="PORT")
    args = parser.parse_args(argv)
    pin(args.cpu)
    if args.serve_trivial:
        asyncio.run(serve_trivial(args.serve_trivial))
        return
    with open(args.requests, encoding="utf-8") as handle:
        listed = json.load(handle)
    requests = [encode(args.host, args.port, path, headers, body.encode()) for path, headers, body in listed]
    result = asyncio.run(drive(args.host, args.port, requests, args.connections, args.seconds))
    sys.stdout.write(json.dumps(result) + "\n")


if __name__ == "__main__":
    main()
