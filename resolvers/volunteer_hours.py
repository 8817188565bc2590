"""Volunteer hours: totals by month, category and project, and a volunteer's statement of hours.

Hours come from two sources: confirmed service records with a professional (the length of the service),
and sessions a professional served at with a recorded attendance (the session's length; cancelled
sessions do not count). Months and dates are Hangzhou's.

Who sees what: a professional their own hours; an organization's admin those of its members; centre
staff anyone's (or everyone's, with no professional or organization given). A statement is one
professional's, with each line holding the fields of the volunteer-service record measures (activity,
date, place, recipient, content, start and end, evaluation, person in charge, recorder).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from models import Membership, Organization, Professional, Project, ServiceRecord, SessionAttendance
from models.enums import CareCategory, ServiceRecordStatus, SessionStatus, label
from resolvers.access import Role
from resolvers.authorization import deny
from resolvers.enrollments import resident_display_names
from resolvers.errors import DomainError, ErrorCode
from resolvers.residents import SHANGHAI
from resolvers.scope import Scope
from resolvers.time_bank_payments import service_minutes

HELD = (SessionStatus.SCHEDULED, SessionStatus.COMPLETED)


@dataclass(frozen=True, slots=True)
class Period:
    """Inclusive Hangzhou dates; either end open."""

    since: date | None = None
    until: date | None = None

    def check(self) -> Period:
        """INVALID_RANGE when the end comes before the start."""
        if self.since and self.until and self.until < self.since:
            raise DomainError(ErrorCode.INVALID_RANGE, "`to` must not come before `from`.", "to")
        return self

    def moments(self) -> dict:
        """Filters of a session's start within the period."""
        found = {}
        if self.since:
            found["session__starts_at__gte"] = datetime.combine(self.since, time(), SHANGHAI)
        if self.until:
            found["session__starts_at__lt"] = datetime.combine(self.until + timedelta(days=1), time(), SHANGHAI)
        return found

    def dates(self) -> dict:
        """Filters of a record's service date within the period."""
        return {k: v for k, v in (("service_date__gte", self.since), ("service_date__lte", self.until)) if v}


@dataclass(frozen=True, slots=True)
class HoursTotals:
    """Minutes of volunteer service, in total and by month (YYYY-MM), care category and project."""

    total_minutes: int
    service_count: int
    session_count: int
    by_month: list[tuple[str, int]]
    by_category: list[tuple[CareCategory, int]]
    by_project: list[tuple[int | None, int]]


async def _members(organization_id: int) -> list[int]:
    if not await Organization.filter(id=organization_id).exists():
        raise DomainError(ErrorCode.NOT_FOUND, "No organization with this ID.", "organizationId")
    return list(await Membership.filter(organization_id=organization_id).values_list("professional_id", flat=True))


async def reach(scope: Scope, professional_id: int | None, organization_id: int | None) -> list[int] | None:
    """The professionals whose hours the viewer asks for and may see (None: every volunteer, for staff).

    With neither given: staff get everyone, a professional themself, an organization's admin its members.
    """
    viewer = scope.viewer
    admin_of = viewer.organization_id if viewer.role == Role.ORG_ADMIN else None
    if professional_id is None and organization_id is None:
        if scope.is_staff:
            return None
        if viewer.professional_id is None and admin_of is None:
            raise deny(scope, "Volunteer hours are seen by the volunteer, their organization's admin and centre staff.")
        professional_id, organization_id = viewer.professional_id, admin_of
    if professional_id is not None and not await Professional.filter(id=professional_id).exists():
        raise DomainError(ErrorCode.NOT_FOUND, "No professional with this ID.", "professionalId")
    if organization_id is not None:
        if not (scope.is_staff or organization_id == admin_of):
            raise deny(scope, "Only this organization's admin and centre staff see its members' hours.")
        members = await _members(organization_id)
        if professional_id is None:
            return members
        return [professional_id] if professional_id in members else []
    if scope.is_staff or viewer.professional_id == professional_id:
        return [professional_id]
    if admin_of is not None and professional_id in await _members(admin_of):
        return [professional_id]
    raise deny(scope, "Only the volunteer, their organization's admin and centre staff see these hours.")


def _records(ids: list[int] | None, period: Period):
    qs = ServiceRecord.filter(status=ServiceRecordStatus.CONFIRMED, ended_at__isnull=False,
                              professional_id__isnull=False, **period.dates())
    return qs.filter(professional_id__in=ids) if ids is not None else qs


def _attendances(ids: list[int] | None, period: Period):
    qs = SessionAttendance.filter(professional_id__isnull=False, session__status__in=HELD, **period.moments())
    return qs.filter(professional_id__in=ids) if ids is not None else qs


