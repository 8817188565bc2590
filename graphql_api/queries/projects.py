"""Root queries of projects and their sessions."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Annotated

import strawberry
from strawberry import relay

from graphql_api.context import Info
from graphql_api.types.common import After, Before, Connection, First, Last, decode_id, page_args
from graphql_api.types.enums import CareCategory, ProjectStatus, SessionKind, SessionStatus, TargetGroup
from graphql_api.types.project import Project
from graphql_api.types.session import ProjectSession
from resolvers.pagination import paginate
from resolvers.projects import ProjectFilter as ProjectCriteria
from resolvers.projects import project_queryset
from resolvers.sessions import SessionFilter as SessionCriteria
from resolvers.sessions import session_queryset


@strawberry.enum(description="Orders of the project list.")
class ProjectOrder(Enum):
    NAME = strawberry.enum_value("NAME", description="By name.")
    CREATED_AT = strawberry.enum_value("CREATED_AT", description="Newest first.")
    STARTS_ON = strawberry.enum_value("STARTS_ON", description="By start date, earliest first.")


@strawberry.input(description="Filters of the project list; all optional and combined with AND.")
class ProjectFilter:
    search: str | None = strawberry.field(default=None, description="Text in the name or description.")
    category: CareCategory | None = strawberry.field(default=None, description="Only this care category.")
    target_group: TargetGroup | None = strawberry.field(default=None, description="Only for this group.")
    status: ProjectStatus | None = strawberry.field(default=None, description="Only this status.")
    organizer_id: relay.GlobalID | None = strawberry.field(default=None, description="Only run by this organization.")
    area_id: relay.GlobalID | None = strawberry.field(default=None, description="Only serving this community.")

    def to_criteria(self) -> ProjectCriteria:
        """The service-layer filter."""
        return ProjectCriteria(
            search=self.search, category=self.category, target_group=self.target_group, status=self.status,
            organizer_id=decode_id(self.organizer_id, "Organization", "organizerId"),
            area_id=decode_id(self.area_id, "Area", "areaId"),
        )


@strawberry.enum(description="Orders of the session list.")
class SessionOrder(Enum):
    STARTS_AT = strawberry.enum_value("STARTS_AT", description="By start time, earliest first.")
    STARTS_AT_DESC = strawberry.enum_value("STARTS_AT_DESC", description="By start time, latest first.")


@strawberry.input(description="Filters of the session list; all optional and combined with AND.")
class SessionFilter:
    project_id: relay.GlobalID | None = strawberry.field(default=None, description="Only sessions of this project.")
    kind: SessionKind | None = strawberry.field(default=None, description="Only this kind.")
    from_: datetime | None = strawberry.field(
        default=None, name="from", description="Only sessions starting at or after this moment."
    )
    to: datetime | None = strawberry.field(default=None, description="Only sessions starting before this moment.")
    status: SessionStatus | None = strawberry.field(default=None, description="Only this status.")

    def to_criteria(self) -> SessionCriteria:
        """The service-layer filter."""
        return SessionCriteria(
            project_id=decode_id(self.project_id, "Project", "projectId"), kind=self.kind,
            starts_from=self.from_, starts_to=self.to, status=self.status,
        )


@strawberry.type
class ProjectQuery:
    @strawberry.field(description="Public-welfare projects.")
    async def projects(
        self,
        info: Info,
        filter: Annotated[ProjectFilter | None, strawberry.argument(description="Filters.")] = None,
        order_by: Annotated[ProjectOrder, strawberry.argument(description="Order.")] = ProjectOrder.NAME,
        first: First = None, after: After = None, last: Last = None, before: Before = None,
    ) -> Connection[Project]:
        criteria, args = filter.to_criteria() if filter else ProjectCriteria(), page_args(first, after, last, before)
        page = await info.context.loaders.public_page(
            ("project", "project_lead", "project_claim"), ("projects", criteria, order_by.value, args),
            lambda: paginate(project_queryset(criteria, order_by.value), args))
        return Connection.from_page(page, Project.from_model)

    @strawberry.field(description="Sessions of all projects, e.g. this week's classes and reading sessions.")
    async def sessions(
        self,
        info: Info,
        filter: Annotated[SessionFilter | None, strawberry.argument(description="Filters.")] = None,
        order_by: Annotated[SessionOrder, strawberry.argument(description="Order.")] = SessionOrder.STARTS_AT,
        first: First = None, after: After = None, last: Last = None, before: Before = None,
    ) -> Connection[ProjectSession]:
        criteria, args = filter.to_criteria() if filter else SessionCriteria(), page_args(first, after, last, before)
        page = await info.context.loaders.public_page(
            ("project_session", "project"), ("sessions", criteria, order_by.value, args),
            lambda: paginate(session_queryset(criteria, order_by.value), args))
        return Connection.from_page(page, ProjectSession.from_model)
