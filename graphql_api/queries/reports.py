"""Root queries of the console's reports (the same figures as the CSV downloads of :mod:`graphql_api.downloads`)."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry import relay

from graphql_api.context import Info
from graphql_api.types.common import decode_id
from graphql_api.types.reports import (
    IncubationReport,
    NeedReport,
    Once,
    ProjectReport,
    ProjectSessionFigures,
    ProviderReport,
    ReportPeriodInput,
)
from resolvers.reports.incubation import incubation_report
from resolvers.reports.projects import project_report
from resolvers.reports.scope import ReportPeriod, organization_report, staff_report

Period = Annotated[ReportPeriodInput, strawberry.argument(description="The Hangzhou days the report covers.")]
Community = Annotated[relay.GlobalID | None, strawberry.argument(
    description="Only this community (one you serve); omitted: every community you may see.")]


def _period(period: ReportPeriodInput) -> ReportPeriod:
    return ReportPeriod.of(period.from_, period.to)


def _community(community_id: relay.GlobalID | None) -> int | None:
    return decode_id(community_id, "Area", "communityId")


@strawberry.type
class ReportQuery:
    @strawberry.field(description="Needs submitted in the period by community, category and status, the share "
                                  "closed in the loop and the times to triage, acceptance and closure. Centre staff "
                                  "(their communities) and centre admins.")
    async def need_report(self, info: Info, period: Period, community_id: Community = None) -> NeedReport:
        where = staff_report(await info.context.scope(), _period(period), _community(community_id))
        return NeedReport(where=where, once=Once())

    @strawberry.field(description="Active professionals and organizations, assignments, hours served, ratings and "
                                  "load spread in the period. Centre staff (their communities), centre admins, and "
                                  "an organization's admin (their organization).")
    async def provider_report(self, info: Info, period: Period, community_id: Community = None) -> ProviderReport:
        scope = await info.context.scope()
        return ProviderReport(where=organization_report(scope, _period(period), _community(community_id)))

    @strawberry.field(description="Incubated organizations by stage, graduations and claimed projects. Centre staff "
                                  "(organizations and projects of their communities) and centre admins.")
    async def incubation_report(self, info: Info, period: Period, community_id: Community = None) -> IncubationReport:
        where = staff_report(await info.context.scope(), _period(period), _community(community_id))
        return IncubationReport.of(await incubation_report(where))

    @strawberry.field(description="Per project, the sessions starting in the period: held, seats filled, waitlists "
                                  "and attendance. Centre staff (projects of their communities and of the whole "
                                  "subdistrict), centre admins, and an organization's admin (its projects).")
    async def project_report(self, info: Info, period: Period, community_id: Community = None) -> ProjectReport:
        scope = await info.context.scope()
        report = await project_report(organization_report(scope, _period(period),
                                                          _community(community_id)))
        return ProjectReport(totals=ProjectSessionFigures.of(report.totals),
                             projects=[ProjectSessionFigures.of(r) for r in report.projects])
