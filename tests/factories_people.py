"""Row builders for professionals, projects, sessions and enrollments (explicit values, no randomness)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from models import (
    Area,
    Certification,
    Enrollment,
    Membership,
    Organization,
    Professional,
    Project,
    ProjectSession,
    Resident,
)
from models.enums import (
    AgeBand,
    CareCategory,
    CertificationKind,
    EnrollmentStatus,
    OrganizationKind,
    SessionKind,
    TargetGroup,
)
from tests.factories import (
    gid,  # noqa: F401 (re-exported for the tests)
    make_areas,
    make_hub,
)

__all__ = ["make_areas", "make_hub"]

HANGZHOU = ZoneInfo("Asia/Shanghai")



def in_days(days: int, hour: int = 9) -> datetime:
    """A Hangzhou-time moment ``days`` from now at ``hour`` o'clock."""
    day = datetime.now(HANGZHOU).date() + timedelta(days=days)
    return datetime(day.year, day.month, day.day, hour, tzinfo=HANGZHOU)


async def make_organization(area: Area, name: str = "和睦新联会", **values: Any) -> Organization:
    """An organization (the association by default)."""
    values.setdefault("kind", OrganizationKind.ASSOCIATION)
    return await Organization.create(name=name, area=area, **values)


async def make_professional(name: str = "林晓雯", profession: str = "幼儿教师", **values: Any) -> Professional:
    """A professional with a phone number and weekday availability."""
    values.setdefault("phone", "13812345678")
    values.setdefault("categories", [CareCategory.FAMILY_READING.value])
    values.setdefault("availability", [{"weekday": 0, "start": "09:00", "end": "12:00"}])
    return await Professional.create(name=name, profession=profession, **values)


async def make_certification(professional: Professional, kind: CertificationKind = CertificationKind.NURSE,
                             number: str = "N-0001", **values: Any) -> Certification:
    """A certificate of ``professional``."""
    return await Certification.create(professional=professional, kind=kind, number=number, **values)


async def make_project(organizer: Organization, name: str = "爱有方", **values: Any) -> Project:
    """A project for parents of preschool children by default."""
    values.setdefault("category", CareCategory.FAMILY_READING)
    values.setdefault("target_group", TargetGroup.PARENTS)
    return await Project.create(name=name, organizer=organizer, **values)


async def make_session(project: Project, capacity: int = 2, days: int = 7, **values: Any) -> ProjectSession:
    """A scheduled session ``days`` from now, two hours long."""
    values.setdefault("title", "家庭养育读书会")
    values.setdefault("kind", SessionKind.READING_SESSION)
    values.setdefault("venue", "同心荟")
    starts = in_days(days)
    return await ProjectSession.create(project=project, capacity=capacity, starts_at=starts,
                                       ends_at=starts + timedelta(hours=2), **values)


async def make_residents(community: Area, count: int, prefix: str = "王") -> list[Resident]:
    """``count`` adult residents named 王秀英00, 王秀英01 ..."""
    return [
        await Resident.create(name=f"{prefix}秀英{i:02d}", age_band=AgeBand.ADULT_18_59, community=community)
        for i in range(count)
    ]


async def make_people_graph(projects: int, sessions: int, community: Area) -> None:
    """``projects`` projects with two leads each and ``sessions`` sessions, each session with one enrollment;
    ``projects`` professionals with a certification, a service area and a membership (for N+1 tests)."""
    organizer = await make_organization(community)
    resident = (await make_residents(community, 1))[0]
    leads = [await make_professional(name=f"专业人士{i:02d}", phone=None) for i in range(projects)]
    for i, lead in enumerate(leads):
        await make_certification(lead, number=f"N-{i:04d}", issued_on=date(2020, 1, 1))
        await lead.service_areas.add(community)
        await Membership.create(professional=lead, organization=organizer)
    for p in range(projects):
        project = await make_project(organizer, name=f"项目{p:02d}")
        await project.leads.add(leads[p], leads[(p + 1) % projects])
        rows = [ProjectSession(project=project, title=f"第{s}期", kind=SessionKind.CLASS, venue="同心荟",
                               capacity=5, starts_at=in_days(s + 1), ends_at=in_days(s + 1, hour=11))
                for s in range(sessions)]
        await ProjectSession.bulk_create(rows)
    session_ids = await ProjectSession.all().values_list("id", flat=True)
    await Enrollment.bulk_create([
        Enrollment(session_id=sid, resident=resident, status=EnrollmentStatus.CONFIRMED) for sid in session_ids
    ])
