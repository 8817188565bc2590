"""Attendance at project sessions: check-in codes, self check-in, staff records, and attendance figures.

- ``issue_code``: the organizer side (centre staff, the organizing organization's admin or its partner key)
  gets a fresh 6-digit code for a session; it replaces the previous one and works from 30 minutes before
  the start until 30 minutes after the end.
- ``check_in_with_code``: a signed-in person checks themself in with the code: a professional who serves the
  project (a lead, an active claimant, or a member of the organizing organization), whose attendance counts
  as volunteer hours, or a resident with a confirmed place, who counts in the attendance figures.
- ``record_attendance``: the organizer side records someone present (a resident with a confirmed place, or
  any professional who served), from 30 minutes before the start on.

Attendance is recorded once per person and session (a repeat returns the first record), under the
session's row lock, so concurrent check-ins never write two.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from tortoise.transactions import in_transaction

from models import (
    Account,
    Enrollment,
    Membership,
    Professional,
    Project,
    ProjectClaim,
    ProjectSession,
    Resident,
    SessionAttendance,
    SessionCheckInCode,
)
from models.enums import AttendanceMethod, ClaimStatus, EnrollmentStatus, SessionStatus
from resolvers import authorization
from resolvers.access import Role
from resolvers.enrollments import locked_session
from resolvers.errors import DomainError, ErrorCode
from resolvers.scope import Scope

OPENS_BEFORE = timedelta(minutes=30)
CLOSES_AFTER = timedelta(minutes=30)
CODE_DIGITS = 6


@dataclass(frozen=True, slots=True)
class AttendanceCounts:
    """Residents and professionals present at one session."""

    residents: int = 0
    professionals: int = 0


async def issue_code(scope: Scope, session_id: int) -> SessionCheckInCode:
    """A fresh check-in code for the session (the organizer side), replacing the previous one."""
    await authorization.session_change(scope, session_id=session_id)
    now = datetime.now(UTC)
    async with in_transaction():
        session = await locked_session(session_id)
        if session.status == SessionStatus.CANCELLED or session.ends_at + CLOSES_AFTER <= now:
            raise DomainError(ErrorCode.INVALID_STATE, "This session is cancelled or over.", "sessionId")
        values = {"code": f"{secrets.randbelow(10 ** CODE_DIGITS):0{CODE_DIGITS}d}",
                  "expires_at": session.ends_at + CLOSES_AFTER, "issued_by_account_id": scope.viewer.account_id}
        current = await SessionCheckInCode.get_or_none(session_id=session_id)
        if current is None:
            return await SessionCheckInCode.create(session_id=session_id, **values)
        await SessionCheckInCode.filter(id=current.id).update(updated_at=now, **values)
    await current.refresh_from_db()
    return current


async def serves_project(professional_id: int, project: Project) -> bool:
    """A lead of the project, an active claimant of it, or a member of its organizing organization."""
    if await Membership.filter(professional_id=professional_id, organization_id=project.organizer_id).exists():
        return True
    if await ProjectClaim.filter(project_id=project.id, professional_id=professional_id,
                                 status=ClaimStatus.ACTIVE).exists():
        return True
    return await project.leads.filter(id=professional_id).exists()


async def _enrolled(session_id: int, resident_id: int) -> bool:
    return await Enrollment.filter(session_id=session_id, resident_id=resident_id,
                                   status=EnrollmentStatus.CONFIRMED).exists()


def _open(session: ProjectSession, now: datetime, field: str) -> None:
    if session.status == SessionStatus.CANCELLED:
        raise DomainError(ErrorCode.INVALID_STATE, "This session is cancelled.", field)
    if now < session.starts_at - OPENS_BEFORE:
        raise DomainError(ErrorCode.INVALID_STATE, "Check-in opens 30 minutes before the session starts.", field)


async def check_in_with_code(scope: Scope, session_id: int, code: str | None) -> SessionAttendance:
    """The signed-in person checks themself in with the session's current code."""
    viewer = scope.viewer
    authorization.require(scope, viewer.resident_id is not None or viewer.professional_id is not None,
                          "Sign in as a resident or a professional to check in.")
    now = datetime.now(UTC)
    async with in_transaction():
        session = await locked_session(session_id)
        current = await SessionCheckInCode.get_or_none(session_id=session_id)
        given = (code or "").strip()
        if current is None or current.expires_at <= now or not secrets.compare_digest(given, current.code):
            raise DomainError(ErrorCode.INVALID_CHECK_IN_CODE, "Wrong or expired check-in code.", "code")
        _open(session, now, "code")
        project = await Project.get(id=session.project_id)
        if viewer.professional_id is not None and await serves_project(viewer.professional_id, project):
            person = {"professional_id": viewer.professional_id}
        elif viewer.resident_id is not None and await _enrolled(session_id, viewer.resident_id):
            person = {"resident_id": viewer.resident_id}
        else:
            raise authorization.deny(scope, "Only residents with a confirmed place and the professionals serving "
                                            "the project check in to this session.")
        return await _record(session, person, AttendanceMethod.CODE, scope, now)


