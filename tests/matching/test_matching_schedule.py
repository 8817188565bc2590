"""Time windows, weekly slots and the Asia/Shanghai wall-clock convention."""

from datetime import UTC, datetime, time

import pytest

from matching import TimeWindow, WeeklySlot, slots_cover, to_local


def window(start: str, end: str) -> TimeWindow:
    """A window from ISO strings."""
    return TimeWindow(datetime.fromisoformat(start), datetime.fromisoformat(end))


def test_half_open_windows_touching_do_not_overlap():
    assert not window("2025-03-03T09:00", "2025-03-03T10:00").overlaps(window("2025-03-03T10:00", "2025-03-03T11:00"))
    assert window("2025-03-03T09:00", "2025-03-03T10:01").overlaps(window("2025-03-03T10:00", "2025-03-03T11:00"))


def test_aware_datetimes_become_shanghai_wall_clock():
    utc = TimeWindow(datetime(2025, 3, 3, 1, 0, tzinfo=UTC), datetime(2025, 3, 3, 3, 0, tzinfo=UTC))
    assert utc.start == datetime(2025, 3, 3, 9, 0) and utc.end == datetime(2025, 3, 3, 11, 0)
    assert utc.overlaps(window("2025-03-03T10:00", "2025-03-03T12:00"))
    assert to_local(datetime(2025, 3, 3, 9)) == datetime(2025, 3, 3, 9)


def test_window_must_end_after_it_starts():
    with pytest.raises(ValueError):
        window("2025-03-03T10:00", "2025-03-03T10:00")


def test_slot_end_at_midnight_means_end_of_day():
    assert WeeklySlot(0, time(20), time(0)).end_s == 86_400
    with pytest.raises(ValueError):
        WeeklySlot(0, time(10), time(9))
    with pytest.raises(ValueError):
        WeeklySlot(7, time(8), time(9))


def test_slots_cover_a_single_day_window_also_across_adjacent_slots():
    monday = [WeeklySlot(0, time(8), time(12)), WeeklySlot(0, time(12), time(18))]
    assert slots_cover(monday, window("2025-03-03T11:00", "2025-03-03T13:00"))  # 2025-03-03 is a Monday
    assert not slots_cover(monday, window("2025-03-03T17:00", "2025-03-03T19:00"))
    assert not slots_cover(monday, window("2025-03-04T09:00", "2025-03-04T10:00"))  # Tuesday
    gap = [WeeklySlot(0, time(8), time(11)), WeeklySlot(0, time(12), time(18))]
    assert not slots_cover(gap, window("2025-03-03T10:00", "2025-03-03T13:00"))


def test_window_over_midnight_needs_both_days_covered():
    night = window("2025-03-03T22:00", "2025-03-04T02:00")
    both = [WeeklySlot(0, time(20), time(0)), WeeklySlot(1, time(0), time(6))]
    assert slots_cover(both, night)
    assert not slots_cover(both[:1], night)
    assert not slots_cover(both[1:], night)
    assert night.segments() == ((0, 79_200.0, 86_400.0), (1, 0.0, 7_200.0))


def test_window_ending_at_midnight_stays_on_its_day():
    evening = window("2025-03-03T20:00", "2025-03-04T00:00")
    assert evening.last_day == evening.first_day
    assert slots_cover([WeeklySlot(0, time(20), time(0))], evening)
