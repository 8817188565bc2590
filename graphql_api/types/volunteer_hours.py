"""GraphQL types of volunteer hours: totals by month, category and project, and a volunteer's statement.

Hours are ``Decimal`` with two places beside the exact minutes. A statement's lines carry the fields the
volunteer-service record measures ask for (活动名称, 日期, 地点, 服务对象, 服务内容, 起止时间, 评价, 负责人,
记录人), so the mini-program can render and print it.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import strawberry

import models
from graphql_api.context import Info
from graphql_api.types.common import After, Before, Connection, First, Last, page_args
from graphql_api.types.enums import CareCategory
from graphql_api.types.professional import Professional
from graphql_api.types.project import Project
from models.enums import label
from resolvers import volunteer_hours as service
from resolvers.pagination import Page
from resolvers.time_bank_ledger import to_hours


@strawberry.type(description="Volunteer time of one month (Hangzhou).")
class HoursByMonth:
    month: str = strawberry.field(description="The month, YYYY-MM.")
    minutes: int = strawberry.field(description="Minutes served.")

    @strawberry.field(description="Hours served (two decimals).")
    def hours(self) -> Decimal:
        return to_hours(self.minutes)


@strawberry.type(description="Volunteer time in one care category.")
class HoursByCategory:
    category: CareCategory = strawberry.field(description="The care category.")
    minutes: int = strawberry.field(description="Minutes served.")

    @strawberry.field(description="Chinese display label of `category`.")
    def category_label(self) -> str:
        return label(self.category)

    @strawberry.field(description="Hours served (two decimals).")
    def hours(self) -> Decimal:
        return to_hours(self.minutes)


@strawberry.type(description="Volunteer time in one project, or in services to residents' needs (no project).")
class HoursByProject:
    minutes: int = strawberry.field(description="Minutes served.")
    project_id: strawberry.Private[int | None]

    @strawberry.field(description="Hours served (two decimals).")
    def hours(self) -> Decimal:
        return to_hours(self.minutes)

    @strawberry.field(description="The project; null for services to residents' needs.")
    async def project(self, info: Info) -> Project | None:
        if self.project_id is None:
            return None
        return Project.from_model(await info.context.loaders.by_id(models.Project).load(self.project_id))


@strawberry.type(description="Volunteer hours over a period: confirmed services and staffed project sessions.")
class VolunteerHours:
    total_minutes: int = strawberry.field(description="Minutes served in all.")
    service_count: int = strawberry.field(description="Confirmed services counted.")
    session_count: int = strawberry.field(description="Project sessions served counted.")
    by_month: list[HoursByMonth] = strawberry.field(description="By month, oldest first.")
    by_category: list[HoursByCategory] = strawberry.field(description="By care category, most hours first.")
    by_project: list[HoursByProject] = strawberry.field(description="Services to needs first, then by project, most "
                                                                    "hours first.")

    @classmethod
    def of(cls, totals: service.HoursTotals) -> VolunteerHours:
        """Build from the service's totals."""
        return cls(total_minutes=totals.total_minutes, service_count=totals.service_count,
                   session_count=totals.session_count,
                   by_month=[HoursByMonth(month=m, minutes=n) for m, n in totals.by_month],
                   by_category=[HoursByCategory(category=c, minutes=n) for c, n in totals.by_category],
                   by_project=[HoursByProject(project_id=p, minutes=n) for p, n in totals.by_project])

    @strawberry.field(description="Hours served in all (two decimals).")
    def total_hours(self) -> Decimal:
        return to_hours(self.total_minutes)


@strawberry.type(description="One line of a statement: a service or a staffed session, with the fields of a "
                             "volunteer-service record (志愿服务记录).")
class StatementLine:
    activity_name: str = strawberry.field(description="Activity name (活动名称).")
    service_date: date = strawberry.field(description="Date (日期, Hangzhou).")
    place: str = strawberry.field(description="Place (地点).")
    recipient: str = strawberry.field(description="Service recipient (服务对象): a masked name, or the project's "
                                                  "target group.")
    content: str = strawberry.field(description="Content (服务内容).")
    started_at: datetime = strawberry.field(description="Start (开始时间).")
    ended_at: datetime = strawberry.field(description="End (结束时间).")
    evaluation: str = strawberry.field(description="Evaluation (评价); empty for sessions.")
    person_in_charge: str = strawberry.field(description="Person in charge (负责人).")
    recorder: str = strawberry.field(description="Recorder (记录人).")
    minutes: int = strawberry.field(description="Minutes served.")
    category: CareCategory = strawberry.field(description="Care category.")

    @classmethod
    def of(cls, line: service.StatementLine) -> StatementLine:
        """Build from the service's line."""
        return cls(activity_name=line.activity_name, service_date=line.service_date, place=line.place,
                   recipient=line.recipient, content=line.content, started_at=line.started_at,
                   ended_at=line.ended_at, evaluation=line.evaluation, person_in_charge=line.person_in_charge,
                   recorder=line.recorder, minutes=line.minutes, category=line.category)

    @strawberry.field(description="Hours served (two decimals).")
    def hours(self) -> Decimal:
        return to_hours(self.minutes)

    @strawberry.field(description="Chinese display label of `category`.")
    def category_label(self) -> str:
        return label(self.category)


@strawberry.type(description="A volunteer's statement of hours (志愿服务时长证明) over a period, lines in time order.")
class VolunteerHourStatement:
    professional: Professional = strawberry.field(description="The volunteer.")
    from_date: date | None = strawberry.field(name="from", description="First day covered; null for all earlier.")
    to_date: date | None = strawberry.field(name="to", description="Last day covered; null for up to today.")
    total_minutes: int = strawberry.field(description="Minutes served in all.")
    issued_at: datetime = strawberry.field(description="When the statement was produced.")
    stored_lines: strawberry.Private[list[service.StatementLine]]

    @classmethod
    def of(cls, found: service.Statement, issued_at: datetime) -> VolunteerHourStatement:
        """Build from the service's statement."""
        return cls(professional=Professional.from_model(found.professional), from_date=found.period.since,
                   to_date=found.period.until, total_minutes=found.total_minutes, issued_at=issued_at,
                   stored_lines=found.lines)

    @strawberry.field(description="Hours served in all (two decimals).")
    def total_hours(self) -> Decimal:
        return to_hours(self.total_minutes)

    @strawberry.field(description="The services and sessions, oldest first.")
    def lines(self, first: First = None, after: After = None, last: Last = None,
              before: Before = None) -> Connection[StatementLine]:
        args = page_args(first, after, last, before)
        offset, limit = args.bounds(len(self.stored_lines))
        page = Page(items=self.stored_lines[offset:offset + limit], offset=offset, total=len(self.stored_lines))
        return Connection.from_page(page, StatementLine.of)
