"""Time in the matching engine: local wall-clock windows and weekly availability.

All times are compared as Asia/Shanghai wall-clock time. A timezone-aware datetime is converted to
Asia/Shanghai and its tzinfo dropped; a naive datetime is taken to be local already. Windows are
half-open, ``[start, end)``: a visit ending at 10:00 does not overlap one starting at 10:00.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")
"""The service's timezone (UTC+8, no daylight saving)."""

DAY_SECONDS = 86_400.0

Segment = tuple[int, float, float]
"""Part of a window inside one calendar day: (weekday 0=Monday, start second, end second)."""

WeeklyHours = tuple[tuple[tuple[float, float], ...], ...]
"""Seven tuples (Monday first) of disjoint, sorted (start second, end second) intervals."""


def to_local(moment: datetime) -> datetime:
    """Return ``moment`` as naive Asia/Shanghai wall-clock time (naive input is returned as is)."""
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(SHANGHAI).replace(tzinfo=None)


def local_now() -> datetime:
    """Return the current naive Asia/Shanghai wall-clock time."""
    return datetime.now(SHANGHAI).replace(tzinfo=None)


def seconds_of_day(moment: time) -> float:
    """Return the seconds elapsed since midnight at ``moment``."""
    return moment.hour * 3600 + moment.minute * 60 + moment.second + moment.microsecond / 1e6


@dataclass(frozen=True, slots=True)
class TimeWindow:
    """A half-open interval ``[start, end)`` of local wall-clock time; ``end`` must follow ``start``."""

    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        """Convert both ends to local wall-clock time and check their order."""
        start, end = to_local(self.start), to_local(self.end)
        if end <= start:
            raise ValueError(f"window ends ({end}) before it starts ({start})")
        object.__setattr__(self, "start", start)
        object.__setattr__(self, "end", end)

    def overlaps(self, other: TimeWindow) -> bool:
        """Tell whether the two windows share any instant (touching ends do not overlap)."""
        return self.start < other.end and other.start < self.end

    @property
    def first_day(self) -> date:
        """The calendar day the window starts on."""
        return self.start.date()

    @property
    def last_day(self) -> date:
        """The last calendar day the window touches (a window ending at midnight ends the day before)."""
        return (self.end - timedelta(microseconds=1)).date()

    def segments(self) -> tuple[Segment, ...]:
        """Split the window at midnights into per-day parts: (weekday, start second, end second)."""
        parts: list[Segment] = []
        cursor = self.start
        while cursor < self.end:
            midnight = datetime.combine(cursor.date() + timedelta(days=1), time())
            stop = min(self.end, midnight)
            end_s = DAY_SECONDS if stop == midnight else seconds_of_day(stop.time())
            parts.append((cursor.weekday(), seconds_of_day(cursor.time()), end_s))
            cursor = stop
        return tuple(parts)


@dataclass(frozen=True, slots=True, order=True)
class WeeklySlot:
    """A recurring weekly opening: ``weekday`` 0=Monday..6=Sunday, from ``start`` to ``end``.

    ``end == time(0)`` means midnight at the end of the day (24:00), so ``WeeklySlot(0, time(20),
    time(0))`` is Monday 20:00-24:00. Otherwise ``end`` must be after ``start``.
    """

    weekday: int
    start: time
    end: time
    start_s: float = field(init=False, repr=False, compare=False)
    end_s: float = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        """Validate the slot and cache its bounds in seconds since midnight."""
        if not 0 <= self.weekday <= 6:
            raise ValueError(f"weekday must be 0..6, got {self.weekday}")
        start_s = seconds_of_day(self.start)
        end_s = DAY_SECONDS if self.end == time(0) else seconds_of_day(self.end)
        if end_s <= start_s:
            raise ValueError(f"slot ends ({self.end}) before it starts ({self.start})")
        object.__setattr__(self, "start_s", start_s)
        object.__setattr__(self, "end_s", end_s)


def merge_weekly(slots: Iterable[WeeklySlot]) -> WeeklyHours:
    """Merge slots per weekday into disjoint sorted intervals (overlapping or touching ones join)."""
    days: list[list[tuple[float, float]]] = [[] for _ in range(7)]
    for slot in sorted(slots, key=lambda s: (s.weekday, s.start_s)):
        day = days[slot.weekday]
        if day and slot.start_s <= day[-1][1]:
            day[-1] = (day[-1][0], max(day[-1][1], slot.end_s))
        else:
            day.append((slot.start_s, slot.end_s))
    return tuple(tuple(day) for day in days)


def hours_cover(weekly: WeeklyHours, segments: Iterable[Segment]) -> bool:
    """Tell whether merged weekly hours cover every per-day segment entirely."""
    for weekday, start_s, end_s in segments:
        if not any(lo <= start_s and end_s <= hi for lo, hi in weekly[weekday]):
            return False
    return True


def slots_cover(slots: Iterable[WeeklySlot], window: TimeWindow) -> bool:
    """Tell whether weekly slots cover ``window``; a window over several days needs every day's part."""
    return hours_cover(merge_weekly(slots), window.segments())
