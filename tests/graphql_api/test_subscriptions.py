"""Live updates over graphql-transport-ws, against real servers: three uvicorn processes on one database.

``solo`` runs without Redis (changes stay in its process); ``a`` and ``b`` share the real Redis of
``LINLI_TEST_REDIS_URL`` under a namespace of their own. Tokens are real (signed with the servers' secret);
changes are made with real mutations over HTTP.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
import pytest_asyncio
from redis.asyncio import Redis
from tortoise.context import TortoiseContext

from models import Account
from models.enums import AccountRole
from resolvers.tokens import issue_access_token
from tests.factories import gid
from tests.factories_matching import local, make_open_need
from tests.factories_residents import make_match
from tests.graphql_api.live import LiveServer, create_database, opened, post, signed_in, start_together
from tests.race import world
from tests.race.server import SECRET, Worker, database_url, drop_database, tortoise_config

REDIS_URL = os.environ.get("LINLI_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
NAMESPACE = f"linli-live-{uuid.uuid4().hex[:8]}"
NEED_CHANGED = """subscription($id: ID!) { needChanged(needId: $id) {
  kind status previousStatus changedAt need { id status title } } }"""
IN_AREA = """subscription($area: ID) { needsInArea(communityId: $area) {
  kind status previousStatus need { id title } } }"""
TRIAGE = "mutation($id: ID!) { needTriage(id: $id) { need { status } errors { code } } }"
CANCEL = "mutation($id: ID!) { needCancel(id: $id, reason: \"不需要了\") { need { status } errors { code } } }"
CREATE = """mutation($input: NeedCreateInput!) { needCreate(input: $input) { need { id } errors { code } } }"""


@dataclass(frozen=True)
class Servers:
    database_url: str
    solo: Worker
    a: Worker
    b: Worker


@pytest.fixture(scope="module")
def servers(tmp_path_factory) -> Iterator[Servers]:
    url = database_url(tmp_path_factory.mktemp("live"))
    asyncio.run(create_database(url))
    solo = LiveServer(url, workers=1)
    pair = LiveServer(url, workers=2, extra_env={"REDIS_URL": REDIS_URL, "LINLI_CACHE_NAMESPACE": NAMESPACE})
    try:
        start_together(solo, pair)
        yield Servers(url, solo.processes[0], *pair.processes)
    finally:
        solo.stop()
        pair.stop()
        drop_database(url)


@pytest_asyncio.fixture
async def orm(servers) -> AsyncIterator[TortoiseContext]:
    """The ORM of this test, on the servers' database."""
    async with TortoiseContext() as ctx:
        await ctx.init(config=tortoise_config(servers.database_url))
        yield ctx


def code_of(message: dict) -> str:
    """The code of an operation's error (or of the first error of a ``next``)."""
    errors = message["payload"] if message["type"] == "error" else message["payload"]["errors"]
    return errors[0]["extensions"]["code"]


async def redis_subscribers(channel: str) -> int:
    redis = Redis.from_url(REDIS_URL)
    try:
        [(_, count)] = await redis.pubsub_numsub(f"{NAMESPACE}:needs:{channel}")
        return count
    finally:
        await redis.aclose()


async def until_subscribers(channel: str, count: int, seconds: float = 5.0) -> None:
    deadline = asyncio.get_running_loop().time() + seconds
    while (found := await redis_subscribers(channel)) != count:
        assert asyncio.get_running_loop().time() < deadline, f"{channel}: {found} subscribers, not {count}"
        await asyncio.sleep(0.05)


async def refused(worker: Worker, payload: dict) -> int | None:
    async with opened(worker, payload) as socket:
        return await socket.closed_with()


