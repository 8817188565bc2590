"""The expiry job: due needs expire once, with one event, even when several runs race."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from models import Match, Need, NeedEvent
from models.enums import MatchStatus, NeedStatus
from resolvers import expiry
from tests.conftest import BACKEND
from tests.factories import make_areas
from tests.factories_matching import make_carer, make_elder
from tests.factories_residents import make_match, make_need

PAST = datetime.now(UTC) - timedelta(days=2)


async def test_only_waiting_needs_whose_window_passed_expire(db):
    _, here, _ = await make_areas()
    elder = await make_elder(here)
    due = {status: await make_need(elder, status.value, status=status, window_start=PAST)
           for status in (NeedStatus.SUBMITTED, NeedStatus.TRIAGED, NeedStatus.MATCHING, NeedStatus.PROPOSED)}
    kept = [await make_need(elder, "已接单", status=NeedStatus.ACCEPTED, window_start=PAST),
            await make_need(elder, "未到期", status=NeedStatus.SUBMITTED)]
    proposal = await make_match(due[NeedStatus.PROPOSED], await make_carer(here, "张护理员"))
    assert await expiry.expire_due(batch_size=3) == 4
    for status, need in due.items():
        assert (await Need.get(id=need.id)).status == NeedStatus.EXPIRED
        event = await NeedEvent.get(need_id=need.id)
        assert (event.from_status, event.to_status, event.actor_role) == (status, NeedStatus.EXPIRED, "SYSTEM")
    assert [(await Need.get(id=n.id)).status for n in kept] == [NeedStatus.ACCEPTED, NeedStatus.SUBMITTED]
    assert (await Match.get(id=proposal.id)).status == MatchStatus.WITHDRAWN
    assert await expiry.expire_due() == 0


async def test_concurrent_runs_write_one_event_per_need(db):
    _, here, _ = await make_areas()
    elder = await make_elder(here)
    needs = [Need(resident_id=elder.id, community_id=here.id, category="MEALS", title=f"过期{i}",
                  window_start=PAST, window_end=PAST + timedelta(hours=1), status=NeedStatus.SUBMITTED)
             for i in range(120)]
    await Need.bulk_create(needs)
    runs = await asyncio.gather(*[expiry.expire_due(batch_size=10) for _ in range(4)])
    assert sum(runs) == 120
    assert await Need.filter(status=NeedStatus.EXPIRED).count() == 120
    assert await NeedEvent.filter(to_status=NeedStatus.EXPIRED).count() == 120
    per_need = await NeedEvent.all().values_list("need_id", flat=True)
    assert len(per_need) == len(set(per_need))
    if BACKEND == "postgres":
        assert sum(1 for r in runs if r) >= 2, runs  # the runs really shared the work (SKIP LOCKED)


async def test_the_periodic_job_runs_and_stops(db):
    _, here, _ = await make_areas()
    await make_need(await make_elder(here), status=NeedStatus.TRIAGED, window_start=PAST)
    async with expiry.expiry_job(0.05):
        for _ in range(50):
            if await Need.filter(status=NeedStatus.EXPIRED).exists():
                break
            await asyncio.sleep(0.02)
    assert await Need.filter(status=NeedStatus.EXPIRED).count() == 1
