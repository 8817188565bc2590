"""Rank the providers for one need: eligible ones by score, optionally the excluded ones with reasons."""

from __future__ import annotations

import heapq
from collections.abc import Iterable
from dataclasses import dataclass
from operator import itemgetter

from matching.config import Criterion, MatchingConfig
from matching.constraints import check_prepared
from matching.context import prepare
from matching.eligibility import eligibility_test
from matching.exclusions import Exclusion
from matching.profiles import NeedProfile, ProviderKey, ProviderProfile
from matching.scoring import ScoreComponent, Scorer

TOP_REASONS = 3
"""How many highlights a candidate carries in ``reasons``."""


@dataclass(frozen=True, slots=True)
class Reason:
    """A highlight of why a candidate is proposed, in Chinese and English."""

    criterion: Criterion
    zh: str
    en: str


@dataclass(frozen=True, slots=True)
class Candidate:
    """An eligible provider with its score, full breakdown and top reasons."""

    provider_key: ProviderKey
    score: float
    breakdown: tuple[ScoreComponent, ...]
    reasons: tuple[Reason, ...]


@dataclass(frozen=True, slots=True)
class ExcludedCandidate:
    """A provider that breaks at least one hard constraint, with every broken one."""

    provider_key: ProviderKey
    exclusions: tuple[Exclusion, ...]


@dataclass(frozen=True, slots=True)
class RankingResult:
    """The best candidates (score descending, then provider key) and how many were eligible."""

    need_id: int
    candidates: tuple[Candidate, ...]
    total_eligible: int
    excluded: tuple[ExcludedCandidate, ...] = ()


def rank(
    need: NeedProfile,
    providers: Iterable[ProviderProfile],
    config: MatchingConfig,
    first: int | None = None,
    include_excluded: bool = False,
) -> RankingResult:
    """Rank ``providers`` for ``need``; return the ``first`` best (all when None).

    Only the returned candidates get a worded breakdown; the others are scored numerically. Ties in
    score are broken by provider key, so the order is deterministic. With ``include_excluded``, every
    ineligible provider is listed (by key) with all the constraints it breaks.
    """
    if first is not None and first < 0:
        raise ValueError("first must not be negative")
    ctx = prepare(need, config)
    scorer, is_eligible = Scorer(ctx), eligibility_test(ctx)
    total = scorer.total
    eligible: list[tuple[float, ProviderKey, ProviderProfile]] = []
    rejected: list[ProviderProfile] = []
    for provider in providers:
        if is_eligible(provider):
            eligible.append((-total(provider), provider.key, provider))
        elif include_excluded:
            rejected.append(provider)
    order = _SORT_KEY
    best = sorted(eligible, key=order) if first is None else heapq.nsmallest(first, eligible, key=order)
    excluded = tuple(ExcludedCandidate(p.key, tuple(check_prepared(ctx, p))) for p in sorted(rejected, key=_key))
    candidates = tuple(_candidate(scorer, provider) for _, _, provider in best)
    return RankingResult(need.id, candidates, len(eligible), excluded)


_SORT_KEY = itemgetter(0, 1)
"""Order ``(negated score, provider key, provider)`` by score descending, then provider key."""


def _key(provider: ProviderProfile) -> ProviderKey:
    """Return the provider's key."""
    return provider.key


def _candidate(scorer: Scorer, provider: ProviderProfile) -> Candidate:
    """Build a candidate with its breakdown and the strongest provider-specific reasons."""
    breakdown = scorer.breakdown(provider)
    ranked = sorted(
        (c for c in breakdown.components if c.points > 0 and c.criterion is not Criterion.URGENCY),
        key=lambda c: -c.points,
    )
    reasons = tuple(Reason(c.criterion, c.reason_zh, c.reason_en) for c in ranked[:TOP_REASONS])
    return Candidate(provider.key, breakdown.total, breakdown.components, reasons)
