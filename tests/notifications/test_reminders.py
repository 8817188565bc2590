"""The day-before reminders: accepted needs starting tomorrow (Hangzhou time), enqueued once however often scanned."""

from __future__ import annotations

import asyncio

from models import Need, Notification, NotificationTrigger
from models.enums import MatchStatus, NeedStatus, NotificationKind
from resolvers.notifications import expand_triggers
from resolvers.reminders import enqueue_service_reminders
from tests.factories_matching import local
from tests.factories_residents import make_match, make_need
from tests.notifications.conftest import TEMPLATES


async def _accepted(world, days: int, hour: int = 9, status: NeedStatus = NeedStatus.ACCEPTED) -> Need:
    need = await make_need(world.elder, status=status, window_start=local(days, hour))
    await make_match(need, world.carer, status=MatchStatus.ACCEPTED if status == NeedStatus.ACCEPTED
                     else MatchStatus.PROPOSED)
    return need


async def test_tomorrows_accepted_needs_get_one_reminder_however_often_scanned(world):
    tomorrow = await _accepted(world, 1)
    early = await _accepted(world, 1, hour=0)
    await _accepted(world, 2)
    await _accepted(world, 1, status=NeedStatus.PROPOSED)
    evening = local(0, 18)
    assert await enqueue_service_reminders(local(0, 10)) == 0  # before 17:00: nothing yet
    assert await enqueue_service_reminders(evening) == 2
    await asyncio.gather(*(enqueue_service_reminders(evening) for _ in range(3)))  # several workers at once
    assert await enqueue_service_reminders(local(0, 23, 59)) == 2
    triggers = await NotificationTrigger.all().order_by("need_id")
    assert [(t.need_id, t.kind) for t in triggers] == [(tomorrow.id, NotificationKind.SERVICE_TOMORROW),
                                                        (early.id, NotificationKind.SERVICE_TOMORROW)]
    assert triggers[0].dedupe_key == f"SERVICE_TOMORROW:{tomorrow.id}:{local(1, 9).date().isoformat()}"


async def test_a_reminder_goes_to_the_resident_and_the_provider_while_the_need_is_still_on(world):
    need = await _accepted(world, 1)
    cancelled = await _accepted(world, 1, hour=15)
    await enqueue_service_reminders(local(0, 18))
    await Need.filter(id=cancelled.id).update(status=NeedStatus.CANCELLED)
    await expand_triggers(TEMPLATES, now=local(0, 18))
    rows = await Notification.all().order_by("recipient_id")
    assert [(n.need_id, n.recipient_id) for n in rows] == [(need.id, world.elder_account.id),
                                                           (need.id, world.carer_account.id)]
    assert rows[0].data["thing4"] == "明天有预约的服务，请留意时间" and rows[0].data["thing3"] == world.here.name
