"""Facts about one need, computed once and shared by every constraint and score for that need."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from matching.categories import CHILD_SAFETY_CERTIFICATIONS, CertificationKind, is_child_category
from matching.config import MatchingConfig
from matching.profiles import NeedProfile, ProviderProfile
from matching.schedule import Segment

PRIORITY_AGE = 80
"""Residents this old and living alone are priority elders (as in the time-bank rules)."""


@dataclass(frozen=True, slots=True)
class NeedContext:
    """A need prepared for matching under a config at a reference time ``now``.

    ``qualification_any``: the category's professional qualification, any one suffices (empty: none).
    ``required_all``: the need's extra certifications, all required. ``child_safety_all``: the
    child-safety checks when the category is a child one, else empty. Certificates must be valid on
    ``first_day`` and ``last_day`` (hence throughout the window). A provider born after
    ``adult_cutoff`` is younger than the minimum provider age on the day of the service.
    """

    need: NeedProfile
    config: MatchingConfig
    now: datetime
    segments: tuple[Segment, ...]
    first_day: date
    last_day: date
    qualification_any: frozenset[CertificationKind]
    required_all: frozenset[CertificationKind]
    child_safety_all: frozenset[CertificationKind]
    adult_cutoff: date


def prepare(need: NeedProfile, config: MatchingConfig, now: datetime | None = None) -> NeedContext:
    """Prepare ``need`` for matching; ``now`` defaults to the config's reference time."""
    window = need.window
    first_day = window.first_day
    child = is_child_category(need.category)
    return NeedContext(
        need=need,
        config=config,
        now=config.reference_time() if now is None else now,
        segments=window.segments(),
        first_day=first_day,
        last_day=window.last_day,
        qualification_any=config.required_certifications.get(need.category, frozenset()),
        required_all=need.required_certifications,
        child_safety_all=CHILD_SAFETY_CERTIFICATIONS if child else frozenset(),
        adult_cutoff=years_before(first_day, config.age_rules.min_provider_age),
    )


def years_before(day: date, years: int) -> date:
    """Return the latest birth date of someone at least ``years`` old on ``day`` (29 Feb -> 28 Feb)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def valid_kinds(ctx: NeedContext, provider: ProviderProfile) -> set[CertificationKind]:
    """Return the certification kinds the provider holds validly on every day of the need's window."""
    first, last = ctx.first_day, ctx.last_day
    return {c.kind for c in provider.certifications if c.valid_on(first) and c.valid_on(last)}


def waiting_hours(ctx: NeedContext) -> float:
    """Hours the need has waited since it was submitted (0 when unknown or in the future)."""
    submitted = ctx.need.submitted_at
    return 0.0 if submitted is None else max(0.0, (ctx.now - submitted).total_seconds() / 3600)


def is_priority_elder(ctx: NeedContext) -> bool:
    """Tell whether the resident is 80 or older and lives alone."""
    age = ctx.need.resident_age
    return age is not None and age >= PRIORITY_AGE and ctx.need.resident_lives_alone