async def volunteer_hours(scope: Scope, professional_id: int | None, organization_id: int | None,
                          period: Period) -> HoursTotals:
    """The totals of the professionals within reach (see :func:`reach`) over the period."""
    ids = await reach(scope, professional_id, organization_id)
    period.check()
    months: dict[str, int] = defaultdict(int)
    categories: dict[CareCategory, int] = defaultdict(int)
    projects: dict[int | None, int] = defaultdict(int)
    records = await _records(ids, period).values_list("service_date", "started_at", "ended_at", "need__category")
    for day, start, end, category in records:
        minutes = service_minutes(start, end)
        months[day.strftime("%Y-%m")] += minutes
        categories[CareCategory(category)] += minutes
        projects[None] += minutes
    sessions = await _attendances(ids, period).values_list(
        "session__starts_at", "session__ends_at", "session__project_id", "session__project__category")
    for start, end, project, category in sessions:
        minutes = service_minutes(start, end)
        months[start.astimezone(SHANGHAI).strftime("%Y-%m")] += minutes
        categories[CareCategory(category)] += minutes
        projects[project] += minutes
    return HoursTotals(
        total_minutes=sum(months.values()), service_count=len(records), session_count=len(sessions),
        by_month=sorted(months.items()), by_category=sorted(categories.items(), key=lambda kv: (-kv[1], kv[0])),
        by_project=sorted(projects.items(), key=lambda kv: (kv[0] is not None, -kv[1], kv[0] or 0)),
    )


@dataclass(frozen=True, slots=True)
class StatementLine:
    """One service or staffed session, with the fields of a volunteer-service record and its minutes."""

    activity_name: str
    service_date: date
    place: str
    recipient: str
    content: str
    started_at: datetime
    ended_at: datetime
    evaluation: str
    person_in_charge: str
    recorder: str
    minutes: int
    category: CareCategory
    project_id: int | None


@dataclass(frozen=True, slots=True)
class Statement:
    """A professional's statement of volunteer hours over a period, lines in time order."""

    professional: Professional
    period: Period
    lines: list[StatementLine]

    @property
    def total_minutes(self) -> int:
        """The minutes of all lines."""
        return sum(line.minutes for line in self.lines)


async def statement(scope: Scope, professional_id: int | None, period: Period) -> Statement:
    """The statement of one professional (the viewer's own when none is given)."""
    professional_id = professional_id or scope.viewer.professional_id
    if professional_id is None:
        raise DomainError(ErrorCode.REQUIRED, "Name the professional whose statement this is.", "professionalId")
    ids = await reach(scope, professional_id, None)
    period.check()
    records = list(await _records(ids, period).prefetch_related("need"))
    names = await resident_display_names([r.recipient_id for r in records])
    lines = [StatementLine(r.activity_name, r.service_date, r.place, name, r.content, r.started_at, r.ended_at,
                           r.evaluation, r.person_in_charge, r.recorder, service_minutes(r.started_at, r.ended_at),
                           r.need.category, None) for r, name in zip(records, names, strict=True)]
    lines += await _session_lines(ids, period)
    lines.sort(key=lambda line: line.started_at)
    return Statement(professional=await Professional.get(id=ids[0]), period=period, lines=lines)


async def _session_lines(ids: list[int], period: Period) -> list[StatementLine]:
    attendances = list(await _attendances(ids, period).prefetch_related("session"))
    projects = {p.id: p for p in await Project.filter(
        id__in={a.session.project_id for a in attendances}).prefetch_related("organizer")}
    lines = []
    for attendance in attendances:
        session = attendance.session
        project = projects[session.project_id]
        lines.append(StatementLine(
            f"{project.name}：{session.title}"[:120], session.starts_at.astimezone(SHANGHAI).date(), session.venue,
            f"{label(project.target_group)}（项目参与者）", f"{label(session.kind)}：{session.title}",
            session.starts_at, session.ends_at, "", project.organizer.name, attendance.recorder,
            service_minutes(session.starts_at, session.ends_at), project.category, project.id))
    return lines


STATEMENT_HEADERS = ("活动名称", "服务日期", "服务地点", "服务对象", "服务内容", "开始时间", "结束时间",
                     "服务时长（小时）", "服务评价", "负责人", "记录人")


def statement_rows(found: Statement) -> tuple[tuple[str, ...], list[tuple]]:
    """The statement as a table (the RULES.md record fields, one line per service or session, a total last)."""
    def moment(value: datetime) -> str:
        return value.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")

    rows = [(line.activity_name, line.service_date.isoformat(), line.place, line.recipient, line.content,
             moment(line.started_at), moment(line.ended_at), f"{line.minutes / 60:.2f}", line.evaluation,
             line.person_in_charge, line.recorder) for line in found.lines]
    rows.append(("合计", "", "", "", "", "", "", f"{found.total_minutes / 60:.2f}", "", "", ""))
    return STATEMENT_HEADERS, rows

