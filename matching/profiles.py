"""Input types the service layer fills from database rows: providers, needs and their parts.

Providers are identified everywhere by a ``ProviderKey`` ``(kind, id)``, because a professional and
an organization can share an integer id. Collections given as lists or sets are normalised to
frozensets and tuples on construction, so profiles are immutable and cheap to share.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import IntEnum, StrEnum
from functools import lru_cache

from matching.categories import CareCategory, CertificationKind
from matching.config import MatchingConfig
from matching.schedule import TimeWindow, WeeklyHours, WeeklySlot, merge_weekly, to_local

__all__ = [
    "Certification",
    "GeoPoint",
    "MatchingConfig",
    "NeedProfile",
    "ProviderKey",
    "ProviderKind",
    "ProviderProfile",
    "TimeWindow",
    "Urgency",
    "WeeklySlot",
]

ProviderKey = tuple[str, int]
"""A provider's identity: (kind, id), e.g. ("PROFESSIONAL", 12) or ("ORGANIZATION", 12)."""

EARTH_RADIUS_KM = 6371.0088


class ProviderKind(StrEnum):
    """Who provides: an individual professional or a service organization."""

    PROFESSIONAL = "PROFESSIONAL"
    ORGANIZATION = "ORGANIZATION"


class Urgency(IntEnum):
    """How urgent a need is, 1 (LOW) to 4 (CRITICAL)."""

    LOW = 1
    NORMAL = 2
    HIGH = 3
    CRITICAL = 4


@dataclass(frozen=True, slots=True)
class Certification:
    """A certificate a provider holds; ``expires_on`` is the last day it is valid."""

    kind: CertificationKind
    verified: bool = False
    issued_on: date | None = None
    expires_on: date | None = None

    def valid_on(self, day: date) -> bool:
        """Tell whether the certificate counts on ``day``: verified, already issued, not expired."""
        return (
            self.verified
            and (self.issued_on is None or self.issued_on <= day)
            and (self.expires_on is None or day <= self.expires_on)
        )


class GeoPoint:
    """A WGS-84 position in decimal degrees (radians and the latitude's cosine are cached).

    Compared and hashed by its coordinates, read-only by convention (as :class:`ProviderProfile`): a
    frozen dataclass costs three times as much to build, and ranking builds one per candidate.
    """

    __slots__ = ("lat", "lng", "_phi", "_lam", "_cos_phi")

    def __init__(self, lat: float, lng: float) -> None:
        """Keep the coordinates and the radians used by ``distance_km``."""
        self.lat, self.lng = lat, lng
        self._phi, self._lam = math.radians(lat), math.radians(lng)
        self._cos_phi = math.cos(self._phi)

    def __eq__(self, other: object) -> bool:
        if type(other) is not GeoPoint:
            return NotImplemented
        return self.lat == other.lat and self.lng == other.lng

    def __hash__(self) -> int:
        return hash((self.lat, self.lng))

    def __repr__(self) -> str:
        return f"GeoPoint(lat={self.lat!r}, lng={self.lng!r})"

    def distance_km(self, other: GeoPoint) -> float:
        """Return the great-circle (haversine) distance to ``other`` in kilometres."""
        h = (
            math.sin((other._phi - self._phi) / 2) ** 2
            + self._cos_phi * other._cos_phi * math.sin((other._lam - self._lam) / 2) ** 2
        )
        return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


