"""The need report: needs by community, category and status, and how long the steps of their loop took.

Needs count in the period they were submitted in (``need.created_at``). The times to triage, to
acceptance and to closure run from the submission to the moment the need reached TRIAGED, ACCEPTED
and CLOSED: the need's own ``triaged_at``, ``accepted_at`` and ``closed_at`` (:mod:`models.step_times`,
the time of its one event to that status), so no ``need_event`` row is read. Each is summarised by its
median and 90th percentile (``percentile_cont``'s definition), over all categories and, when asked,
per category. "Closed in the loop" is the share of the period's needs now CLOSED, of all of them and of
those that reached an end (CLOSED, REJECTED, CANCELLED or EXPIRED).

One statement each: a GROUP BY for the counts (:func:`need_counts`); for the durations
(:func:`need_timings`) on PostgreSQL ``percentile_cont`` over each step's column in one pass over the needs
(or over the grouping sets category and all), an index-only scan of the period reports' index; elsewhere
(SQLite has no ``percentile_cont``) window functions that rank the durations and return only the rows
around the quantiles (:mod:`resolvers.reports.percentiles`).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from models.enums import CareCategory, NeedStatus
from models.step_times import STEP_COLUMNS
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
    """Hours from submission to reaching ``to_status`` (``category`` None: all categories)."""

    to_status: NeedStatus
    category: CareCategory | None
    needs: int
    median_hours: float | None
    p90_hours: float | None


@dataclass(frozen=True, slots=True)
class NeedCounts:
    """The needs of one scope by community, category and status, and what they add up to."""

    where: ReportScope
    counts: list[NeedCount]

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


async def need_counts(where: ReportScope) -> NeedCounts:
    """The needs of ``where`` by community, category and status (one statement)."""
    sql = ReportStatement()
    text = (f"SELECT c.community_id, a.name AS community_name, c.category, c.status, c.n FROM ("
            f"SELECT n.community_id, n.category, n.status, COUNT(*) AS n FROM need n "
            f"WHERE {sql.within('n.created_at', where.period)} AND {sql.among('n.community_id', where.community_ids)} "
            f"GROUP BY n.community_id, n.category, n.status) c JOIN area a ON a.id = c.community_id "
            f"ORDER BY c.community_id, c.category, c.status")
    return NeedCounts(where, [NeedCount(r["community_id"], r["community_name"], CareCategory(r["category"]),
                                        NeedStatus(r["status"]), count(r["n"])) for r in await sql.rows(text)])


def _in_scope(sql: ReportStatement, where: ReportScope) -> str:
    """The needs submitted in the period in the scope's communities."""
    return f"{sql.within('n.created_at', where.period)} AND {sql.among('n.community_id', where.community_ids)}"


def _durations(sql: ReportStatement, where: ReportScope) -> str:
    """The CTE ``durations``: (step, category, seconds) of every step reached by a need of the scope.

    Each need is crossed with the three steps, a step's time being the need's column for it (NULL: not reached).
    """
    steps = " UNION ALL ".join(f"SELECT '{step.value}' AS step" for step in STEPS)
    reached = "CASE s.step " + " ".join(f"WHEN '{step.value}' THEN n.{STEP_COLUMNS[step]}" for step in STEPS) + " END"
    return f"""durations AS (
            SELECT s.step, n.category, {sql.seconds(reached, 'n.created_at')} AS seconds
            FROM need n CROSS JOIN ({steps}) s
            WHERE {_in_scope(sql, where)} AND {reached} IS NOT NULL)"""


async def need_timings(where: ReportScope, by_category: bool = False) -> list[StepTiming]:
    """Median and 90th percentile of each step over all categories, and per category if ``by_category``."""
    sql = ReportStatement()
    timings = await (_percentile_cont if sql.postgres else _ranked)(sql, where, by_category)
    return sorted(timings, key=_order)


async def _percentile_cont(sql: ReportStatement, where: ReportScope, by_category: bool) -> list[StepTiming]:
    """PostgreSQL: one pass over the needs, ordered-set aggregates per step column (they skip NULLs: steps not
    reached), over all of them or over the grouping sets (category) and ()."""
    figures = []
    for column in STEP_COLUMNS.values():
        seconds = sql.seconds(f"n.{column}", "n.created_at")
        figures.append(f"COUNT(n.{column}) AS {column}_size, "
                       f"percentile_cont(0.5) WITHIN GROUP (ORDER BY {seconds}) AS {column}_median, "
                       f"percentile_cont(0.9) WITHIN GROUP (ORDER BY {seconds}) AS {column}_p90")
    category = sql.key("n.category")
    text = (f"SELECT {category if by_category else 'NULL'} AS category, {', '.join(figures)} FROM need n "
            f"WHERE {_in_scope(sql, where)}" + (f" GROUP BY GROUPING SETS (({category}), ())" if by_category else ""))
    return [StepTiming(step, CareCategory(r["category"]) if r["category"] else None, count(r[f"{column}_size"]),
                       (number(r[f"{column}_median"]) or 0.0) / HOUR, (number(r[f"{column}_p90"]) or 0.0) / HOUR)
            for r in await sql.rows(text) for step, column in STEP_COLUMNS.items() if r[f"{column}_size"]]


async def _ranked(sql: ReportStatement, where: ReportScope, by_category: bool) -> list[StepTiming]:
    """Any dialect (SQLite): window functions rank each group's durations; only the quantiles' ranks return."""
    per_category = "SELECT step, category, seconds FROM durations UNION ALL " if by_category else ""
    text = f"""
        WITH {_durations(sql, where)},
        cells AS ({per_category}SELECT step, NULL AS category, seconds FROM durations),
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
    return [_timing(key, sizes[key], cells[key]) for key in sizes]


def _order(timing: StepTiming) -> tuple[int, int]:
    categories = list(CareCategory)
    return STEPS.index(timing.to_status), -1 if timing.category is None else categories.index(timing.category)


def _timing(key: tuple[str, str | None], size: int, values: dict[int, float]) -> StepTiming:
    step, category = key
    hours = {rank: seconds / HOUR for rank, seconds in values.items()}
    return StepTiming(NeedStatus(step), None if category is None else CareCategory(category), size,
                      quantile(hours, size, MEDIAN), quantile(hours, size, P90))
