"""Time matching on the seeded city (``bench.seed_city``) and print the figures as Markdown tables.

    .venv/bin/python -m bench.matching_bench                 # seeds its cities first when they are missing

1. ``matchCandidates`` on random open needs: in-process (the service function, the engine's and the
   database's time) and through the GraphQL endpoint of the real app (uvicorn in a subprocess, as a
   centre admin with a bearer token), p50 / p95 / p99 over ``--requests`` calls.
2. How it grows with the number of providers: the same city generated at 1,000 ... 10,000
   professionals (residents, needs and organizations scaled alike, the 30 communities kept) into
   ``<database>_<size>`` databases, each measured like the full one.
3. ``matchAssign`` (dry run) of ``--assign-needs`` random open needs of the ``--assign-providers``
   city, in-process and through the endpoint (``--assign-needs 0`` leaves this part out, and that
   city is then neither seeded nor measured unless ``--sizes`` names it).

Each city gets the matching indexes of ``models.matching.extra_index_sql`` (idempotent, so a city
seeded before an index was added gets it too), and is seeded again when its tables lack a column
the models have. The machine's load average is printed with the figures, and for the endpoint the
CPU time the server process and the database spent per request (steadier than latencies on a busy
machine).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path

import asyncpg
import httpx
from tortoise import Tortoise

from bench.matching_cities import city, ensure_seeded
from bench.seed_city import DEFAULT_URL, asyncpg_url
from bench.server import Server, global_id, staff_token
from graphql_api.settings import Settings
from models import Need
from models.enums import NeedStatus
from resolvers.access import Role, Viewer
from resolvers.match_assign import match_assign
from resolvers.matching import match_candidates

ADMIN = Viewer(role=Role.CENTRE_ADMIN, account_id=0)
CANDIDATES = """query($id: ID!) { matchCandidates(needId: $id, first: 10) { totalEligible
  candidates { score reasons { zh en } breakdown { criterion points }
    provider { ... on Professional { id name } ... on Organization { id name } } } } }"""
ASSIGN = """mutation($ids: [ID!]!) { matchAssign(input: {needIds: $ids, dryRun: true}) {
  totalScore method optimal providersConsidered assignments { score } unassigned { code } errors { code } } }"""
OPEN = [NeedStatus.SUBMITTED, NeedStatus.TRIAGED, NeedStatus.MATCHING]


def percentiles(samples: list[float]) -> tuple[float, float, float]:
    """p50, p95 and p99 (nearest rank) in milliseconds."""
    ordered = sorted(samples)
    pick = lambda q: ordered[min(len(ordered) - 1, max(0, round(q * len(ordered)) - 1))]  # noqa: E731
    return pick(0.50), pick(0.95), pick(0.99)


async def timed(calls: list[Callable[[], Awaitable[object]]]) -> list[float]:
    """Run the calls one after another; their durations in milliseconds."""
    durations = []
    for call in calls:
        started = time.perf_counter()
        await call()
        durations.append((time.perf_counter() - started) * 1000)
    return durations


def post(http: httpx.Client, query: str, variables: dict) -> dict:
    body = http.post("/graphql", json={"query": query, "variables": variables}).json()
    if body.get("errors"):
        raise RuntimeError(body["errors"])
    return body["data"]


def cpu_seconds(pids: list[int]) -> float:
    """User and system CPU time the processes have used so far (those still running)."""
    total = 0
    for pid in pids:
        stat = Path(f"/proc/{pid}/stat")
        if stat.exists():
            fields = stat.read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


async def backends(url: str) -> list[int]:
    """Process ids of the database's connections (the server's pool, once warm)."""
    conn = await asyncpg.connect(asyncpg_url(url))
    try:
        name = url.rsplit("/", 1)[1]
        return [r["pid"] for r in await conn.fetch(
            "SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()", name)]
    finally:
        await conn.close()


async def measure_candidates(need_ids: list[int], http: httpx.Client | None, server: Server | None = None,
                             url: str = "") -> dict:
    """In-process and HTTP latencies of matchCandidates over ``need_ids``, the mean eligible count, and
    the CPU milliseconds per HTTP request of the server process and of the database."""
    eligible: list[int] = []

    async def rank(need_id: int) -> None:
        eligible.append((await match_candidates(ADMIN, need_id, 10)).total_eligible)

    inside = await timed([lambda n=n: rank(n) for n in need_ids])
    outside, cpu = [], None
    if http is not None:
        pids = [server.process.pid] if server is not None and server.process is not None else []
        database = await backends(url) if url else []
        before = (cpu_seconds(pids), cpu_seconds(database))
        for need_id in need_ids:
            started = time.perf_counter()
            post(http, CANDIDATES, {"id": global_id("Need", need_id)})
            outside.append((time.perf_counter() - started) * 1000)
        cpu = tuple((cpu_seconds(group) - spent) * 1000 / len(need_ids) for group, spent in zip((pids, database),
                                                                                                  before, strict=True))
    return {"inside": percentiles(inside), "http": percentiles(outside) if outside else None,
            "eligible": statistics.mean(eligible), "cpu": cpu}


async def measure_assign(need_ids: list[int], http: httpx.Client | None) -> dict:
    """In-process and HTTP time of a dry-run matchAssign of ``need_ids``."""
    started = time.perf_counter()
    outcome = await match_assign(ADMIN, need_ids, dry_run=True)
    inside = time.perf_counter() - started
    result = {"needs": len(need_ids), "inside": inside, "providers": outcome.providers_considered,
              "assigned": len(outcome.result.assignments),
              "method": outcome.result.method.value, "optimal": outcome.result.optimal, "http": None}
    if http is not None:
        started = time.perf_counter()
        data = post(http, ASSIGN, {"ids": [global_id("Need", i) for i in need_ids]})["matchAssign"]
        result["http"] = time.perf_counter() - started
        assert not data["errors"], data["errors"]
    return result


def row(*cells: object) -> str:
    return "| " + " | ".join(str(c) for c in cells) + " |"


def ms(triple: tuple[float, float, float] | None) -> list[str]:
    return [f"{v:.1f}" for v in triple] if triple else ["-", "-", "-"]


@asynccontextmanager
async def session(url: str, args: argparse.Namespace) -> AsyncIterator[tuple[httpx.Client | None, Server | None]]:
    """The ORM bound to ``url`` in this process and, when tokens exist, the app serving it over HTTP."""
    await Tortoise.init(config=Settings(database_url=url).tortoise_config())
    try:
        token = await staff_token() if args.http else None
        if args.http and token is None:
            print("resolvers.tokens is not installed: the HTTP figures are skipped.", file=sys.stderr)
        if token is None:
            yield None, None
            return
        server = Server(url, args.port)
        with server as base_url, httpx.Client(
            base_url=base_url, headers={"Authorization": f"Bearer {token}"}, timeout=300
        ) as http:
            yield http, server
    finally:
        await Tortoise.close_connections()


async def open_needs(count: int, rng: random.Random) -> list[int]:
    """``count`` random open needs."""
    ids = sorted(await Need.filter(status__in=OPEN).values_list("id", flat=True))
    return rng.sample(ids, min(count, len(ids)))


async def warm_up(need_id: int, http: httpx.Client | None) -> None:
    """One call each way before measuring (connections, caches, imports)."""
    await match_candidates(ADMIN, need_id, 10)
    if http is not None:
        post(http, CANDIDATES, {"id": global_id("Need", need_id)})


def load_note() -> str:
    """The machine's cores and load average (the figures depend on what else runs)."""
    one, five, fifteen = os.getloadavg()
    return f"{os.cpu_count()} cores, load average {one:.1f} / {five:.1f} / {fifteen:.1f} (1 / 5 / 15 min)"


