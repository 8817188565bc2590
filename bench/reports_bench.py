"""How long the console's reports take at city scale: 100,000 residents and 500,000 needs.

    .venv/bin/python -m bench.reports_bench               # seeds linli_bench_reports when missing (~10 min)
    .venv/bin/python -m bench.reports_bench --repeat 5    # more runs per report (the median is printed)

The database (``--database-url``, default ``linli_bench_reports``, its own so the other benchmarks'
cities stay as they are) is seeded by :mod:`bench.seed_city` with the default sizes and the schema
generated from the models, then given the report data of :mod:`bench.reports_data`; its comment records
both, so the next run only measures. The models' indexes are (re)applied every run (``CREATE INDEX IF NOT
EXISTS``), so an index declared since the seeding is measured too.

Each part of a report (:data:`PARTS`) runs in-process on the production connection settings (report
statements raise their own limits, :mod:`resolvers.reports.sql`): the service function alone, then the
GraphQL query answered by the schema for the viewer named, then the CSV table. The table lists the median
and best of ``--repeat`` runs, in milliseconds, and how many rows the part has.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import asyncpg
from tortoise import Tortoise

from bench import seed_city
from bench.reports_data import add_report_data, table_sizes
from graphql_api.context import Context
from graphql_api.schema import schema
from graphql_api.settings import Settings
from resolvers.access import Role, Viewer
from resolvers.reports.incubation import incubation_report
from resolvers.reports.needs import need_counts, need_timings
from resolvers.reports.projects import project_report
from resolvers.reports.providers import organization_figures, provider_totals
from resolvers.reports.scope import HANGZHOU, ReportPeriod, ReportScope, organization_report, staff_report
from resolvers.reports.sql import STATEMENT_TIMEOUT, WORK_MEM
from resolvers.reports.tables import report_table
from resolvers.scope import load_scope

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/linli_bench_reports"
REPORT_DATA = " +report data"
ADMIN = Viewer(role=Role.CENTRE_ADMIN, account_id=1)


@dataclass(frozen=True)
class Part:
    """One part of a report: who may ask, the service, its row count, the GraphQL field and the CSV table."""

    scope_of: Callable[..., ReportScope]
    service: Callable[[ReportScope], Awaitable[Any]]
    rows: Callable[[Any], int]
    field: str
    selection: str
    csv: str | None


PARTS = {
    "need counts": Part(staff_report, need_counts, lambda r: len(r.counts), "needReport",
                        "submitted closedShare counts { community { name } category status count }", "needs"),
    "need timings": Part(staff_report, need_timings, len, "needReport",
                         "timings { toStatus needs medianHours p90Hours }", None),
    "need timings by category": Part(staff_report, lambda where: need_timings(where, by_category=True), len,
                                     "needReport", "timings(byCategory: true) { toStatus category medianHours }",
                                     "need-timings"),
    "provider totals": Part(organization_report, provider_totals, lambda r: 1, "providerReport",
                            "totals { assignedNeeds hoursServed averageRating loadSpread { gini topDecileShare } }",
                            "providers"),
    "provider organizations": Part(organization_report, organization_figures, len, "providerReport",
                                   "organizations { organization { name } assignedNeeds hoursServed }",
                                   "provider-organizations"),
    "incubation": Part(staff_report, incubation_report, lambda r: len(r.stages), "incubationReport",
                       "stages { stage count } graduatedThisYear projectsClaimed", "incubation"),
    "projects": Part(organization_report, project_report, lambda r: len(r.projects), "projectReport",
                     "totals { sessions seatsFilled attended } projects { project { name } fillRate attendanceRate }",
                     "projects"),
}


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=DEFAULT_URL, help=f"bench database (default {DEFAULT_URL})")
    parser.add_argument("--repeat", type=int, default=3, help="runs per report and path (default 3)")
    parser.add_argument("--reseed", action="store_true", help="seed again even when the database holds the city")
    return parser.parse_args(argv)


async def prepare(url: str, reseed: bool) -> dict[str, int]:
    """Seed the city and the report data when the database's comment says they are missing."""
    city = seed_city.parse(["--database-url", url, "--schema", "generate"])
    name = url.rsplit("/", 1)[1]
    conn = await asyncpg.connect(seed_city.asyncpg_url(url.rsplit("/", 1)[0] + "/postgres"))
    try:
        comment = await conn.fetchval("SELECT shobj_description(oid, 'pg_database') FROM pg_database "
                                      "WHERE datname = $1", name)
    finally:
        await conn.close()
    if reseed or comment not in (seed_city.seeded_as(city), seed_city.seeded_as(city) + REPORT_DATA):
        print(f"Seeding {name} (about 4 minutes)...", file=sys.stderr)
        await seed_city.seed(city)
        comment = seed_city.seeded_as(city)
    conn = await asyncpg.connect(seed_city.asyncpg_url(url))
    try:
        if not comment.endswith(REPORT_DATA):
            await add_report_data(conn)
            await conn.execute(f"COMMENT ON DATABASE \"{name}\" IS '{seed_city.seeded_as(city)}{REPORT_DATA}'")
        return await table_sizes(conn)
    finally:
        await conn.close()


