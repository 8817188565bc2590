"""The need's step columns (triaged_at, accepted_at, closed_at): set by the lifecycle, backfilled from events."""

from __future__ import annotations

from datetime import date

from tortoise import connections

from models import Need, NeedEvent
from models.enums import NeedStatus
from models.step_times import STEP_COLUMNS, backfill_step_times
from resolvers import lifecycle
from resolvers.reports.needs import need_timings
from resolvers.reports.scope import ReportPeriod, ReportScope
from resolvers.scope import load_scope
from tests.factories import make_areas
from tests.factories_matching import as_professional, make_carer, make_elder, staff
from tests.factories_residents import make_match, make_need
from tests.report_world import build_world

MARCH = ReportScope(ReportPeriod.of(date(2025, 3, 1), date(2025, 3, 31)))


async def _columns(need_id: int) -> dict[str, object]:
    return (await Need.filter(id=need_id).values(*STEP_COLUMNS.values()))[0]


async def _first_events(need_id: int) -> dict[str, object]:
    """Each step column as the need's events say: the time of the first event to its status, else None."""
    found: dict[str, object] = dict.fromkeys(STEP_COLUMNS.values())
    for event in await NeedEvent.filter(need_id=need_id).order_by("-id"):
        if event.to_status in STEP_COLUMNS:
            found[STEP_COLUMNS[event.to_status]] = event.created_at
    return found


def test_each_timed_status_is_reached_at_most_once():
    """No timed status lies on a cycle of the transitions, so a need has at most one event to each."""
    for timed in STEP_COLUMNS:
        reachable, frontier = set(), [timed]
        while frontier:
            current = frontier.pop()
            for source, target in lifecycle.TRANSITIONS:
                if source == current and target not in reachable:
                    reachable.add(target)
                    frontier.append(target)
        assert timed not in reachable, timed
    assert NeedStatus.SUBMITTED not in {target for _, target in lifecycle.TRANSITIONS}  # filing only


async def test_the_lifecycle_sets_each_step_time_with_its_event(db):
    _, here, _ = await make_areas()
    need = await make_need(await make_elder(here))
    desk = await load_scope(staff(here.id))
    proposed = await lifecycle.transition(need.id, NeedStatus.PROPOSED, desk, "engine")  # passes TRIAGED
    columns = await _columns(need.id)
    assert columns["triaged_at"] is not None and columns["accepted_at"] is None and columns["closed_at"] is None
    assert proposed.triaged_at == columns["triaged_at"]
    carer = await make_carer(here, "张护理员")
    await make_match(need, carer)
    provider = as_professional(carer)
    await lifecycle.transition(need.id, NeedStatus.PROPOSED, desk, "again")  # no step: nothing moves
    assert (await _columns(need.id))["triaged_at"] == columns["triaged_at"]
    for status, actor in ((NeedStatus.ACCEPTED, provider), (NeedStatus.IN_SERVICE, provider),
                          (NeedStatus.COMPLETED, provider), (NeedStatus.CLOSED, desk)):
        await lifecycle.transition(need.id, status, actor)
    columns = await _columns(need.id)
    assert None not in columns.values()
    assert columns["triaged_at"] <= columns["accepted_at"] <= columns["closed_at"]
    assert columns == await _first_events(need.id)


async def test_a_batch_sets_the_step_time_of_the_needs_that_pass_the_step(db):
    _, here, _ = await make_areas()
    elder = await make_elder(here)
    submitted, triaged = await make_need(elder, "甲"), await make_need(elder, "乙", status=NeedStatus.TRIAGED)
    desk = await load_scope(staff(here.id))
    await lifecycle.transition_many([submitted.id, triaged.id], NeedStatus.PROPOSED, desk, "engine")
    assert (await _columns(submitted.id))["triaged_at"] == (await _first_events(submitted.id))["triaged_at"]
    assert (await _columns(triaged.id))["triaged_at"] is None  # triaged before: no event of this batch


async def test_the_backfill_fills_the_columns_equal_to_the_events(db):
    world = await build_world()
    ids = [need.id for need in world.needs.values()]
    expected = {need_id: await _columns(need_id) for need_id in ids}
    assert expected == {need_id: await _first_events(need_id) for need_id in ids}
    assert sum(value is not None for row in expected.values() for value in row.values()) == 16
    await Need.all().update(**dict.fromkeys(STEP_COLUMNS.values()))
    kept = world.needs["n1"]
    await Need.filter(id=kept.id).update(closed_at=expected[kept.id]["triaged_at"])  # set already: kept
    assert await backfill_step_times(connections.get("default")) == 7  # n1-n4, n6, n7, n9
    expected[kept.id]["closed_at"] = expected[kept.id]["triaged_at"]
    assert {need_id: await _columns(need_id) for need_id in ids} == expected
    assert await backfill_step_times(connections.get("default")) == 0  # idempotent


async def test_the_timings_read_the_step_columns_not_the_events(db):
    await build_world()
    before = await need_timings(MARCH, by_category=True)
    await NeedEvent.all().delete()
    assert await need_timings(MARCH, by_category=True) == before
    await Need.all().update(accepted_at=None)
    assert {t.to_status for t in await need_timings(MARCH)} == {NeedStatus.TRIAGED, NeedStatus.CLOSED}
