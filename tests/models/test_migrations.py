"""Checked-in migrations agree with the models and build a working database."""

import pytest
from tortoise.context import TortoiseContext
from tortoise.migrations.autodetector import MigrationAutodetector

from graphql_api.settings import Settings
from tests.conftest import BACKEND, drop_database, fresh_database_url


async def test_models_and_migrations_agree():
    config = Settings(env="test", database_url="sqlite://:memory:").tortoise_config()
    async with TortoiseContext() as ctx:
        await ctx.init(config=config)
        changes = await MigrationAutodetector(ctx.apps, config["apps"]).changes()
    assert [w.name for w in changes] == [], (
        "Models changed without a migration: run `.venv/bin/tortoise makemigrations` and commit it."
    )


async def test_migrations_apply_to_an_empty_database(tmp_path):
    from tortoise import Tortoise
    from tortoise.migrations.api import migrate

    url = f"sqlite://{tmp_path / 'migrated.sqlite3'}" if BACKEND != "postgres" else fresh_database_url()
    config = Settings(env="test", database_url=url).tortoise_config()
    if BACKEND == "postgres":
        config["connections"]["default"] = url
        await _create_database(url)
    try:
        await migrate(config=config)
        from models import Area
        from resolvers import need_totals

        await Area.create(name="和睦街道", kind="SUBDISTRICT")
        assert await Area.all().count() == 1
        need_totals.set_ready(None)
        assert await need_totals.detect() is (BACKEND == "postgres")  # migration 0006's tallies, PostgreSQL's
    finally:
        need_totals.set_ready(None)
        await Tortoise.close_connections()
        if BACKEND == "postgres":
            await drop_database(url.rsplit("/", 1)[1])


async def _create_database(url: str) -> None:
    import asyncpg

    from tests.conftest import POSTGRES_URL

    conn = await asyncpg.connect(POSTGRES_URL.replace("postgres://", "postgresql://", 1))
    try:
        await conn.execute(f'CREATE DATABASE "{url.rsplit("/", 1)[1]}"')
    finally:
        await conn.close()


@pytest.fixture(autouse=True)
def _no_db_fixture():
    """These tests manage their own databases."""
