"""Scale-out: two real uvicorn processes on one PostgreSQL and one Redis behave as one service.

Each process has its own memory, so whatever they must agree on lives in PostgreSQL or Redis: the public
read cache and its generations, the rate budgets, idempotency keys, and the expiry job's claims on rows.
The test starts two servers (``bench.server.Server``: the real app, as ``linli serve`` runs each worker)
against a fresh database and a Redis namespace of its own, and checks each of those across them.
PostgreSQL only (SQLite is one process's file). The servers are started once for the module: about ten
seconds, most of it the two start-ups.
"""

from __future__ import annotations

import asyncio
import socket
import uuid
from contextlib import ExitStack
from datetime import UTC, datetime, timedelta

import httpx
import pytest
import pytest_asyncio
import redis.asyncio as aioredis
from tortoise import connections
from tortoise.context import tortoise_test_context

from bench.server import BENCH_SECRET, Server
from models import Need, NeedEvent
from models.account_events import account_event_sql
from models.enums import AccountRole, NeedStatus
from resolvers.tokens import issue_access_token
from tests.conftest import BACKEND, drop_database, fresh_database_url
from tests.factories import make_areas
from tests.factories_accounts import PASSWORD, STAFF_LOGIN, bearer, make_account
from tests.factories_people import make_organization
from tests.factories_residents import gid, iso, make_need, make_resident, soon

REDIS_URL = "redis://127.0.0.1:6379/15"
BUDGET = 150
DUE_NEEDS = 240
pytestmark = [pytest.mark.skipif(BACKEND != "postgres", reason="two processes need a shared PostgreSQL"),
              pytest.mark.asyncio(loop_scope="module")]

DIRECTORY = "{ organizations(first: 20) { totalCount edges { node { id name } } } }"
RENAME = """mutation($id: ID!, $name: String!) { organizationUpdate(id: $id, input: {name: $name}) {
  organization { name } errors { code } } }"""
BAN = "mutation($id: ID!) { accountBan(id: $id) { account { status } errors { code } } }"
ME = "{ me { username } }"
LOGOUT = "mutation($token: String!) { logout(refreshToken: $token) { ok } }"
CREATE = """mutation($input: NeedCreateInput!, $key: String) { needCreate(input: $input, idempotencyKey: $key) {
  need { id title } errors { field code } } }"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def post(base: str, query: str, variables: dict | None = None, headers: dict | None = None,
               local_address: str | None = None) -> dict:
    transport = httpx.AsyncHTTPTransport(local_address=local_address) if local_address else None
    async with httpx.AsyncClient(timeout=30, transport=transport) as http:
        answer = await http.post(f"{base}/graphql", json={"query": query, "variables": variables or {}},
                                 headers=headers or {})
    return answer.json()


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def city():
    """A fresh database with a community, an organization, a resident and three centre admins."""
    url = fresh_database_url()
    async with tortoise_test_context(["models"], db_url=url, timezone="Asia/Shanghai"):
        for statement in account_event_sql("postgres"):  # what migration 0005 adds: workers keep accounts
            await connections.get("default").execute_script(statement)
        _, here, _ = await make_areas()
        organization = await make_organization(here, name="和睦助老服务社")
        elder = await make_resident(here, name="王秀英")
        admins = [await make_account(AccountRole.CENTRE_ADMIN, f"admin-{i}") for i in range(3)]
        yield {"url": url, "organization": organization, "elder": elder, "admins": admins,
               "headers": [bearer(issue_access_token(a, BENCH_SECRET)[0]) for a in admins], "here": here}
    await drop_database(url.rsplit("/", 1)[1])


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def workers(city):
    """Two servers on the city's database and one Redis namespace: (base URL of A, of B, namespace)."""
    namespace = f"linli-scale-{uuid.uuid4().hex[:12]}"
    env = {"REDIS_URL": REDIS_URL, "LINLI_CACHE_NAMESPACE": namespace, "LINLI_PUBLIC_CACHE": "1",
           "LINLI_RATE_LIMIT_POINTS": str(BUDGET), "LINLI_RATE_LIMIT_WINDOW": "86400",
           "LINLI_EXPIRY_INTERVAL_SECONDS": "0.2", "LINLI_NOTIFICATION_SENDER": "0"}
    servers = [Server(city["url"], free_port(), env=env) for _ in range(2)]
    with ExitStack() as stack:
        bases = await asyncio.gather(*(asyncio.to_thread(stack.enter_context, server) for server in servers))
        yield bases[0], bases[1], namespace
    store = aioredis.from_url(REDIS_URL)
    keys = [key async for key in store.scan_iter(f"{namespace}*")]
    if keys:
        await store.delete(*keys)
    await store.aclose()


