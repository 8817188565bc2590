"""The cities of the matching benchmark: seeded when missing or behind the models, with the matching indexes.

Its cities: ``--database-url`` and the same city scaled to other numbers of professionals in
``<database>_<size>`` (residents, needs and organizations scaled alike, the communities kept).
"""

from __future__ import annotations

import argparse

import asyncpg
from tortoise import Tortoise

from bench.seed_city import asyncpg_url, seed, seeded_as
from graphql_api.settings import Settings
from models.matching import extra_index_sql


def scaled_url(url: str, size: int) -> str:
    return f"{url}_{size}"


def city(args: argparse.Namespace, size: int) -> argparse.Namespace:
    """The seed arguments of the city with ``size`` professionals (the rest scaled alike)."""
    ratio = size / args.professionals
    url = args.database_url if size == args.professionals else scaled_url(args.database_url, size)
    return argparse.Namespace(
        database_url=url, schema=args.schema, seed=args.seed, professionals=size,
        residents=max(1000, round(args.residents * ratio)), needs=max(2 * args.assign_needs, round(args.needs * ratio)),
        organizations=max(10, round(args.organizations * ratio)), communities=args.communities,
    )


async def missing_columns(url: str) -> list[str]:
    """``table.column`` of the models that the database lacks (a city seeded before a model changed)."""
    await Tortoise.init(config=Settings(database_url=url).tortoise_config())
    try:
        wanted = {(model._meta.db_table, column) for model in Tortoise.apps["models"].values()
                  for column in model._meta.fields_db_projection.values()}
        rows = await Tortoise.get_connection("default").execute_query_dict(
            "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public'")
    finally:
        await Tortoise.close_connections()
    return sorted(f"{table}.{column}" for table, column in wanted - {(r["table_name"], r["column_name"]) for r in rows})


async def add_indexes(url: str) -> None:
    """The matching indexes and derived columns (idempotent); when one was new, the tables their backfill
    rewrote are compacted and everything analysed (and the visibility map set, for index-only scans)."""
    conn = await asyncpg.connect(asyncpg_url(url))
    schema = ("SELECT (SELECT count(*) FROM pg_indexes WHERE schemaname = 'public') + "
              "(SELECT count(*) FROM information_schema.columns WHERE table_schema = 'public')")
    try:
        before = await conn.fetchval(schema)
        for statement in extra_index_sql("postgres"):
            await conn.execute(statement)
        if await conn.fetchval(schema) != before:
            await conn.execute("VACUUM FULL professional")
            await conn.execute("VACUUM FULL match")
            await conn.execute("VACUUM ANALYZE")
    finally:
        await conn.close()


async def ensure_seeded(wanted: argparse.Namespace, reseed: bool) -> str:
    """Seed the city unless its database's comment says it holds exactly this one with every column of
    the models; add the matching indexes; return its URL."""
    server, name = wanted.database_url.rsplit("/", 1)
    conn = await asyncpg.connect(asyncpg_url(f"{server}/postgres"))
    try:
        comment = await conn.fetchval(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = $1", name)
    finally:
        await conn.close()
    if reseed or comment != seeded_as(wanted) or await missing_columns(wanted.database_url):
        await seed(wanted)
        missing = await missing_columns(wanted.database_url)
        if missing:
            raise SystemExit(f"{name} lacks {', '.join(missing[:5])} after seeding with --schema {wanted.schema}: "
                             "the checked-in migrations are behind the models (try --schema generate).")
    await add_indexes(wanted.database_url)
    return wanted.database_url
