"""GraphQL types of the console's reports: typed rows of aggregated figures, never a resident.

The figures are computed in the database (:mod:`resolvers.reports`); these types only name them. Rows
that point at an area, organization or project resolve it through the request's DataLoaders.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import date
from typing import Annotated, Any

import strawberry

import models
from graphql_api.context import Info
from graphql_api.types.area import Area
from graphql_api.types.enums import CareCategory, IncubationStage, NeedStatus, OrganizationKind
from graphql_api.types.organization import Organization
from graphql_api.types.project import Project
from models.enums import label
from resolvers.reports import incubation, needs, projects, providers
from resolvers.reports.scope import ReportScope


@strawberry.input(description="A period of Hangzhou calendar days, both ends included (at most 3,660 days).")
class ReportPeriodInput:
    from_: date = strawberry.field(name="from", description="First day of the period.")
    to: date = strawberry.field(description="Last day of the period (included).")


@strawberry.type(description="Needs of one category and status submitted in one community during the period.")
class NeedCountRow:
    category: CareCategory = strawberry.field(description="Care category.")
    status: NeedStatus = strawberry.field(description="Current status of the needs counted.")
    count: int = strawberry.field(description="How many.")
    community_name: str = strawberry.field(description="Name of the community.")
    community_id: strawberry.Private[int]

    @classmethod
    def of(cls, row: needs.NeedCount) -> NeedCountRow:
        return cls(category=row.category, status=row.status, count=row.count, community_name=row.community_name,
                   community_id=row.community_id)

    @strawberry.field(description="Chinese display label of `category`.")
    def category_label(self) -> str:
        return label(self.category)

    @strawberry.field(description="Chinese display label of `status`.")
    def status_label(self) -> str:
        return label(self.status)

    @strawberry.field(description="The community.")
    async def community(self, info: Info) -> Area:
        return Area.from_model(await info.context.loaders.by_id(models.Area).load(self.community_id))


@strawberry.type(description="Hours from a need's submission to the first time it reached `toStatus`: TRIAGED "
                             "(time to triage), ACCEPTED (to acceptance) or CLOSED (to closure).")
class NeedStepTiming:
    to_status: NeedStatus = strawberry.field(description="The status reached: TRIAGED, ACCEPTED or CLOSED.")
    category: CareCategory | None = strawberry.field(description="Care category; null for all categories.")
    needs: int = strawberry.field(description="Needs of the period that reached the status.")
    median_hours: float | None = strawberry.field(description="Median, in hours (null without needs).")
    p90_hours: float | None = strawberry.field(description="90th percentile, in hours (null without needs).")

    @classmethod
    def of(cls, row: needs.StepTiming) -> NeedStepTiming:
        return cls(to_status=row.to_status, category=row.category, needs=row.needs,
                   median_hours=row.median_hours, p90_hours=row.p90_hours)

    @strawberry.field(description="Chinese display label of `toStatus`.")
    def to_status_label(self) -> str:
        return label(self.to_status)

    @strawberry.field(description="Chinese display label of `category`; 全部 for all categories.")
    def category_label(self) -> str:
        return label(self.category) if self.category else "全部"


class Once:
    """The figures of one report object, each computed at most once and shared by the fields that need them."""

    def __init__(self) -> None:
        self._results: dict[object, asyncio.Future] = {}

    async def get(self, key: object, compute: Callable[[], Awaitable[Any]]) -> Any:
        """The result of ``compute`` for ``key``, run only on the first call (concurrent callers share it)."""
        if key not in self._results:
            self._results[key] = asyncio.ensure_future(compute())
        return await self._results[key]


@strawberry.type(description="Needs submitted in the period: counts, how many were closed in the loop, and the "
                             "time each step of the loop took. Each part is computed only when selected.")
class NeedReport:
    where: strawberry.Private[ReportScope]
    once: strawberry.Private[Once]

    async def _counts(self) -> needs.NeedCounts:
        return await self.once.get("counts", lambda: needs.need_counts(self.where))

    @strawberry.field(description="Needs submitted in the period.")
    async def submitted(self) -> int:
        return (await self._counts()).submitted

    @strawberry.field(description="Needs of the period now CLOSED (闭环).")
    async def closed(self) -> int:
        return (await self._counts()).with_status(NeedStatus.CLOSED)

    @strawberry.field(description="Needs of the period that expired before being served.")
    async def expired(self) -> int:
        return (await self._counts()).with_status(NeedStatus.EXPIRED)

    @strawberry.field(description="Needs of the period that reached an end: closed, rejected, cancelled or expired.")
    async def finished(self) -> int:
        return (await self._counts()).finished

    @strawberry.field(description="Closed needs as a share (0-1) of the period's needs; null without needs.")
    async def closed_share(self) -> float | None:
        return (await self._counts()).closed_share

    @strawberry.field(description="Closed needs as a share (0-1) of the period's needs that reached an end.")
    async def closed_share_of_finished(self) -> float | None:
        return (await self._counts()).closed_share_of_finished

    @strawberry.field(description="Needs by community, category and status.")
    async def counts(self) -> list[NeedCountRow]:
        return [NeedCountRow.of(row) for row in (await self._counts()).counts]

    @strawberry.field(description="Median and 90th percentile of the times to triage, acceptance and closure over all "
                                  "categories (category null), and per category with `byCategory`.")
    async def timings(
        self, by_category: Annotated[bool, strawberry.argument(
            description="Also per care category (takes about as long again on a large period).")] = False,
    ) -> list[NeedStepTiming]:
        rows = await self.once.get(("timings", by_category), lambda: needs.need_timings(self.where, by_category))
        return [NeedStepTiming.of(row) for row in rows]


@strawberry.type(description="How evenly assignments are shared among the active professionals in scope.")
class LoadSpread:
    professionals: int = strawberry.field(description="Active professionals in scope (those without work included).")
    assignments: int = strawberry.field(description="Their assignments in the period.")
    mean_assignments: float | None = strawberry.field(description="Assignments per professional.")
    max_assignments: int = strawberry.field(description="The most assignments one professional had.")
    gini: float | None = strawberry.field(description="Gini coefficient of assignments per professional: 0 when "
                                                      "all have the same, towards 1 when a few carry everything.")
    top_decile_share: float | None = strawberry.field(description="Share (0-1) of the assignments held by the "
                                                                  "busiest tenth of the professionals.")

    @classmethod
    def of(cls, load: providers.LoadSpread) -> LoadSpread:
        return cls(professionals=load.professionals, assignments=load.assignments,
                   mean_assignments=load.mean_assignments, max_assignments=load.max_assignments, gini=load.gini,
                   top_decile_share=load.top_decile_share)


@strawberry.type(description="Who serves and how much, in the period.")
class ProviderTotals:
    active_professionals: int = strawberry.field(description="Active professionals in scope.")
    active_organizations: int = strawberry.field(description="Active organizations in scope (not the hub centre).")
    assigned_needs: int = strawberry.field(description="Needs with an accepted or completed provider whose service "
                                                       "window starts in the period.")
    professionals_assigned: int = strawberry.field(description="Professionals with at least one assignment.")
    no_shows: int = strawberry.field(description="Assignments where the provider did not turn up.")
    services: int = strawberry.field(description="Confirmed service records started in the period.")
    hours_served: float = strawberry.field(description="Hours of those services (end minus start).")
    ratings: int = strawberry.field(description="Those services rated by the resident.")
    average_rating: float | None = strawberry.field(description="Their average rating, 1-5.")
    load_spread: LoadSpread = strawberry.field(description="How evenly assignments are shared.")

    @classmethod
    def of(cls, t: providers.ProviderTotals) -> ProviderTotals:
        return cls(active_professionals=t.active_professionals, active_organizations=t.active_organizations,
                   assigned_needs=t.assigned_needs, professionals_assigned=t.professionals_assigned,
                   no_shows=t.no_shows, services=t.services, hours_served=t.hours_served, ratings=t.ratings,
                   average_rating=t.average_rating, load_spread=LoadSpread.of(t.load))


@strawberry.type(description="One organization's figures in the period (its own matches and those dispatched "
                             "from them to its members).")
class OrganizationProviderRow:
    name: str = strawberry.field(description="The organization's name.")
    kind: OrganizationKind = strawberry.field(description="Its role in the community's network.")
    active_members: int = strawberry.field(description="Its active member professionals.")
    assigned_needs: int = strawberry.field(description="Needs it was assigned in the period.")
    services: int = strawberry.field(description="Confirmed services it gave in the period.")
    hours_served: float = strawberry.field(description="Hours of those services.")
    ratings: int = strawberry.field(description="Those services rated by the resident.")
    average_rating: float | None = strawberry.field(description="Their average rating, 1-5.")
    organization_id: strawberry.Private[int]

    @classmethod
    def of(cls, r: providers.OrganizationFigures) -> OrganizationProviderRow:
        return cls(name=r.name, kind=r.kind, active_members=r.active_members, assigned_needs=r.assigned_needs,
                   services=r.services, hours_served=r.hours_served, ratings=r.ratings,
                   average_rating=r.average_rating, organization_id=r.organization_id)

    @strawberry.field(description="The organization.")
    async def organization(self, info: Info) -> Organization:
        return Organization.from_model(await info.context.loaders.by_id(models.Organization).load(self.organization_id))


@strawberry.type(description="Providers in the period: totals and per organization (each computed only when "
                             "selected).")
class ProviderReport:
    where: strawberry.Private[ReportScope]

    @strawberry.field(description="The figures of the whole scope.")
    async def totals(self) -> ProviderTotals:
        return ProviderTotals.of(await providers.provider_totals(self.where))

    @strawberry.field(description="Per organization, by id.")
    async def organizations(self) -> list[OrganizationProviderRow]:
        return [OrganizationProviderRow.of(r) for r in await providers.organization_figures(self.where)]


@strawberry.type(description="Incubated organizations at one stage of the hub's incubation.")
class IncubationStageCount:
    stage: IncubationStage = strawberry.field(description="The stage.")
    count: int = strawberry.field(description="How many organizations are at it now.")

    @strawberry.field(description="Chinese display label of `stage`.")
    def stage_label(self) -> str:
        return label(self.stage)


@strawberry.type(description="The hub's incubation: organizations by stage, graduations and claimed projects.")
class IncubationReport:
    stages: list[IncubationStageCount] = strawberry.field(description="Incubated organizations by current stage.")
    graduated_this_year: int = strawberry.field(description="Graduated in the calendar year of the period's end.")
    graduated_in_period: int = strawberry.field(description="Graduated during the period.")
    started_in_period: int = strawberry.field(description="Started incubation during the period.")
    projects_claimed: int = strawberry.field(description="Projects with at least one active claim (项目认领).")
    active_claims: int = strawberry.field(description="Active claims.")
    claims_by_organizations: int = strawberry.field(description="Active claims made by organizations.")
    claims_by_professionals: int = strawberry.field(description="Active claims made by professionals.")
    claims_in_period: int = strawberry.field(description="Claims made during the period (active or withdrawn).")

    @classmethod
    def of(cls, r: incubation.IncubationReport) -> IncubationReport:
        return cls(stages=[IncubationStageCount(stage=s.stage, count=s.count) for s in r.stages],
                   graduated_this_year=r.graduated_this_year, graduated_in_period=r.graduated_in_period,
                   started_in_period=r.started_in_period, projects_claimed=r.projects_claimed,
                   active_claims=r.active_claims, claims_by_organizations=r.claims_by_organizations,
                   claims_by_professionals=r.claims_by_professionals, claims_in_period=r.claims_in_period)


@strawberry.type(description="Sessions starting in the period of one project (or of all, for the totals): held, "
                             "seats filled, waitlists and attendance.")
class ProjectSessionFigures:
    sessions: int = strawberry.field(description="Sessions starting in the period.")
    held: int = strawberry.field(description="Of those, completed or over and not cancelled.")
    cancelled: int = strawberry.field(description="Of those, cancelled.")
    seats: int = strawberry.field(description="Seats of the sessions not cancelled.")
    seats_filled: int = strawberry.field(description="Confirmed enrollments in them.")
    fill_rate: float | None = strawberry.field(description="Seats filled as a share (0-1) of the seats.")
    waitlisted: int = strawberry.field(description="Enrollments still on a waitlist.")
    sessions_with_waitlist: int = strawberry.field(description="Sessions with a waitlist.")
    attended: int = strawberry.field(description="Residents recorded present at held sessions.")
    attendance_rate: float | None = strawberry.field(description="Those present as a share of the held sessions' "
                                                                 "confirmed enrollments (walk-ins can exceed 1).")
    project_id: strawberry.Private[int | None]

    @classmethod
    def of(cls, r: projects.SessionFigures) -> ProjectSessionFigures:
        return cls(sessions=r.sessions, held=r.held, cancelled=r.cancelled, seats=r.seats,
                   seats_filled=r.seats_filled, fill_rate=r.fill_rate, waitlisted=r.waitlisted,
                   sessions_with_waitlist=r.sessions_with_waitlist, attended=r.attended,
                   attendance_rate=r.attendance_rate, project_id=r.project_id)

    @strawberry.field(description="The project; null on the totals.")
    async def project(self, info: Info) -> Project | None:
        if self.project_id is None:
            return None
        return Project.from_model(await info.context.loaders.by_id(models.Project).load(self.project_id))


@strawberry.type(description="Projects' sessions in the period.")
class ProjectReport:
    totals: ProjectSessionFigures = strawberry.field(description="All the projects added up.")
    projects: list[ProjectSessionFigures] = strawberry.field(description="Per project with sessions in the period.")
