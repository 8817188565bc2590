"""Recommend project sessions (classes, clinics, reading clubs) to a resident.

A session is left out when it is full (unless it keeps a waitlist), already started, or outside its
target ages. The target age range applies to the resident, except for sessions aimed at PARENTS or
CHILDREN, where it applies to the resident's youngest child (CHILDREN sessions need a child). The
rest are scored out of 100 on interest, life stage (parents of under-6s: parenting and preschool
projects; seniors 60+: digital-literacy and health projects), community and how soon they start.
Each project is recommended once, through its best session.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from matching.categories import CareCategory
from matching.schedule import local_now, to_local

INTEREST_POINTS, STAGE_POINTS, COMMUNITY_POINTS, SOON_POINTS = 40.0, 25.0, 20.0, 15.0
SOON_HALF_DAYS = 7.0
"""Points for timing halve for every week until the session starts."""

SENIOR_AGE, YOUNG_CHILD_AGE = 60, 6
PARENT_CATEGORIES = frozenset(
    {
        CareCategory.PARENTING_GUIDANCE,
        CareCategory.PRESCHOOL_CARE,
        CareCategory.INFANT_CARE,
        CareCategory.PARENT_CHILD_ACTIVITY,
        CareCategory.FAMILY_READING,
    }
)
SENIOR_CATEGORIES = frozenset({CareCategory.DIGITAL_HELP, CareCategory.HEALTH_CHECK})


class TargetGroup(StrEnum):
    """Whom a session is for."""

    ELDERLY = "ELDERLY"
    PARENTS = "PARENTS"
    CHILDREN = "CHILDREN"
    ALL = "ALL"


@dataclass(frozen=True, slots=True)
class ResidentProfile:
    """What recommendations look at; ``youngest_child_age`` is None when there is no child."""

    id: int
    age: int | None = None
    community_id: int | None = None
    interests: frozenset[CareCategory | str] = frozenset()
    youngest_child_age: int | None = None
    lives_alone: bool = False


@dataclass(frozen=True, slots=True)
class SessionOffer:
    """A bookable session of a project; ``community_id`` None means open to the whole subdistrict."""

    project_id: int
    session_id: int
    category: CareCategory | str
    starts_at: datetime
    seats_free: int
    project_name: str = ""
    target_group: TargetGroup = TargetGroup.ALL
    target_min_age: int | None = None
    target_max_age: int | None = None
    community_id: int | None = None
    waitlist_allowed: bool = False


@dataclass(frozen=True, slots=True)
class RecommendationReason:
    """Why a session is recommended: a code (INTEREST, LIFE_STAGE, COMMUNITY, SOON, WAITLIST)."""

    code: str
    zh: str
    en: str


@dataclass(frozen=True, slots=True)
class Recommendation:
    """A recommended session with its score out of 100 and the reasons."""

    project_id: int
    session_id: int
    project_name: str
    score: float
    reasons: tuple[RecommendationReason, ...]


def recommend_projects(
    resident: ResidentProfile,
    sessions: Iterable[SessionOffer],
    first: int = 10,
    now: datetime | None = None,
) -> list[Recommendation]:
    """Return up to ``first`` recommendations, best first (then soonest, then session id)."""
    moment = local_now() if now is None else to_local(now)
    best: dict[int, tuple[tuple[float, datetime, int], Recommendation]] = {}
    for session in sessions:
        if not _open(resident, session, moment):
            continue
        rec = _recommendation(resident, session, moment)
        order = (-rec.score, to_local(session.starts_at), session.session_id)
        if session.project_id not in best or order < best[session.project_id][0]:
            best[session.project_id] = (order, rec)
    return [rec for _, rec in sorted(best.values(), key=lambda item: item[0])][: max(0, first)]


def _open(resident: ResidentProfile, session: SessionOffer, now: datetime) -> bool:
    """Tell whether the resident can still join: seats (or waitlist), not started, ages fit."""
    if session.seats_free <= 0 and not session.waitlist_allowed:
        return False
    if to_local(session.starts_at) < now:
        return False
    if TargetGroup(session.target_group) in (TargetGroup.PARENTS, TargetGroup.CHILDREN):
        age = resident.youngest_child_age
        if age is None:
            return session.target_group != TargetGroup.CHILDREN
    else:
        age = resident.age
    return age is None or _within(age, session.target_min_age, session.target_max_age)


def _within(age: int, low: int | None, high: int | None) -> bool:
    """Tell whether ``age`` lies in the inclusive range (open ends allowed)."""
    return (low is None or age >= low) and (high is None or age <= high)


def _recommendation(resident: ResidentProfile, session: SessionOffer, now: datetime) -> Recommendation:
    """Score a session for the resident and word the reasons."""
    scored = [
        _interest(resident, session),
        _life_stage(resident, session),
        _community(resident, session),
        _soon(session, now),
    ]
    reasons = [reason for points, reason in scored if points > 0 and reason is not None]
    if session.seats_free <= 0:
        reasons.append(RecommendationReason("WAITLIST", "名额已满，可候补", "Full, waitlist open"))
    score = sum(points for points, _ in scored)
    return Recommendation(session.project_id, session.session_id, session.project_name, score, tuple(reasons))


Scored = tuple[float, RecommendationReason | None]


def _interest(resident: ResidentProfile, session: SessionOffer) -> Scored:
    """Full points when the category is among the resident's interests."""
    if session.category in resident.interests:
        return INTEREST_POINTS, RecommendationReason("INTEREST", "符合您的兴趣", "Matches your interests")
    return 0.0, None


def _life_stage(resident: ResidentProfile, session: SessionOffer) -> Scored:
    """Parents of young children get parenting projects; seniors get digital and health projects."""
    child = resident.youngest_child_age
    if child is not None and child < YOUNG_CHILD_AGE and session.category in PARENT_CATEGORIES:
        return STAGE_POINTS, RecommendationReason(
            "LIFE_STAGE", "适合6岁以下儿童的家庭", "Suits families with children under 6"
        )
    if resident.age is not None and resident.age >= SENIOR_AGE and session.category in SENIOR_CATEGORIES:
        return STAGE_POINTS, RecommendationReason("LIFE_STAGE", "适合60岁以上长者", "Suits residents aged 60+")
    return 0.0, None


def _community(resident: ResidentProfile, session: SessionOffer) -> Scored:
    """Full points in the resident's community, half for subdistrict-wide sessions."""
    if session.community_id is None:
        return COMMUNITY_POINTS / 2, RecommendationReason("COMMUNITY", "面向全街道", "Open to the whole subdistrict")
    if session.community_id == resident.community_id:
        return COMMUNITY_POINTS, RecommendationReason("COMMUNITY", "就在您的社区", "In your community")
    return 0.0, None


def _soon(session: SessionOffer, now: datetime) -> Scored:
    """Points halving each week until the start."""
    days = max(0.0, (to_local(session.starts_at) - now).total_seconds() / 86_400)
    points = SOON_POINTS * 0.5 ** (days / SOON_HALF_DAYS)
    if days < 1:
        return points, RecommendationReason("SOON", "24小时内开始", "Starts within 24 hours")
    return points, RecommendationReason("SOON", f"{days:.0f}天后开始", f"Starts in {days:.0f} days")
