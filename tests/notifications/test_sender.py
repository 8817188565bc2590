"""The sender against a fake WeChat server: delivered once, retried with backoff, never repeated once acknowledged."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from models import Account, Notification
from models.enums import NotificationKind, NotificationStatus, ProviderKind
from resolvers.match_responses import match_accept
from resolvers.matching import match_propose
from resolvers.notification_sender import _claim, backoff_seconds, deliver_due, notification_jobs, run_once
from resolvers.notifications import expand_triggers
from tests.factories_matching import as_professional, staff
from tests.notifications.conftest import CONFIG, TEMPLATES

S = NotificationStatus


async def _proposed(world) -> Notification:
    """The carer proposed for the elder's need: one MATCH_PROPOSED notification, not yet sent."""
    await match_propose(staff(world.here.id), world.need.id, ProviderKind.PROFESSIONAL, world.carer.id)
    await expand_triggers(TEMPLATES)
    return await Notification.get()


async def test_a_notification_is_delivered_once_with_its_template_and_page(world, fake, wechat):
    await _proposed(world)
    assert await run_once(wechat, CONFIG) == 1
    (message,) = fake.delivered
    assert message["touser"] == "o-carer" and message["template_id"] == TEMPLATES["MATCH_PROPOSED"]
    assert message["page"].startswith("pages/provider/proposals/index?needId=")
    assert message["data"]["phrase5"] == {"value": "待接单"} and message["lang"] == "zh_CN"
    row = await Notification.get()
    assert (row.status, row.attempts, row.last_error) == (S.SENT, 1, "") and row.sent_at is not None
    assert await run_once(wechat, CONFIG) == 0
    await Notification.all().update(next_attempt_at=datetime.now(UTC) - timedelta(days=1))
    assert await run_once(wechat, CONFIG, datetime.now(UTC) + timedelta(days=1)) == 0
    assert len(fake.delivered) == 1  # acknowledged: never sent again


async def test_a_failing_wechat_is_retried_with_backoff_until_it_recovers(world, fake, wechat):
    await _proposed(world)
    t0 = datetime.now(UTC)
    fake.outage = 503
    assert await deliver_due(wechat, CONFIG, t0) == 1
    row = await Notification.get()
    assert (row.status, row.attempts) == (S.PENDING, 1) and "unavailable" in row.last_error
    assert t0 + timedelta(seconds=0.5) <= row.next_attempt_at <= t0 + timedelta(seconds=1)
    assert await deliver_due(wechat, CONFIG, t0 + timedelta(seconds=0.4)) == 0  # not yet due
    fake.outage, fake.send_errcode = None, -1  # up again, but busy
    t1 = t0 + timedelta(seconds=1)
    assert await deliver_due(wechat, CONFIG, t1) == 1
    row = await Notification.get()
    assert (row.status, row.attempts, row.last_error) == (S.PENDING, 2, "WeChat answered error -1")
    assert t1 + timedelta(seconds=1) <= row.next_attempt_at <= t1 + timedelta(seconds=2)
    assert fake.delivered == []
    fake.send_errcode = None
    assert await deliver_due(wechat, CONFIG, t1 + timedelta(seconds=2)) == 1
    row = await Notification.get()
    assert (row.status, row.attempts) == (S.SENT, 3) and len(fake.delivered) == 1
    assert await deliver_due(wechat, CONFIG, t1 + timedelta(hours=1)) == 0 and len(fake.delivered) == 1


def test_the_backoff_doubles_is_capped_and_jittered():
    assert [backoff_seconds(n, CONFIG, rand=1.0) for n in range(1, 7)] == [1, 2, 4, 8, 8, 8]
    assert [backoff_seconds(n, CONFIG, rand=0.0) for n in range(1, 5)] == [0.5, 1, 2, 4]
    waits = {backoff_seconds(3, CONFIG) for _ in range(50)}
    assert len(waits) > 1 and all(2 <= w <= 4 for w in waits)


async def test_after_the_last_attempt_the_notification_is_failed_and_kept(world, fake, wechat):
    await _proposed(world)
    fake.outage = 500
    moment = datetime.now(UTC)
    for _ in range(CONFIG.max_attempts):
        assert await deliver_due(wechat, CONFIG, moment) == 1
        moment += timedelta(seconds=CONFIG.backoff_max_seconds)
    row = await Notification.get()
    assert (row.status, row.attempts) == (S.FAILED, CONFIG.max_attempts) and "gave up after 4" in row.last_error
    fake.outage = None
    assert await deliver_due(wechat, CONFIG, moment + timedelta(days=1)) == 0 and fake.delivered == []