async def run(args: argparse.Namespace) -> None:
    rng = random.Random(args.seed)
    assign_size = args.assign_providers if args.assign_needs > 0 else None  # None: no matchAssign part at all
    assigned: dict | None = None
    url = await ensure_seeded(city(args, args.professionals), args.reseed)
    started_load = load_note()
    async with session(url, args) as (http, server):
        sample = await open_needs(args.requests, rng)
        await warm_up(sample[0], http)
        full = await measure_candidates(sample, http, server, url)
        if assign_size == args.professionals:
            assigned = await measure_assign(await open_needs(args.assign_needs, rng), http)
    print(f"\n## matchCandidates: {len(sample)} random open needs, {args.professionals:,} professionals\n")
    print(f"Machine: {started_load} at the start, {load_note()} at the end.\n")
    print(row("where", "p50 ms", "p95 ms", "p99 ms", "mean eligible"))
    print(row("---", "---:", "---:", "---:", "---:"))
    print(row("in-process (service)", *ms(full["inside"]), f"{full['eligible']:.0f}"))
    print(row("GraphQL endpoint (HTTP)", *ms(full["http"]), f"{full['eligible']:.0f}"))
    if full["cpu"]:
        print(f"\nCPU per HTTP request: server process {full['cpu'][0]:.1f} ms, PostgreSQL {full['cpu'][1]:.1f} ms.")
    growth = {args.professionals: full}
    for size in sorted({*args.sizes, *([assign_size] if assign_size else [])} - {args.professionals}):
        url = await ensure_seeded(city(args, size), args.reseed)
        async with session(url, args) as (http, server):
            sample = await open_needs(args.scaling_requests, rng)
            await warm_up(sample[0], http)
            growth[size] = await measure_candidates(sample, http, server, url)
            if size == assign_size:
                assigned = await measure_assign(await open_needs(args.assign_needs, rng), http)
    print("\n## matchCandidates as the city grows (30 communities, everything scaled with the professionals)\n")
    print(f"Machine: {load_note()} at the end.\n")
    print(row("professionals", "mean eligible", "in-process p50", "p95", "p99", "HTTP p50", "p95", "p99",
              "server CPU ms", "PostgreSQL CPU ms"))
    print(row("---:", *["---:"] * 9))
    for size in sorted(growth):
        inside, outside, cpu = ms(growth[size]["inside"]), ms(growth[size]["http"]), growth[size]["cpu"]
        spent = [f"{c:.1f}" for c in cpu] if cpu else ["-", "-"]
        print(row(f"{size:,}", f"{growth[size]['eligible']:.0f}", *inside, *outside, *spent))
    if assigned is not None:
        print_assign(assigned, args.assign_providers)


