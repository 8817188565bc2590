"""Soft score of an eligible provider for a need: 0-100 points with a bilingual breakdown.

Each criterion yields a fraction in [0, 1] that is multiplied by its maximum points (the weights of
``MatchingConfig`` rescaled to sum to 100). The total is the plain left-to-right sum of the
components' points, so a breakdown always adds up to its score. Urgency depends on the need only:
it does not reorder one need's candidates, but it makes urgent needs win scarce providers when a
batch is assigned.
"""

from __future__ import annotations

from dataclasses import dataclass

from matching.config import Criterion, MatchingConfig, ReliabilityPrior
from matching.context import NeedContext, is_priority_elder, prepare, waiting_hours
from matching.profiles import NeedProfile, ProviderProfile
from matching.reasons import REASONS

CROSS_COMMUNITY_FACTOR = 0.8
"""Proximity fraction of a provider from another community at distance zero (decays from there)."""

SKILL_SHARE, EXPERIENCE_SHARE = 0.7, 0.3
COMPLETION_SHARE, RATING_SHARE = 0.6, 0.4
LEVEL_SHARE, WAITING_SHARE, PRIORITY_SHARE = 0.6, 0.25, 0.15


@dataclass(frozen=True, slots=True)
class ScoreComponent:
    """Points one criterion earned (out of ``max_points``), with the reason in Chinese and English."""

    criterion: Criterion
    points: float
    max_points: float
    reason_zh: str
    reason_en: str


@dataclass(frozen=True, slots=True)
class ScoreBreakdown:
    """A score and the components it is the sum of (in ``Criterion`` order)."""

    total: float
    components: tuple[ScoreComponent, ...]


def proximity_fraction(ctx: NeedContext, provider: ProviderProfile) -> float:
    """1 in the need's community; otherwise 0.8 halving every ``proximity_half_km``; 0 if unknown."""
    if ctx.need.community_id in provider.community_ids:
        return 1.0
    here, there = ctx.need.location, provider.location
    if here is None or there is None:
        return 0.0
    return CROSS_COMMUNITY_FACTOR * 0.5 ** (there.distance_km(here) / ctx.config.proximity_half_km)


def skill_fraction(ctx: NeedContext, provider: ProviderProfile, experience: float | None = None) -> float:
    """Share of the wanted skills held (1 when none wanted), blended with saturating experience
    (``experience``: :func:`experience_fraction`, when already known)."""
    wanted = ctx.need.skills_wanted
    overlap = len(wanted & provider.skills) / len(wanted) if wanted else 1.0
    if experience is None:
        experience = experience_fraction(provider, ctx.config)
    return SKILL_SHARE * overlap + EXPERIENCE_SHARE * experience


def experience_fraction(provider: ProviderProfile, config: MatchingConfig) -> float:
    """0 for a beginner, rising towards 1, halfway at ``experience_half_years``."""
    return 1.0 - 0.5 ** (max(0.0, provider.years_experience) / config.experience_half_years)


def continuity_fraction(ctx: NeedContext, provider: ProviderProfile) -> float:
    """0 for a stranger; for a carer the resident knows, rises from rating 3 (0) to rating 5 (1)."""
    rating = provider.served_resident_ratings.get(ctx.need.resident_id)
    if rating is None:
        return 0.0
    return min(1.0, max(0.0, (rating - 3.0) / 2.0))


def reliability_fraction(provider: ProviderProfile, prior: ReliabilityPrior) -> float:
    """Blend of the Bayesian completion rate (no-shows weigh extra) and the Bayesian mean rating."""
    done = provider.completed + prior.completion * prior.completion_weight
    failed = provider.cancelled + prior.no_show_penalty * provider.no_shows
    completion = done / (provider.completed + failed + prior.completion_weight)
    rating = (provider.rating_sum + prior.rating * prior.rating_weight) / (provider.rating_count + prior.rating_weight)
    rating_part = min(1.0, max(0.0, (rating - 1.0) / 4.0))
    return COMPLETION_SHARE * min(1.0, completion) + RATING_SHARE * rating_part


def fairness_fraction(provider: ProviderProfile, half_count: float) -> float:
    """1 with no recent assignments, halving every ``half_count`` assignments in the last 30 days."""
    return 0.5 ** (max(0, provider.recent_assignments) / half_count)


def urgency_fraction(ctx: NeedContext) -> float:
    """Urgency level, time waited (saturating) and priority-elder status, blended."""
    level = (int(ctx.need.urgency) - 1) / 3
    waiting = 1.0 - 0.5 ** (waiting_hours(ctx) / ctx.config.waiting_half_hours)
    priority = 1.0 if is_priority_elder(ctx) else 0.0
    return LEVEL_SHARE * level + WAITING_SHARE * waiting + PRIORITY_SHARE * priority


@dataclass(frozen=True, slots=True)
class ProviderTerms:
    """The parts of a score that depend on the provider alone: computed once per provider when a
    batch scores it for many needs."""

    experience: float
    reliability_points: float
    fairness_points: float


def provider_terms(provider: ProviderProfile, config: MatchingConfig) -> ProviderTerms:
    """The provider-only parts of its score under ``config``."""
    pts = config.max_points
    return ProviderTerms(
        experience_fraction(provider, config),
        pts[Criterion.RELIABILITY] * reliability_fraction(provider, config.reliability_prior),
        pts[Criterion.FAIRNESS] * fairness_fraction(provider, config.fairness_half_count),
    )


