"""Live need changes are announced after their commit, on the right channels; feeds deliver and clean up.

The end-to-end path (servers, WebSockets, authorization) is tests/graphql_api/test_subscriptions.py.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from redis.asyncio import Redis
from tortoise.transactions import in_transaction

from models.enums import NeedStatus
from resolvers import expiry
from resolvers.errors import DomainError, ErrorCode
from resolvers.lifecycle import transition
from resolvers.live_events import NeedChange, area_channel, need_channel, publishing
from resolvers.live_feeds import InProcessFeed, RedisFeed
from resolvers.needs import cancel_need, create_need
from tests.factories import make_areas
from tests.factories_matching import as_resident, local, make_elder, make_open_need, staff
from tests.factories_residents import make_need

REDIS_URL = os.environ.get("LINLI_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


async def test_a_step_of_its_own_transaction_is_announced_at_once_on_three_channels(db):
    _, here, _ = await make_areas()
    need = await make_open_need(await make_elder(here))
    feed = InProcessFeed()
    async with feed.follow([need_channel(need.id)]) as mine, feed.follow(["area:all"]) as everything:
        async with publishing(feed):
            await transition(need.id, NeedStatus.TRIAGED, staff(here.id))
            [change] = mine.unread()
            assert (change.need_id, change.community_id, change.status, change.previous_status) == (
                need.id, here.id, NeedStatus.TRIAGED, NeedStatus.SUBMITTED)
            assert change.channels == (need_channel(need.id), area_channel(here.id), "area:all")
            assert everything.unread() == [change]
            assert NeedChange.from_json(change.to_json()) == change
    assert feed.followers.inboxes == {}  # the followers left


async def test_a_nested_step_waits_for_the_end_of_the_request_and_a_rolled_back_one_is_dropped(db):
    _, here, _ = await make_areas()
    elder = await make_elder(here)
    kept, undone = await make_open_need(elder), await make_open_need(elder, days=3)
    feed = InProcessFeed()
    async with feed.follow([area_channel(here.id)]) as changes:
        async with publishing(feed):
            await cancel_need(kept.id, as_resident(elder), "不需要了")  # the step runs inside cancel_need's transaction
            with pytest.raises(DomainError):
                async with in_transaction():
                    await transition(undone.id, NeedStatus.TRIAGED, staff(here.id))
                    raise DomainError(ErrorCode.CONFLICT, "rolled back")
            assert changes.unread() == []  # nothing before the request ends
        [change] = changes.unread()
        assert (change.need_id, change.status, change.previous_status) == (kept.id, NeedStatus.CANCELLED,
                                                                         NeedStatus.SUBMITTED)


async def test_filings_and_expiries_are_announced_and_nothing_without_a_publisher(db):
    _, here, _ = await make_areas()
    elder = await make_elder(here)
    feed = InProcessFeed()
    async with feed.follow([area_channel(here.id)]) as changes:
        await transition((await make_open_need(elder)).id, NeedStatus.TRIAGED, staff(here.id))  # no publisher
        assert changes.unread() == []
        async with publishing(feed):
            filed = await create_need({"resident_id": elder.id, "category": "MEALS", "title": "送餐",
                                       "window_start": local(2, 11), "window_end": local(2, 12)}, as_resident(elder))
            due = await make_need(elder, "过期", status=NeedStatus.MATCHING,
                                  window_start=datetime.now(UTC) - timedelta(days=2))
            assert await expiry.expire_due() == 1
        assert [(c.need_id, c.previous_status, c.status) for c in changes.unread()] == [
            (filed.id, None, NeedStatus.SUBMITTED), (due.id, NeedStatus.MATCHING, NeedStatus.EXPIRED)]


async def test_redis_feeds_of_two_workers_share_changes_and_unsubscribe_when_left(db):
    namespace = f"linli-test-{uuid.uuid4().hex[:8]}"
    one, other = RedisFeed(REDIS_URL, namespace), RedisFeed(REDIS_URL, namespace)
    redis = Redis.from_url(REDIS_URL)
    change = NeedChange(7, 3, NeedStatus.TRIAGED, NeedStatus.SUBMITTED, datetime.now(UTC))
    try:
        async with one.follow([area_channel(3)]) as first, one.follow([area_channel(3)]) as second:
            channel = f"{namespace}:needs:area:3"
            assert await redis.pubsub_numsub(channel) == [(channel.encode(), 1)]  # one connection per worker
            await other.publish([change])
            assert await asyncio.wait_for(anext(first), 5) == change
            assert await asyncio.wait_for(anext(second), 5) == change
            assert first.unread() == second.unread() == []
        for _ in range(100):  # the UNSUBSCRIBE was sent on the feed's own connection
            if await redis.pubsub_channels(f"{namespace}:*") == []:
                break
            await asyncio.sleep(0.02)
        assert await redis.pubsub_channels(f"{namespace}:*") == []
    finally:
        await one.close()
        await other.close()
        await redis.aclose()