async def record_attendance(scope: Scope, session_id: int, *, resident_id: int | None = None,
                            professional_id: int | None = None) -> SessionAttendance:
    """The organizer side records a resident with a confirmed place, or a professional who served, as present."""
    if (resident_id is None) == (professional_id is None):
        raise DomainError(ErrorCode.REQUIRED, "Name exactly one person: `residentId` or `professionalId`.",
                          "residentId")
    await authorization.session_change(scope, session_id=session_id)
    now = datetime.now(UTC)
    async with in_transaction():
        session = await locked_session(session_id)
        _open(session, now, "sessionId")
        if resident_id is not None:
            if not await Resident.filter(id=resident_id).exists():
                raise DomainError(ErrorCode.NOT_FOUND, "No resident with this ID.", "residentId")
            if not await _enrolled(session_id, resident_id):
                raise DomainError(ErrorCode.INVALID_STATE, "The resident has no confirmed place; enroll them first.",
                                  "residentId")
            person = {"resident_id": resident_id}
        else:
            if not await Professional.filter(id=professional_id).exists():
                raise DomainError(ErrorCode.NOT_FOUND, "No professional with this ID.", "professionalId")
            person = {"professional_id": professional_id}
        return await _record(session, person, AttendanceMethod.STAFF, scope, now)


async def _record(session: ProjectSession, person: dict, method: AttendanceMethod, scope: Scope,
                  now: datetime) -> SessionAttendance:
    """The person's attendance (the existing one if already recorded; the session row is locked)."""
    existing = await SessionAttendance.get_or_none(session_id=session.id, **person)
    if existing is not None:
        return existing
    return await SessionAttendance.create(session_id=session.id, method=method, checked_in_at=now,
                                          recorded_by_account_id=scope.viewer.account_id,
                                          recorder=await _recorder(scope), **person)


async def _recorder(scope: Scope) -> str:
    """The recorder's name (记录人): the signed-in account's display name, else its role."""
    viewer = scope.viewer
    names = await Account.filter(id=viewer.account_id).values_list("display_name", flat=True) if viewer.account_id \
        else []
    return ((names[0] if names else "") or viewer.role.value)[:60]


def sees_attendance(scope: Scope, organizer_id: int) -> bool:
    """Centre staff, or the admin of the organization running the project."""
    viewer = scope.viewer
    return scope.is_staff or (viewer.role == Role.ORG_ADMIN and viewer.organization_id == organizer_id)


async def attendance_queryset(scope: Scope, session_id: int):
    """Who was present at the session (the organizer side), in check-in order."""
    session = await ProjectSession.get_or_none(id=session_id)
    if session is None:
        raise DomainError(ErrorCode.NOT_FOUND, "No session with this ID.", "sessionId")
    organizer = (await Project.filter(id=session.project_id).values_list("organizer_id", flat=True))[0]
    authorization.require(scope, sees_attendance(scope, organizer),
                          "Only centre staff and the organizing organization see who attended.")
    return SessionAttendance.filter(session_id=session_id).order_by("checked_in_at", "id")


async def attendance_counts(session_ids: list[int]) -> list[AttendanceCounts]:
    """Residents and professionals present per session, in the order given (one statement: a DataLoader batch)."""
    found: dict[int, list[int]] = {}
    rows = await SessionAttendance.filter(session_id__in=set(session_ids)).values_list("session_id", "resident_id")
    for session_id, resident_id in rows:
        found.setdefault(session_id, [0, 0])[0 if resident_id is not None else 1] += 1
    return [AttendanceCounts(*found.get(sid, (0, 0))) for sid in session_ids]


@dataclass(frozen=True, slots=True)
class ProjectAttendance:
    """A project's attendance figures over its sessions that have started and were not cancelled."""

    sessions: int
    confirmed_places: int
    residents_present: int
    professionals_present: int
    volunteer_minutes: int


async def project_attendance(scope: Scope, project_id: int) -> ProjectAttendance:
    """The attendance figures of a project (the organizer side): places taken, people present, hours served."""
    project = await Project.get_or_none(id=project_id)
    if project is None:
        raise DomainError(ErrorCode.NOT_FOUND, "No project with this ID.", "projectId")
    authorization.require(scope, sees_attendance(scope, project.organizer_id),
                          "Only centre staff and the organizing organization see attendance figures.")
    held = {pk: int((end - start).total_seconds() // 60) for pk, start, end in await ProjectSession.filter(
        project_id=project_id, status__in=[SessionStatus.SCHEDULED, SessionStatus.COMPLETED],
        starts_at__lte=datetime.now(UTC)).values_list("id", "starts_at", "ends_at")}
    places = await Enrollment.filter(session_id__in=list(held), status=EnrollmentStatus.CONFIRMED).count()
    present = await SessionAttendance.filter(session_id__in=list(held)).values_list("session_id", "resident_id")
    served = [sid for sid, resident in present if resident is None]
    minutes = sum(held[sid] for sid in served)
    return ProjectAttendance(sessions=len(held), confirmed_places=places, residents_present=len(present) - len(served),
                             professionals_present=len(served), volunteer_minutes=minutes)