class Scorer:
    """Scores providers for one prepared need; need-only parts are computed once.

    ``total`` is what ranking calls for every eligible provider, so it reads the per-need constants
    from the scorer and computes each fraction inline, with the same operations in the same order as
    the functions above (which ``breakdown`` calls): the score is the same float either way, which
    ``tests/matching/test_matching_scoring.py`` checks on generated providers.
    """

    __slots__ = ("ctx", "_points", "_urgency_points", "_proximity", "_skill", "_continuity", "_reliability",
                 "_fairness", "_community", "_here", "_half_km", "_wanted", "_resident", "_prior",
                 "_experience_half", "_fairness_half")

    def __init__(self, ctx: NeedContext) -> None:
        """Prepare the maximum points per criterion, the need's urgency points and what ``total`` reads."""
        self.ctx = ctx
        config, need = ctx.config, ctx.need
        self._points = pts = config.max_points
        self._urgency_points = pts[Criterion.URGENCY] * urgency_fraction(ctx)
        self._proximity, self._skill = pts[Criterion.PROXIMITY], pts[Criterion.SKILL]
        self._continuity, self._reliability = pts[Criterion.CONTINUITY], pts[Criterion.RELIABILITY]
        self._fairness = pts[Criterion.FAIRNESS]
        self._community, self._here, self._half_km = need.community_id, need.location, config.proximity_half_km
        self._wanted, self._resident, self._prior = need.skills_wanted, need.resident_id, config.reliability_prior
        self._experience_half, self._fairness_half = config.experience_half_years, config.fairness_half_count

    def total(self, provider: ProviderProfile, terms: ProviderTerms | None = None) -> float:
        """Return the score of ``provider``, equal to the sum of ``breakdown`` points (the same
        float, added in the same order, with or without its precomputed ``terms``)."""
        if self._community in provider.community_ids:
            proximity = 1.0
        else:
            here, there = self._here, provider.location
            if here is None or there is None:
                proximity = 0.0
            else:
                proximity = CROSS_COMMUNITY_FACTOR * 0.5 ** (there.distance_km(here) / self._half_km)
        if terms is None:
            years = provider.years_experience  # max(0.0, years), min(1.0, x) below: as conditionals, the same floats
            experience = 1.0 - 0.5 ** ((years if years > 0.0 else 0.0) / self._experience_half)
            prior = self._prior
            done = provider.completed + prior.completion * prior.completion_weight
            failed = provider.cancelled + prior.no_show_penalty * provider.no_shows
            completion = done / (provider.completed + failed + prior.completion_weight)
            rating = ((provider.rating_sum + prior.rating * prior.rating_weight)
                      / (provider.rating_count + prior.rating_weight))
            rating_part = (rating - 1.0) / 4.0
            rating_part = rating_part if rating_part > 0.0 else 0.0
            rating_part = rating_part if rating_part < 1.0 else 1.0
            completion = completion if completion < 1.0 else 1.0
            reliability = self._reliability * (COMPLETION_SHARE * completion + RATING_SHARE * rating_part)
            recent = provider.recent_assignments
            fairness = self._fairness * 0.5 ** ((recent if recent > 0 else 0) / self._fairness_half)
        else:
            experience, reliability, fairness = terms.experience, terms.reliability_points, terms.fairness_points
        wanted = self._wanted
        overlap = len(wanted & provider.skills) / len(wanted) if wanted else 1.0
        rated = provider.served_resident_ratings.get(self._resident)
        continuity = 0.0 if rated is None else min(1.0, max(0.0, (rated - 3.0) / 2.0))
        return (
            self._proximity * proximity
            + self._skill * (SKILL_SHARE * overlap + EXPERIENCE_SHARE * experience)
            + self._continuity * continuity
            + reliability
            + fairness
            + self._urgency_points
        )

    def breakdown(self, provider: ProviderProfile) -> ScoreBreakdown:
        """Return the score of ``provider`` with one explained component per criterion."""
        ctx, config = self.ctx, self.ctx.config
        fractions = (
            (Criterion.PROXIMITY, proximity_fraction(ctx, provider)),
            (Criterion.SKILL, skill_fraction(ctx, provider)),
            (Criterion.CONTINUITY, continuity_fraction(ctx, provider)),
            (Criterion.RELIABILITY, reliability_fraction(provider, config.reliability_prior)),
            (Criterion.FAIRNESS, fairness_fraction(provider, config.fairness_half_count)),
        )
        components = [self._component(criterion, f, provider) for criterion, f in fractions]
        urgency = self._points[Criterion.URGENCY]
        zh, en = REASONS[Criterion.URGENCY](ctx, provider)
        components.append(ScoreComponent(Criterion.URGENCY, self._urgency_points, urgency, zh, en))
        return ScoreBreakdown(sum(c.points for c in components), tuple(components))

    def _component(self, criterion: Criterion, fraction: float, provider: ProviderProfile) -> ScoreComponent:
        """Build one component from its fraction and its worded reason."""
        most = self._points[criterion]
        zh, en = REASONS[criterion](self.ctx, provider)
        return ScoreComponent(criterion, most * fraction, most, zh, en)


def score(need: NeedProfile, provider: ProviderProfile, config: MatchingConfig) -> ScoreBreakdown:
    """Score ``provider`` for ``need`` with a full breakdown (eligibility is not checked here)."""
    return Scorer(prepare(need, config)).breakdown(provider)
