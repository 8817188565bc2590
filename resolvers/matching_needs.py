"""Needs as the engine sees them: one need or a batch, with resident facts, blocks and declines.

A batch of needs is read in a fixed number of statements: the needs, their residents, the blocks
those residents set and the declines on those needs.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from matching import NeedProfile, ProviderKey
from models import Match, Need, ProviderBlock, Resident
from models.enums import MatchStatus
from resolvers.errors import DomainError, ErrorCode
from resolvers.matching_profiles import ORGANIZATION, PROFESSIONAL, need_profile


async def load_need(need_id: int, field: str = "needId") -> Need:
    """The need, or NOT_FOUND."""
    need = await Need.get_or_none(id=need_id)
    if need is None:
        raise DomainError(ErrorCode.NOT_FOUND, "No need with this ID.", field)
    return need


def _key(row: dict) -> ProviderKey:
    """The provider key of a row with ``professional_id`` / ``organization_id``."""
    if row["professional_id"] is not None:
        return PROFESSIONAL, row["professional_id"]
    return ORGANIZATION, row["organization_id"]


async def need_profiles(needs: Sequence[Need]) -> list[NeedProfile]:
    """Engine profiles of the needs, in order (three statements whatever their number)."""
    if not needs:
        return []
    resident_ids = {n.resident_id for n in needs}
    residents = {r.id: r for r in await Resident.filter(id__in=resident_ids)}
    blocked: dict[int, set[ProviderKey]] = defaultdict(set)
    rows = await ProviderBlock.filter(resident_id__in=resident_ids).values(
        "resident_id", "professional_id", "organization_id"
    )
    for row in rows:
        blocked[row["resident_id"]].add(_key(row))
    declined: dict[int, set[ProviderKey]] = defaultdict(set)
    rows = await Match.filter(need_id__in=[n.id for n in needs], status=MatchStatus.DECLINED).values(
        "need_id", "professional_id", "organization_id"
    )
    for row in rows:
        declined[row["need_id"]].add(_key(row))
    return [need_profile(n, residents[n.resident_id], blocked[n.resident_id], declined[n.id]) for n in needs]
