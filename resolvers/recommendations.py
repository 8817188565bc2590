"""Project recommendations for a resident: upcoming sessions that fit their age, family, place and interests.

The resident themself or staff serving their community may ask. The resident's profile takes the
age (from the birth date, else the age band's lower bound), the youngest child they are guardian
of, the community, the interests and whether they live alone. Offers are the SCHEDULED sessions of
ACTIVE projects starting in the next ``HORIZON_DAYS`` days (at most ``MAX_SESSIONS``, soonest
first); free seats come from one GROUP BY over the enrollments, and full sessions stay on offer with
their waitlist. A project's area counts as its community only when it is a community (a
subdistrict-wide project is open to all); projects for women are not offered to men. The engine
(``matching.recommend_projects``) scores and explains them.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from matching import Recommendation, ResidentProfile, SessionOffer, TargetGroup, recommend_projects
from models import Guardianship, ProjectSession, Resident
from models.enums import AreaKind, Gender, ProjectStatus, SessionStatus
from models.enums import TargetGroup as StoredTargetGroup
from resolvers.access import Viewer
from resolvers.enrollments import session_counts
from resolvers.errors import DomainError, ErrorCode
from resolvers.matching_access import require_staff
from resolvers.matching_profiles import resident_age
from resolvers.residents import local_today

HORIZON_DAYS = 60
MAX_SESSIONS = 500
MAX_RECOMMENDATIONS = 20
SESSION_FIELDS = (
    "id", "project_id", "starts_at", "capacity", "project__name", "project__category", "project__target_group",
    "project__min_age", "project__max_age", "project__area_id", "project__area__kind",
)


async def _resident_for(viewer: Viewer, resident_id: int) -> Resident:
    """The resident, if the viewer is that resident or staff serving their community."""
    if viewer.resident_id is not None and viewer.resident_id == resident_id:
        resident = await Resident.get_or_none(id=resident_id)
    else:
        await require_staff(viewer)
        resident = await Resident.get_or_none(id=resident_id)
        if resident is not None:
            await require_staff(viewer, [resident.community_id])
    if resident is None:
        raise DomainError(ErrorCode.NOT_FOUND, "No resident with this ID.", "residentId")
    return resident


async def resident_profile(resident: Resident, today: date) -> ResidentProfile:
    """The engine's view of a resident (one statement for the children they are guardian of)."""
    children = await Guardianship.filter(guardian_id=resident.id).prefetch_related("child")
    ages = [age for g in children if (age := resident_age(g.child, today)) is not None]
    return ResidentProfile(
        id=resident.id, age=resident_age(resident, today), community_id=resident.community_id,
        interests=frozenset(resident.interests or ()), youngest_child_age=min(ages) if ages else None,
        lives_alone=resident.lives_alone,
    )


async def session_offers(resident: Resident, now: datetime) -> list[SessionOffer]:
    """Upcoming sessions of active projects with their free seats (two statements)."""
    rows = await ProjectSession.filter(
        status=SessionStatus.SCHEDULED, starts_at__gt=now, starts_at__lt=now + timedelta(days=HORIZON_DAYS),
        project__status=ProjectStatus.ACTIVE,
    ).order_by("starts_at", "id").limit(MAX_SESSIONS).values(*SESSION_FIELDS)
    if resident.gender == Gender.MALE:
        rows = [r for r in rows if r["project__target_group"] != StoredTargetGroup.WOMEN]
    counts = await session_counts([r["id"] for r in rows]) if rows else []
    return [_offer(row, count.confirmed) for row, count in zip(rows, counts, strict=True)]


def _offer(row: dict, confirmed: int) -> SessionOffer:
    """One session as the engine's offer."""
    group = row["project__target_group"]
    community = row["project__area_id"] if row["project__area__kind"] == AreaKind.COMMUNITY else None
    return SessionOffer(
        project_id=row["project_id"], session_id=row["id"], category=row["project__category"],
        starts_at=row["starts_at"], seats_free=max(0, row["capacity"] - confirmed), project_name=row["project__name"],
        target_group=TargetGroup(group) if group in TargetGroup.__members__ else TargetGroup.ALL,
        target_min_age=row["project__min_age"], target_max_age=row["project__max_age"], community_id=community,
        waitlist_allowed=True,
    )


async def project_recommendations(viewer: Viewer, resident_id: int, first: int = 5) -> list[Recommendation]:
    """Up to ``first`` sessions for the resident, best first, each project once, with reasons."""
    if not 0 <= first <= MAX_RECOMMENDATIONS:
        raise DomainError(ErrorCode.OUT_OF_RANGE, f"`first` is 0 to {MAX_RECOMMENDATIONS}.", "first")
    resident = await _resident_for(viewer, resident_id)
    now = datetime.now(UTC)
    profile = await resident_profile(resident, local_today())
    return recommend_projects(profile, await session_offers(resident, now), first=first, now=now)