async def test_connections_without_a_valid_token_are_refused(servers, orm):
    place = await world.community()
    elder, caller = await world.resident(place)
    expired, _ = issue_access_token(caller.account, SECRET, now=datetime.now(UTC) - timedelta(hours=1))
    for payload in ({}, {"authorization": "Bearer not-a-token"}, {"authorization": f"Bearer {expired}"},
                    {"authorization": "ApiKey lk_partner"}, {"authorization": caller.headers["Authorization"][7:]}):
        assert await refused(servers.solo, payload) == 4403, payload
    await Account.filter(id=caller.account.id).update(token_version=caller.account.token_version + 1)
    assert await refused(servers.solo, {"authorization": caller.headers["Authorization"]}) == 4403  # revoked


async def test_roles_and_other_peoples_needs_are_forbidden(servers, orm):
    place, elsewhere = await world.community(), await world.community()
    elder, _ = await world.resident(place, "王奶奶")
    _, neighbour = await world.resident(place, "李爷爷")
    carer, carer_caller = await world.carer(place, "张护理员")
    other_staff = await world.account(AccountRole.STAFF, "别的社区", area_ids=[elsewhere.id])
    need = await make_open_need(elder)
    need_id = {"id": gid("Need", need.id)}
    async with signed_in(servers.solo, neighbour.headers) as socket:
        for query, variables in ((NEED_CHANGED, need_id), (NEED_CHANGED, {"id": gid("Need", 10**9)}),
                                 (IN_AREA, {}), (IN_AREA, {"area": gid("Area", place.id)})):
            operation = await socket.subscribe(query, variables)
            message = await socket.receive()
            assert (message["id"], message["type"], code_of(message)) == (operation, "error", "FORBIDDEN")
        await socket.subscribe("{ __typename }")
        assert code_of(await socket.receive()) == "METHOD_NOT_ALLOWED"  # queries and mutations go over HTTP
        aliases = " ".join(f"a{i}: id" for i in range(16))
        await socket.subscribe(f"subscription {{ needsInArea {{ need {{ {aliases} }} }} }}")
        assert code_of(await socket.receive()) == "ALIAS_LIMIT_EXCEEDED"  # the document limits of HTTP apply
    async with signed_in(servers.solo, other_staff.headers) as socket:
        for query, variables in ((NEED_CHANGED, need_id), (IN_AREA, {"area": gid("Area", place.id)})):
            await socket.subscribe(query, variables)
            assert code_of(await socket.receive()) == "FORBIDDEN"
    async with signed_in(servers.solo, carer_caller.headers) as socket:
        await socket.subscribe(NEED_CHANGED, need_id)
        assert code_of(await socket.receive()) == "FORBIDDEN"  # not proposed for it
        await make_match(need, carer)
        operation = await socket.subscribe(NEED_CHANGED, need_id)
        assert (await socket.next(operation))["data"]["needChanged"]["kind"] == "CURRENT"  # proposed: may follow


async def test_a_resident_follows_their_own_needs_on_one_server(servers, orm):
    """Without Redis: changes reach the subscribers of the same process, once committed, with the need re-read."""
    place = await world.community()
    elder, caller = await world.resident(place)
    desk = await world.account(AccountRole.STAFF, "工作人员", area_ids=[place.id])
    first, second = await make_open_need(elder), await make_open_need(elder, days=3)
    async with signed_in(servers.solo, caller.headers) as socket:
        one = await socket.subscribe(NEED_CHANGED, {"id": gid("Need", first.id)})
        two = await socket.subscribe(NEED_CHANGED, {"id": gid("Need", second.id)})
        current = {(await socket.receive())["id"] for _ in range(2)}
        assert current == {one, two}
        await post(servers.solo, TRIAGE, {"id": gid("Need", first.id)}, desk.headers)
        change = (await socket.next(one))["data"]["needChanged"]
        assert (change["kind"], change["status"], change["previousStatus"]) == ("STATUS_CHANGED", "TRIAGED",
                                                                                "SUBMITTED")
        assert change["need"] == {"id": gid("Need", first.id), "status": "TRIAGED", "title": "测试需求"}
        # needCancel takes the step inside its own transaction: the change is sent after that one commits
        await post(servers.solo, CANCEL, {"id": gid("Need", first.id)}, caller.headers)
        change = (await socket.next(one))["data"]["needChanged"]
        assert (change["status"], change["previousStatus"], change["need"]["status"]) == ("CANCELLED", "TRIAGED",
                                                                                         "CANCELLED")
        assert await socket.silent(0.3)
        # a token revoked while the connection is open: the next delivery ends the subscription
        await Account.filter(id=caller.account.id).update(token_version=caller.account.token_version + 1)
        await post(servers.solo, TRIAGE, {"id": gid("Need", second.id)}, desk.headers)
        message = await socket.receive()
        assert (message["id"], code_of(message)) == (two, "UNAUTHENTICATED")
        assert await socket.receive() == {"id": two, "type": "complete"}


