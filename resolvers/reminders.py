"""Reminders the day before a service: "service tomorrow" for every accepted need that starts tomorrow.

:func:`enqueue_service_reminders` finds ACCEPTED needs whose window starts tomorrow (Hangzhou time) and
writes a SERVICE_TOMORROW trigger for each, keyed by the need and the day. The key is unique and the
INSERT ignores keys that exist (``ON CONFLICT DO NOTHING``), so any number of workers may scan at once,
or again: each need gets one reminder a day. Nothing is enqueued before ``from_hour`` (17:00 by default):
people hear about tomorrow in the evening, not at midnight. A need accepted later that evening is caught
by the next scan. The sender's loop runs the scan every ``LINLI_REMINDER_INTERVAL_SECONDS``.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from models import Need, NotificationTrigger
from models.enums import NeedStatus, NotificationKind

SHANGHAI = ZoneInfo("Asia/Shanghai")
DEFAULT_FROM_HOUR = 17


async def enqueue_service_reminders(now: datetime | None = None, from_hour: int = DEFAULT_FROM_HOUR) -> int:
    """Write the missing reminders for tomorrow's services; returns how many needs start tomorrow."""
    local_now = (now or datetime.now(UTC)).astimezone(SHANGHAI)
    if local_now.hour < from_hour:
        return 0
    tomorrow = local_now.date() + timedelta(days=1)
    start = datetime(tomorrow.year, tomorrow.month, tomorrow.day, tzinfo=SHANGHAI)
    need_ids = await Need.filter(status=NeedStatus.ACCEPTED, window_start__gte=start,
                                 window_start__lt=start + timedelta(days=1)).values_list("id", flat=True)
    kind = NotificationKind.SERVICE_TOMORROW
    await NotificationTrigger.bulk_create([
        NotificationTrigger(kind=kind, need_id=need_id, dedupe_key=f"{kind.value}:{need_id}:{tomorrow.isoformat()}")
        for need_id in need_ids
    ], ignore_conflicts=True)
    return len(need_ids)
