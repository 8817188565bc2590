"""Weekly availability slots of professionals, stored as ``{weekday, start: 'HH:MM', end: 'HH:MM'}``."""

from __future__ import annotations

import re
from typing import Any

from resolvers.errors import Checker, ErrorCode

TIME_RE = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
MAX_SLOTS = 42


def clean_availability(checker: Checker, slots: list[Any]) -> list[dict[str, Any]]:
    """Checked slots sorted by weekday and start; problems are recorded on ``availability``.

    Each slot has ``weekday`` (0 = Monday .. 6 = Sunday), ``start`` and ``end`` as ``HH:MM`` (24-hour
    clock); a slot must end after it starts, within the same day.
    """
    if len(slots) > MAX_SLOTS:
        checker.add(ErrorCode.TOO_LONG, f"`availability` has at most {MAX_SLOTS} slots.", "availability")
        return []
    cleaned = []
    for slot in slots:
        weekday, start, end = slot["weekday"], slot["start"].strip(), slot["end"].strip()
        if not 0 <= weekday <= 6:
            checker.add(ErrorCode.INVALID_RANGE, "`weekday` runs from 0 (Monday) to 6 (Sunday).", "availability")
        elif not (TIME_RE.match(start) and TIME_RE.match(end)):
            checker.add(ErrorCode.INVALID, "Slot times are written HH:MM, e.g. 08:30.", "availability")
        elif end <= start:
            checker.add(ErrorCode.INVALID_RANGE, f"A slot must end after it starts ({start}-{end}).",
                        "availability")
        else:
            cleaned.append({"weekday": weekday, "start": start, "end": end})
    return sorted(cleaned, key=lambda s: (s["weekday"], s["start"], s["end"]))
