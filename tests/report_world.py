"""A small fixed world for the report tests, in March 2025, with every figure computable by hand.

Needs (submitted in March unless said; hours after submission of the first TRIAGED / ACCEPTED / CLOSED,
written both as the need's events and as its step columns ``triaged_at`` / ``accepted_at`` / ``closed_at``):

| need | community | category | status | triage | acceptance | closure | provider |
|---|---|---|---|---|---|---|---|
| n1 | here | MEALS | CLOSED | 1 | 5 | 30 | carer A, record 2 h rated 5 |
| n2 | here | MEALS | CLOSED | 3 | 9 | 50 | org1, dispatched to carer B, record 1.5 h rated 4 |
| n3 | here | CLEANING | COMPLETED | 2 | 10 | | carer A, record 3 h unrated |
| n4 | here | CLEANING | MATCHING | 4 | | | (carer C proposed, carer A declined) |
| n5 | here | MEALS | EXPIRED | | | | |
| n6 | here | MEALS | CANCELLED | 6 | | | |
| n7 | there | MEALS | CLOSED | 5 | 7 | 20 | carer B, no-show (a draft record only) |
| n8 | there | BATHING | SUBMITTED | | | | |
| n9 | here, February | MEALS | CLOSED | 1 | 2 | 3 | carer A (outside the period) |
| n10 | here, April | MEALS | SUBMITTED | | | | |

Organizations: the hub, org1 (INCUBATED, here, members A and B, INCUBATING since 2025-03-05), org2 (PARTNER,
there), and incubated orgs: APPLIED (here), INCUBATING since 2024-06-01 (here), GRADUATED 2025-03-20 (here),
GRADUATED 2025-01-10 (here), GRADUATED 2024-12-01 (there). Carer D is inactive.
Projects: P1 (org1, here) and P2 (org2, whole subdistrict), sessions and claims as in :func:`_projects`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from models import (
    Area,
    Enrollment,
    Match,
    Need,
    NeedEvent,
    Organization,
    Professional,
    ProjectClaim,
    ProjectSession,
    ServiceRecord,
    SessionAttendance,
)
from models.enums import (
    AttendanceMethod,
    CareCategory,
    ClaimStatus,
    EnrollmentStatus,
    IncubationStage,
    MatchStatus,
    NeedStatus,
    OrganizationKind,
    ProfessionalStatus,
    ProviderKind,
    ServiceRecordStatus,
    SessionKind,
    SessionStatus,
)
from models.step_times import STEP_COLUMNS
from tests.factories import make_areas, make_hub
from tests.factories_matching import make_carer, make_elder, make_service_org
from tests.factories_people import make_project
from tests.factories_residents import make_match, make_need

HZ = ZoneInfo("Asia/Shanghai")
S, T, M, P, A, C = (NeedStatus.SUBMITTED, NeedStatus.TRIAGED, NeedStatus.MATCHING, NeedStatus.PROPOSED,
                    NeedStatus.ACCEPTED, NeedStatus.CLOSED)
#: need -> (community, category, submitted, final status, [(to status, hours after submission)])
NEEDS = {
    "n1": ("here", CareCategory.MEALS, (3, 2), C, [(T, 1), (M, 1.5), (P, 2), (A, 5), (NeedStatus.IN_SERVICE, 24),
                                                   (NeedStatus.COMPLETED, 26), (C, 30)]),
    "n2": ("here", CareCategory.MEALS, (3, 3), C, [(T, 3), (M, 4), (P, 4), (A, 9), (NeedStatus.IN_SERVICE, 24),
                                                   (NeedStatus.COMPLETED, 25.5), (C, 50)]),
    "n3": ("here", CareCategory.CLEANING, (3, 5), NeedStatus.COMPLETED, [(T, 2), (M, 3), (P, 3), (A, 10)]),
    "n4": ("here", CareCategory.CLEANING, (3, 6), M, [(T, 4), (M, 5)]),
    "n5": ("here", CareCategory.MEALS, (3, 7), NeedStatus.EXPIRED, [(NeedStatus.EXPIRED, 40)]),
    "n6": ("here", CareCategory.MEALS, (3, 8), NeedStatus.CANCELLED, [(T, 6), (NeedStatus.CANCELLED, 8)]),
    "n7": ("there", CareCategory.MEALS, (3, 10), C, [(T, 5), (M, 6), (P, 6), (A, 7), (C, 20)]),
    "n8": ("there", CareCategory.BATHING, (3, 11), S, []),
    "n9": ("here", CareCategory.MEALS, (2, 20), C, [(T, 1), (A, 2), (C, 3)]),
    "n10": ("here", CareCategory.MEALS, (4, 2), S, []),
}
MARCH = ("2025-03-01", "2025-03-31")


def at(month: int, day: int, hour: float = 8) -> datetime:
    """A Hangzhou moment in 2025."""
    return datetime(2025, month, day, tzinfo=HZ) + timedelta(hours=hour)


@dataclass
class World:
    """What the tests need to refer to."""

    here: Area
    there: Area
    needs: dict[str, Need]
    carers: dict[str, Professional]
    org1: Organization
    org2: Organization
    projects: dict[str, int]


def step_times(created: datetime, steps: list[tuple[NeedStatus, float]]) -> dict[str, datetime]:
    """The step columns of a need with these events: the first event to each timed status."""
    return {STEP_COLUMNS[status]: created + timedelta(hours=hours)
            for status, hours in reversed(steps) if status in STEP_COLUMNS}


async def build_world() -> World:
    """The whole fixed data set."""
    _, here, there = await make_areas()
    areas = {"here": here, "there": there}
    elders = {"here": await make_elder(here), "there": await make_elder(there, "李爷爷")}
    needs = {}
    for name, (area, category, (month, day), status, steps) in NEEDS.items():
        created = at(month, day)
        need = await make_need(elders[area], name, category=category, status=status, created_at=created,
                               window_start=created + timedelta(days=1), **step_times(created, steps))
        await NeedEvent.create(need=need, actor_role="RESIDENT", from_status=None, to_status=S, created_at=created)
        previous = S
        for to_status, hours in steps:
            await NeedEvent.create(need=need, actor_role="STAFF", from_status=previous, to_status=to_status,
                                   created_at=created + timedelta(hours=hours))
            previous = to_status
        needs[name] = need
    carers = {key: await make_carer(here, f"护理员{key}") for key in "ABCD"}
    await Professional.filter(id=carers["D"].id).update(status=ProfessionalStatus.INACTIVE)
    org1 = await make_service_org(here, "邻里助餐社", [carers["A"], carers["B"]])
    await Organization.filter(id=org1.id).update(incubation_stage=IncubationStage.INCUBATING,
                                                 incubation_started_on=date(2025, 3, 5))
    org2 = await Organization.create(name="阳光合作医院", kind=OrganizationKind.PARTNER, area=there)
    await _service(needs, carers, org1)
    await _incubation(areas)
    projects = await _projects(areas, org1, org2, carers)
    return World(here, there, needs, carers, org1, org2, projects)


async def _record(need: Need, match: Match, carer: Professional | None, start: datetime, hours: float | None,
                  rating: int | None, status: ServiceRecordStatus = ServiceRecordStatus.CONFIRMED) -> None:
    await ServiceRecord.create(
        need=need, match=match, professional=carer, recipient_id=need.resident_id, activity_name=need.title,
        service_date=start.date(), place="家中", started_at=start,
        ended_at=None if hours is None else start + timedelta(hours=hours), rating=rating,
        person_in_charge="站长", recorder="记录员", status=status)


async def _service(needs: dict[str, Need], carers: dict[str, Professional], org1: Organization) -> None:
    done = MatchStatus.COMPLETED
    m1 = await make_match(needs["n1"], carers["A"], status=done)
    await _record(needs["n1"], m1, carers["A"], at(3, 3, 9), 2, 5)
    by_org = await make_match(needs["n2"], org1, status=done)
    dispatched = await Match.create(need=needs["n2"], provider_kind=ProviderKind.PROFESSIONAL,
                                    professional=carers["B"], status=done, proposed_by="org1",
                                    dispatched_from=by_org)
    await _record(needs["n2"], dispatched, carers["B"], at(3, 4, 9), 1.5, 4)
    m3 = await make_match(needs["n3"], carers["A"], status=done)
    await _record(needs["n3"], m3, carers["A"], at(3, 6, 9), 3, None)
    await make_match(needs["n4"], carers["C"])
    await make_match(needs["n4"], carers["A"], status=MatchStatus.DECLINED)
    m7 = await make_match(needs["n7"], carers["B"], status=MatchStatus.ACCEPTED)
    await Match.filter(id=m7.id).update(no_show=True)
    await _record(needs["n7"], m7, carers["B"], at(3, 11, 9), None, None, ServiceRecordStatus.DRAFT)
    m9 = await make_match(needs["n9"], carers["A"], status=done)
    await _record(needs["n9"], m9, carers["A"], at(2, 21, 9), 1, 3)


async def _incubation(areas: dict[str, Area]) -> None:
    hub = await make_hub(areas["here"])
    stages = [("申请中", "here", IncubationStage.APPLIED, None, None),
              ("孵化中", "here", IncubationStage.INCUBATING, date(2024, 6, 1), None),
              ("三月出壳", "here", IncubationStage.GRADUATED, date(2024, 1, 1), date(2025, 3, 20)),
              ("一月出壳", "here", IncubationStage.GRADUATED, date(2024, 1, 1), date(2025, 1, 10)),
              ("去年出壳", "there", IncubationStage.GRADUATED, date(2023, 1, 1), date(2024, 12, 1))]
    for name, area, stage, started, graduated in stages:
        await Organization.create(name=name, kind=OrganizationKind.INCUBATED, area=areas[area], incubated_by=hub,
                                  incubation_stage=stage, incubation_started_on=started, graduated_on=graduated)


async def _session(project_id: int, day: int, capacity: int, status: SessionStatus = SessionStatus.SCHEDULED,
                   month: int = 3) -> ProjectSession:
    return await ProjectSession.create(project_id=project_id, title=f"第{day}期", kind=SessionKind.READING_SESSION,
                                       starts_at=at(month, day, 10), ends_at=at(month, day, 12), venue="同心荟",
                                       capacity=capacity, status=status)


async def _projects(areas: dict[str, Area], org1: Organization, org2: Organization,
                    carers: dict[str, Professional]) -> dict[str, int]:
    p1 = await make_project(org1, "爱有方", area=areas["here"])
    p2 = await make_project(org2, "健康义诊", category=CareCategory.HEALTH_CHECK)
    p3 = await make_project(org2, "阳光读书会", area=areas["there"])
    people = [await make_elder(areas["here"], f"居民{i}") for i in range(6)]
    enrolled = [
        (await _session(p1.id, 4, 3), [EnrollmentStatus.CONFIRMED] * 3 + [EnrollmentStatus.WAITLISTED] * 2, [0, 1]),
        (await _session(p1.id, 18, 2, SessionStatus.COMPLETED), [EnrollmentStatus.CONFIRMED,
                                                                  EnrollmentStatus.CANCELLED], [0, 5]),
        (await _session(p1.id, 25, 5, SessionStatus.CANCELLED), [EnrollmentStatus.CONFIRMED], []),
        (await _session(p1.id, 2, 5, month=4), [EnrollmentStatus.CONFIRMED], [0]),
        (await _session(p2.id, 20, 4), [EnrollmentStatus.CONFIRMED], []),
    ]
    for session, statuses, present in enrolled:
        for i, status in enumerate(statuses):
            await Enrollment.create(session=session, resident=people[i], status=status,
                                    waitlist_position=i if status == EnrollmentStatus.WAITLISTED else None)
        for i in present:
            await SessionAttendance.create(session=session, resident=people[i], method=AttendanceMethod.CODE,
                                           checked_in_at=session.starts_at, recorder="签到")
        if present:
            await SessionAttendance.create(session=session, professional=carers["A"], method=AttendanceMethod.STAFF,
                                           checked_in_at=session.starts_at, recorder="站长")
    claims = [(p1, {"organization": org1}, ClaimStatus.ACTIVE, at(3, 10)),
              (p1, {"professional": carers["A"]}, ClaimStatus.ACTIVE, at(2, 1)),
              (p2, {"professional": carers["B"]}, ClaimStatus.WITHDRAWN, at(3, 15)),
              (p3, {"organization": await Organization.get(name="三月出壳")}, ClaimStatus.ACTIVE, at(3, 12))]
    for project, claimant, status, created in claims:
        await ProjectClaim.create(project=project, status=status, created_at=created, **claimant)
    return {"P1": p1.id, "P2": p2.id, "P3": p3.id}
