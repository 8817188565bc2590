"""Run the load benchmark: the GraphQL endpoint against the raw ceiling, side by side, shape by shape.

    .venv/bin/python -m bench.run                       # the city (seeded first if needed), 10 s per shape and side
    .venv/bin/python -m bench.run --seconds 20 --shapes Q1OpenNeeds,Q3OrganizationMembers
    .venv/bin/python -m bench.run --smoke               # a small city and a second per side (what the test runs)

1. Seeds ``--database-url`` with :mod:`bench.seed_city` unless its comment says it holds this city already.
2. Creates a centre admin account there and, per shape, draws the variables of its requests.
3. Starts three single-process uvicorn servers pinned to core 0: the real app with the public cache off
   (``LINLI_PUBLIC_CACHE=0``; the targets are measured without it), the same app with it on, and the raw
   ceiling (:mod:`bench.raw_server`). The real app runs with ``LINLI_BENCH=1`` (statement counters at
   ``/bench-stats``) and the limits of :data:`bench.server.SERVER_LIMITS` (rate budget and cost ceiling
   raised so the driver's single account is never throttled); everything else, the bearer token
   check, authorization, masking and the cost analysis, runs as in production.
4. Measures the driver (:mod:`bench.load`, pinned to core 1) against a trivial server: its own ceiling.
5. Per shape: checks that both servers return the same ``data``, warms both up, then drives the raw
   ceiling and the GraphQL endpoint for ``--seconds`` each, and reads the statements per request and
   the server's peak memory (``VmHWM``).
6. Writes ``bench/results/latest.md`` and prints the table.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import asyncpg
import httpx
from tortoise import Tortoise

from bench import seed_city
from bench.report import Row, Side, document
from bench.server import BENCH_SECRET, ROOT, Server
from bench.shapes import SHAPES, Shape
from graphql_api.settings import Settings

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/linli_load"
SMOKE_URL = "postgres://postgres@127.0.0.1:5432/linli_load_smoke"
SMOKE_SIZES = {"professionals": 300, "residents": 3000, "needs": 6000, "organizations": 40, "communities": 6}
RESULTS = ROOT / "bench" / "results" / "latest.md"
SERVER_CPU, DRIVER_CPU = 0, 1


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


async def ensure_seeded(args: argparse.Namespace) -> None:
    """Seed the city unless the database's comment says it holds exactly this one."""
    server, name = args.database_url.rsplit("/", 1)
    conn = await asyncpg.connect(seed_city.asyncpg_url(f"{server}/postgres"))
    try:
        comment = await conn.fetchval("SELECT shobj_description(oid, 'pg_database') FROM pg_database "
                                      "WHERE datname = $1", name)
    finally:
        await conn.close()
    if comment == seed_city.seeded_as(args) and not args.reseed:
        say(f"{name} already holds this city ({comment}).")
        return
    say(f"Seeding {name}: {seed_city.seeded_as(args)}")
    await seed_city.seed(args)


async def prepare(args: argparse.Namespace) -> tuple[object, dict[int, list[dict]]]:
    """The benchmark's centre admin account and the variables of every shape's requests."""
    import random

    from models import Account
    from models.enums import AccountRole

    await Tortoise.init(config=Settings(database_url=args.database_url).tortoise_config())
    try:
        account, _ = await Account.get_or_create(
            username="bench-admin", defaults={"role": AccountRole.CENTRE_ADMIN, "display_name": "benchmark"})
    finally:
        await Tortoise.close_connections()
    conn = await asyncpg.connect(seed_city.asyncpg_url(args.database_url))
    try:
        rng = random.Random(args.seed)
        samples = {i: await shape.samples(conn, rng, args.variants) for i, shape in enumerate(SHAPES)}
    finally:
        await conn.close()
    return account, samples


def bodies(shape: Shape, variables: list[dict]) -> list[str]:
    return [json.dumps({"query": shape.query, "variables": v, "operationName": shape.name}) for v in variables]


def drive(port: int, requests: Path, connections: int, seconds: float) -> dict:
    """One run of the driver (a separate process on the driver's core)."""
    command = [sys.executable, "-m", "bench.load", "--port", str(port), "--requests", str(requests),
               "--connections", str(connections), "--seconds", str(seconds), "--cpu", str(DRIVER_CPU)]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def counters(base: str) -> dict:
    return httpx.get(f"{base}/bench-stats", timeout=10).json()


def peak_rss_mb(server: Server) -> float:
    """The server process's peak resident memory so far."""
    status = Path(f"/proc/{server.process.pid}/status").read_text()
    line = next(line for line in status.splitlines() if line.startswith("VmHWM:"))
    return int(line.split()[1]) / 1024


