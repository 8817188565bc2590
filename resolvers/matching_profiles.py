"""Database rows to the matching engine's profiles (``NeedProfile``, ``ProviderProfile``).

Conventions of the adapter (the engine's rules are in ``matching``):

- Genders are the engine's ``F``/``M``; urgencies its 1 (LOW) to 4 (CRITICAL).
- A resident's age is taken on the first day of the need's window, from the birth date or, without
  one, from the lower bound of the age band (so an 80+ resident living alone stays a priority elder).
- A certificate counts only when verified (``verified_at`` set); its dates are checked by the engine.
- Continuity: a provider who completed a service for the resident without being rated counts as
  rated with the reliability prior's rating (4.0), i.e. a neutral-good known carer.
- An organization is always available (it sends one of its members), is never double booked (only
  its capacity counts), serves its area (all communities of a subdistrict) and the communities its
  active members serve, speaks its members' languages, holds its members' valid certificates, and
  can take as many assignments at once as its active members together (at least
  ``ORGANIZATION_MIN_CAPACITY``). Dispatching to a member re-checks every rule for that person.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from functools import lru_cache

from matching import (
    Certification,
    GeoPoint,
    MatchingConfig,
    NeedProfile,
    ProviderKey,
    ProviderKind,
    ProviderProfile,
    TimeWindow,
    WeeklySlot,
    to_local,
)
from models import Need, Resident
from models.enums import AgeBand, Gender, Urgency
from resolvers.matching_sql import as_date, as_list
from resolvers.residents import age_on

GENDERS = {Gender.FEMALE.value: "F", Gender.MALE.value: "M"}
URGENCIES = {Urgency.LOW: 1, Urgency.NORMAL: 2, Urgency.HIGH: 3, Urgency.CRITICAL: 4}
BAND_MIN_AGE = {
    AgeBand.INFANT_0_3: 0, AgeBand.PRESCHOOL_3_6: 3, AgeBand.CHILD_6_14: 6, AgeBand.MINOR_14_18: 14,
    AgeBand.ADULT_18_59: 18, AgeBand.SENIOR_60_79: 60, AgeBand.SENIOR_80_PLUS: 80,
}
ORGANIZATION_MIN_CAPACITY = 2
PROFESSIONAL = ProviderKind.PROFESSIONAL
ORGANIZATION = ProviderKind.ORGANIZATION


@dataclass(slots=True)
class ProviderFacts:
    """What the database says about one provider beyond its own row (filled by ``matching_facts``)."""

    certifications: list[Certification] = field(default_factory=list)
    community_ids: set[int] = field(default_factory=set)
    booked: list[TimeWindow] = field(default_factory=list)
    active: int = 0
    completed: int = 0
    no_shows: int = 0
    cancelled: int = 0
    rating_sum: float = 0.0
    rating_count: int = 0
    recent: int = 0
    served: dict[int, float] = field(default_factory=dict)
    languages: set[str] = field(default_factory=set)
    skills: set[str] = field(default_factory=set)
    capacity: int = 0
    years_experience: float = 0.0


def gender_code(value: str | None) -> str | None:
    """The engine's gender code of a stored gender."""
    return GENDERS.get(str(value)) if value else None


def resident_age(resident: Resident, day: date) -> int | None:
    """The resident's age on ``day`` (from the birth date, else the age band's lower bound)."""
    if resident.birth_date is not None:
        return age_on(resident.birth_date, day)
    return BAND_MIN_AGE.get(resident.age_band)


def location(latitude: float | None, longitude: float | None) -> GeoPoint | None:
    """A point when both coordinates are known."""
    return None if latitude is None or longitude is None else GeoPoint(latitude, longitude)


def need_profile(
    need: Need, resident: Resident, blocked: Iterable[ProviderKey] = (), declined: Iterable[ProviderKey] = ()
) -> NeedProfile:
    """The engine's view of a need and its resident."""
    window = TimeWindow(need.window_start, need.window_end)
    return NeedProfile(
        id=need.id, category=need.category, resident_id=need.resident_id, community_id=need.community_id,
        window=window, location=location(need.latitude, need.longitude),
        required_certifications=frozenset(need.required_certifications or ()),
        languages=frozenset(need.languages or ()), preferred_gender=gender_code(need.preferred_gender),
        skills_wanted=frozenset(need.skills_wanted or ()), urgency=URGENCIES[Urgency(need.urgency)],
        submitted_at=need.created_at, resident_age=resident_age(resident, window.first_day),
        resident_lives_alone=resident.lives_alone, blocked_provider_keys=frozenset(blocked),
        declined_provider_keys=frozenset(declined),
    )


def weekly_slots(availability: Iterable[dict]) -> tuple[WeeklySlot, ...]:
    """Stored ``{weekday, start, end}`` slots as the engine's weekly slots."""
    return tuple(
        WeeklySlot(int(s["weekday"]), time.fromisoformat(s["start"]), time.fromisoformat(s["end"]))
        for s in availability
    )


@lru_cache(maxsize=4096)
def _slots_of_text(text: str) -> tuple[WeeklySlot, ...]:
    """Weekly slots of a stored JSON text, sorted (many professionals share the same hours)."""
    return tuple(sorted(weekly_slots(as_list(text))))


def stored_slots(value) -> tuple[WeeklySlot, ...]:
    """Weekly slots of an availability column read raw (JSON text) or decoded (a list)."""
    return _slots_of_text(value) if isinstance(value, str) else weekly_slots(as_list(value))


@lru_cache(maxsize=8192)
def _set_of_text(text: str) -> frozenset:
    """The items of a stored JSON list (categories, skills, languages: few distinct lists exist)."""
    return frozenset(as_list(text))


def stored_set(value) -> frozenset:
    """The items of a JSON list column read raw (JSON text) or decoded (a list)."""
    return _set_of_text(value) if isinstance(value, str) else frozenset(as_list(value))


def certification(kind: str, verified: bool, issued_on, expires_on) -> Certification:
    """A stored certificate as the engine's (dates read raw are normalised)."""
    return Certification(kind, bool(verified), as_date(issued_on), as_date(expires_on))


def organization_profile(row: dict, facts: ProviderFacts) -> ProviderProfile:
    """The engine's view of an organization (see the module's conventions)."""
    return ProviderProfile(
        id=row["id"], kind=ORGANIZATION, name=row["name"], categories=stored_set(row["categories"]),
        skills=frozenset(facts.skills), certifications=tuple(facts.certifications),
        languages=frozenset(facts.languages), community_ids=frozenset(facts.community_ids),
        location=location(row["latitude"], row["longitude"]),
        max_concurrent=max(ORGANIZATION_MIN_CAPACITY, facts.capacity), **_record(facts),
        years_experience=facts.years_experience,
    )


def _record(facts: ProviderFacts) -> dict:
    """The track-record fields of a profile."""
    return {
        "active_assignments": facts.active, "booked": tuple(facts.booked), "completed": facts.completed,
        "no_shows": facts.no_shows, "cancelled": facts.cancelled, "rating_sum": facts.rating_sum,
        "rating_count": facts.rating_count, "recent_assignments": facts.recent,
        "served_resident_ratings": dict(facts.served),
    }


def matching_config(now: datetime | None = None) -> MatchingConfig:
    """The engine configuration the service uses (the documented defaults)."""
    return MatchingConfig(now=None if now is None else to_local(now))
