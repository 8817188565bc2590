"""Mutations of attendance at project sessions: check-in codes, self check-in and staff records."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry import relay

from graphql_api.context import Info
from graphql_api.types.attendance import SessionAttendance, SessionCheckInCode
from graphql_api.types.common import UserError, decode_id, user_errors
from resolvers import attendance
from resolvers.errors import DomainError

SessionId = Annotated[relay.GlobalID, strawberry.argument(description="The session.")]


@strawberry.type(description="Result of issuing a check-in code.")
class SessionCheckInCodePayload:
    check_in_code: SessionCheckInCode | None = strawberry.field(description="The new code; null on errors.")
    errors: list[UserError] = strawberry.field(description="Problems with the input; empty on success.")


@strawberry.type(description="Result of checking in or of recording an attendance.")
class SessionAttendancePayload:
    attendance: SessionAttendance | None = strawberry.field(description="The attendance (the first one when it was "
                                                                        "already recorded); null on errors.")
    errors: list[UserError] = strawberry.field(description="Problems with the input; empty on success.")


def _attended(row) -> SessionAttendancePayload:
    return SessionAttendancePayload(attendance=SessionAttendance.from_model(row), errors=[])


@strawberry.type
class AttendanceMutation:
    @strawberry.mutation(description="Issue a fresh six-digit check-in code for a session, replacing the previous one "
                                     "(centre staff or the organizing organization); it works from 30 minutes "
                                     "before the start until 30 minutes after the end.")
    async def session_check_in_code_issue(self, info: Info, session_id: SessionId) -> SessionCheckInCodePayload:
        try:
            row = await attendance.issue_code(await info.context.scope(),
                                              decode_id(session_id, "ProjectSession", "sessionId"))
        except DomainError as error:
            return SessionCheckInCodePayload(check_in_code=None, errors=user_errors(error))
        return SessionCheckInCodePayload(check_in_code=SessionCheckInCode(
            code=row.code, expires_at=row.expires_at, session_id=row.session_id), errors=[])

    @strawberry.mutation(description="Check yourself in to a session with its code: a resident with a confirmed "
                                     "place, or a professional serving the project (counted as volunteer hours).")
    async def session_check_in(
        self, info: Info, session_id: SessionId,
        code: Annotated[str, strawberry.argument(description="The code shown at the venue.")],
    ) -> SessionAttendancePayload:
        try:
            row = await attendance.check_in_with_code(await info.context.scope(),
                                                      decode_id(session_id, "ProjectSession", "sessionId"), code)
        except DomainError as error:
            return SessionAttendancePayload(attendance=None, errors=user_errors(error))
        return _attended(row)

    @strawberry.mutation(description="Record someone as present (centre staff or the organizing organization): a "
                                     "resident with a confirmed place, or a professional who served.")
    async def session_attendance_record(
        self, info: Info, session_id: SessionId,
        resident_id: Annotated[relay.GlobalID | None, strawberry.argument(
            description="A resident with a confirmed place.")] = None,
        professional_id: Annotated[relay.GlobalID | None, strawberry.argument(
            description="A professional who served.")] = None,
    ) -> SessionAttendancePayload:
        try:
            row = await attendance.record_attendance(
                await info.context.scope(), decode_id(session_id, "ProjectSession", "sessionId"),
                resident_id=decode_id(resident_id, "Resident", "residentId"),
                professional_id=decode_id(professional_id, "Professional", "professionalId"))
        except DomainError as error:
            return SessionAttendancePayload(attendance=None, errors=user_errors(error))
        return _attended(row)
