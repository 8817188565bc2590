"""Load a generated city into PostgreSQL with ``COPY``: the data the matching benchmark runs on.

    .venv/bin/python -m bench.seed_city                      # 20,000 professionals, 100,000 residents, 500,000 needs
    .venv/bin/python -m bench.seed_city --needs 50000        # a smaller city (the matching figures' first size)
    .venv/bin/python -m bench.seed_city --schema generate    # until the migrations of new models exist

The database (``--database-url``, default ``linli_bench`` on the local server) is dropped and created
again, its schema applied (``--schema migrate``: the checked-in migrations, the default;
``generate``: straight from the models), then every table is filled with ``asyncpg``'s
``copy_records_to_table`` in chunks, the id sequences are moved past the data and the tables vacuumed and analysed.
Last, the database's comment records what was seeded (:func:`seeded_as`), so ``bench.run`` seeds only when
the database does not already hold that city.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import itertools
import sys
import time
from pathlib import Path

import asyncpg
from tortoise import Tortoise, connections
from tortoise.migrations.api import migrate

from bench.city import City, Table
from bench.progress import Progress
from graphql_api.settings import Settings
from models.account_events import account_event_sql
from models.list_indexes import list_index_sql
from models.matching import derived_backfill_sql, extra_index_sql
from models.need_tally import BACKFILL_SQL, need_tally_sql

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/linli_bench"
MODELS = Path(__file__).resolve().parent.parent / "models"
CHUNK = 20_000
SEQUENCED = ("area", "professional", "certification", "organization", "membership", "resident", "need", "match")


def asyncpg_url(url: str) -> str:
    """The URL in the spelling asyncpg accepts."""
    return url.replace("postgres://", "postgresql://", 1)


async def recreate_database(url: str) -> None:
    """Drop the database if it exists and create it empty."""
    server, name = url.rsplit("/", 1)
    conn = await asyncpg.connect(asyncpg_url(f"{server}/postgres"))
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()


async def apply_schema(url: str, mode: str = "migrate") -> None:
    """The schema: the checked-in migrations (``migrate``) or the models as they are (``generate``)."""
    config = Settings(database_url=url).tortoise_config()
    if mode == "migrate":
        await migrate(config=config)
        await Tortoise.init(config=config)
    else:
        await Tortoise.init(config=config)
        await Tortoise.generate_schemas()
    try:
        for statement in [*extra_index_sql("postgres"), *list_index_sql("postgres"), *account_event_sql("postgres"),
                          *need_tally_sql("postgres")]:
            await connections.get("default").execute_script(statement)
    finally:
        await Tortoise.close_connections()


async def copy_table(conn: asyncpg.Connection, table: Table) -> None:
    """``COPY`` one table in chunks, with a progress bar."""
    with Progress(table.name, table.count) as bar:
        while chunk := list(itertools.islice(table.rows, CHUNK)):
            await conn.copy_records_to_table(table.name, records=chunk, columns=list(table.columns))
            bar.advance(len(chunk))


async def load(url: str, city: City) -> None:
    """Fill every table, fix the sequences and analyse."""
    conn = await asyncpg.connect(asyncpg_url(url))
    try:
        # the derived matching facts are filled once at the end, set-based, instead of by a trigger per row
        # (a role that may not switch the triggers off loads with them on: slower, the same city)
        try:
            await conn.execute("SET session_replication_role = replica")
        except asyncpg.InsufficientPrivilegeError:
            print("note: this role cannot load with triggers off; loading with them on (slower)", file=sys.stderr)
        for make in (city.area_table, city.professional_table, city.service_area_table, city.certification_table,
                     city.organization_table, city.membership_table, city.resident_table):
            await copy_table(conn, make())
        needs, matches = city.need_and_match_tables()
        await copy_table(conn, needs)
        await copy_table(conn, matches)
        for name in SEQUENCED:
            await conn.execute(f"SELECT setval(pg_get_serial_sequence('\"{name}\"', 'id'), "
                               f"COALESCE((SELECT MAX(id) FROM \"{name}\"), 0) + 1, false)")
        await conn.execute("SET session_replication_role = DEFAULT")
        backfills = [*derived_backfill_sql(), *BACKFILL_SQL]  # and the need tallies
        with Progress("derived facts and tallies", len(backfills)) as bar:
            for statement in backfills:
                await conn.execute(statement)
                bar.advance(1)
        # the backfill rewrote every professional and match row once: compact the two tables
        await conn.execute("VACUUM FULL professional")
        await conn.execute("VACUUM FULL match")
        await conn.execute("VACUUM ANALYZE")  # also sets the visibility map: counts become index-only scans
    finally:
        await conn.close()


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=DEFAULT_URL, help=f"target database (default {DEFAULT_URL})")
    parser.add_argument("--schema", choices=("migrate", "generate"), default="migrate")
    parser.add_argument("--seed", type=int, default=20260118)
    parser.add_argument("--professionals", type=int, default=20_000)
    parser.add_argument("--residents", type=int, default=100_000)
    parser.add_argument("--needs", type=int, default=500_000)
    parser.add_argument("--organizations", type=int, default=300)
    parser.add_argument("--communities", type=int, default=30)
    return parser.parse_args(argv)


def seeded_as(args: argparse.Namespace) -> str:
    """The database comment that records a seeded city: its seed and sizes, and the models and generator it was
    built from (a digest of ``models/*.py`` and ``bench/city.py``, so a city older than a change of either is
    seeded again)."""
    return (f"linli city seed={args.seed} professionals={args.professionals} residents={args.residents} "
            f"needs={args.needs} organizations={args.organizations} communities={args.communities} "
            f"models={models_digest()}")


def models_digest() -> str:
    """A short digest of the model modules' text and the city generator's."""
    digest = hashlib.sha256()
    for path in [*sorted(MODELS.glob("*.py")), Path(__file__).with_name("city.py")]:
        digest.update(path.read_bytes())
    return digest.hexdigest()[:10]


async def seed(args: argparse.Namespace) -> None:
    """Recreate, migrate and fill the database."""
    started = time.perf_counter()
    await recreate_database(args.database_url)
    await apply_schema(args.database_url, args.schema)
    city = City(args.seed, args.professionals, args.residents, args.needs, args.organizations, args.communities)
    await load(args.database_url, city)
    conn = await asyncpg.connect(asyncpg_url(args.database_url))
    try:
        name = args.database_url.rsplit("/", 1)[1]
        await conn.execute(f"COMMENT ON DATABASE \"{name}\" IS '{seeded_as(args)}'")
    finally:
        await conn.close()
    print(f"Seeded {args.database_url.rsplit('@', 1)[-1]} in {time.perf_counter() - started:.0f} s "
          f"({args.professionals:,} professionals, {args.residents:,} residents, {args.needs:,} needs, "
          f"{args.organizations} organizations, {args.communities} communities).", file=sys.stderr)


def main(argv: list[str] | None = None) -> None:
    asyncio.run(seed(parse(argv)))


if __name__ == "__main__":
    main()
