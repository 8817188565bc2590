"""Root queries of volunteer hours (totals, a volunteer's statement) and of session attendance."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated

import strawberry
from strawberry import relay

from graphql_api.context import Info
from graphql_api.types.attendance import ProjectAttendance, SessionAttendance
from graphql_api.types.common import After, Before, Connection, First, Last, decode_id, page_args
from graphql_api.types.volunteer_hours import VolunteerHours, VolunteerHourStatement
from resolvers import attendance, volunteer_hours
from resolvers.pagination import paginate

ProfessionalId = Annotated[relay.GlobalID | None, strawberry.argument(
    description="One professional (yours by default when you are one).")]
From = Annotated[date | None, strawberry.argument(name="from", description="First day (Hangzhou), inclusive.")]
To = Annotated[date | None, strawberry.argument(name="to", description="Last day (Hangzhou), inclusive.")]


@strawberry.type
class VolunteerHoursQuery:
    @strawberry.field(description="Volunteer hours by month, category and project: confirmed services and staffed "
                                  "project sessions. A professional sees their own, an organization's admin its "
                                  "members', centre staff anyone's (everyone's without arguments).")
    async def volunteer_hours(
        self, info: Info, professional_id: ProfessionalId = None,
        organization_id: Annotated[relay.GlobalID | None, strawberry.argument(
            description="The members of one organization.")] = None,
        from_: From = None, to: To = None,
    ) -> VolunteerHours:
        totals = await volunteer_hours.volunteer_hours(
            await info.context.scope(), decode_id(professional_id, "Professional", "professionalId"),
            decode_id(organization_id, "Organization", "organizationId"), volunteer_hours.Period(from_, to))
        return VolunteerHours.of(totals)

    @strawberry.field(description="A volunteer's statement of hours with every service and session and the fields "
                                  "of the volunteer-service record (the volunteer, their organization's admin, "
                                  "centre staff).")
    async def volunteer_hour_statement(self, info: Info, professional_id: ProfessionalId = None, from_: From = None,
                                       to: To = None) -> VolunteerHourStatement:
        found = await volunteer_hours.statement(await info.context.scope(),
                                                decode_id(professional_id, "Professional", "professionalId"),
                                                volunteer_hours.Period(from_, to))
        return VolunteerHourStatement.of(found, datetime.now(UTC))

    @strawberry.field(description="Who was present at a session, in check-in order (centre staff and the organizing "
                                  "organization).")
    async def session_attendances(
        self, info: Info,
        session_id: Annotated[relay.GlobalID, strawberry.argument(description="The session.")],
        first: First = None, after: After = None, last: Last = None, before: Before = None,
    ) -> Connection[SessionAttendance]:
        args = page_args(first, after, last, before)
        queryset = await attendance.attendance_queryset(await info.context.scope(),
                                                        decode_id(session_id, "ProjectSession", "sessionId"))
        return Connection.from_page(await paginate(queryset, args), SessionAttendance.from_model)

    @strawberry.field(description="A project's attendance figures: sessions held, places, people present and "
                                  "volunteer hours (centre staff and the organizing organization).")
    async def project_attendance(
        self, info: Info, project_id: Annotated[relay.GlobalID, strawberry.argument(description="The project.")],
    ) -> ProjectAttendance:
        project = decode_id(project_id, "Project", "projectId")
        return ProjectAttendance.of(project, await attendance.project_attendance(await info.context.scope(), project))