def cpu_seconds(server: Server) -> float:
    """User and system CPU time the server process has used so far."""
    fields = Path(f"/proc/{server.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure(server: Server, base: str, requests: Path, args: argparse.Namespace, seconds: float) -> Side:
    """Drive one server for ``seconds`` and read its counters around the run."""
    before, cpu = counters(base), cpu_seconds(server)
    result = drive(server.port, requests, args.connections, seconds)
    cpu, after = cpu_seconds(server) - cpu, counters(base)
    served = max(after["requests"] - before["requests"], 1)
    return Side(rps=result["rps"], p50_ms=result["p50_ms"], p99_ms=result["p99_ms"],
                statements=(after["statements"] - before["statements"]) / served, failures=result["failures"],
                rss_mb=peak_rss_mb(server), cpu_ms=cpu * 1000 / served, requests=result["requests"],
                seconds=result["seconds"])


def same_data(shape: Shape, texts: list[str], token: str, graphql: str, raw: str) -> list[str]:
    """Differences between the two servers' ``data`` for the first requests (ids of new rows aside)."""
    problems = []
    for text in texts[:3]:
        answers = [httpx.post(f"{base}/graphql", content=text, timeout=60, headers={
            "Authorization": f"Bearer {token}", "Content-Type": "application/json"}).json() for base in (graphql, raw)]
        if answers[0].get("errors"):
            problems.append(f"GraphQL errors: {answers[0]['errors']}")
            continue
        data = [_rounded(answer.get("data")) for answer in answers]
        if shape.write:
            data = [{**d["needCreate"], "need": {**d["needCreate"]["need"], "id": "new"}} for d in data]
        if data[0] != data[1]:
            data = [json.dumps(d, sort_keys=True, ensure_ascii=False) for d in data]
            problems.append(f"the raw ceiling answers differently:\n  graphql {data[0][:400]}\n"
                            f"  raw     {data[1][:400]}")
    return problems


class _Near(float):
    """A float equal to any other within 0.01: the engine's scores move with the clock (waiting time)."""

    def __eq__(self, other: object) -> bool:
        return isinstance(other, float) and abs(self - other) < 0.01

    __hash__ = float.__hash__


def _rounded(value: object) -> object:
    """The answer with its floats compared within 0.01 (see :class:`_Near`)."""
    if isinstance(value, float):
        return _Near(value)
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_rounded(v) for v in value]
    return value


def token_for(account: object) -> str:
    from resolvers.tokens import issue_access_token

    return issue_access_token(account, BENCH_SECRET)[0]  # valid 15 minutes: one is minted per shape


def run_shape(shape: Shape, variables: list[dict], account: object, servers: dict, args: argparse.Namespace,
              workdir: Path) -> Row:
    token = token_for(account)
    texts = bodies(shape, variables)
    requests = workdir / f"{shape.name}.json"
    requests.write_text(json.dumps([["/graphql", {"Authorization": f"Bearer {token}"}, t] for t in texts]))
    graphql_server, graphql = servers["cached" if shape.cached else "graphql"]
    raw_server, raw = servers["raw"]
    row = Row(label=shape.label, graphql=Side(), raw=Side(), target=None if shape.cached else shape.target)
    row.notes += same_data(shape, texts, token, graphql, raw)
    for port in (raw_server.port, graphql_server.port):
        drive(port, requests, args.connections, args.warmup)
    for _ in range(args.rounds):  # alternate in short slices, so a busy moment of the machine hits both sides
        row.raw = row.raw.merge(measure(raw_server, raw, requests, args, args.seconds / args.rounds))
        row.graphql = row.graphql.merge(measure(graphql_server, graphql, requests, args, args.seconds / args.rounds))
    for side, name in ((row.graphql, "GraphQL"), (row.raw, "raw")):
        if side.failures:
            row.notes.append(f"{side.failures} failed {name} requests")
    return row


def driver_ceiling(args: argparse.Namespace, workdir: Path) -> dict:
    """The driver alone against a server that answers at once (its own ceiling)."""
    port = args.port + 9
    trivial = subprocess.Popen([sys.executable, "-m", "bench.load", "--serve-trivial", str(port),
                                "--cpu", str(SERVER_CPU)], cwd=ROOT)
    try:
        time.sleep(1.0)
        requests = workdir / "trivial.json"
        requests.write_text(json.dumps([["/graphql", {}, '{"query": "{ __typename }"}']]))
        return drive(port, requests, args.connections, max(args.seconds / 2, 1.0))
    finally:
        trivial.terminate()
        trivial.wait(timeout=10)


