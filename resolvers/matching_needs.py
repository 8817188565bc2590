"""Needs as the engine sees them: one need or a batch, with resident facts, blocks and declines.

A batch of needs is read in a fixed number of statements: their residents, then the blocks those
residents set together with the declines on those needs. The need ranked by ``matchCandidates`` is
read in one statement with all of that (:func:`ranking_need`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from types import SimpleNamespace

from matching import NeedProfile, ProviderKey
from models import Need, Resident
from models.enums import MatchStatus
from resolvers.errors import DomainError, ErrorCode
from resolvers.matching_profiles import ORGANIZATION, PROFESSIONAL, need_profile
from resolvers.matching_sql import Statement, as_bool, as_date, as_list, as_moment

NEED_COLUMNS = ("id", "status", "category", "resident_id", "community_id", "window_start", "window_end", "latitude",
                "longitude", "required_certifications", "languages", "preferred_gender", "skills_wanted", "urgency",
                "created_at")


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


async def ranking_need(need_id: int, field: str = "needId") -> tuple[SimpleNamespace, NeedProfile]:
    """The need's columns and its engine profile with its resident's facts, blocks and declines, in one
    statement (the need to rank, read raw: no model to build); NOT_FOUND when missing."""
    sql = Statement()
    key = sql.json_array("x.professional_id", "x.organization_id")
    rows = await sql.records(
        f"SELECT {', '.join(f'n.{c}' for c in NEED_COLUMNS)}, r.birth_date, r.age_band, r.lives_alone, "
        f"(SELECT {sql.json_agg(key)} FROM provider_block x WHERE x.resident_id = n.resident_id) AS blocks, "
        f"(SELECT {sql.json_agg(key)} FROM match x WHERE x.need_id = n.id AND x.status = "
        f"'{MatchStatus.DECLINED.value}') AS declines "
        f"FROM need n JOIN resident r ON r.id = n.resident_id WHERE n.id = {sql.param(int(need_id))}"
    )
    if not rows:
        raise DomainError(ErrorCode.NOT_FOUND, "No need with this ID.", field)
    row = rows[0]
    need = SimpleNamespace(**{c: row[c] for c in NEED_COLUMNS})
    need.window_start, need.window_end, need.created_at = (as_moment(row[c]) for c in ("window_start", "window_end",
                                                                                         "created_at"))
    for column in ("required_certifications", "languages", "skills_wanted"):
        setattr(need, column, as_list(row[column]))
    resident = SimpleNamespace(birth_date=as_date(row["birth_date"]), age_band=row["age_band"],
                               lives_alone=as_bool(row["lives_alone"]))
    keys = [[_key({"professional_id": p, "organization_id": o}) for p, o in as_list(row[c])]
            for c in ("blocks", "declines")]
    return need, need_profile(need, resident, *keys)  # type: ignore[arg-type]