@dataclass(slots=True)
class ProviderProfile:
    """A professional or organization that can take needs, with the facts matching looks at.

    ``availability`` empty means "never" for a professional and "always" for an organization.
    ``booked`` holds the windows of accepted assignments. ``recent_assignments`` counts the last 30
    days (fairness); ``served_resident_ratings`` maps a resident id to the average rating that
    resident gave this provider (continuity). ``key`` and ``weekly`` are derived.

    Read-only by convention, not frozen: a frozen dataclass costs two and a half times as much to
    build, and ranking builds hundreds per request. Nothing changes a profile once built.
    """

    id: int
    kind: str = ProviderKind.PROFESSIONAL
    name: str = ""
    categories: frozenset[CareCategory] = frozenset()
    skills: frozenset[str] = frozenset()
    certifications: tuple[Certification, ...] = ()
    languages: frozenset[str] = frozenset()
    gender: str | None = None
    birth_date: date | None = None
    community_ids: frozenset[int] = frozenset()
    location: GeoPoint | None = None
    travel_km: float | None = None
    availability: tuple[WeeklySlot, ...] = ()
    max_concurrent: int = 1
    active_assignments: int = 0
    booked: tuple[TimeWindow, ...] = ()
    years_experience: float = 0.0
    completed: int = 0
    no_shows: int = 0
    cancelled: int = 0
    rating_sum: float = 0.0
    rating_count: int = 0
    recent_assignments: int = 0
    served_resident_ratings: Mapping[int, float] = field(default_factory=dict)
    key: ProviderKey = field(init=False, repr=False, compare=False)
    weekly: WeeklyHours = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        """Normalise collections and derive ``key`` and the merged ``weekly`` hours."""
        kind = self.kind if type(self.kind) is ProviderKind else ProviderKind(self.kind)
        self.kind = kind
        self.categories = _care_categories(frozenset(self.categories))
        self.skills = frozenset(self.skills)
        self.certifications = tuple(self.certifications)
        self.languages = frozenset(self.languages)
        self.community_ids = frozenset(self.community_ids)
        self.availability, self.weekly = _weekly_hours(self.availability)
        self.booked = tuple(self.booked)
        self.key = (kind.value, self.id)

    @property
    def remaining_capacity(self) -> int:
        """How many more assignments the provider can take (never negative)."""
        return max(0, self.max_concurrent - self.active_assignments)

    @property
    def always_available(self) -> bool:
        """Tell whether no weekly hours restrict the provider (organizations without hours)."""
        return self.kind is ProviderKind.ORGANIZATION and not self.availability


def trusted_profile(
    id: int, kind: ProviderKind, name: str, categories: frozenset, skills: frozenset[str],
    certifications: tuple[Certification, ...], languages: frozenset[str], gender: str | None,
    birth_date: date | None, community_ids: frozenset[int], location: GeoPoint | None, travel_km: float | None,
    availability: tuple[WeeklySlot, ...], max_concurrent: int, active_assignments: int,
    booked: tuple[TimeWindow, ...], years_experience: float, completed: int, no_shows: int, cancelled: int,
    rating_sum: float, rating_count: int, recent_assignments: int, served_resident_ratings: Mapping[int, float],
) -> ProviderProfile:
    """A profile from values already in their normal form, without ``__post_init__``'s conversions.

    The service layer builds hundreds of profiles per ranking from database rows whose sets and
    tuples it makes itself: ``kind`` must be a ``ProviderKind``, the collections frozensets and
    tuples as annotated (``availability`` a tuple; ``categories`` any frozenset, converted through
    the same cache). Only the derived fields are computed. The result equals
    ``ProviderProfile(...)`` of the same values (tests/matching/test_matching_profiles.py) at a
    third of the cost (no dataclass ``__init__`` with defaults, no re-normalised collections).
    """
    profile = _new_profile(ProviderProfile)
    profile.id, profile.kind, profile.name = id, kind, name
    profile.categories = _care_categories(categories)
    profile.skills, profile.certifications, profile.languages = skills, certifications, languages
    profile.gender, profile.birth_date, profile.community_ids = gender, birth_date, community_ids
    profile.location, profile.travel_km = location, travel_km
    profile.availability, profile.weekly = _weekly_hours(availability)
    profile.max_concurrent, profile.active_assignments, profile.booked = max_concurrent, active_assignments, booked
    profile.years_experience, profile.completed, profile.no_shows = years_experience, completed, no_shows
    profile.cancelled, profile.rating_sum, profile.rating_count = cancelled, rating_sum, rating_count
    profile.recent_assignments, profile.served_resident_ratings = recent_assignments, served_resident_ratings
    profile.key = (kind.value, id)
    return profile


