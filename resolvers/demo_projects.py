"""Demo projects with their leads, claims (项目认领), sessions and enrollments."""

from __future__ import annotations

from models import Enrollment, Professional, Project, ProjectClaim, ProjectSession, Resident
from models.enums import (
    AgeBand,
    ClaimStatus,
    EnrollmentStatus,
    Gender,
    Mobility,
    ProjectStatus,
    SessionStatus,
)
from resolvers.demo_catalog import VENUES
from resolvers.demo_context import DemoContext
from resolvers.demo_project_catalog import PROJECTS, WITHDRAWN_CLAIMS, ProjectSpec, SessionSpec, session_specs

MAX_WAITLIST = 5


def member(ctx: DemoContext, profession: str, index: int) -> Professional:
    """The ``index``-th association member (0-based) of a profession, in roster order."""
    return [p for p in ctx.professionals if p.profession == profession][index]


async def create_projects(ctx: DemoContext) -> None:
    """The five projects, their claims, sessions and enrollments."""
    projects, claims = [], []
    for spec in PROJECTS:
        project = await Project.create(
            name=spec.name, organizer=ctx.organizations[spec.organizer], category=spec.category,
            target_group=spec.target_group, min_age=spec.min_age, max_age=spec.max_age,
            description=spec.description, status=ProjectStatus.ACTIVE, starts_on=ctx.day(spec.started),
            area=ctx.areas["和睦街道"],
        )
        await project.leads.add(*(member(ctx, *lead) for lead in spec.leads))
        claims += [_claim(ctx, spec, project, claimant) for claimant in spec.claims]
        projects.append(project)
    await ProjectClaim.bulk_create(claims)
    pools = _audiences(ctx)
    sessions = await _create_sessions(ctx, {p.name: p for p in projects}, pools)
    enrollments = _enrollments(ctx, sessions, pools)
    await Enrollment.bulk_create(enrollments)
    ctx.counts.update(projects=len(projects), claims=len(claims), sessions=len(sessions),
                      enrollments=len(enrollments))


def _claim(ctx: DemoContext, spec: ProjectSpec, project: Project, claimant) -> ProjectClaim:
    withdrawn = (spec.name, claimant) in WITHDRAWN_CLAIMS
    status = ClaimStatus.WITHDRAWN if withdrawn else ClaimStatus.ACTIVE
    if isinstance(claimant, str):
        return ProjectClaim(project_id=project.id, organization_id=ctx.organizations[claimant].id,
                            status=status, note="机构认领：提供场地、人员和物资支持")
    professional = member(ctx, *claimant)
    note = "工作调整，暂停参与" if withdrawn else f"个人认领：以{professional.profession}身份承担活动带领"
    return ProjectClaim(project_id=project.id, professional_id=professional.id, status=status, note=note)


async def _create_sessions(
    ctx: DemoContext, projects: dict[str, Project], pools: dict[str, list[Resident]]
) -> list[tuple[ProjectSession, SessionSpec, str]]:
    """Insert the sessions; a booked-out session's capacity leaves room for a waitlist of up to 5."""
    audiences = {spec.name: spec.audience for spec in PROJECTS}
    planned = []
    for name, specs in session_specs().items():
        for spec in specs:
            offset = _aligned(ctx, spec.offset, spec.days)
            audience = audiences[name]
            capacity = min(spec.capacity, len(pools[audience]) - MAX_WAITLIST) if spec.full else spec.capacity
            planned.append((ProjectSession(
                project_id=projects[name].id, title=spec.title, kind=spec.kind, venue=VENUES[spec.venue],
                starts_at=ctx.at(offset, spec.start), ends_at=ctx.at(offset, spec.end), capacity=capacity,
                status=SessionStatus.COMPLETED if offset < 0 else SessionStatus.SCHEDULED,
            ), spec, audience))
    await ProjectSession.bulk_create([session for session, _, _ in planned])
    ids = {(p, t): i for p, t, i in await ProjectSession.filter(
        project_id__in=[p.id for p in projects.values()]).values_list("project_id", "title", "id")}
    for session, _, _ in planned:
        session.id = ids[(session.project_id, session.title)]
    return planned


def _aligned(ctx: DemoContext, offset: int, weekdays: tuple[int, ...]) -> int:
    """The first day at or after ``offset`` that falls on one of ``weekdays``."""
    while ctx.day(offset).weekday() not in weekdays:
        offset += 1
    return offset


def _enrollments(
    ctx: DemoContext, planned: list[tuple[ProjectSession, SessionSpec, str]], pools: dict[str, list[Resident]]
) -> list[Enrollment]:
    """Confirmed places up to capacity, then waitlist positions 1..n (booked-out sessions only)."""
    rows = []
    for session, spec, audience in planned:
        pool = pools[audience]
        if spec.full:
            demand = session.capacity + ctx.rng.randint(2, MAX_WAITLIST)
        else:
            demand = min(len(pool), round(session.capacity * ctx.rng.uniform(0.5, 0.95)))
        for rank, resident in enumerate(ctx.rng.sample(pool, k=demand), start=1):
            waitlisted = rank > session.capacity
            rows.append(Enrollment(
                session_id=session.id, resident_id=resident.id,
                status=EnrollmentStatus.WAITLISTED if waitlisted else EnrollmentStatus.CONFIRMED,
                waitlist_position=rank - session.capacity if waitlisted else None,
            ))
    return rows


def _audiences(ctx: DemoContext) -> dict[str, list[Resident]]:
    """Who may enroll, per project audience (one parent per family for children's activities)."""
    by_id = {r.id: r for r in ctx.residents}
    seniors = [r for r in ctx.residents if r.age_band in {AgeBand.SENIOR_60_79, AgeBand.SENIOR_80_PLUS}
               and r.mobility is not Mobility.BEDRIDDEN]

    def parents_of(bands: set[AgeBand]) -> list[Resident]:
        ids = {ctx.guardians_of[r.id][0] for r in ctx.residents if r.age_band in bands}
        return [by_id[i] for i in sorted(ids)]

    young = parents_of({AgeBand.INFANT_0_3, AgeBand.PRESCHOOL_3_6})
    return {
        "seniors": seniors,
        "young_parents": young,
        "preschool_parents": parents_of({AgeBand.PRESCHOOL_3_6}),
        "mothers": [r for r in young if r.gender is Gender.FEMALE],
    }