def print_assign(assigned: dict, providers: int) -> None:
    """The matchAssign table."""
    print(f"\n## matchAssign (dry run) of {assigned['needs']:,} open needs, {providers:,} professionals\n")
    print(row("where", "seconds", "providers considered", "assigned", "method", "optimal"))
    print(row("---", "---:", "---:", "---:", "---", "---"))
    for where, seconds in (("in-process (service)", assigned["inside"]), ("GraphQL endpoint (HTTP)", assigned["http"])):
        shown = f"{seconds:.2f}" if seconds is not None else "-"
        print(row(where, shown, f"{assigned['providers']:,}", f"{assigned['assigned']:,}", assigned["method"],
                  assigned["optimal"]))


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=DEFAULT_URL, help="the full city (scaled copies get a suffix)")
    parser.add_argument("--schema", choices=("migrate", "generate"), default="migrate",
                        help="how the scaled copies get their schema (as bench.seed_city)")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--scaling-requests", type=int, default=100)
    parser.add_argument("--sizes", type=lambda s: [int(x) for x in s.split(",")],
                        default=[1000, 2000, 5000, 10000, 20000])
    parser.add_argument("--assign-needs", type=int, default=2000, help="0: no matchAssign part (nor its city)")
    parser.add_argument("--assign-providers", type=int, default=5000)
    parser.add_argument("--professionals", type=int, default=20_000, help="as seeded in --database-url")
    parser.add_argument("--residents", type=int, default=100_000)
    parser.add_argument("--needs", type=int, default=50_000)
    parser.add_argument("--reseed", action="store_true", help="seed the cities even if they are there already")
    parser.add_argument("--organizations", type=int, default=300)
    parser.add_argument("--communities", type=int, default=30)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--seed", type=int, default=20260118)
    parser.add_argument("--no-http", dest="http", action="store_false", help="only the in-process figures")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    asyncio.run(run(parse(argv)))


if __name__ == "__main__":
    main()