def with_engagements(profile: ProviderProfile, active_assignments: int, recent_assignments: int,
                     booked: tuple[TimeWindow, ...], served_resident_ratings: Mapping[int, float]) -> ProviderProfile:
    """A copy of ``profile`` with other current engagements (the service layer keeps profiles between
    rankings and adds what changes with time); ``booked`` must be a tuple."""
    copy = _new_profile(ProviderProfile)
    copy.id, copy.kind, copy.name, copy.categories = profile.id, profile.kind, profile.name, profile.categories
    copy.skills, copy.certifications, copy.languages = profile.skills, profile.certifications, profile.languages
    copy.gender, copy.birth_date, copy.community_ids = profile.gender, profile.birth_date, profile.community_ids
    copy.location, copy.travel_km, copy.availability = profile.location, profile.travel_km, profile.availability
    copy.max_concurrent, copy.years_experience = profile.max_concurrent, profile.years_experience
    copy.completed, copy.no_shows, copy.cancelled = profile.completed, profile.no_shows, profile.cancelled
    copy.rating_sum, copy.rating_count, copy.key, copy.weekly = (profile.rating_sum, profile.rating_count,
                                                                  profile.key, profile.weekly)
    copy.active_assignments, copy.recent_assignments = active_assignments, recent_assignments
    copy.booked, copy.served_resident_ratings = booked, served_resident_ratings
    return copy


_new_profile = object.__new__


@dataclass(frozen=True, slots=True)
class NeedProfile:
    """A resident's need to be matched, with the resident facts that matter for matching.

    ``required_certifications`` come on top of the category's own requirements (all of them).
    ``languages``: the provider must speak at least one, when any are given. ``submitted_at`` None
    means "just now". Blocked and declined providers are given by their ``ProviderKey``.
    """

    id: int
    category: CareCategory
    resident_id: int
    community_id: int
    window: TimeWindow
    location: GeoPoint | None = None
    required_certifications: frozenset[CertificationKind] = frozenset()
    languages: frozenset[str] = frozenset()
    preferred_gender: str | None = None
    skills_wanted: frozenset[str] = frozenset()
    urgency: int = Urgency.NORMAL
    submitted_at: datetime | None = None
    resident_age: int | None = None
    resident_lives_alone: bool = False
    blocked_provider_keys: frozenset[ProviderKey] = frozenset()
    declined_provider_keys: frozenset[ProviderKey] = frozenset()

    def __post_init__(self) -> None:
        """Normalise collections and times, and validate the urgency."""
        setattr_ = object.__setattr__
        setattr_(self, "category", CareCategory(self.category))
        setattr_(self, "urgency", Urgency(self.urgency))
        setattr_(self, "required_certifications", frozenset(self.required_certifications))
        setattr_(self, "languages", frozenset(self.languages))
        setattr_(self, "skills_wanted", frozenset(self.skills_wanted))
        setattr_(self, "blocked_provider_keys", _keys(self.blocked_provider_keys))
        setattr_(self, "declined_provider_keys", _keys(self.declined_provider_keys))
        if self.submitted_at is not None:
            setattr_(self, "submitted_at", to_local(self.submitted_at))


@lru_cache(maxsize=1024)
def _care_categories(categories: frozenset) -> frozenset[CareCategory]:
    """Categories as ``CareCategory`` members (few distinct sets exist, so each is converted once)."""
    return frozenset(CareCategory(c) for c in categories)


_WEEKLY_MEMO: dict[int, tuple[tuple[WeeklySlot, ...], tuple[WeeklySlot, ...], WeeklyHours]] = {}
WEEKLY_MEMO_SIZE = 4096


def _weekly_hours(slots: Iterable[WeeklySlot]) -> tuple[tuple[WeeklySlot, ...], WeeklyHours]:
    """Slots sorted, and merged per weekday; remembered per tuple object.

    Many providers keep the same weekly hours and the service layer hands them one shared tuple,
    so the memo is keyed by the tuple's identity (it holds the tuple, so the id stays its own).
    """
    known = _WEEKLY_MEMO.get(id(slots))
    if known is not None and known[0] is slots:
        return known[1], known[2]
    ordered = tuple(sorted(slots))
    merged = merge_weekly(ordered)
    if type(slots) is tuple:
        if len(_WEEKLY_MEMO) >= WEEKLY_MEMO_SIZE:
            _WEEKLY_MEMO.clear()
        _WEEKLY_MEMO[id(slots)] = (slots, ordered, merged)
    return ordered, merged


def _keys(keys: frozenset[ProviderKey]) -> frozenset[ProviderKey]:
    """Normalise provider keys to plain ``(str, int)`` tuples."""
    return frozenset((str(kind), int(ident)) for kind, ident in keys)
