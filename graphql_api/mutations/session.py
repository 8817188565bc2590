"""Mutations of project sessions and enrollments."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry
from strawberry import relay

from graphql_api.context import Info
from graphql_api.types.common import UserError, decode_id, provided, user_errors
from graphql_api.types.enums import SessionKind, SessionStatus
from graphql_api.types.lifecycle import IdempotencyKeyArgument
from graphql_api.types.session import Enrollment, ProjectSession
from resolvers import authorization as authorize
from resolvers import enrollments, idempotency
from resolvers import sessions as service
from resolvers.errors import DomainError

UNSET = strawberry.UNSET


@strawberry.input(description="A new session of a planned or active project.")
class SessionCreateInput:
    project_id: relay.GlobalID = strawberry.field(description="The project.")
    title: str = strawberry.field(description="Title (at most 120 characters).")
    kind: SessionKind = strawberry.field(description="Kind of session.")
    starts_at: datetime = strawberry.field(description="Start; without a time zone, Hangzhou time.")
    ends_at: datetime = strawberry.field(description="End, after the start.")
    venue: str = strawberry.field(description="Where it takes place (at most 120 characters).")
    capacity: int = strawberry.field(description="Seats, 0 or more; later enrollments are waitlisted.")


@strawberry.input(description="Changes to a session; omitted fields stay as they are.")
class SessionUpdateInput:
    title: str | None = strawberry.field(default=UNSET, description="New title.")
    kind: SessionKind | None = strawberry.field(default=UNSET, description="New kind.")
    starts_at: datetime | None = strawberry.field(default=UNSET, description="New start.")
    ends_at: datetime | None = strawberry.field(default=UNSET, description="New end, after the start.")
    venue: str | None = strawberry.field(default=UNSET, description="New venue.")
    capacity: int | None = strawberry.field(
        default=UNSET,
        description="New number of seats: not below the confirmed enrollments; extra seats "
        "go to the waitlist in order.",
    )
    status: SessionStatus | None = strawberry.field(default=UNSET, description="New status.")


@strawberry.type(description="Result of creating or updating a session.")
class SessionPayload:
    session: ProjectSession | None = strawberry.field(description="The session; null on errors.")
    errors: list[UserError] = strawberry.field(description="Problems with the input; empty on success.")


@strawberry.type(description="Result of enrolling a resident or cancelling an enrollment.")
class EnrollmentPayload:
    enrollment: Enrollment | None = strawberry.field(description="The enrollment; null on errors.")
    promoted: Enrollment | None = strawberry.field(
        description="The waitlisted enrollment confirmed because this cancellation freed its seat, if any."
    )
    errors: list[UserError] = strawberry.field(description="Problems with the input; empty on success.")


@strawberry.type
class SessionMutation:
    @strawberry.mutation(description="Schedule a session of a project.")
    async def session_create(
        self, info: Info, input: Annotated[SessionCreateInput, strawberry.argument(description="The session.")]
    ) -> SessionPayload:
        try:
            await authorize.session_change(
                await info.context.scope(), project_id=decode_id(input.project_id, "Project", "projectId")
            )
            data = vars(input).copy()
            data["project_id"] = decode_id(input.project_id, "Project", "projectId")
            row = await service.create_session(data)
        except DomainError as error:
            return SessionPayload(session=None, errors=user_errors(error))
        return SessionPayload(session=ProjectSession.from_model(row), errors=[])

    @strawberry.mutation(description="Change a session; a larger capacity confirms waitlisted residents.")
    async def session_update(
        self,
        info: Info,
        id: Annotated[relay.GlobalID, strawberry.argument(description="The session to change.")],
        input: Annotated[SessionUpdateInput, strawberry.argument(description="The changes.")],
    ) -> SessionPayload:
        try:
            await authorize.session_change(await info.context.scope(), session_id=decode_id(id, "ProjectSession", "id"))
            row = await service.update_session(decode_id(id, "ProjectSession", "id"), provided(input))
        except DomainError as error:
            return SessionPayload(session=None, errors=user_errors(error))
        return SessionPayload(session=ProjectSession.from_model(row), errors=[])

    @strawberry.mutation(description="Enroll a resident: confirmed while seats remain, else waitlisted.")
    async def session_enroll(
        self,
        info: Info,
        session_id: Annotated[relay.GlobalID, strawberry.argument(description="The session.")],
        resident_id: Annotated[relay.GlobalID, strawberry.argument(description="The resident.")],
        idempotency_key: IdempotencyKeyArgument = None,
    ) -> EnrollmentPayload:
        try:
            scope = await info.context.scope()
            resident = decode_id(resident_id, "Resident", "residentId")
            await authorize.enrollment_change(scope, resident_id=resident)
            session = decode_id(session_id, "ProjectSession", "sessionId")
            keyed = idempotency.keyed_request(scope.viewer, "sessionEnroll", idempotency_key,
                                              {"session": session, "resident": resident})
            row = await idempotency.once(keyed, lambda: enrollments.enroll(session, resident))
        except DomainError as error:
            return EnrollmentPayload(enrollment=None, promoted=None, errors=user_errors(error))
        return EnrollmentPayload(enrollment=Enrollment.from_model(row), promoted=None, errors=[])

    @strawberry.mutation(description="Cancel an enrollment; a freed seat goes to the head of the waitlist.")
    async def enrollment_cancel(
        self, info: Info, enrollment_id: Annotated[relay.GlobalID, strawberry.argument(description="The enrollment.")]
    ) -> EnrollmentPayload:
        try:
            await authorize.enrollment_change(
                await info.context.scope(), enrollment_id=decode_id(enrollment_id, "Enrollment", "enrollmentId")
            )
            row, promoted = await enrollments.cancel(decode_id(enrollment_id, "Enrollment", "enrollmentId"))
        except DomainError as error:
            return EnrollmentPayload(enrollment=None, promoted=None, errors=user_errors(error))
        return EnrollmentPayload(
            enrollment=Enrollment.from_model(row),
            promoted=Enrollment.from_model(promoted[0]) if promoted else None,
            errors=[],
        )
