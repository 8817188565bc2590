"""The reports as tables, for the console's CSV downloads: the same figures as the GraphQL reports.

Headers are Chinese (the console's users open the files in Excel), each enum comes as its Chinese label
and its code, hours with two decimals, shares (0-1) with four, and an unknown figure (a share of
nothing, the average of no rating) as an empty cell. Each table is one report of
:mod:`resolvers.reports`, checked and scoped exactly as the GraphQL query is.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from models.enums import NeedStatus, label
from resolvers.errors import DomainError, ErrorCode
from resolvers.reports.incubation import IncubationReport, incubation_report
from resolvers.reports.needs import NeedCounts, StepTiming, need_counts, need_timings
from resolvers.reports.projects import ProjectReport, SessionFigures, project_report
from resolvers.reports.providers import OrganizationFigures, ProviderTotals, organization_figures, provider_totals
from resolvers.reports.scope import ReportPeriod, ReportScope, organization_report, staff_report
from resolvers.scope import Scope


@dataclass(frozen=True, slots=True)
class Table:
    """A header row and the data rows."""

    headers: tuple[str, ...]
    rows: list[tuple[Any, ...]]


def hours(value: float | None) -> str:
    """Hours with two decimals ('' for unknown)."""
    return "" if value is None else f"{value:.2f}"


def ratio(value: float | None) -> str:
    """A share or an average with four decimals ('' for unknown)."""
    return "" if value is None else f"{value:.4f}"


def _needs(report: NeedCounts) -> Table:
    return Table(("社区", "类别", "类别代码", "状态", "状态代码", "需求数"), [
        (r.community_name, label(r.category), r.category.value, label(r.status), r.status.value, r.count)
        for r in report.counts])


def _need_summary(report: NeedCounts) -> Table:
    closed, expired = report.with_status(NeedStatus.CLOSED), report.with_status(NeedStatus.EXPIRED)
    return Table(("指标", "数值"), [
        ("提交需求数", report.submitted), ("已闭环", closed), ("已过期", expired), ("已结束", report.finished),
        ("闭环率（占提交）", ratio(report.closed_share)),
        ("闭环率（占已结束）", ratio(report.closed_share_of_finished))])


def _need_timings(timings: list[StepTiming]) -> Table:
    return Table(("环节（到达状态）", "状态代码", "类别", "类别代码", "需求数", "中位数（小时）", "90分位（小时）"), [
        (label(t.to_status), t.to_status.value, label(t.category) if t.category else "全部",
         t.category.value if t.category else "", t.needs, hours(t.median_hours), hours(t.p90_hours))
        for t in timings])


def _providers(t: ProviderTotals) -> Table:
    load = t.load
    return Table(("指标", "数值"), [
        ("在岗专业人士", t.active_professionals), ("正常运营的组织（不含枢纽）", t.active_organizations),
        ("已派单需求", t.assigned_needs), ("有派单的专业人士", t.professionals_assigned), ("爽约", t.no_shows),
        ("已确认服务", t.services), ("服务时长（小时）", hours(t.hours_served)), ("评价数", t.ratings),
        ("平均评分", ratio(t.average_rating)), ("人均派单", ratio(load.mean_assignments)),
        ("最多派单", load.max_assignments), ("派单基尼系数", ratio(load.gini)),
        ("最忙10%专业人士承担的派单占比", ratio(load.top_decile_share))])


def _provider_organizations(organizations: list[OrganizationFigures]) -> Table:
    return Table(("组织", "类型", "类型代码", "在岗成员", "已派单需求", "已确认服务", "服务时长（小时）", "评价数",
                  "平均评分"), [
        (r.name, label(r.kind), r.kind.value, r.active_members, r.assigned_needs, r.services, hours(r.hours_served),
         r.ratings, ratio(r.average_rating)) for r in organizations])


def _incubation(report: IncubationReport) -> Table:
    stages = [(f"孵化阶段：{label(s.stage)}", s.count) for s in report.stages]
    return Table(("指标", "数值"), [
        *stages, ("本年度出壳", report.graduated_this_year), ("期间出壳", report.graduated_in_period),
        ("期间入驻孵化", report.started_in_period), ("已被认领的项目", report.projects_claimed),
        ("有效认领", report.active_claims), ("组织认领", report.claims_by_organizations),
        ("专业人士认领", report.claims_by_professionals), ("期间新认领", report.claims_in_period)])


def _project_row(r: SessionFigures) -> tuple[Any, ...]:
    return (r.project_name, r.organizer_name, label(r.category) if r.category else "", r.sessions, r.held,
            r.cancelled, r.seats, r.seats_filled, ratio(r.fill_rate), r.waitlisted, r.sessions_with_waitlist,
            r.attended, ratio(r.attendance_rate))


def _projects(report: ProjectReport) -> Table:
    return Table(("项目", "主办组织", "类别", "活动场次", "已举办", "已取消", "名额", "已报名", "满员率", "候补人数",
                  "有候补的场次", "到场居民", "到场率"),
                 [_project_row(r) for r in report.projects] + [_project_row(report.totals)])


ScopeOf = Callable[[Scope, ReportPeriod, int | None], ReportScope]
TABLES: dict[str, tuple[ScopeOf, Callable[[ReportScope], Awaitable[Any]], Callable[[Any], Table]]] = {
    "needs": (staff_report, need_counts, _needs),
    "need-summary": (staff_report, need_counts, _need_summary),
    "need-timings": (staff_report, lambda where: need_timings(where, by_category=True), _need_timings),
    "providers": (organization_report, provider_totals, _providers),
    "provider-organizations": (organization_report, organization_figures, _provider_organizations),
    "incubation": (staff_report, incubation_report, _incubation),
    "projects": (organization_report, project_report, _projects),
}


async def report_table(name: str, scope: Scope, period: ReportPeriod, community_id: int | None) -> Table:
    """The table ``name`` (one of :data:`TABLES`) of the viewer's scope over ``period``."""
    if name not in TABLES:
        raise DomainError(ErrorCode.NOT_FOUND, f"No report is called {name!r}; reports: {', '.join(TABLES)}.")
    scope_of, build, tabulate = TABLES[name]
    return tabulate(await build(scope_of(scope, period, community_id)))
