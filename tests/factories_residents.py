"""Builders of residents, needs, professionals and matches for tests (explicit values, no randomness)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from models import Area, Guardianship, Match, Need, Organization, Professional, Resident
from models.enums import (
    AgeBand,
    CareCategory,
    GuardianRelation,
    MatchStatus,
    NeedStatus,
    ProviderKind,
    Urgency,
)
from tests.factories import gid  # noqa: F401 (re-exported for the tests)


def iso(moment: datetime) -> str:
    """A datetime as GraphQL DateTime text."""
    return moment.isoformat()


def soon(hours: float = 24) -> datetime:
    """A moment ``hours`` from now (UTC)."""
    return datetime.now(UTC) + timedelta(hours=hours)


async def make_resident(community: Area, name: str = "王秀英", **values: Any) -> Resident:
    """A resident; an elder living in ``community`` unless ``values`` say otherwise."""
    values.setdefault("age_band", AgeBand.SENIOR_80_PLUS)
    return await Resident.create(name=name, community=community, **values)


async def make_child(community: Area, guardian: Resident, name: str = "李小宝") -> Resident:
    """A preschool child with ``guardian`` as parent."""
    child = await make_resident(community, name, age_band=AgeBand.PRESCHOOL_3_6)
    await Guardianship.create(guardian=guardian, child=child, relation=GuardianRelation.PARENT)
    return child


async def make_need(resident: Resident, title: str = "需要助餐", **values: Any) -> Need:
    """A submitted need of ``resident`` in their community, with a window tomorrow."""
    start = values.pop("window_start", soon())
    created_at = values.pop("created_at", None)
    values.setdefault("category", CareCategory.MEALS)
    values.setdefault("urgency", Urgency.NORMAL)
    values.setdefault("status", NeedStatus.SUBMITTED)
    values.setdefault("community_id", resident.community_id)
    need = await Need.create(resident=resident, title=title, window_start=start,
                             window_end=start + timedelta(hours=2), **values)
    if created_at is not None:
        await Need.filter(id=need.id).update(created_at=created_at)
        need.created_at = created_at
    return need


async def make_professional(name: str = "陈护士", profession: str = "护士") -> Professional:
    """A professional with only the required fields."""
    return await Professional.create(name=name, profession=profession)


async def make_match(need: Need, provider: Professional | Organization, score: float | None = 0.5,
                     status: MatchStatus = MatchStatus.PROPOSED) -> Match:
    """A match proposing ``provider`` for ``need``."""
    if isinstance(provider, Professional):
        return await Match.create(need=need, provider_kind=ProviderKind.PROFESSIONAL, professional=provider,
                                  score=score, status=status, proposed_by="engine")
    return await Match.create(need=need, provider_kind=ProviderKind.ORGANIZATION, organization=provider,
                              score=score, status=status, proposed_by="engine")