async def test_refusals_no_retry_can_fix_end_at_once(world, fake, wechat):
    await Account.filter(id=world.carer_account.id).update(wechat_openid="invalid-openid")
    await Account.filter(id=world.elder_account.id).update(wechat_openid="unsubscribed-elder")
    match = await match_propose(staff(world.here.id), world.need.id, ProviderKind.PROFESSIONAL, world.carer.id)
    await expand_triggers(TEMPLATES)
    await match_accept(as_professional(world.carer), match.id)
    await run_once(wechat, CONFIG)
    rows = {n.kind: n for n in await Notification.all()}
    failed, skipped = rows[NotificationKind.MATCH_PROPOSED], rows[NotificationKind.MATCH_ACCEPTED]
    assert (failed.status, failed.attempts) == (S.FAILED, 1) and "40003" in failed.last_error
    assert (skipped.status, skipped.attempts) == (S.SKIPPED, 1) and "43101" in skipped.last_error
    assert fake.delivered == []


async def test_an_expired_access_token_is_renewed_without_a_repeat(world, fake, wechat):
    await _proposed(world)
    await run_once(wechat, CONFIG)
    fake.access_tokens.clear()  # WeChat forgot every token: the next send gets 40001
    await match_accept(as_professional(world.carer), (await world.need.matches.all())[0].id)
    await run_once(wechat, CONFIG)
    assert [m["touser"] for m in fake.delivered] == ["o-carer", "o-elder"]
    assert fake.calls["/cgi-bin/token"] == 2


async def test_a_claim_whose_sender_died_is_sent_again_once_its_lease_ends(world, fake, wechat):
    await _proposed(world)
    t0 = datetime.now(UTC)
    (claimed,) = await _claim(t0, CONFIG)  # ... and the process died before sending or recording
    assert (await Notification.get()).status == S.SENDING
    assert await deliver_due(wechat, CONFIG, t0 + timedelta(seconds=CONFIG.lease_seconds - 1)) == 0
    assert await deliver_due(wechat, CONFIG, t0 + timedelta(seconds=CONFIG.lease_seconds)) == 1
    row = await Notification.get()
    assert (row.status, row.attempts) == (S.SENT, 2) and len(fake.delivered) == 1


async def test_concurrent_senders_deliver_each_notification_once(world, fake, wechat):
    for i in range(12):
        elder = await Account.create(role=world.elder_account.role, wechat_openid=f"o-{i}", display_name=f"{i}")
        await Notification.create(kind=NotificationKind.MATCH_ACCEPTED, need=world.need, recipient=elder,
                                  dedupe_key=f"test:{i}", template_id="tmpl", page="pages/index",
                                  data={"thing1": "助餐"}, next_attempt_at=datetime.now(UTC))
    fake.send_delay = 0.02
    config = replace(CONFIG, batch_size=3)
    await asyncio.gather(*(run_once(wechat, config) for _ in range(4)))
    while await run_once(wechat, config):
        pass
    assert sorted(m["touser"] for m in fake.delivered) == sorted(f"o-{i}" for i in range(12))
    assert await Notification.filter(status=S.SENT).count() == 12


async def test_the_background_job_delivers_and_stops_cleanly(world, fake, wechat):
    await match_propose(staff(world.here.id), world.need.id, ProviderKind.PROFESSIONAL, world.carer.id)
    async with notification_jobs(wechat, CONFIG):
        for _ in range(100):
            if fake.delivered:
                break
            await asyncio.sleep(0.05)
    assert len(fake.delivered) == 1 and (await Notification.get()).status == S.SENT
    async with notification_jobs(None, CONFIG):  # WeChat not configured: nothing runs
        pass


async def test_stopping_lets_the_send_in_progress_be_recorded(world, fake, wechat):
    await _proposed(world)
    fake.send_delay = 0.5
    async with notification_jobs(wechat, CONFIG):
        for _ in range(500):
            if fake.calls["/cgi-bin/message/subscribe/send"]:
                break
            await asyncio.sleep(0.01)
    assert (await Notification.get()).status == S.SENT and len(fake.delivered) == 1