async def test_a_write_on_one_worker_is_read_at_once_on_the_other(city, workers):
    a, b, namespace = workers
    headers = city["headers"][0]
    before = await post(b, DIRECTORY, headers=headers)
    assert before["data"]["organizations"]["edges"][0]["node"]["name"] == "和睦助老服务社"
    store = aioredis.from_url(REDIS_URL)
    cached = [key async for key in store.scan_iter(f"{namespace}*:page:*")]
    await store.aclose()
    assert cached, "B kept the directory page in the shared cache"
    organization = gid("Organization", city["organization"].id)
    renamed = await post(a, RENAME, {"id": organization, "name": "和睦为老服务中心"}, headers)
    assert renamed["data"]["organizationUpdate"]["errors"] == []
    after = await post(b, DIRECTORY, headers=headers)
    assert after["data"]["organizations"]["edges"][0]["node"]["name"] == "和睦为老服务中心"


async def test_the_rate_budget_is_shared(workers):
    a, b, _ = workers
    async with httpx.AsyncClient(timeout=30) as http:  # anonymous: one budget for the IP address
        answers = [(await http.post(f"{base}/graphql", json={"query": "{ __typename }"})).json()
                   for base in [a] * 100 + [b] * 100]
    limited = [i for i, answer in enumerate(answers) if answer.get("errors")]
    assert all(answers[i]["errors"][0]["extensions"]["code"] == "RATE_LIMITED" for i in limited)
    assert limited == list(range(BUDGET, 200))  # B refuses once A and B together spent the one budget


async def test_an_idempotency_key_used_on_one_worker_replays_on_the_other(city, workers):
    a, b, _ = workers
    headers = city["headers"][1]
    start = soon(48)
    need = {"residentId": gid("Resident", city["elder"].id), "category": "MEALS", "title": "每天中午送餐",
            "windowStart": iso(start), "windowEnd": iso(start + timedelta(hours=1))}
    first = await post(a, CREATE, {"input": need, "key": "retry-7f3a"}, headers)
    again = await post(b, CREATE, {"input": need, "key": "retry-7f3a"}, headers)
    assert first["data"]["needCreate"]["errors"] == [] and again["data"] == first["data"]
    assert await Need.filter(title="每天中午送餐").count() == 1


async def test_the_expiry_job_expires_each_need_once(city, workers):
    past = datetime.now(UTC) - timedelta(days=2)
    elder = city["elder"]
    due = [await make_need(elder, title=f"过期的需求 {i}", window_start=past) for i in range(DUE_NEEDS)]
    ids = [n.id for n in due]
    for _ in range(100):  # both workers run the job every 0.2 s
        if await Need.filter(id__in=ids, status=NeedStatus.EXPIRED).count() == DUE_NEEDS:
            break
        await asyncio.sleep(0.1)
    assert await Need.filter(id__in=ids, status=NeedStatus.EXPIRED).count() == DUE_NEEDS
    events = await NeedEvent.filter(need_id__in=ids, to_status=NeedStatus.EXPIRED).values_list("need_id", flat=True)
    assert sorted(events) == sorted(ids)  # one event per need: never expired twice


async def test_a_ban_on_one_worker_ends_the_account_on_the_other(city, workers):
    """From 127.0.0.2: refused credentials make a request anonymous, charged to its address's rate budget, and
    127.0.0.1's was spent above."""
    a, b, _ = workers
    banned, admin = city["headers"][2], city["headers"][0]
    for _ in range(3):  # B keeps the account it read (resolvers.account_cache): later requests send no look-up
        assert (await post(b, ME, headers=banned))["data"]["me"]["username"] == "admin-2"
    account = gid("Account", city["admins"][2].id)
    answer = await post(a, BAN, {"id": account}, admin)
    assert answer["data"]["accountBan"] == {"account": {"status": "BANNED"}, "errors": []}
    started = asyncio.get_running_loop().time()
    while ((refused := await post(b, ME, headers=banned, local_address="127.0.0.2")).get("data") or {}).get("me"):
        assert asyncio.get_running_loop().time() - started < 2, "B still serves the banned account"
        await asyncio.sleep(0.01)
    assert refused["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_a_logout_on_one_worker_ends_the_sign_in_on_the_other(city, workers):
    """Signing in and out are anonymous requests: sent from 127.0.0.3, whose rate budget is untouched."""
    a, b, _ = workers
    login = await post(a, STAFF_LOGIN, {"username": "admin-1", "password": PASSWORD}, local_address="127.0.0.3")
    tokens = login["data"]["staffLogin"]["tokens"]
    signed_in = bearer(tokens["accessToken"])
    for _ in range(3):  # B keeps the account it read
        assert (await post(b, ME, headers=signed_in))["data"]["me"]["username"] == "admin-1"
    out = await post(a, LOGOUT, {"token": tokens["refreshToken"]}, local_address="127.0.0.3")
    assert out["data"]["logout"] == {"ok": True}
    started = asyncio.get_running_loop().time()
    while ((refused := await post(b, ME, headers=signed_in, local_address="127.0.0.3")).get("data") or {}).get("me"):
        assert asyncio.get_running_loop().time() - started < 2, "B still serves the ended sign-in"
        await asyncio.sleep(0.01)
    assert refused["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert (await post(b, ME, headers=city["headers"][1]))["data"]["me"]["username"] == "admin-1"  # not a ban
