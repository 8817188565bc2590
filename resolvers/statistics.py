"""Aggregated figures, safe to share with partners: counts only, never a resident.

Cells smaller than :data:`MIN_CELL` are suppressed for partners, so a rare combination (one
child needing infant care in a small community) cannot single anyone out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from tortoise.functions import Count

from models import Need
from models.enums import CareCategory, NeedStatus
from resolvers.access import Role
from resolvers.authorization import require
from resolvers.need_totals import aware, tallied_statistics
from resolvers.replica import on_replica
from resolvers.scope import Scope

MIN_CELL = 3
STATS_READ = "stats:read"


@dataclass(frozen=True, slots=True)
class NeedCount:
    """Needs of one category and status in one community (``count`` None when suppressed)."""

    community_id: int
    category: CareCategory
    status: NeedStatus
    count: int | None


async def need_counts(scope: Scope, since: datetime | None, until: datetime | None) -> list[NeedCount]:
    """Needs by community, category and status (staff: their communities), ordered by those three: from the
    tallies on PostgreSQL (:mod:`resolvers.need_totals`), else in one GROUP BY over the needs."""
    viewer = scope.viewer
    partner = viewer.role == Role.PARTNER
    require(scope, scope.is_staff or (partner and STATS_READ in viewer.scopes),
            "Statistics are for centre staff and partners with the stats:read scope.")
    communities = sorted(scope.area_ids) if scope.is_staff and scope.area_ids is not None else None
    since, until = since and aware(since), until and aware(until)  # naive: Hangzhou time, as the need list's
    cells = await tallied_statistics(communities, since, until)
    if cells is None:
        cells = await _counted(communities, since, until)
    return [
        NeedCount(community_id, CareCategory(category), NeedStatus(status), None if partner and n < MIN_CELL else n)
        for community_id, category, status, n in sorted(cells)
    ]


async def _counted(communities: list[int] | None, since: datetime | None,
                   until: datetime | None) -> list[tuple[int, str, str, int]]:
    """The same cells counted from the needs themselves (SQLite, or a database without the tallies)."""
    qs = on_replica(Need.all())
    if communities is not None:
        qs = qs.filter(community_id__in=communities)
    if since is not None:
        qs = qs.filter(created_at__gte=since)
    if until is not None:
        qs = qs.filter(created_at__lt=until)
    rows = await (qs.annotate(n=Count("id")).group_by("community_id", "category", "status")
                  .values("community_id", "category", "status", "n"))
    return [(row["community_id"], str(row["category"]), str(row["status"]), row["n"]) for row in rows]