def context_lines(args: argparse.Namespace, ceiling: dict) -> dict[str, str]:
    revision = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    return {
        "when": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC") + f" (commit {revision.stdout.strip()}, "
                "uncommitted changes included)",
        "city": seed_city.seeded_as(args),
        "machine": f"{os.cpu_count()} cores; each server one uvicorn process pinned to core {SERVER_CPU}, "
                   f"the driver pinned to core {DRIVER_CPU}, PostgreSQL unpinned",
        "load": f"{args.connections} keep-alive connections, closed loop, {args.seconds:g} s per shape and side "
                f"in {args.rounds} alternating slices after {args.warmup:g} s of warm-up, {args.variants} different "
                "requests per shape round-robin",
        "CPU per request": "the server process's user + system time over the requests it served (a figure the "
                           "other processes of a busy machine skew less than throughput)",
        "driver ceiling": f"{ceiling['rps']:,.0f} req/s against a server that answers at once (p50 "
                          f"{ceiling['p50_ms']:.2f} ms): far above every figure below, so the driver is not the limit",
        "command": "`.venv/bin/python -m bench.run " + " ".join(args.argv) + "`",
    }


async def main_async(args: argparse.Namespace) -> str:
    await ensure_seeded(args)
    account, samples = await prepare(args)
    chosen = [i for i, shape in enumerate(SHAPES) if not args.shapes or shape.name in args.shapes]
    common = {"LINLI_BENCH": "1", "LINLI_PUBLIC_CACHE": "0", "REDIS_URL": ""}
    processes = {
        "graphql": Server(args.database_url, args.port, env=common, cpu=SERVER_CPU),
        "cached": Server(args.database_url, args.port + 1, env={**common, "LINLI_PUBLIC_CACHE": "1"}, cpu=SERVER_CPU),
        "raw": Server(args.database_url, args.port + 2, app="bench.raw_server:app", cpu=SERVER_CPU),
    }
    with tempfile.TemporaryDirectory() as tmp, contextlib.ExitStack() as stack:
        workdir = Path(tmp)
        servers = {name: (server, stack.enter_context(server)) for name, server in processes.items()}
        ceiling = driver_ceiling(args, workdir)
        say(f"Driver ceiling: {ceiling['rps']:,.0f} req/s")
        rows = []
        for step, i in enumerate(chosen, 1):
            shape = SHAPES[i]
            say(f"[{step}/{len(chosen)}] {shape.label}")
            last_need = await newest_need(args) if shape.write else None
            rows.append(run_shape(shape, samples[i], account, servers, args, workdir))
            if last_need is not None:
                say(f"    removed the {await forget_needs_after(args, last_need):,} needs the run filed")
            g, r = rows[-1].graphql, rows[-1].raw
            say(f"    GraphQL {g.rps:,.0f} req/s, raw {r.rps:,.0f} req/s: {rows[-1].ratio:.0%}; "
                f"{g.statements:.1f} statements per request; peak RSS {g.rss_mb:.0f} MB")
    return document(rows, context_lines(args, ceiling))


async def newest_need(args: argparse.Namespace) -> int:
    """The id of the city's newest need (a write shape's needs come after it)."""
    conn = await asyncpg.connect(seed_city.asyncpg_url(args.database_url))
    try:
        return await conn.fetchval('SELECT COALESCE(MAX(id), 0) FROM "need"')
    finally:
        await conn.close()


async def forget_needs_after(args: argparse.Namespace, last_need: int) -> int:
    """Delete the needs filed after ``last_need`` (with their events; the tallies follow): the city stays as
    seeded, so the next run's newest pages are not tens of thousands of identical benchmark needs."""
    conn = await asyncpg.connect(seed_city.asyncpg_url(args.database_url))
    try:
        deleted = await conn.execute('DELETE FROM "need" WHERE id > $1', last_need)
        await conn.execute('VACUUM ANALYZE "need"')
        return int(deleted.split()[-1])
    finally:
        await conn.close()


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=None, help=f"the city (default {DEFAULT_URL})")
    parser.add_argument("--schema", choices=("migrate", "generate"), default="generate",
                        help="how a new city gets its schema (as bench.seed_city)")
    parser.add_argument("--seconds", type=float, default=10.0, help="measured seconds per shape and side")
    parser.add_argument("--warmup", type=float, default=2.0)
    parser.add_argument("--connections", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=4, help="alternations of the two sides per shape")
    parser.add_argument("--variants", type=int, default=200, help="different requests per shape")
    parser.add_argument("--shapes", type=lambda s: set(s.split(",")), default=None)
    parser.add_argument("--port", type=int, default=8801)
    parser.add_argument("--output", type=Path, default=RESULTS)
    parser.add_argument("--seed", type=int, default=20260118)
    parser.add_argument("--reseed", action="store_true", help="seed again even if the city is there")
    parser.add_argument("--smoke", action="store_true", help="a small city and short runs (the CI test)")
    for name, default in seed_city.parse([]).__dict__.items():
        if name in SMOKE_SIZES:
            parser.add_argument(f"--{name}", type=int, default=None, help=f"city size (default {default:,})")
    args = parser.parse_args(argv)
    args.argv = sys.argv[1:] if argv is None else argv
    defaults = seed_city.parse([])
    for name in SMOKE_SIZES:
        if getattr(args, name) is None:
            setattr(args, name, SMOKE_SIZES[name] if args.smoke else getattr(defaults, name))
    args.database_url = args.database_url or (SMOKE_URL if args.smoke else DEFAULT_URL)
    if args.smoke:
        args.seconds, args.warmup, args.connections, args.variants, args.rounds = 1.0, 0.3, 4, 20, 1
    return args


def main(argv: list[str] | None = None) -> None:
    args = parse(argv)
    report = asyncio.run(main_async(args))
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(report, encoding="utf-8")
    print(report)


if __name__ == "__main__":
    main()