async def test_changes_reach_subscribers_on_another_server_through_redis(servers, orm):
    place, elsewhere = await world.community(), await world.community()
    elder, caller = await world.resident(place)
    desk = await world.account(AccountRole.STAFF, "工作人员", area_ids=[place.id])
    other_desk = await world.account(AccountRole.STAFF, "别的社区", area_ids=[elsewhere.id])
    async with signed_in(servers.b, desk.headers) as staff, signed_in(servers.b, other_desk.headers) as other:
        area = await staff.subscribe(IN_AREA, {"area": gid("Area", place.id)})
        await other.subscribe(IN_AREA, {})
        await until_subscribers(f"area:{place.id}", 1)
        await until_subscribers(f"area:{elsewhere.id}", 1)
        filed = await post(servers.a, CREATE, {"input": {
            "residentId": gid("Resident", elder.id), "category": "MEALS", "title": "每天中午送餐",
            "windowStart": local(2, 11).isoformat(), "windowEnd": local(2, 12).isoformat()}}, caller.headers)
        need_id = filed["needCreate"]["need"]["id"]
        change = (await staff.next(area))["data"]["needsInArea"]
        assert (change["kind"], change["status"], change["need"]) == ("FILED", "SUBMITTED",
                                                                     {"id": need_id, "title": "每天中午送餐"})
        async with signed_in(servers.b, caller.headers) as resident:
            own = await resident.subscribe(NEED_CHANGED, {"id": need_id})
            assert (await resident.next(own))["data"]["needChanged"]["kind"] == "CURRENT"
            await post(servers.a, TRIAGE, {"id": need_id}, desk.headers)
            for socket, operation, name in ((staff, area, "needsInArea"), (resident, own, "needChanged")):
                change = (await socket.next(operation))["data"][name]
                assert (change["kind"], change["status"], change["previousStatus"]) == ("STATUS_CHANGED",
                                                                                        "TRIAGED", "SUBMITTED")
        assert await other.silent(0.3)  # another community's staff hear nothing of it


async def test_complete_and_disconnect_leave_no_redis_subscription(servers, orm):
    place = await world.community()
    elder, caller = await world.resident(place)
    desk = await world.account(AccountRole.STAFF, "工作人员", area_ids=[place.id])
    need = await make_open_need(elder)
    channel = f"need:{need.id}"
    async with signed_in(servers.b, caller.headers) as socket:
        operation = await socket.subscribe(NEED_CHANGED, {"id": gid("Need", need.id)})
        await socket.next(operation)
        assert await redis_subscribers(channel) == 1  # subscribed before the current state was sent
        await socket.send({"id": operation, "type": "complete"})
        await until_subscribers(channel, 0)
        await post(servers.a, TRIAGE, {"id": gid("Need", need.id)}, desk.headers)
        assert await socket.silent(0.3)
        again = await socket.subscribe(NEED_CHANGED, {"id": gid("Need", need.id)})
        assert (await socket.next(again))["data"]["needChanged"]["status"] == "TRIAGED"
        assert await redis_subscribers(channel) == 1
    await until_subscribers(channel, 0)  # the client closed the connection: the server unsubscribed
    redis = Redis.from_url(REDIS_URL)
    try:
        assert await redis.pubsub_channels(f"{NAMESPACE}:*") == []
    finally:
        await redis.aclose()
