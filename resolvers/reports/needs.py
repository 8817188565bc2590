"""The need report: needs by community, category and status, and how long the steps of their loop took.

Needs count in the period they were submitted in (``need.created_at``). The times to triage, to
acceptance and to closure run from the submission to the first lifecycle event reaching TRIAGED,
ACCEPTED and CLOSED (``need_event``); each is summarised by its median and 90th percentile, over all
categories and per category. "Closed in the loop" is the share of the period's needs now CLOSED, of
all of them and of those that reached an end (CLOSED, REJECTED, CANCELLED or EXPIRED).

Two statements: one GROUP BY for the counts, one for the durations (ranked with window functions).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from models.enums import CareCategory, NeedStatus
from resolvers.reports.percentiles import MEDIAN, P90, kept_ranks, quantile
from resolvers.reports.scope import ReportScope
from resolvers.reports.sql import ReportStatement, count, number, share

STEPS = (NeedStatus.TRIAGED, NeedStatus.ACCEPTED, NeedStatus.CLOSED)
FINISHED = frozenset({NeedStatus.CLOSED, NeedStatus.REJECTED, NeedStatus.CANCELLED, NeedStatus.EXPIRED})
HOUR = 3600.0


@dataclass(frozen=True, slots=True)
class NeedCount:
    """Needs of one category and status submitted in one community during the period."""

    community_id: int
    community_name: str
    category: CareCategory
    status: NeedStatus
    count: int


@dataclass(frozen=True, slots=True)
class StepTiming:
    """Hours from submission to the first event reaching ``to_status`` (``category`` None: all categories)."""

    to_status: NeedStatus
    category: CareCategory | None
    needs: int
    median_hours: float | None
    p90_hours: float | None


@dataclass(frozen=True, slots=True)
class NeedReport:
    """The counts and the step timings of one scope."""

    where: ReportScope
    counts: list[NeedCount]
    timings: list[StepTiming]

    def with_status(self, *statuses: NeedStatus) -> int:
        """Needs of the period now in one of ``statuses``."""
        return sum(row.count for row in self.counts if row.status in statuses)

    @property
    def submitted(self) -> int:
        """Needs submitted in the period."""
        return sum(row.count for row in self.counts)

    @property
    def finished(self) -> int:
        """Needs of the period that reached an end (closed, rejected, cancelled or expired)."""
        return self.with_status(*FINISHED)

    @property
    def closed_share(self) -> float | None:
        """CLOSED needs as a share of the period's needs."""
        return share(self.with_status(NeedStatus.CLOSED), self.submitted)

    @property
    def closed_share_of_finished(self) -> float | None:
        """CLOSED needs as a share of the period's needs that reached an end."""
        return share(self.with_status(NeedStatus.CLOSED), self.finished)


async def need_report(where: ReportScope) -> NeedReport:
    """The need report of ``where`` (two statements)."""
    return NeedReport(where, await _counts(where), await _timings(where))


async def _counts(where: ReportScope) -> list[NeedCount]:
    sql = ReportStatement()
    text = (f"SELECT n.community_id, a.name AS community_name, n.category, n.status, COUNT(*) AS n "
            f"FROM need n JOIN area a ON a.id = n.community_id "
            f"WHERE {sql.within('n.created_at', where.period)} AND {sql.among('n.community_id', where.community_ids)} "
            f"GROUP BY n.community_id, a.name, n.category, n.status ORDER BY n.community_id, n.category, n.status")
    return [NeedCount(r["community_id"], r["community_name"], CareCategory(r["category"]), NeedStatus(r["status"]),
                      count(r["n"])) for r in await sql.rows(text)]


async def _timings(where: ReportScope) -> list[StepTiming]:
    sql = ReportStatement()
    steps = ", ".join(f"'{step.value}'" for step in STEPS)
    text = f"""
        WITH scoped AS (
            SELECT id, category, created_at FROM need n
            WHERE {sql.within('n.created_at', where.period)} AND {sql.among('n.community_id', where.community_ids)}),
        reached AS (
            SELECT e.need_id, e.to_status AS step, MIN(e.created_at) AS reached_at
            FROM need_event e JOIN scoped s ON s.id = e.need_id
            WHERE e.to_status IN ({steps}) GROUP BY e.need_id, e.to_status),
        durations AS (
            SELECT r.step, s.category, {sql.seconds('r.reached_at', 's.created_at')} AS seconds
            FROM reached r JOIN scoped s ON s.id = r.need_id),
        cells AS (
            SELECT step, category, seconds FROM durations
            UNION ALL SELECT step, NULL, seconds FROM durations),
        ranked AS (
            SELECT step, category, seconds,
                   ROW_NUMBER() OVER (PARTITION BY step, category ORDER BY seconds) AS rn,
                   COUNT(*) OVER (PARTITION BY step, category) AS size
            FROM cells)
        SELECT step, category, size, rn, seconds FROM ranked WHERE {kept_ranks('rn', 'size')}"""
    cells: dict[tuple[str, str | None], dict[int, float]] = defaultdict(dict)
    sizes: dict[tuple[str, str | None], int] = {}
    for row in await sql.rows(text):
        key = (row["step"], row["category"])
        cells[key][int(row["rn"])] = number(row["seconds"]) or 0.0
        sizes[key] = int(row["size"])
    return [_timing(key, sizes[key], cells[key]) for key in sorted(sizes, key=_order)]


def _order(key: tuple[str, str | None]) -> tuple[int, int]:
    step, category = key
    categories = list(CareCategory)
    return STEPS.index(NeedStatus(step)), -1 if category is None else categories.index(CareCategory(category))


def _timing(key: tuple[str, str | None], size: int, values: dict[int, float]) -> StepTiming:
    step, category = key
    hours = {rank: seconds / HOUR for rank, seconds in values.items()}
    return StepTiming(NeedStatus(step), None if category is None else CareCategory(category), size,
                      quantile(hours, size, MEDIAN), quantile(hours, size, P90))
