"""The incubation report: the hub's incubated organizations by stage, graduations and claimed projects.

- Stages: incubated organizations (kind INCUBATED) by their current stage.
- Graduated this year: ``graduated_on`` in the Hangzhou calendar year of the period's last day;
  graduated / started in the period: ``graduated_on`` / ``incubation_started_on`` within its days.
- Projects claimed (项目认领): projects with an active claim, and the active claims by organizations and
  by professionals; claims made in the period (``created_at``).

Staff see the organizations based in their communities and the projects of those communities (or of the
whole subdistrict). Two statements.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from models.enums import IncubationStage
from resolvers.reports.scope import ReportScope
from resolvers.reports.sql import ALWAYS, ReportStatement, count


@dataclass(frozen=True, slots=True)
class StageCount:
    """Incubated organizations at one stage."""

    stage: IncubationStage
    count: int


@dataclass(frozen=True, slots=True)
class IncubationReport:
    """The incubation figures of one scope."""

    where: ReportScope
    stages: list[StageCount]
    graduated_this_year: int
    graduated_in_period: int
    started_in_period: int
    projects_claimed: int
    active_claims: int
    claims_by_organizations: int
    claims_by_professionals: int
    claims_in_period: int


def project_area(sql: ReportStatement, where: ReportScope, column: str = "p.area_id") -> str:
    """Projects of the scope's communities or of the whole subdistrict (area null); all for None."""
    if where.community_ids is None:
        return ALWAYS
    return f"({sql.among(column, where.community_ids)} OR {column} IS NULL)"


async def incubation_report(where: ReportScope) -> IncubationReport:
    """The incubation report of ``where``."""
    sql = ReportStatement()
    text = (f"SELECT incubation_stage AS stage, COUNT(*) AS n FROM organization o "
            f"WHERE o.kind = 'INCUBATED' AND o.incubation_stage IS NOT NULL "
            f"AND {sql.among('o.area_id', where.community_ids)} GROUP BY o.incubation_stage")
    by_stage = {IncubationStage(r["stage"]): count(r["n"]) for r in await sql.rows(text)}
    figures = await _figures(where)
    return IncubationReport(where, [StageCount(stage, by_stage.get(stage, 0)) for stage in IncubationStage],
                            **figures)


async def _figures(where: ReportScope) -> dict[str, int]:
    sql, period = ReportStatement(), where.period
    year = period.last_day.year

    def organizations(condition: str) -> str:
        area = sql.among("o.area_id", where.community_ids)
        return f"(SELECT COUNT(*) FROM organization o WHERE {condition} AND {area})"

    def claims(select: str, condition: str = ALWAYS) -> str:
        return (f"(SELECT {select} FROM project_claim c JOIN project p ON p.id = c.project_id "
                f"WHERE {condition} AND {project_area(sql, where)})")

    active = "c.status = 'ACTIVE'"
    text = f"""SELECT
        {organizations(sql.days_between('o.graduated_on', date(year, 1, 1), date(year, 12, 31)))}
            AS graduated_this_year,
        {organizations(sql.days_between('o.graduated_on', period.first_day, period.last_day))} AS graduated_in_period,
        {organizations(sql.days_between('o.incubation_started_on', period.first_day, period.last_day))}
            AS started_in_period,
        {claims('COUNT(DISTINCT c.project_id)', active)} AS projects_claimed,
        {claims('COUNT(*)', active)} AS active_claims,
        {claims('COUNT(*)', active + ' AND c.organization_id IS NOT NULL')} AS claims_by_organizations,
        {claims('COUNT(*)', active + ' AND c.professional_id IS NOT NULL')} AS claims_by_professionals,
        {claims('COUNT(*)', sql.within('c.created_at', period))} AS claims_in_period"""
    row = (await sql.rows(text))[0]
    return {name: count(value) for name, value in row.items()}
