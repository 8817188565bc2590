"""The provider report: who serves, how much, how well rated, and how evenly the work is shared.

- An assignment is a match ACCEPTED or COMPLETED for a need whose service window starts in the period.
  A match counts for an organization when it is the organization's own or was dispatched from it.
- Hours served: confirmed service records started in the period, ``ended_at - started_at`` each; their
  ratings are the residents' (one per service, so a dispatched service is not rated twice).
- Load spread: assignments per active professional in scope (those with none included), summarised
  by the Gini coefficient (0: all equal, towards 1: a few carry everything), the mean, the maximum and
  the share held by the busiest tenth.

Scope: staff's communities are the needs' communities (and the professionals serving them, the
organizations based there); an organization's admin sees what counts for their organization and its
members. One statement for the totals (:func:`provider_totals`), one for the figures per organization
(:func:`organization_figures`).
"""

from __future__ import annotations

from dataclasses import dataclass

from models.enums import OrganizationKind
from resolvers.reports.scope import ReportScope
from resolvers.reports.sql import ALWAYS, ReportStatement, count, number, share

HOUR = 3600.0
#: The organization a match counts for: its own, or the one it was dispatched from (looked up only then).
ORGANIZATION_OF_MATCH = ('(CASE WHEN m.dispatched_from_id IS NULL THEN m.organization_id ELSE (SELECT '
                         'parent.organization_id FROM "match" parent WHERE parent.id = m.dispatched_from_id) END)')


@dataclass(frozen=True, slots=True)
class LoadSpread:
    """How assignments are shared among the active professionals in scope."""

    professionals: int
    assignments: int
    max_assignments: int
    gini: float | None
    top_decile_share: float | None

    @property
    def mean_assignments(self) -> float | None:
        """Assignments per active professional."""
        return share(self.assignments, self.professionals)


@dataclass(frozen=True, slots=True)
class ProviderTotals:
    """The provider figures of one scope."""

    active_professionals: int
    active_organizations: int
    assigned_needs: int
    professionals_assigned: int
    no_shows: int
    services: int
    hours_served: float
    ratings: int
    average_rating: float | None
    load: LoadSpread


@dataclass(frozen=True, slots=True)
class OrganizationFigures:
    """One organization's figures in the period."""

    organization_id: int
    name: str
    kind: OrganizationKind
    active_members: int
    assigned_needs: int
    services: int
    hours_served: float
    ratings: int
    average_rating: float | None


def _work(sql: ReportStatement, where: ReportScope, by_organization: bool = False) -> str:
    """The CTEs ``assigned`` (assignments) and ``served`` (confirmed services) of the scope.

    A service's organization is looked up (through its match) only when it is needed: for the figures per
    organization (``by_organization``) or an organization's admin; its need only for a community filter.
    """
    period, communities, organization = where.period, where.community_ids, where.organization_id
    with_organization = by_organization or organization is not None
    # the organization's own matches, or those dispatched from one of them (written so the planner sees how few)
    own = ALWAYS if organization is None else (
        f"(m.organization_id = {sql.param(organization)} OR (m.dispatched_from_id IS NOT NULL AND "
        f"{ORGANIZATION_OF_MATCH} = {sql.param(organization)}))")
    service_joins = (" JOIN need n ON n.id = sr.need_id" if communities is not None else "") + (
        ' JOIN "match" m ON m.id = sr.match_id' if with_organization else "")
    return f"""
        assigned AS (
            SELECT m.id, m.need_id, m.professional_id, m.no_show, {ORGANIZATION_OF_MATCH} AS organization_id
            FROM "match" m JOIN need n ON n.id = m.need_id
            WHERE m.status IN ('ACCEPTED', 'COMPLETED') AND {own} AND {sql.within('n.window_start', period)}
              AND {sql.among('n.community_id', communities)}),
        served AS (
            SELECT sr.id, {ORGANIZATION_OF_MATCH if with_organization else 'NULL'} AS organization_id, sr.rating,
                   {sql.seconds('sr.ended_at', 'sr.started_at')} AS seconds
            FROM service_record sr{service_joins}
            WHERE sr.status = 'CONFIRMED' AND sr.ended_at IS NOT NULL AND {sql.within('sr.started_at', period)}
              AND {sql.among('n.community_id', communities)} AND {own})"""


def _pool(sql: ReportStatement, where: ReportScope) -> str:
    """The CTE ``pool``: active professionals serving the communities, or members of the organization."""
    serving = ALWAYS if where.community_ids is None else (
        "EXISTS (SELECT 1 FROM professional_service_area psa WHERE psa.professional_id = p.id "
        f"AND {sql.among('psa.area_id', where.community_ids)})")
    member = ALWAYS if where.organization_id is None else (
        "EXISTS (SELECT 1 FROM membership ms WHERE ms.professional_id = p.id "
        f"AND {sql.equals('ms.organization_id', where.organization_id)})")
    return f"pool AS (SELECT p.id FROM professional p WHERE p.status = 'ACTIVE' AND {serving} AND {member})"


