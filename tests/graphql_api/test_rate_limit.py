"""Per-client budgets of cost points: in memory by default, shared by every app instance through real Redis."""

import asyncio
import os
import uuid

import httpx
import pytest
import redis.asyncio as redis

from graphql_api.app import create_app
from resolvers.access import Viewer
from tests.graphql_api.edge import Endpoint, act_as, codes, settings, view_of

pytestmark = pytest.mark.usefixtures("db")
REDIS_URL = os.environ.get("LINLI_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
PAGE = "{ areas(first: 20) { edges { node { id name } } } }"  # costs 41 points


def clients(app, *ips: str) -> list[Endpoint]:
    """One client of ``app`` per IP address."""
    return [Endpoint(httpx.AsyncClient(transport=httpx.ASGITransport(app=app, client=(ip, 40000)),
                                       base_url="http://linli.test"), app) for ip in ips]


async def close(*endpoints: Endpoint) -> None:
    for endpoint in endpoints:
        await endpoint.http.aclose()
    for app in {id(e.app): e.app for e in endpoints}.values():
        await app.state.cache.close()


def assert_rate_limited(response: httpx.Response) -> int:
    """The answer is a 429 with a retry time in the header and the error; returns it."""
    assert response.status_code == 429 and codes(response) == ["RATE_LIMITED"]
    retry_after = response.json()["errors"][0]["extensions"]["retryAfter"]
    assert response.headers["retry-after"] == str(retry_after) and 1 <= retry_after <= 60
    return retry_after


async def test_memory_budget_per_client_with_retry_after():
    app = create_app(settings(rate_points=100), manage_database=False)
    first, second = clients(app, "198.51.100.1", "198.51.100.2")
    try:
        one = await first.post(PAGE)
        assert one.json()["extensions"]["cost"]["remaining"] == 59
        two = await first.post(PAGE)
        assert two.json()["extensions"]["cost"]["remaining"] == 18
        assert_rate_limited(await first.post(PAGE))  # 83 points before it runs, 123 with it: taken back
        assert (await first.post("{ areas { totalCount } }")).json()["extensions"]["cost"]["remaining"] == 16
        assert_rate_limited(await first.post(PAGE))
        assert not codes(await second.post(PAGE))  # another IP address, another budget
    finally:
        await close(first, second)


async def test_budget_comes_back_with_the_next_window():
    app = create_app(settings(rate_points=50, rate_window_seconds=60), manage_database=False)
    now = [60 * 16_667 + 20.0]  # 40 s before the window ends
    view_of(app).limiter.clock = lambda: now[0]
    (client,) = clients(app, "198.51.100.3")
    try:
        assert not codes(await client.post(PAGE))
        assert assert_rate_limited(await client.post(PAGE)) == 40
        now[0] += 40
        assert not codes(await client.post(PAGE))
    finally:
        await close(client)


async def test_signed_in_callers_are_counted_by_account_not_address():
    app = create_app(settings(rate_points=100), manage_database=False)
    act_as(app, Viewer(account_id=7, client_ip="ignored"))
    phone, laptop = clients(app, "198.51.100.4", "198.51.100.5")
    try:
        assert not codes(await phone.post(PAGE))
        assert not codes(await laptop.post(PAGE))
        assert_rate_limited(await phone.post(PAGE))
    finally:
        await close(phone, laptop)


async def test_documents_that_never_run_still_cost_a_point():
    app = create_app(settings(rate_points=5), manage_database=False)
    (client,) = clients(app, "198.51.100.6")
    try:
        for _ in range(5):
            assert codes(await client.post("{ nope }")) == ["GRAPHQL_VALIDATION_FAILED"]
        assert_rate_limited(await client.post("{ nope }"))
    finally:
        await close(client)


async def test_two_app_instances_share_one_budget_on_redis():
    namespace = f"linli-test-{uuid.uuid4().hex}"
    shared = settings(rate_points=100, redis_url=REDIS_URL, cache_namespace=namespace)
    (a,) = clients(create_app(shared, manage_database=False), "198.51.100.7")
    (b,) = clients(create_app(shared, manage_database=False), "198.51.100.7")
    (elsewhere,) = clients(create_app(settings(rate_points=100, redis_url=REDIS_URL,
                                               cache_namespace=f"{namespace}-other"), manage_database=False),
                           "198.51.100.7")
    store = redis.from_url(REDIS_URL)
    try:
        assert (await a.post(PAGE)).json()["extensions"]["cost"]["remaining"] == 59
        assert (await b.post(PAGE)).json()["extensions"]["cost"]["remaining"] == 18
        assert_rate_limited(await a.post(PAGE))
        assert_rate_limited(await b.post(PAGE))
        assert (await b.post("{ __typename }")).json()["extensions"]["cost"]["remaining"] == 15
        assert not codes(await elsewhere.post(PAGE))  # another deployment sharing the Redis
        keys = [key async for key in store.scan_iter(f"{namespace}*rate:*")]
        assert keys
        for key in keys:
            assert 0 < await store.ttl(key) <= 61
    finally:
        await close(a, b, elsewhere)
        for key in [key async for key in store.scan_iter(f"{namespace}*")]:
            await store.delete(key)
        await store.aclose()


async def test_concurrent_charges_on_two_instances_never_overspend():
    namespace = f"linli-test-{uuid.uuid4().hex}"
    shared = settings(rate_points=30, redis_url=REDIS_URL, cache_namespace=namespace)
    a, b = (clients(create_app(shared, manage_database=False), "198.51.100.8")[0] for _ in range(2))
    try:
        answers = await asyncio.gather(*(client.post("{ __typename }") for client in [a, b] * 25))
        assert sum(response.status_code == 200 for response in answers) == 30
        assert sum(response.status_code == 429 for response in answers) == 20
    finally:
        await close(a, b)
        store = redis.from_url(REDIS_URL)
        for key in [key async for key in store.scan_iter(f"{namespace}*")]:
            await store.delete(key)
        await store.aclose()


async def test_an_unreachable_redis_lets_requests_through(caplog):
    app = create_app(settings(rate_points=1, redis_url="redis://127.0.0.1:1/0"), manage_database=False)
    (client,) = clients(app, "198.51.100.9")
    try:
        for _ in range(3):
            assert not codes(await client.post("{ areas { totalCount } }"))
        assert "Rate limit store unavailable" in caplog.text
    finally:
        await close(client)