async def timed(run: Callable[[], Awaitable[Any]], repeat: int) -> tuple[float, float, Any]:
    """Median and best of ``repeat`` runs in ms, and the last result."""
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = await run()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), min(times), result


async def graphql(part: Part, period: ReportPeriod, viewer: Viewer) -> dict:
    """The part's GraphQL query answered by the schema (in-process, a fresh context as a request has)."""
    query = f"query($p: ReportPeriodInput!) {{ {part.field}(period: $p) {{ {part.selection} }} }}"
    variables = {"p": {"from": period.first_day.isoformat(), "to": period.last_day.isoformat()}}
    result = await schema.execute(query, variable_values=variables,
                                  context_value=Context(settings=Settings(env="test"), viewer=viewer))
    if result.errors:
        raise RuntimeError(result.errors)
    return result.data or {}


async def cases(url: str) -> list[tuple[str, str, ReportPeriod, Viewer]]:
    """(part, who, period, viewer) of every measured case."""
    conn = await asyncpg.connect(seed_city.asyncpg_url(url))
    try:
        biggest = await conn.fetchval("SELECT community_id FROM need GROUP BY community_id "
                                      "ORDER BY COUNT(*) DESC LIMIT 1")
        organization = await conn.fetchval("SELECT organizer_id FROM project GROUP BY organizer_id "
                                           "ORDER BY COUNT(*) DESC, organizer_id LIMIT 1")
    finally:
        await conn.close()
    today = datetime.now(HANGZHOU).date()
    month, season, year = (ReportPeriod.of(today - timedelta(days=d), today) for d in (29, 119, 364))
    staff = ("staff, largest community", Viewer(role=Role.STAFF, account_id=2, area_ids=frozenset({biggest})))
    org = ("organization admin", Viewer(role=Role.ORG_ADMIN, account_id=3, organization_id=organization))
    admin = ("centre admin", ADMIN)
    plan = [("need counts", [(admin, month), (admin, season), (staff, season)]),
            ("need timings", [(admin, month), (admin, season), (staff, season)]),
            ("need timings by category", [(admin, month), (admin, season)]),
            ("provider totals", [(admin, month), (admin, season), (staff, season), (org, season)]),
            ("provider organizations", [(admin, season), (org, season)]),
            ("incubation", [(admin, year)]), ("projects", [(admin, season), (org, season)])]
    return [(name, who, period, viewer) for name, runs in plan for (who, viewer), period in runs]


async def measure(args: argparse.Namespace) -> list[str]:
    """Run every case; the Markdown rows."""
    lines = []
    for name, who, period, viewer in await cases(args.database_url):
        part, scope = PARTS[name], await load_scope(viewer)
        where = part.scope_of(scope, period, None)
        service_p50, service_best, result = await timed(lambda: part.service(where), args.repeat)  # noqa: B023
        graphql_p50, _, _ = await timed(lambda: graphql(part, period, viewer), args.repeat)  # noqa: B023
        csv = "-"
        if part.csv:
            csv_p50, _, _ = await timed(lambda: report_table(part.csv, scope, period, None), args.repeat)  # noqa: B023
            csv = f"{csv_p50:,.0f}"
        days = (period.last_day - period.first_day).days + 1
        lines.append(f"| {name} | {who} | {days} days | {part.rows(result):,} | {service_p50:,.0f} "
                     f"({service_best:,.0f}) | {graphql_p50:,.0f} | {csv} |")
        print(f"  {name:<26} {who:<26} {days:>3} days: {service_p50:8,.0f} ms", file=sys.stderr)
    return lines


async def main_async(args: argparse.Namespace) -> None:
    sizes = await prepare(args.database_url, args.reseed)
    settings = Settings(database_url=args.database_url)
    await Tortoise.init(config=settings.tortoise_config(statement_timeout=True))
    try:
        started = time.perf_counter()
        await Tortoise.generate_schemas(safe=True)  # indexes declared since the seeding
        print(f"Indexes checked in {time.perf_counter() - started:.1f} s", file=sys.stderr)
        rows = await measure(args)
    finally:
        await Tortoise.close_connections()
    print("# Reports at city scale\n")
    print("- rows: " + ", ".join(f"{table} {count:,}" for table, count in sizes.items()))
    print(f"- median (best) of {args.repeat} runs, in-process on PostgreSQL; report statements run with "
          f"work_mem {WORK_MEM} and a {STATEMENT_TIMEOUT} limit\n")
    print("| report | scope | period | rows | service ms | GraphQL ms | CSV table ms |")
    print("| --- | --- | --- | ---: | ---: | ---: | ---: |")
    print("\n".join(rows))


def main(argv: list[str] | None = None) -> None:
    asyncio.run(main_async(parse(argv)))


if __name__ == "__main__":
    main()
