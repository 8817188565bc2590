"""Check that no statement takes more than 5 ms at city scale: EXPLAIN ANALYZE of everything the API sends.

    .venv/bin/python -m bench.explain                  # every shape of bench.shapes, every need filter and order
    .venv/bin/python -m bench.explain --limit-ms 5     # exit 1 when a statement is slower

The statements are captured from Tortoise's logger while the real app answers each benchmark shape
(in-process, through httpx's ASGI transport) and while it answers the need list, the work queues and the
organization directory with each filter and order the API offers. Each distinct statement is then run
under ``EXPLAIN (ANALYZE, BUFFERS)`` three times on the seeded city (the best of three, so a cold cache
does not count) and listed slowest first with the plan's outer node.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import random
import re
import sys

import asyncpg
import httpx
from tortoise import Tortoise

from bench import seed_city
from bench.run import DEFAULT_URL
from bench.server import BENCH_SECRET
from bench.shapes import SHAPES, global_id
from graphql_api.app import create_app
from graphql_api.settings import Limits, Settings

NEED_LIST = """query($filter: NeedFilter, $order: NeedOrder!) {
  needs(filter: $filter, orderBy: $order, first: 50) { totalCount edges { node { id } } } }"""
ORGANIZATIONS = """query($filter: OrganizationFilter, $order: OrganizationOrder!) {
  organizations(filter: $filter, orderBy: $order, first: 50) { totalCount edges { node { id } } } }"""
STATISTICS = "query { needStatistics(since: \"2026-01-01T00:00:00+08:00\") { count } }"


class Capture(logging.Handler):
    """Keeps each distinct statement Tortoise sends, with the values of its first use."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.statements: dict[str, list] = {}

    def emit(self, record: logging.LogRecord) -> None:
        if len(record.args or ()) == 2 and re.match(r"\s*(SELECT|WITH)\b", str(record.args[0]), re.I):
            self.statements.setdefault(str(record.args[0]), list(record.args[1] or []))


def documents(community: str) -> list[tuple[str, dict]]:
    """The need list under each filter and order, the organization directory, statistics."""
    filters = [{}, {"communityId": community}, {"communityId": community, "openOnly": True},
               {"category": "MEALS"}, {"status": ["SUBMITTED"]}, {"urgency": "CRITICAL"},
               {"submittedAfter": "2026-10-01T00:00:00+08:00"}, {"communityId": community, "category": "MEALS"},
               {"search": "助餐"}]
    listed = [(NEED_LIST, {"filter": f, "order": o}) for f in filters
              for o in ("NEWEST", "OLDEST", "WINDOW_START", "URGENCY")]
    listed += [(ORGANIZATIONS, {"filter": f, "order": o}) for f in ({}, {"category": "MEALS"}, {"kind": "INCUBATED"})
               for o in ("NAME", "CREATED_AT")]
    return [*listed, (STATISTICS, {})]


async def capture(args: argparse.Namespace) -> dict[str, list]:
    from models import Account
    from resolvers.tokens import issue_access_token

    settings = Settings(database_url=args.database_url, secret_key=BENCH_SECRET, load_demo_data=False,
                        limits=Limits(rate_points=10**9, max_cost=10**6), public_cache=False)
    await Tortoise.init(config=settings.tortoise_config(), _enable_global_fallback=True)
    conn = await asyncpg.connect(seed_city.asyncpg_url(args.database_url))
    rng = random.Random(7)
    work = [(s.query, v) for s in SHAPES if not s.write for v in await s.samples(conn, rng, 3)]
    community = await conn.fetchval("SELECT id FROM area WHERE kind = 'COMMUNITY' ORDER BY id LIMIT 1")
    await conn.close()
    work += documents(global_id("Area", community))
    token = issue_access_token(await Account.get(username="bench-admin"), BENCH_SECRET)[0]
    handler, logger = Capture(), logging.getLogger("tortoise.db_client")
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    app = create_app(settings, manage_database=False)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench") as http:
        for query, variables in work:
            answer = (await http.post("/graphql", json={"query": query, "variables": variables},
                                      headers={"Authorization": f"Bearer {token}"})).json()
            if answer.get("errors"):
                print(f"errors for {variables}: {answer['errors']}", file=sys.stderr)
    logger.removeHandler(handler)
    await Tortoise.close_connections()
    return handler.statements


async def explain(url: str, statements: dict[str, list]) -> list[tuple[float, str, str]]:
    """(best of three execution ms, outer plan node, statement) of each statement, slowest first."""
    conn = await asyncpg.connect(seed_city.asyncpg_url(url))
    timed = []
    try:
        for sql, values in statements.items():
            best, node = float("inf"), ""
            for _ in range(3):
                plan = json.loads(await conn.fetchval(f"EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) {sql}", *values))[0]
                best = min(best, plan["Execution Time"])
                node = plan["Plan"]["Node Type"]
            timed.append((best, node, sql))
    finally:
        await conn.close()
    return sorted(timed, reverse=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--limit-ms", type=float, default=5.0)
    parser.add_argument("--show", type=int, default=15, help="how many of the slowest to print")
    args = parser.parse_args(argv)
    statements = asyncio.run(capture(args))
    timed = asyncio.run(explain(args.database_url, statements))
    print(f"{len(timed)} distinct statements; slowest first (best of three, ms):")
    for ms, node, sql in timed[:args.show]:
        print(f"{ms:8.2f}  {node:<22} {sql[:230]}")
    slow = [t for t in timed if t[0] > args.limit_ms]
    print(f"{len(slow)} above {args.limit_ms:g} ms")
    sys.exit(1 if slow else 0)


if __name__ == "__main__":
    main()
