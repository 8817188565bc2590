"""Project session services: the session list with filters, create and update with validation."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tortoise.transactions import in_transaction

from models import Enrollment, Project, ProjectSession
from models.enums import EnrollmentStatus, SessionKind, SessionStatus
from resolvers.certifications import LOCAL_ZONE
from resolvers.enrollments import locked_session, rebalance
from resolvers.errors import Checker, DomainError, ErrorCode
from resolvers.projects import project_is_open

MAX_CAPACITY = 10_000


@dataclass(frozen=True, slots=True)
class SessionFilter:
    """Criteria of the session list; every one is optional (``starts_from`` inclusive, ``starts_to`` not)."""

    project_id: int | None = None
    kind: SessionKind | None = None
    starts_from: datetime | None = None
    starts_to: datetime | None = None
    status: SessionStatus | None = None


ORDERINGS = {"STARTS_AT": ("starts_at", "id"), "STARTS_AT_DESC": ("-starts_at", "-id")}


def session_queryset(criteria: SessionFilter, order: str = "STARTS_AT"):
    """The filtered, ordered session list (not yet executed)."""
    qs = ProjectSession.all()
    for field in ("project_id", "kind", "status"):
        value = getattr(criteria, field)
        if value is not None:
            qs = qs.filter(**{field: value})
    if criteria.starts_from is not None:
        qs = qs.filter(starts_at__gte=aware(criteria.starts_from))
    if criteria.starts_to is not None:
        qs = qs.filter(starts_at__lt=aware(criteria.starts_to))
    return qs.order_by(*ORDERINGS[order])


def aware(moment: datetime) -> datetime:
    """A moment with a time zone; a naive one is read as Hangzhou local time."""
    return moment if moment.tzinfo else moment.replace(tzinfo=LOCAL_ZONE)


async def create_session(data: dict[str, Any]) -> ProjectSession:
    """Validate and insert a session of an open project."""
    values = await _validated(data, current=None)
    async with in_transaction():
        return await ProjectSession.create(**values)


async def update_session(session_id: int, data: dict[str, Any]) -> ProjectSession:
    """Apply the given fields; a larger capacity promotes waitlisted residents, in one transaction."""
    current = await ProjectSession.get_or_none(id=session_id)
    if current is None:
        raise DomainError(ErrorCode.NOT_FOUND, "No session with this ID.", "id")
    values = await _validated(data, current=current)
    async with in_transaction():
        session = await locked_session(session_id)
        if "capacity" in values:
            confirmed = await Enrollment.filter(session_id=session_id, status=EnrollmentStatus.CONFIRMED).count()
            if values["capacity"] < confirmed:
                raise DomainError(ErrorCode.OUT_OF_RANGE, f"`capacity` cannot drop below the {confirmed} "
                                  "confirmed enrollments; cancel some first.", "capacity")
        if values:
            await ProjectSession.filter(id=session_id).update(**values)
            await session.refresh_from_db()
        await rebalance(session)
    return session


async def _validated(data: dict[str, Any], current: ProjectSession | None) -> dict[str, Any]:
    checker = Checker()
    values: dict[str, Any] = {}
    if current is None:
        project = await Project.get_or_none(id=data["project_id"])
        if project is None:
            checker.add(ErrorCode.NOT_FOUND, "No project with this ID.", "projectId")
        elif not project_is_open(project):
            checker.add(ErrorCode.INVALID_STATE, "Only planned or active projects get new sessions.", "projectId")
        values["project_id"] = data["project_id"]
    for field in ("title", "venue"):
        if field in data or current is None:
            values[field] = checker.require_text(data.get(field), field, 120)
    for field in ("kind", "status"):
        if data.get(field) is not None:
            values[field] = data[field]
    _check_times(checker, data, values, current)
    if "capacity" in data or current is None:
        capacity = data.get("capacity")
        if capacity is None or capacity < 0:
            checker.add(ErrorCode.OUT_OF_RANGE, "`capacity` cannot be below zero.", "capacity")
        elif capacity > MAX_CAPACITY:
            checker.add(ErrorCode.OUT_OF_RANGE, f"`capacity` is at most {MAX_CAPACITY}.", "capacity")
        values["capacity"] = capacity
    checker.check()
    return values


def _check_times(checker: Checker, data: dict, values: dict, current: ProjectSession | None) -> None:
    for field, name in (("starts_at", "startsAt"), ("ends_at", "endsAt")):
        if data.get(field) is not None:
            values[field] = aware(data[field])
        elif field in data or current is None:
            checker.add(ErrorCode.REQUIRED, f"`{name}` is required.", name)
    starts = values.get("starts_at", current.starts_at if current else None)
    ends = values.get("ends_at", current.ends_at if current else None)
    if starts and ends and ends <= starts:
        checker.add(ErrorCode.INVALID_RANGE, "`endsAt` must come after `startsAt`.", "endsAt")
