"""GraphQL types of attendance at project sessions, check-in codes and a project's attendance figures.

A resident appears only as a masked name (王**). Attendances are seen by the organizer side (centre staff,
the organizing organization's admin) and by the person who attended.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry import relay

import models
from graphql_api.context import Info
from graphql_api.types.common import node_keys
from graphql_api.types.enums import AttendanceMethod
from graphql_api.types.project import Project
from graphql_api.types.session import ProjectSession
from models.enums import label
from resolvers.attendance import ProjectAttendance as Figures
from resolvers.attendance import sees_attendance
from resolvers.enrollments import resident_display_names
from resolvers.time_bank_ledger import to_hours

if TYPE_CHECKING:
    from graphql_api.types.professional import Professional


@strawberry.type(description="One person present at a project session: a resident who took part, or a "
                             "professional who served (whose attendance counts as volunteer hours).")
class SessionAttendance(relay.Node):
    id: relay.NodeID[int]
    method: AttendanceMethod = strawberry.field(description="Self check-in with the code, or recorded by staff.")
    checked_in_at: datetime = strawberry.field(description="When the attendance was recorded.")
    recorder: str = strawberry.field(description="Who recorded it (记录人).")
    session_id: strawberry.Private[int]
    resident_id: strawberry.Private[int | None]
    professional_id: strawberry.Private[int | None]

    @classmethod
    def from_model(cls, row: models.SessionAttendance) -> SessionAttendance:
        """Build from an ORM row."""
        return cls(id=row.id, method=row.method, checked_in_at=row.checked_in_at, recorder=row.recorder,
                   session_id=row.session_id, resident_id=row.resident_id, professional_id=row.professional_id)

    @strawberry.field(description="Chinese display label of `method`.")
    def method_label(self) -> str:
        return label(self.method)

    @strawberry.field(description="The session.")
    async def session(self, info: Info) -> ProjectSession:
        return ProjectSession.from_model(await info.context.loaders.by_id(models.ProjectSession).load(self.session_id))

    @strawberry.field(description="The resident present, as a masked name (王**); null for a professional.")
    async def resident_display_name(self, info: Info) -> str | None:
        if self.resident_id is None:
            return None
        return await info.context.loaders.batch("resident.display_name", resident_display_names).load(self.resident_id)

    @strawberry.field(description="The professional who served; null for a resident.")
    async def professional(
        self, info: Info
    ) -> Annotated[Professional, strawberry.lazy("graphql_api.types.professional")] | None:
        if self.professional_id is None:
            return None
        from graphql_api.types.professional import load_professional

        return await load_professional(info, self.professional_id)

    @classmethod
    async def resolve_nodes(cls, *, info: Info, node_ids: Iterable[str], required: bool = False):
        loaders = info.context.loaders
        rows = await loaders.by_id(models.SessionAttendance).load_many(node_keys(node_ids))
        sessions = await loaders.by_id(models.ProjectSession).load_many([r.session_id for r in rows if r])
        projects = await loaders.by_id(models.Project).load_many([s.project_id for s in sessions if s])
        organizer = {s.id: p.organizer_id for s, p in zip(sessions, projects, strict=True)}
        scope = await info.context.scope()
        viewer = scope.viewer
        return [cls.from_model(r) if r and (
            sees_attendance(scope, organizer[r.session_id])
            or (r.resident_id is not None and r.resident_id == viewer.resident_id)
            or (r.professional_id is not None and r.professional_id == viewer.professional_id)) else None
            for r in rows]


@strawberry.type(description="A session's current self check-in code: show it at the venue; people with a "
                             "confirmed place, and the professionals serving the project, check in with it.")
class SessionCheckInCode:
    code: str = strawberry.field(description="Six digits.")
    expires_at: datetime = strawberry.field(description="Until when it works (30 minutes after the session ends).")
    session_id: strawberry.Private[int]

    @strawberry.field(description="The session.")
    async def session(self, info: Info) -> ProjectSession:
        return ProjectSession.from_model(await info.context.loaders.by_id(models.ProjectSession).load(self.session_id))


@strawberry.type(description="A project's attendance figures over its sessions that have started and were not "
                             "cancelled.")
class ProjectAttendance:
    sessions: int = strawberry.field(description="Sessions held so far.")
    confirmed_places: int = strawberry.field(description="Confirmed enrollments in those sessions.")
    residents_present: int = strawberry.field(description="Residents recorded as present.")
    professionals_present: int = strawberry.field(description="Professionals recorded as serving.")
    volunteer_minutes: int = strawberry.field(description="Volunteer time served at those sessions, in minutes.")
    project_id: strawberry.Private[int]

    @classmethod
    def of(cls, project_id: int, figures: Figures) -> ProjectAttendance:
        """Build from the service's figures."""
        return cls(sessions=figures.sessions, confirmed_places=figures.confirmed_places,
                   residents_present=figures.residents_present, professionals_present=figures.professionals_present,
                   volunteer_minutes=figures.volunteer_minutes, project_id=project_id)

    @strawberry.field(description="Volunteer time served, in hours (two decimals).")
    def volunteer_hours(self) -> Decimal:
        return to_hours(self.volunteer_minutes)

    @strawberry.field(description="Residents present per confirmed place (0 to 1, three decimals); null without "
                                  "places.")
    def attendance_rate(self) -> float | None:
        return round(self.residents_present / self.confirmed_places, 3) if self.confirmed_places else None

    @strawberry.field(description="The project.")
    async def project(self, info: Info) -> Project:
        return Project.from_model(await info.context.loaders.by_id(models.Project).load(self.project_id))
