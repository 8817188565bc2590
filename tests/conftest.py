"""Shared fixtures: a fresh database per test (SQLite or PostgreSQL), a GraphQL client, SQL counting.

``LINLI_TEST_DATABASE`` chooses the database: unset or ``sqlite`` for in-memory SQLite,
``postgres`` for the local server (``LINLI_TEST_POSTGRES_URL``, default
``postgres://postgres@127.0.0.1:5432/test``); each test gets its own freshly created database,
dropped afterwards.
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
import uuid
from collections.abc import AsyncIterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import asyncpg
import httpx
import pytest
import pytest_asyncio
from tortoise import connections
from tortoise.backends.base.config_generator import generate_config
from tortoise.context import TortoiseContext, tortoise_test_context

from graphql_api.app import LinliGraphQL, create_app
from graphql_api.context import Context
from graphql_api.settings import Limits, Settings
from models.account_events import account_event_sql
from models.list_indexes import list_index_sql
from models.matching import extra_index_sql
from models.need_tally import need_tally_sql
from resolvers import need_totals
from resolvers.access import Role, Viewer

BACKEND = os.environ.get("LINLI_TEST_DATABASE", "sqlite").lower()
POSTGRES_URL = os.environ.get("LINLI_TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/test")
#: The app of the functional tests: they count SQL statements through 100 x 100 nested lists four relations
#: deep, so the depth and cost limits and the rate budget are lifted; tests/graphql_api/test_limits.py,
#: test_cost.py and test_rate_limit.py test those at their real values.
FUNCTIONAL_SETTINGS = Settings(env="test", limits=Limits(max_depth=100, max_cost=10**9, rate_points=10**9))


def fresh_database_url() -> str:
    """A URL for a brand-new database of the chosen backend."""
    if BACKEND == "postgres":
        base = POSTGRES_URL.rsplit("/", 1)[0]
        return f"{base}/linli_test_{uuid.uuid4().hex[:12]}"
    return "sqlite://:memory:"


TIMEZONE = "Asia/Shanghai"
_template: list[str] = []  # the session's PostgreSQL template database, once made


async def postgres_template() -> str:
    """A database holding the empty schema, generated once per test session: each test's database is a copy
    (``CREATE DATABASE ... TEMPLATE ... STRATEGY WAL_LOG``: for a database this small, twice as fast as a
    file copy, which checkpoints first), much faster than generating forty tables per test."""
    if not _template:
        url = fresh_database_url()
        async with tortoise_test_context(["models"], db_url=url, timezone=TIMEZONE):
            for statement in [*extra_index_sql("postgres"), *list_index_sql("postgres"),
                              *account_event_sql("postgres"),
                              *need_tally_sql("postgres")]:  # what migrations add
                await connections.get("default").execute_script(statement)
        _template.append(url.rsplit("/", 1)[1])
    return _template[0]


@pytest.fixture(scope="session", autouse=True)
def _drop_the_template() -> Any:
    yield
    if _template:
        asyncio.run(drop_database(_template[0]))


@pytest_asyncio.fixture
async def db() -> AsyncIterator[Any]:
    """An empty database with the schema for one test."""
    url = fresh_database_url()
    if BACKEND != "postgres":
        async with tortoise_test_context(["models"], db_url=url, timezone=TIMEZONE) as ctx:
            yield ctx
        return
    name = url.rsplit("/", 1)[1]
    conn = await asyncpg.connect(POSTGRES_URL.replace("postgres://", "postgresql://", 1))
    try:
        await conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{await postgres_template()}" STRATEGY WAL_LOG')
    finally:
        await conn.close()
    need_totals.set_ready(True)  # the template has the tallies: no statement to find out during the test
    try:
        async with TortoiseContext() as ctx:
            await ctx.init(config=generate_config(url, app_modules={"models": ["models"]}, testing=True),
                           use_tz=True, timezone=TIMEZONE)
            yield ctx
    finally:
        need_totals.set_ready(None)
        await drop_database(name)


async def drop_database(name: str) -> None:
    """Drop a per-test PostgreSQL database, disconnecting whatever still uses it."""
    conn = await asyncpg.connect(POSTGRES_URL.replace("postgres://", "postgresql://", 1))
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


@dataclass
class SqlCounter:
    """Counts the SQL statements Tortoise sends while active."""

    statements: list[str] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.statements)


class _CountingHandler(logging.Handler):
    def __init__(self, counter: SqlCounter) -> None:
        super().__init__(logging.DEBUG)
        self.counter = counter

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if re.match(r"\s*(SELECT|INSERT|UPDATE|DELETE|WITH)\b", message, re.IGNORECASE):
            self.counter.statements.append(message)


@contextmanager
def count_sql():
    """``with count_sql() as sql: ...; sql.count`` -- statements issued inside the block."""
    counter = SqlCounter()
    logger = logging.getLogger("tortoise.db_client")
    handler = _CountingHandler(counter)
    previous = logger.level
    logger.setLevel(logging.DEBUG)
    logger.addHandler(handler)
    try:
        yield counter
    finally:
        logger.removeHandler(handler)
        logger.setLevel(previous)


@dataclass
class GraphQLClient:
    """Posts GraphQL documents to the real ASGI app and returns the decoded response."""

    http: httpx.AsyncClient

    async def execute(self, query: str, variables: dict | None = None, headers: dict | None = None) -> dict:
        response = await self.http.post("/graphql", json={"query": query, "variables": variables or {}},
                                        headers=headers or {})
        return response.json()

    async def ok(self, query: str, variables: dict | None = None, headers: dict | None = None) -> dict:
        """Execute and assert there are no top-level errors; return ``data``."""
        body = await self.execute(query, variables, headers)
        assert not body.get("errors"), body.get("errors")
        return body["data"]


@pytest_asyncio.fixture
async def gql(db) -> AsyncIterator[GraphQLClient]:
    """A client of the app bound to this test's database."""
    app = create_app(FUNCTIONAL_SETTINGS, manage_database=False)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://linli.test") as http:
        yield GraphQLClient(http)


@pytest_asyncio.fixture
async def gql_as(db):
    """``client = gql_as(viewer)``: a client whose every request is made as ``viewer``.

    For tests of services' authorization rules; how credentials become a viewer is tested
    separately, through real tokens and API keys.
    """
    clients: list[httpx.AsyncClient] = []

    def make(viewer: Viewer) -> GraphQLClient:
        app = create_app(FUNCTIONAL_SETTINGS, manage_database=False)
        for route in app.routes:
            if isinstance(getattr(route, "app", None), LinliGraphQL) or isinstance(
                getattr(route, "endpoint", None), LinliGraphQL
            ):
                graphql = getattr(route, "endpoint", None) or route.app

                async def fixed(request, response=None, _g=graphql):
                    return Context(settings=_g.settings, request=request, response=response, viewer=viewer)

                graphql.get_context = fixed
        http = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://linli.test")
        clients.append(http)
        return GraphQLClient(http)

    yield make
    for http in clients:
        await http.aclose()


@pytest.fixture
def sql():
    """The :func:`count_sql` context manager."""
    return count_sql


CENTRE_ADMIN = Viewer(role=Role.CENTRE_ADMIN, account_id=1)


@pytest_asyncio.fixture
async def admin_gql(gql_as):
    """A client acting as a centre admin (sees and may change everything)."""
    return gql_as(CENTRE_ADMIN)
