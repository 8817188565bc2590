"""GraphQL types of project sessions and residents' enrollments in them.

Seat counts come from one batched GROUP BY per request (``resolvers.enrollments.session_counts``).
An enrollment shows its resident only as a masked display name (王**), never their personal fields.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import strawberry
from strawberry import relay

import models
from graphql_api.context import Info
from graphql_api.types.common import After, Before, Connection, First, Last, node_keys, page_args
from graphql_api.types.enums import EnrollmentStatus, SessionKind, SessionStatus
from graphql_api.types.project import Project
from models.enums import label
from resolvers.access import Role
from resolvers.enrollments import SessionCounts, resident_display_names, session_counts
from resolvers.scope import Scope


@strawberry.type(description="One occurrence of a project: a class, a reading session, a sports meet, "
                             "a lecture or a clinic.")
class ProjectSession(relay.Node):
    id: relay.NodeID[int]
    title: str = strawberry.field(description="Title, e.g. 家庭养育读书会（第10期）.")
    kind: SessionKind = strawberry.field(description="Kind of session.")
    starts_at: datetime = strawberry.field(description="When it starts.")
    ends_at: datetime = strawberry.field(description="When it ends.")
    venue: str = strawberry.field(description="Where it takes place, e.g. 同心荟.")
    capacity: int = strawberry.field(description="Number of seats; later enrollments go on the waitlist.")
    status: SessionStatus = strawberry.field(description="Scheduled, cancelled or completed.")
    created_at: datetime = strawberry.field(description="When the record was created.")
    updated_at: datetime = strawberry.field(description="When the record last changed.")
    project_id: strawberry.Private[int]

    @classmethod
    def from_model(cls, row: models.ProjectSession) -> ProjectSession:
        """Build from an ORM row."""
        return cls(
            id=row.id, title=row.title, kind=row.kind, starts_at=row.starts_at, ends_at=row.ends_at,
            venue=row.venue, capacity=row.capacity, status=row.status, created_at=row.created_at,
            updated_at=row.updated_at, project_id=row.project_id,
        )

    async def _counts(self, info: Info) -> SessionCounts:
        return await info.context.loaders.batch("session.counts", session_counts).load(self.id)

    @strawberry.field(description="Chinese display label of `kind`.")
    def kind_label(self) -> str:
        return label(self.kind)

    @strawberry.field(description="Chinese display label of `status`.")
    def status_label(self) -> str:
        return label(self.status)

    @strawberry.field(description="Number of confirmed enrollments.")
    async def confirmed_count(self, info: Info) -> int:
        return (await self._counts(info)).confirmed

    @strawberry.field(description="Number of residents on the waitlist.")
    async def waitlist_count(self, info: Info) -> int:
        return (await self._counts(info)).waitlisted

    @strawberry.field(description="Seats still free (capacity minus confirmed enrollments, never below 0).")
    async def seats_left(self, info: Info) -> int:
        return max(self.capacity - (await self._counts(info)).confirmed, 0)

    @strawberry.field(description="The project this session belongs to.")
    async def project(self, info: Info) -> Project:
        return Project.from_model(await info.context.loaders.by_id(models.Project).load(self.project_id))

    @strawberry.field(description="Enrollments: confirmed first, then the waitlist in order, then cancelled.")
    async def enrollments(
        self, info: Info, first: First = None, after: After = None, last: Last = None, before: Before = None
    ) -> Connection[Enrollment]:
        args = page_args(first, after, last, before)
        project = await info.context.loaders.by_id(models.Project).load(self.project_id)
        info.context.require(organizer_side(await info.context.scope(), project.organizer_id),
                             "Only centre staff and the organizing organization see who enrolled.")
        page = await info.context.loaders.page("session.enrollments", args).load(self.id)
        return Connection.from_page(page, Enrollment.from_model)

    @classmethod
    async def resolve_nodes(cls, *, info: Info, node_ids: Iterable[str], required: bool = False):
        rows = await info.context.loaders.by_id(models.ProjectSession).load_many(node_keys(node_ids))
        return [cls.from_model(r) if r else None for r in rows]


def organizer_side(scope: Scope, organizer_id: int) -> bool:
    """Centre staff, or the admin of the organization running the project."""
    viewer = scope.viewer
    return scope.is_staff or (viewer.role == Role.ORG_ADMIN and viewer.organization_id == organizer_id)


@strawberry.type(description="A resident's place in a session. The resident appears only as a masked name.")
class Enrollment(relay.Node):
    id: relay.NodeID[int]
    status: EnrollmentStatus = strawberry.field(description="Confirmed, waitlisted or cancelled.")
    waitlist_position: int | None = strawberry.field(description="Place on the waitlist (1 = next); null "
                                                                 "unless waitlisted.")
    created_at: datetime = strawberry.field(description="When the resident enrolled.")
    session_id: strawberry.Private[int]
    resident_id: strawberry.Private[int]

    @classmethod
    def from_model(cls, row: models.Enrollment) -> Enrollment:
        """Build from an ORM row."""
        return cls(
            id=row.id, status=row.status, waitlist_position=row.waitlist_position, created_at=row.created_at,
            session_id=row.session_id, resident_id=row.resident_id,
        )

    @strawberry.field(description="Chinese display label of `status`.")
    def status_label(self) -> str:
        return label(self.status)

    @strawberry.field(description="The session.")
    async def session(self, info: Info) -> ProjectSession:
        row = await info.context.loaders.by_id(models.ProjectSession).load(self.session_id)
        return ProjectSession.from_model(row)

    @strawberry.field(description="The resident's name with all but the surname masked, e.g. 王**.")
    async def resident_display_name(self, info: Info) -> str:
        return await info.context.loaders.batch("resident.display_name", resident_display_names).load(self.resident_id)

    @classmethod
    async def resolve_nodes(cls, *, info: Info, node_ids: Iterable[str], required: bool = False):
        rows = await info.context.loaders.by_id(models.Enrollment).load_many(node_keys(node_ids))
        scope = await info.context.scope()
        sessions = await info.context.loaders.by_id(models.ProjectSession).load_many([r.session_id for r in rows if r])
        projects = await info.context.loaders.by_id(models.Project).load_many([s.project_id for s in sessions if s])
        organizer = {s.id: p.organizer_id for s, p in zip(sessions, projects, strict=True) if s and p}
        return [cls.from_model(r) if r and (scope.owns(r.resident_id) or organizer_side(scope, organizer.get(
            r.session_id, -1))) else None for r in rows]
