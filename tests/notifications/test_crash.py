"""Kill the server in the middle of a burst of notifications, start it again: every one is delivered.

Real uvicorn processes (two on PostgreSQL, sharing the outbox) send to a fake WeChat server in this process
that takes 50 ms a message. A burst of feedback requests for 80 residents is written at once (as a step
writes them, in one transaction); once 20 messages have arrived, every process gets SIGKILL. After the
restart every notification ends SENT and every resident got the message, and a message arrived twice only
if its row was SENDING at the kill (the documented window: WeChat accepted it, SENT was not committed).

Runs on PostgreSQL, like tests/race/test_crash.py.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter

import pytest
from tortoise.context import TortoiseContext
from tortoise.transactions import in_transaction

from models import Account, Notification, NotificationTrigger
from models.enums import NeedStatus, NotificationStatus
from resolvers.notifications import enqueue_for_step
from tests.conftest import BACKEND
from tests.factories_residents import make_need
from tests.fake_wechat import FakeWeChat
from tests.notifications.conftest import APPID, SECRET, TEMPLATES, consent_to_notifications
from tests.race import world
from tests.race.server import LinliServer, database_url, drop, tortoise_config

pytestmark = [pytest.mark.race,
              pytest.mark.skipif(BACKEND != "postgres", reason="the crash test runs on PostgreSQL")]

PEOPLE, KILL_AFTER, LEASE_SECONDS = 80, 20, 6
Message = tuple[str, str]  # (openid, page)


def _configure(monkeypatch, fake: FakeWeChat) -> None:
    """The servers' environment: WeChat at the fake, a quick sender, a short lease (send timeout 3 s)."""
    for name, value in {"WECHAT_APPID": APPID, "WECHAT_SECRET": SECRET, "WECHAT_API_BASE": fake.url,
                        "LINLI_NOTIFICATION_INTERVAL_SECONDS": "0.1", "LINLI_NOTIFICATION_BACKOFF_SECONDS": "0.2",
                        "LINLI_NOTIFICATION_LEASE_SECONDS": str(LEASE_SECONDS),
                        "LINLI_NOTIFICATION_MAX_ATTEMPTS": "50", "LINLI_REMINDER_INTERVAL_SECONDS": "3600"}.items():
        monkeypatch.setenv(name, value)
    for kind, template in TEMPLATES.items():
        monkeypatch.setenv(f"WECHAT_TEMPLATE_{kind}", template)


async def _world(url: str) -> list[int]:
    """A fresh schema; 80 residents with WeChat accounts, each with a completed need. Returns the need ids."""
    async with TortoiseContext() as ctx:
        await ctx.init(config=tortoise_config(url), _create_db=True)
        await ctx.generate_schemas()
        people = await world.residents(await world.community(), PEOPLE)
        for person, caller in people:
            await Account.filter(id=caller.account.id).update(wechat_openid=f"o-{person.id}")
            await consent_to_notifications(person)
        return [(await make_need(person, status=NeedStatus.COMPLETED)).id for person, _ in people]


async def _burst(url: str, need_ids: list[int]) -> None:
    """The notifications of 80 steps, written in one transaction."""
    async with TortoiseContext() as ctx:
        await ctx.init(config=tortoise_config(url))
        async with in_transaction():
            await enqueue_for_step(need_ids, NeedStatus.COMPLETED)


async def _outbox(url: str) -> tuple[list[tuple[NotificationStatus, Message]], int]:
    """Each notification's status and message, and how many triggers are not expanded yet."""
    async with TortoiseContext() as ctx:
        await ctx.init(config=tortoise_config(url))
        openids = dict(await Account.all().values_list("id", "wechat_openid"))
        rows = [(n.status, (openids[n.recipient_id], n.page)) for n in await Notification.all()]
        return rows, await NotificationTrigger.filter(expanded_at=None).count()


async def _wait_for(condition, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.01)


async def _all_sent(url: str, seconds: float) -> list[Message]:
    deadline = time.monotonic() + seconds
    while True:
        rows, unexpanded = await _outbox(url)
        if not unexpanded and len(rows) == PEOPLE and {status for status, _ in rows} == {NotificationStatus.SENT}:
            return [message for _, message in rows]
        assert time.monotonic() < deadline, (unexpanded, Counter(status for status, _ in rows))
        await asyncio.sleep(0.2)


async def test_a_killed_sender_leaves_no_notification_undelivered(tmp_path, monkeypatch):
    fake = FakeWeChat(APPID, SECRET).start()
    fake.send_delay = 0.05
    _configure(monkeypatch, fake)
    url = database_url(tmp_path)
    server = LinliServer(url)
    began = time.monotonic()
    try:
        need_ids = await _world(url)
        server.start()
        await _burst(url, need_ids)
        await _wait_for(lambda: len(fake.delivered) >= KILL_AFTER, seconds=60)
        server.kill()
        at_kill = len(fake.delivered)
        rows, _ = await _outbox(url)
        in_flight = {message for status, message in rows if status == NotificationStatus.SENDING}
        assert at_kill < PEOPLE, "the server died in the middle of the burst"
        server.start()
        expected = await _all_sent(url, seconds=60)
        received = Counter((m["touser"], m["page"]) for m in fake.delivered)
        assert set(received) == set(expected) and len(expected) == PEOPLE
        repeated = {message for message, count in received.items() if count > 1}
        assert max(received.values()) <= 2 and repeated <= in_flight, (repeated, in_flight)
        print(f"\n{at_kill} delivered before the kill, {len(in_flight)} in flight, {len(repeated)} repeated, "
              f"{len(fake.delivered)} deliveries for {PEOPLE} notifications, {time.monotonic() - began:.1f} s")
    finally:
        server.stop()
        fake.stop()
        await drop(url)
