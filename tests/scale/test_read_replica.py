"""``DATABASE_REPLICA_URL``: the heavy listings read from the replica, everything else from the primary.

A real streaming replica is not needed to see where statements go: the "replica" here is a second
database holding a different need, so each answer shows which database it came from. PostgreSQL only
(``Settings.replica_connection`` is PostgreSQL only). With the replica set, services still open
transactions without naming a connection (the replica is not a second connection of Tortoise's).
"""

from __future__ import annotations

from datetime import timedelta

import asyncpg
import httpx
import pytest
from tortoise import Tortoise
from tortoise.context import tortoise_test_context

from graphql_api.app import create_app
from graphql_api.settings import Limits, Settings
from models import Need
from models.enums import AccountRole
from resolvers.replica import close_replica, replica_configured
from resolvers.tokens import issue_access_token
from tests.conftest import BACKEND, drop_database, fresh_database_url
from tests.factories import make_areas
from tests.factories_accounts import bearer, make_account
from tests.factories_residents import gid, iso, make_need, make_resident, soon

pytestmark = pytest.mark.skipif(BACKEND != "postgres", reason="the replica connection is PostgreSQL only")
SECRET = "replica-test-secret-" + "x" * 24
LIST = "{ needs(first: 10) { totalCount edges { node { title } } } }"
QUEUES = "{ needQueues { awaitingTriage(first: 5) { edges { node { title } } } } }"
CREATE = """mutation($input: NeedCreateInput!) { needCreate(input: $input) { need { id title } errors { code } } }"""


async def _seed(url: str, title: str) -> None:
    """A community, a resident and one submitted need called ``title`` (ids 1 in both databases)."""
    async with tortoise_test_context(["models"], db_url=url, timezone="Asia/Shanghai"):
        _, here, _ = await make_areas()
        await make_need(await make_resident(here), title=title)
        if title == "主库里的需求":
            await make_account(AccountRole.CENTRE_ADMIN, "admin")


async def _client(settings: Settings):
    app = create_app(settings, manage_database=False)
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://replica.test")


@pytest.fixture
async def databases():
    primary, replica = fresh_database_url(), fresh_database_url()
    await _seed(primary, "主库里的需求")
    await _seed(replica, "副本里的需求")
    yield primary, replica
    for url in (primary, replica):
        await drop_database(url.rsplit("/", 1)[1])


async def _answers(settings: Settings) -> tuple[dict, dict, dict]:
    await Tortoise.init(config=settings.tortoise_config(statement_timeout=True), _enable_global_fallback=True)
    try:
        from models import Account

        headers = bearer(issue_access_token(await Account.get(username="admin"), SECRET)[0])
        async with await _client(settings) as http:
            listed = (await http.post("/graphql", json={"query": LIST}, headers=headers)).json()
            queues = (await http.post("/graphql", json={"query": QUEUES}, headers=headers)).json()
            start = soon(48)
            created = (await http.post("/graphql", headers=headers, json={"query": CREATE, "variables": {"input": {
                "residentId": gid("Resident", 1), "category": "MEALS", "title": "新的需求",
                "windowStart": iso(start), "windowEnd": iso(start + timedelta(hours=1))}}})).json()
        return listed, queues, {"configured": replica_configured(), "created": created,
                                "primary_needs": await Need.all().count()}
    finally:
        await close_replica()
        await Tortoise.close_connections()


async def test_listings_read_the_replica_and_writes_go_to_the_primary(databases):
    primary, replica = databases
    settings = Settings(env="test", database_url=primary, database_replica_url=replica, secret_key=SECRET,
                        limits=Limits(rate_points=10**6), public_cache=False)
    listed, queues, facts = await _answers(settings)
    assert facts["configured"]
    assert [e["node"]["title"] for e in listed["data"]["needs"]["edges"]] == ["副本里的需求"]
    assert [e["node"]["title"] for e in queues["data"]["needQueues"]["awaitingTriage"]["edges"]] == ["副本里的需求"]
    assert facts["created"]["data"]["needCreate"]["errors"] == []
    assert facts["primary_needs"] == 2  # the write (and the account and resident it read) used the primary
    conn = await asyncpg.connect(replica.replace("postgres://", "postgresql://", 1))
    try:
        assert await conn.fetchval("SELECT COUNT(*) FROM need") == 1  # nothing was written to the replica
    finally:
        await conn.close()


async def test_without_a_replica_everything_reads_the_primary(databases):
    primary, _ = databases
    settings = Settings(env="test", database_url=primary, secret_key=SECRET, limits=Limits(rate_points=10**6),
                        public_cache=False)
    listed, _, facts = await _answers(settings)
    assert not facts["configured"]
    assert [e["node"]["title"] for e in listed["data"]["needs"]["edges"]] == ["主库里的需求"]
