"""Needs as the engine sees them: one need or a batch, with resident facts, blocks and declines.

A batch of needs is read in a fixed number of statements: their residents, then the blocks those
residents set together with the declines on those needs.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from matching import NeedProfile, ProviderKey
from models import Need, Resident
from models.enums import MatchStatus
from resolvers.errors import DomainError, ErrorCode
from resolvers.matching_profiles import ORGANIZATION, PROFESSIONAL, need_profile
from resolvers.matching_sql import Statement


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
    """Engine profiles of the needs, in order (two statements whatever their number)."""
    if not needs:
        return []
    residents = {r.id: r for r in await Resident.filter(id__in={n.resident_id for n in needs})}
    sql = Statement()
    rows = await sql.rows(
        "SELECT 'BLOCK' AS source, b.resident_id AS owner, b.professional_id, b.organization_id FROM provider_block b "
        f"WHERE {sql.in_ids('b.resident_id', residents)} UNION ALL "
        "SELECT 'DECLINE', m.need_id, m.professional_id, m.organization_id FROM match m "
        f"WHERE {sql.in_ids('m.need_id', [n.id for n in needs])} AND m.status = '{MatchStatus.DECLINED.value}'"
    )
    blocked: dict[int, set[ProviderKey]] = defaultdict(set)
    declined: dict[int, set[ProviderKey]] = defaultdict(set)
    for row in rows:
        (blocked if row["source"] == "BLOCK" else declined)[row["owner"]].add(_key(row))
    return [need_profile(n, residents[n.resident_id], blocked[n.resident_id], declined[n.id]) for n in needs]
