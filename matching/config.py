"""Tunable settings of the matching engine: score weights, reliability priors and age rules."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from types import MappingProxyType

from matching.categories import REQUIRED_CERTIFICATIONS, CareCategory, CertificationKind
from matching.schedule import local_now, to_local


class Criterion(StrEnum):
    """A soft criterion of the score; each earns up to its share of 100 points."""

    PROXIMITY = "proximity"
    SKILL = "skill"
    CONTINUITY = "continuity"
    RELIABILITY = "reliability"
    FAIRNESS = "fairness"
    URGENCY = "urgency"


DEFAULT_WEIGHTS: Mapping[Criterion, float] = MappingProxyType(
    {
        Criterion.PROXIMITY: 25.0,  # nearby carers arrive sooner and know the neighbourhood
        Criterion.SKILL: 20.0,  # requested skills held, plus experience (saturating)
        Criterion.CONTINUITY: 15.0,  # a carer the resident already knows and rated well
        Criterion.RELIABILITY: 20.0,  # completion record and ratings, shrunk towards a prior
        Criterion.FAIRNESS: 10.0,  # spreads work to providers with fewer recent assignments
        Criterion.URGENCY: 10.0,  # need-only: lets urgent needs win scarce providers in a batch
    }
)
"""Default weights; they sum to 100, and any weights given are rescaled to sum to 100."""


@dataclass(frozen=True, slots=True)
class ReliabilityPrior:
    """Bayesian prior that gives newcomers a fair reliability score.

    A provider's rating is averaged with ``rating_weight`` pseudo-ratings of ``rating``, and its
    completion rate with ``completion_weight`` pseudo-jobs completed at rate ``completion``. A
    no-show counts as ``no_show_penalty`` failed jobs, a cancellation as one.
    """

    rating: float = 4.0
    rating_weight: float = 3.0
    completion: float = 0.9
    completion_weight: float = 5.0
    no_show_penalty: float = 2.0


@dataclass(frozen=True, slots=True)
class AgeRules:
    """Age limits for providers and volunteers (志愿服务条例 plus local rules; all configurable).

    For matching, a provider younger than ``min_provider_age`` on the day of the service is excluded
    from home services. For volunteering in projects: nobody under ``volunteer_min_age``; under
    ``accompanied_under`` only accompanied by an adult; under ``guardian_consent_under`` (both the
    under-14 and the 14-18 rule) only with a guardian's consent.
    """

    min_provider_age: int = 18
    volunteer_min_age: int = 6
    accompanied_under: int = 10
    guardian_consent_under: int = 18


@dataclass(frozen=True, slots=True)
class VolunteerAgeConditions:
    """What the age rules say about a volunteer of a given age."""

    allowed: bool
    needs_accompaniment: bool
    needs_guardian_consent: bool


def volunteer_age_conditions(age: int, rules: AgeRules) -> VolunteerAgeConditions:
    """Return whether a volunteer of ``age`` may serve and under which conditions."""
    return VolunteerAgeConditions(
        allowed=age >= rules.volunteer_min_age,
        needs_accompaniment=age < rules.accompanied_under,
        needs_guardian_consent=age < rules.guardian_consent_under,
    )


def _checked_weights(weights: Mapping[str, float]) -> dict[Criterion, float]:
    """Overlay ``weights`` on the defaults, criterion by criterion, and validate them."""
    merged = dict(DEFAULT_WEIGHTS)
    for name, weight in weights.items():
        if weight < 0:
            raise ValueError(f"weight of {name} must not be negative")
        merged[Criterion(name)] = float(weight)
    if sum(merged.values()) <= 0:
        raise ValueError("at least one weight must be positive")
    return merged


@dataclass(frozen=True, slots=True)
class MatchingConfig:
    """Everything the engine can be tuned with; the defaults suit a Hangzhou community.

    ``weights`` override the defaults criterion by criterion and are rescaled so the maximum score is
    100; ``max_points`` holds the rescaled values. ``required_certifications`` likewise override the
    default "any of" qualification category by category (the child-safety checks always apply).
    ``now`` is the reference time for waiting times and ages (None: the current time).

    The half-values shape the decays: proximity halves every ``proximity_half_km`` beyond the
    community, experience reaches half credit after ``experience_half_years``, fairness halves every
    ``fairness_half_count`` assignments in the last 30 days, and waiting reaches half credit after
    ``waiting_half_hours``. ``solver_time_limit_s`` bounds branch and bound for each connected part
    of a batch; past it the best solution found is used and reported as not proven optimal.
    """

    weights: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    reliability_prior: ReliabilityPrior = ReliabilityPrior()
    age_rules: AgeRules = AgeRules()
    required_certifications: Mapping[CareCategory, frozenset[CertificationKind]] = field(
        default_factory=lambda: dict(REQUIRED_CERTIFICATIONS)
    )
    now: datetime | None = None
    proximity_half_km: float = 2.0
    experience_half_years: float = 2.0
    fairness_half_count: float = 5.0
    waiting_half_hours: float = 24.0
    solver_time_limit_s: float = 8.0
    max_points: Mapping[Criterion, float] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        """Validate the weights, rescale them to points out of 100, overlay the requirements."""
        weights = _checked_weights(self.weights)
        total = sum(weights.values())
        object.__setattr__(self, "weights", MappingProxyType(weights))
        required = dict(REQUIRED_CERTIFICATIONS)
        required.update({CareCategory(c): frozenset(kinds) for c, kinds in self.required_certifications.items()})
        object.__setattr__(self, "required_certifications", MappingProxyType(required))
        points = {criterion: 100.0 * weights[criterion] / total for criterion in Criterion}
        object.__setattr__(self, "max_points", MappingProxyType(points))

    def reference_time(self) -> datetime:
        """Return ``now`` as local wall-clock time, or the current local time when unset."""
        return local_now() if self.now is None else to_local(self.now)