async def provider_totals(where: ReportScope) -> ProviderTotals:
    """The provider figures of the whole scope (one statement)."""
    sql = ReportStatement()
    text = f"""
        WITH {_work(sql, where)}, {_pool(sql, where)},
        per_professional AS (SELECT professional_id, COUNT(*) AS n FROM assigned GROUP BY professional_id),
        loads AS (SELECT pool.id, COALESCE(pp.n, 0) AS n FROM pool
                  LEFT JOIN per_professional pp ON pp.professional_id = pool.id),
        ranked AS (SELECT n, ROW_NUMBER() OVER (ORDER BY n, id) AS i, COUNT(*) OVER () AS total FROM loads)
        SELECT (SELECT COUNT(*) FROM pool) AS professionals,
               (SELECT COUNT(*) FROM organization o WHERE o.status = 'ACTIVE' AND o.kind <> 'HUB_CENTRE'
                  AND {sql.among('o.area_id', where.community_ids)}
                  AND {sql.equals('o.id', where.organization_id)}) AS organizations,
               (SELECT COUNT(DISTINCT need_id) FROM assigned) AS assigned_needs,
               (SELECT COUNT(DISTINCT professional_id) FROM assigned) AS professionals_assigned,
               (SELECT SUM(CASE WHEN no_show THEN 1 ELSE 0 END) FROM assigned) AS no_shows,
               (SELECT COUNT(*) FROM served) AS services,
               (SELECT SUM(seconds) FROM served) AS seconds,
               (SELECT COUNT(rating) FROM served) AS ratings,
               (SELECT AVG(rating) FROM served) AS average_rating,
               (SELECT SUM(n) FROM loads) AS load_assignments,
               (SELECT MAX(n) FROM loads) AS max_load,
               (SELECT SUM((2 * i - total - 1) * n) FROM ranked) AS gini_numerator,
               (SELECT SUM(CASE WHEN i > total - (total + 9) / 10 THEN n ELSE 0 END) FROM ranked) AS top_decile"""
    row = (await sql.rows(text))[0]
    professionals, assignments = count(row["professionals"]), count(row["load_assignments"])
    load = LoadSpread(
        professionals, assignments, count(row["max_load"]),
        share(count(row["gini_numerator"]), professionals * assignments),
        share(count(row["top_decile"]), assignments),
    )
    return ProviderTotals(
        professionals, count(row["organizations"]), count(row["assigned_needs"]),
        count(row["professionals_assigned"]), count(row["no_shows"]), count(row["services"]),
        (number(row["seconds"]) or 0.0) / HOUR, count(row["ratings"]), number(row["average_rating"]), load,
    )


async def organization_figures(where: ReportScope) -> list[OrganizationFigures]:
    """The figures of each organization of the scope, by id (one statement)."""
    sql = ReportStatement()
    text = f"""
        WITH {_work(sql, where, by_organization=True)},
        members AS (SELECT ms.organization_id, COUNT(*) AS n FROM membership ms
                    JOIN professional p ON p.id = ms.professional_id AND p.status = 'ACTIVE'
                    GROUP BY ms.organization_id),
        by_assigned AS (SELECT organization_id, COUNT(DISTINCT need_id) AS needs FROM assigned
                        WHERE organization_id IS NOT NULL GROUP BY organization_id),
        by_served AS (SELECT organization_id, COUNT(*) AS services, SUM(seconds) AS seconds,
                             COUNT(rating) AS ratings, AVG(rating) AS average_rating
                      FROM served WHERE organization_id IS NOT NULL GROUP BY organization_id)
        SELECT o.id, o.name, o.kind, mb.n AS members, ba.needs, bs.services, bs.seconds, bs.ratings,
               bs.average_rating
        FROM organization o LEFT JOIN members mb ON mb.organization_id = o.id
        LEFT JOIN by_assigned ba ON ba.organization_id = o.id LEFT JOIN by_served bs ON bs.organization_id = o.id
        WHERE o.kind <> 'HUB_CENTRE' AND {sql.equals('o.id', where.organization_id)}
          AND ({sql.among('o.area_id', where.community_ids)} OR ba.needs IS NOT NULL OR bs.services IS NOT NULL)
        ORDER BY o.id"""
    return [
        OrganizationFigures(
            r["id"], r["name"], OrganizationKind(r["kind"]), count(r["members"]), count(r["needs"]),
            count(r["services"]), (number(r["seconds"]) or 0.0) / HOUR, count(r["ratings"]),
            number(r["average_rating"]),
        )
        for r in await sql.rows(text)
    ]
