"""The need list's orders give the same answer whichever index serves them (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from models.enums import Urgency
from resolvers.needs import NeedFilter, need_queryset
from tests.factories import make_areas
from tests.factories_residents import make_need, make_resident


async def test_urgency_order_within_one_urgency_is_newest_first(db):
    """With one urgency asked for, URGENCY is sent as NEWEST (its rank is the same for every row)."""
    _, community, _ = await make_areas()
    resident = await make_resident(community)
    base = datetime(2026, 11, 1, tzinfo=UTC)
    urgencies = [Urgency.HIGH, Urgency.CRITICAL, Urgency.HIGH, Urgency.LOW, Urgency.HIGH, Urgency.HIGH]
    for i, urgency in enumerate(urgencies):
        await make_need(resident, title=f"需要{i}", urgency=urgency, created_at=base + timedelta(hours=i % 3))

    async def titles(order: str, **criteria) -> list[str]:
        return [need.title for need in await need_queryset(NeedFilter(**criteria), order)]

    assert await titles("URGENCY") == ["需要1", "需要5", "需要2", "需要4", "需要0", "需要3"]  # ties: newest id
    high = await titles("URGENCY", urgency=Urgency.HIGH)
    assert high == await titles("NEWEST", urgency=Urgency.HIGH) == ["需要5", "需要2", "需要4", "需要0"]
    assert "urgency_rank" not in need_queryset(NeedFilter(urgency=Urgency.HIGH), "URGENCY").sql()
