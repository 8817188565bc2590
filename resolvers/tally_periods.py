"""Which cells of the period tallies (:data:`models.need_tally.PERIODS`) make up a period of the statistics.

The needs submitted in ``[since, until)`` are ``F(until) - F(since)``, where ``F(t)`` counts the needs submitted
before ``t``. ``F(t)`` is read along a chain of boundaries, in Hangzhou time: a month's start, a dekad's (the
1st, 11th or 21st), a pentad's (the 1st, 6th, 11th, 16th, 21st or 26th), a midnight, and ``t`` itself. Between
two consecutive boundaries of the chain lie whole periods of one level (months, dekads, pentads, days) or less
than a day of needs; each boundary may be before ``t`` (the cells between are added) or after it (subtracted:
a month minus its last pentad reads fewer cells than its first five). The months of the two ends' chains
cancel but for one range, so a period is a few signed ranges: months, and at each end up to one range of
dekads, of pentads, of days and of needs, whichever chains read the fewest rows by :data:`COSTS` (a period
shorter than a few hours may be read from the needs alone).

Every choice gives the same exact answer; the costs only pick the cheapest. Pure: no database here
(:mod:`resolvers.need_totals` writes the statement).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import product
from zoneinfo import ZoneInfo

HANGZHOU = ZoneInfo("Asia/Shanghai")
LEVELS = ("month", "dekad", "pentad", "day")
"""The period tallies from the coarsest; each period of one is a set of whole periods of the next."""
COSTS = {"month": 1.8, "dekad": 1.4, "pentad": 1.3, "day": 1.0, "hour": 0.17}
"""Rows read per period, in days' cells: measured at the benchmark city (500,000 needs in four months, 30
communities), a month has ~1,330 cells of community x category x status, a dekad ~1,020, a pentad ~1,000, a
day ~750, and an hour ~125 needs. A period wholly after ``now`` has no cells and costs nothing."""


@dataclass(frozen=True, slots=True)
class Part:
    """Cells of one level in ``[start, end)`` (dates of a tally's period column; for ``"need"``, aware instants,
    None for no bound), added (``sign`` 1) or subtracted (-1)."""

    sign: int
    level: str  # a LEVELS entry, or "need" for the needs themselves
    start: date | datetime | None
    end: date | datetime | None


STARTS = {"dekad": (1, 11, 21), "pentad": (1, 6, 11, 16, 21, 26)}
"""The days of the month a dekad or a pentad starts on (the last one runs to the month's end)."""


def month_ceil(day: date) -> date:
    return day if day.day == 1 else date(day.year + day.month // 12, day.month % 12 + 1, 1)


def period_floor(level: str, day: date) -> date:
    """The start of the period of ``level`` holding ``day``."""
    if level == "day":
        return day
    if level == "month":
        return day.replace(day=1)
    return day.replace(day=max(start for start in STARTS[level] if start <= day.day))


def next_start(level: str, start: date) -> date:
    """The start of the period of ``level`` after the one starting on ``start``."""
    if level == "day":
        return start + timedelta(days=1)
    later = [day for day in STARTS.get(level, ()) if day > start.day]
    return start.replace(day=later[0]) if later else month_ceil(start + timedelta(days=1))


def period_ceil(level: str, day: date) -> date:
    """The first start of a period of ``level`` on or after ``day``."""
    floor = period_floor(level, day)
    return day if floor == day else next_start(level, floor)


def _whole(level: str, start: date, end: date) -> int:
    """How many periods of ``level`` are in ``[start, end)`` (both boundaries of that level)."""
    if level == "month":
        return (end.year - start.year) * 12 + end.month - start.month
    if level == "day":
        return (end - start).days
    count = 0
    while start < end:
        start, count = next_start(level, start), count + 1
    return count


def local(moment: datetime) -> datetime:
    return moment.astimezone(HANGZHOU)


def midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=HANGZHOU)


@dataclass(frozen=True, slots=True)
class _Chain:
    """One end's boundaries, one per level of :data:`LEVELS` (a month's start, a dekad's, ...), then the end."""

    bounds: tuple[date, ...]
    moment: datetime

    @property
    def month(self) -> date:
        return self.bounds[0]

    def parts(self, sign: int) -> list[Part]:
        """The periods and needs between its boundaries (the months are the two ends' business)."""
        steps = list(zip(LEVELS[1:], self.bounds[:-1], self.bounds[1:], strict=True))
        steps.append(("need", midnight(self.bounds[-1]), self.moment))
        return [Part(sign if a < b else -sign, level, min(a, b), max(a, b)) for level, a, b in steps if a != b]

    def cost(self, now: datetime) -> float:
        total = 0.0
        for part in self.parts(1):
            if part.level == "need":
                total += _needs_cost(part.start, part.end, now)
            elif midnight(part.start) < now:  # a period wholly in the future has no cells
                total += COSTS[part.level] * _whole(part.level, part.start, part.end)
        return total


def _needs_cost(start: datetime, end: datetime, now: datetime) -> float:
    """Reading the needs submitted in ``[start, end)``: by the hour, none after ``now``."""
    return COSTS["hour"] * max(0.0, (min(end, max(start, now)) - start).total_seconds() / 3600)


def _chains(moment: datetime) -> list[_Chain]:
    """Every chain of boundaries that reaches ``moment``: each boundary just before or just after it."""
    there = local(moment)
    floor = there.date()
    ceil = floor if there == midnight(floor) else floor + timedelta(days=1)
    choices = [sorted({period_floor(level, floor), period_ceil(level, ceil)}) for level in LEVELS]
    return [_Chain(bounds, moment) for bounds in product(*choices)]


def _months_cost(since: _Chain | None, until: _Chain | None) -> float:
    """The months between the two chains (an open end: counted from a fixed month, the same for every chain)."""
    start = since.month if since is not None else date(2000, 1, 1)
    end = until.month if until is not None else date(2100, 1, 1)
    return COSTS["month"] * abs(_whole("month", min(start, end), max(start, end)))


def plan(since: datetime | None, until: datetime | None, now: datetime) -> list[Part]:
    """The signed parts whose cells sum to the needs submitted in ``[since, until)`` (aware; None: no bound)."""
    if since is not None and until is not None and since >= until:
        return [Part(1, "need", since, since)]  # nothing: an empty range of needs
    best, chosen = math.inf, None
    if since is not None and until is not None:  # a short period: the needs themselves, unless chains cost less
        best = _needs_cost(since, until, now)
    starts = [(chain, chain.cost(now)) for chain in _chains(since)] if since is not None else [(None, 0.0)]
    ends = [(chain, chain.cost(now)) for chain in _chains(until)] if until is not None else [(None, 0.0)]
    for (start, start_cost), (end, end_cost) in product(starts, ends):
        cost = _months_cost(start, end) + start_cost + end_cost
        if cost < best:
            best, chosen = cost, (start, end)
    return _parts(*chosen) if chosen is not None else [Part(1, "need", since, until)]


def _parts(since: _Chain | None, until: _Chain | None) -> list[Part]:
    """``F(until) - F(since)``: the months from one chain's month boundary to the other's, then each chain."""
    low = since.month if since is not None else None
    high = until.month if until is not None else None
    parts = []
    if low is None or high is None or low != high:
        forward = low is None or high is None or low < high
        parts.append(Part(1 if forward else -1, "month", low if forward else high, high if forward else low))
    parts += until.parts(1) if until is not None else []
    parts += since.parts(-1) if since is not None else []
    return parts
