"""Fixtures of the race suite: one real server for the suite, and the ORM of the test process on its database.

The shared ``db`` fixture is not used here: these tests set rows up and check them in the server's own
database, and talk to the server only over HTTP.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest
import pytest_asyncio
from tortoise.context import TortoiseContext

from tests.race.server import LinliServer, drop_database, prepare_database, tortoise_config


@pytest.fixture(scope="session")
def race_server(tmp_path_factory) -> Iterator[LinliServer]:
    """A server on a fresh database for the whole race suite (each race works on its own rows)."""
    url = prepare_database(tmp_path_factory.mktemp("race"))
    server = LinliServer(url).start()
    try:
        yield server
    finally:
        server.stop()
        drop_database(url)


@pytest_asyncio.fixture
async def orm(race_server) -> AsyncIterator[TortoiseContext]:
    """The ORM of this test, on the race server's database."""
    async with TortoiseContext() as ctx:
        await ctx.init(config=tortoise_config(race_server.database_url))
        yield ctx
