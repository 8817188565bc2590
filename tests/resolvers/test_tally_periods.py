"""How a period of the statistics is read from the period tallies (``resolvers.tally_periods``), without a
database: the signed parts, summed over needs at random instants the way the tallies count them, always equal
counting the needs of the period; and they stay few."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from resolvers.tally_periods import HANGZHOU, LEVELS, Part, month_ceil, period_ceil, period_floor, plan

ORIGIN = datetime(2025, 12, 20, tzinfo=HANGZHOU)
SPAN_HOURS = 24 * 150


def _bucket(level: str, moment: datetime) -> date:
    """The tally cell a need submitted at ``moment`` is counted in (``models.need_tally.PERIODS``), written out
    here independently of the planner's rounding."""
    day = moment.astimezone(HANGZHOU).date()
    starts = {"month": (1,), "dekad": (1, 11, 21), "pentad": (1, 6, 11, 16, 21, 26), "day": (day.day,)}[level]
    return day.replace(day=max(start for start in starts if start <= day.day))


def _in(part: Part, moment: datetime) -> bool:
    key = moment if part.level == "need" else _bucket(part.level, moment)
    return (part.start is None or key >= part.start) and (part.end is None or key < part.end)


def _summed(parts: list[Part], needs: list[datetime]) -> int:
    return sum(part.sign for part in parts for moment in needs if _in(part, moment))


def _counted(since: datetime | None, until: datetime | None, needs: list[datetime]) -> int:
    return sum((since is None or moment >= since) and (until is None or moment < until) for moment in needs)


instants = st.builds(lambda hours, minutes: ORIGIN + timedelta(hours=hours, minutes=minutes),
                     st.integers(0, SPAN_HOURS), st.sampled_from((0, 0, 1, 30, 59)))
ends = st.one_of(st.none(), instants, instants.map(lambda m: m.replace(hour=0, minute=0)),
                 instants.map(lambda m: m.replace(day=1, hour=0, minute=0)))


@settings(max_examples=400, deadline=None)
@given(since=ends, until=ends, now=instants, needs=st.lists(instants, min_size=1, max_size=60))
def test_the_parts_of_any_period_count_exactly_its_needs(since, until, now, needs):
    # needs on the boundaries themselves: the first and last instant of each end's day and dekad
    for end in (since, until):
        if end is not None:
            needs += [end, end - timedelta(microseconds=1), end + timedelta(microseconds=1)]
    parts = plan(since, until, now)
    assert _summed(parts, needs) == _counted(since, until, needs)


@settings(max_examples=200, deadline=None)
@given(since=instants, until=instants, now=instants)
def test_a_period_is_a_few_ranges(since, until, now):
    parts = plan(since, until, now)
    assert len(parts) <= 1 + 2 * len(LEVELS)  # months, and per end dekads, pentads, days and needs
    assert sum(part.level == "month" for part in parts) <= 1
    if len(parts) > 1:  # else the period itself is read from the needs: short, or after now (none yet)
        assert all(part.end - part.start <= timedelta(days=1) for part in parts if part.level == "need")


def test_the_cheapest_reading_of_familiar_periods():
    def levels(since, until, now=datetime(2026, 11, 27, 21, 30, tzinfo=HANGZHOU)):
        return sorted((p.level, p.sign, str(p.start)[:16], str(p.end)[:16]) for p in plan(since, until, now))

    october = datetime(2026, 10, 1, tzinfo=HANGZHOU), datetime(2026, 11, 1, tzinfo=HANGZHOU)
    assert levels(*october) == [("month", 1, "2026-10-01", "2026-11-01")]
    assert levels(october[0], None) == [("month", 1, "2026-10-01", "None")]
    # from the 20th 09:30 to the 10th: two dekads minus the 10th, and the rest of the 20th
    assert levels(datetime(2026, 9, 20, 9, 30, tzinfo=HANGZHOU), datetime(2026, 10, 10, tzinfo=HANGZHOU)) == [
        ("day", -1, "2026-10-10", "2026-10-11"), ("dekad", 1, "2026-09-21", "2026-10-01"),
        ("dekad", 1, "2026-10-01", "2026-10-11"), ("need", 1, "2026-09-20 09:30", "2026-09-21 00:00")]
    # from the 6th to the 16th (midnights): each end from the month's start, through its dekad and pentad
    assert levels(datetime(2026, 10, 6, tzinfo=HANGZHOU), datetime(2026, 10, 16, tzinfo=HANGZHOU)) == [
        ("dekad", 1, "2026-10-01", "2026-10-11"), ("pentad", -1, "2026-10-01", "2026-10-06"),
        ("pentad", 1, "2026-10-11", "2026-10-16")]
    # three hours: the needs themselves
    assert levels(datetime(2026, 10, 6, 9, tzinfo=HANGZHOU), datetime(2026, 10, 6, 12, tzinfo=HANGZHOU)) == [
        ("need", 1, "2026-10-06 09:00", "2026-10-06 12:00")]
    # the last 30 days up to now: this month (nothing after now to subtract but tonight's hours), the end of
    # last month by days
    now = datetime(2026, 11, 27, 21, 30, tzinfo=HANGZHOU)
    assert ("month", 1, "2026-11-01", "2026-12-01") in levels(now - timedelta(days=30), now)
    assert levels(datetime(2026, 10, 6, tzinfo=UTC), datetime(2026, 10, 5, tzinfo=UTC)) == [
        ("need", 1, "2026-10-06 00:00", "2026-10-06 00:00")]  # an empty period


def test_dekads_pentads_and_months_round_to_their_boundaries():
    assert [period_floor("dekad", date(2026, 2, d)).day for d in (1, 10, 11, 20, 21, 28)] == [1, 1, 11, 11, 21, 21]
    assert [period_ceil("dekad", date(2026, 2, d)) for d in (1, 2, 11, 12, 21, 22)] == [
        date(2026, 2, 1), date(2026, 2, 11), date(2026, 2, 11), date(2026, 2, 21), date(2026, 2, 21),
        date(2026, 3, 1)]
    assert [period_floor("pentad", date(2026, 1, d)).day for d in (5, 6, 15, 16, 25, 26, 31)] == [
        1, 6, 11, 16, 21, 26, 26]
    assert [period_ceil("pentad", date(2026, 1, d)) for d in (2, 6, 7, 27)] == [
        date(2026, 1, 6), date(2026, 1, 6), date(2026, 1, 11), date(2026, 2, 1)]
    assert month_ceil(date(2026, 12, 2)) == date(2027, 1, 1) and month_ceil(date(2026, 12, 1)) == date(2026, 12, 1)
