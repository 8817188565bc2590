"""Enrollments in project sessions: enroll, cancel with waitlist promotion, and seat counts.

Every change runs in one transaction that first locks the session row (``SELECT ... FOR UPDATE`` on
PostgreSQL; SQLite serializes transactions anyway), so concurrent enrollments never overbook a
session and the waitlist stays numbered 1, 2, 3 ... without gaps.
"""

from __future__ import annotations

from dataclasses import dataclass

from tortoise.functions import Count
from tortoise.transactions import in_transaction

from models import Enrollment, ProjectSession, Resident
from models.enums import EnrollmentStatus, SessionStatus
from resolvers.certifications import local_now
from resolvers.errors import DomainError, ErrorCode
from resolvers.identifiers import mask_name

CONFIRMED, WAITLISTED, CANCELLED = EnrollmentStatus.CONFIRMED, EnrollmentStatus.WAITLISTED, EnrollmentStatus.CANCELLED


@dataclass(frozen=True, slots=True)
class SessionCounts:
    """Confirmed and waitlisted enrollments of one session."""

    confirmed: int = 0
    waitlisted: int = 0


async def session_counts(session_ids: list[int]) -> list[SessionCounts]:
    """Counts per session id, in the order given, from one GROUP BY statement (a DataLoader batch)."""
    rows = await (
        Enrollment.filter(session_id__in=set(session_ids), status__in=[CONFIRMED, WAITLISTED])
        .annotate(n=Count("id")).group_by("session_id", "status").values("session_id", "status", "n")
    )
    found: dict[int, dict[str, int]] = {}
    for row in rows:
        found.setdefault(row["session_id"], {})[str(row["status"])] = row["n"]
    return [SessionCounts(confirmed=found.get(sid, {}).get(CONFIRMED.value, 0),
                          waitlisted=found.get(sid, {}).get(WAITLISTED.value, 0)) for sid in session_ids]


async def resident_display_names(resident_ids: list[int]) -> list[str]:
    """Masked names (王**) per resident id, reading nothing but the name column (a DataLoader batch)."""
    rows = await Resident.filter(id__in=set(resident_ids)).values_list("id", "name")
    names = {pk: mask_name(name) for pk, name in rows}
    return [names.get(rid, "***") for rid in resident_ids]


async def locked_session(session_id: int) -> ProjectSession:
    """The session row, locked until the surrounding transaction ends (call inside one)."""
    session = await ProjectSession.filter(id=session_id).select_for_update().first()
    if session is None:
        raise DomainError(ErrorCode.NOT_FOUND, "No session with this ID.", "sessionId")
    return session


async def enroll(session_id: int, resident_id: int) -> Enrollment:
    """Confirm a resident while seats remain, else put them at the end of the waitlist."""
    if not await Resident.filter(id=resident_id).exists():
        raise DomainError(ErrorCode.NOT_FOUND, "No resident with this ID.", "residentId")
    async with in_transaction():
        session = await locked_session(session_id)
        if session.status != SessionStatus.SCHEDULED:
            raise DomainError(ErrorCode.INVALID_STATE, "Only scheduled sessions take enrollments.", "sessionId")
        if session.starts_at <= local_now():
            raise DomainError(ErrorCode.INVALID_STATE, "This session has already started.", "sessionId")
        existing = await Enrollment.get_or_none(session_id=session_id, resident_id=resident_id)
        if existing is not None and existing.status != CANCELLED:
            raise DomainError(ErrorCode.DUPLICATE, "The resident is already enrolled in this session.", "residentId")
        values = await _next_place(session)
        if existing is None:
            return await Enrollment.create(session_id=session_id, resident_id=resident_id, **values)
        await Enrollment.filter(id=existing.id).update(**values)
    await existing.refresh_from_db()
    return existing


async def _next_place(session: ProjectSession) -> dict:
    """Status and waitlist position of a newcomer to a locked session."""
    confirmed = await Enrollment.filter(session_id=session.id, status=CONFIRMED).count()
    if confirmed < session.capacity:
        return {"status": CONFIRMED, "waitlist_position": None}
    waitlisted = await Enrollment.filter(session_id=session.id, status=WAITLISTED).count()
    return {"status": WAITLISTED, "waitlist_position": waitlisted + 1}


async def cancel(enrollment_id: int) -> tuple[Enrollment, list[Enrollment]]:
    """Cancel an enrollment; freed seats go to the head of the waitlist. Returns it and the promoted ones."""
    found = await Enrollment.get_or_none(id=enrollment_id)
    if found is None:
        raise DomainError(ErrorCode.NOT_FOUND, "No enrollment with this ID.", "enrollmentId")
    async with in_transaction():
        session = await locked_session(found.session_id)
        enrollment = await Enrollment.get(id=enrollment_id)
        if enrollment.status == CANCELLED:
            raise DomainError(ErrorCode.INVALID_STATE, "This enrollment is already cancelled.", "enrollmentId")
        if session.status == SessionStatus.COMPLETED:
            raise DomainError(ErrorCode.INVALID_STATE, "The session has already taken place.", "enrollmentId")
        await Enrollment.filter(id=enrollment_id).update(status=CANCELLED, waitlist_position=None)
        promoted = await rebalance(session)
    await enrollment.refresh_from_db()
    return enrollment, promoted


async def rebalance(session: ProjectSession) -> list[Enrollment]:
    """Fill free seats from the head of the waitlist and renumber the rest 1, 2, 3 ... (session locked)."""
    confirmed = await Enrollment.filter(session_id=session.id, status=CONFIRMED).count()
    waitlist = list(await Enrollment.filter(session_id=session.id, status=WAITLISTED)
                    .order_by("waitlist_position", "id"))
    free = max(session.capacity - confirmed, 0) if session.status == SessionStatus.SCHEDULED else 0
    promoted, remaining = waitlist[:free], waitlist[free:]
    if promoted:
        await Enrollment.filter(id__in=[e.id for e in promoted]).update(status=CONFIRMED, waitlist_position=None)
    for position, enrollment in enumerate(remaining, start=1):
        if enrollment.waitlist_position != position:
            await Enrollment.filter(id=enrollment.id).update(waitlist_position=position)
    for enrollment in promoted:
        enrollment.status, enrollment.waitlist_position = CONFIRMED, None
    return promoted
