"""Fixtures of the notification tests: a fake WeChat server on 127.0.0.1, a client of it, and a small world.

The world: an elder (with health notes and a phone number that must never reach a message) and a carer,
each with a WeChat account, and the elder's open need in two days.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
import pytest_asyncio
from aiocache import SimpleMemoryCache

from models import Account, Area, ConsentRecord, Need, Professional, Resident
from models.enums import AccountRole, ConsentPurpose, NotificationKind
from resolvers.notification_sender import SenderConfig
from resolvers.wechat import WeChatClient, WeChatConfig, http_client
from tests.factories import make_areas
from tests.factories_matching import make_carer, make_elder, make_open_need
from tests.fake_wechat import FakeWeChat

APPID, SECRET = "wx-linli-test", "test-app-secret"
TEMPLATES = {kind.value: f"tmpl-{kind.value.lower()}" for kind in NotificationKind}
#: Small backoff: 1 s, 2 s, 4 s, at most 8 s, 4 attempts; tests pass ``now`` instead of sleeping.
CONFIG = SenderConfig(templates=TEMPLATES, backoff_seconds=1, backoff_max_seconds=8, max_attempts=4,
                      lease_seconds=30, interval_seconds=0.05)
HEALTH_NOTES = "糖尿病，每天注射胰岛素"
ELDER_PHONE = "13812345678"


@pytest.fixture
def fake() -> Iterator[FakeWeChat]:
    """A fake WeChat server for one test."""
    server = FakeWeChat(APPID, SECRET).start()
    try:
        yield server
    finally:
        server.stop()


@pytest_asyncio.fixture
async def wechat(fake) -> AsyncIterator[WeChatClient]:
    """The WeChat client of the sender, talking to the fake server through one long-lived HTTP client."""
    config = WeChatConfig(appid=APPID, secret=SECRET, api_base=fake.url, timeout_seconds=2)
    async with http_client(config) as http:
        yield WeChatClient(config, cache=SimpleMemoryCache(), http=http)


async def consent_to_notifications(resident: Resident) -> ConsentRecord:
    """The resident's standing consent to be notified (without it nothing is sent to them)."""
    return await ConsentRecord.create(resident=resident, purpose=ConsentPurpose.NOTIFICATIONS,
                                      policy_version="2026-01", granted_at=datetime.now(UTC))


@dataclass
class World:
    here: Area
    elder: Resident
    carer: Professional
    elder_account: Account
    carer_account: Account
    need: Need


@pytest_asyncio.fixture
async def world(db) -> World:
    """An elder and a carer who both use the mini-program, and the elder's open need in two days."""
    _, here, _ = await make_areas()
    elder = await make_elder(here, "王奶奶", health_notes=HEALTH_NOTES, phone=ELDER_PHONE)
    carer = await make_carer(here, "张护理员")
    elder_account = await Account.create(role=AccountRole.RESIDENT, resident=elder, wechat_openid="o-elder",
                                         display_name="王奶奶")
    carer_account = await Account.create(role=AccountRole.PROFESSIONAL, professional=carer, wechat_openid="o-carer",
                                         display_name="张护理员")
    await consent_to_notifications(elder)
    need = await make_open_need(elder, days=2)
    need.title = "糖尿病老人每天送无糖餐"  # a resident's own words: never in a message
    await need.save(update_fields=["title"])
    return World(here, elder, carer, elder_account, carer_account, need)
