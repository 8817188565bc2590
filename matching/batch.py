"""A batch of needs and providers turned into eligible, scored pairs for the assignment solvers.

Needs are put in id order and providers in key order, so the same input in any order gives the
same problem. Pairs are found in two steps. A vectorised pre-filter keeps the providers offering the
category with capacity left, serving the community or within their travel radius (with a tiny
slack for rounding), whose weekly hours cover the window and who speak a requested language: it
never drops an eligible pair, and decides the category, capacity, hours and language rules exactly.
Then ``is_eligible_prepared`` of ``constraints`` decides the other rules on the survivors. The
parts of a score that depend on the provider alone are computed once per provider.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

import numpy as np

from matching.categories import CareCategory
from matching.config import MatchingConfig
from matching.constraints import (
    eligibility_checks,
    has_capacity,
    is_available,
    is_eligible_prepared,
    serves_category,
    speaks_language,
)
from matching.context import NeedContext, prepare
from matching.profiles import EARTH_RADIUS_KM, NeedProfile, ProviderProfile
from matching.schedule import DAY_SECONDS, Segment
from matching.scoring import Scorer, provider_terms

DISTANCE_TOLERANCE_KM = 1e-6
"""Slack of the vectorised distance pre-filter, so rounding never drops a pair the exact check keeps."""

DECIDED_BY_PREFILTER = frozenset({serves_category, has_capacity, is_available, speaks_language})
"""Constraints the vectorised pre-filter tests exactly as ``constraints`` words them (the same
comparisons on the same merged hours), so the pair check skips them; the place test has slack and
is checked again."""


@dataclass(frozen=True, slots=True)
class BatchProblem:
    """Canonically ordered needs and providers with their eligible pairs (parallel arrays).

    ``capacity[j]`` is provider j's remaining capacity; ``starts``/``ends`` are the needs' windows in
    seconds since the earliest start; pair k joins need ``pair_need[k]`` to provider ``pair_provider[k]`` with
    score ``pair_score[k]``, in (need, provider) order.
    """

    needs: tuple[NeedProfile, ...]
    providers: tuple[ProviderProfile, ...]
    contexts: tuple[NeedContext, ...]
    capacity: np.ndarray
    starts: np.ndarray
    ends: np.ndarray
    pair_need: np.ndarray
    pair_provider: np.ndarray
    pair_score: np.ndarray


class _ProviderColumns:
    """Column arrays over the providers for the vectorised pre-filter."""

    def __init__(self, providers: tuple[ProviderProfile, ...]) -> None:
        """Index providers by category, community and language; lay out positions, radii and hours."""
        self.by_category: dict[CareCategory, list[int]] = defaultdict(list)
        self.by_community: dict[int, list[int]] = defaultdict(list)
        self.speakers: dict[str, list[int]] = defaultdict(list)
        for j, p in enumerate(providers):
            if p.active_assignments < p.max_concurrent:
                for category in p.categories:
                    self.by_category[category].append(j)
            for community in p.community_ids:
                self.by_community[community].append(j)
            for language in p.languages:
                self.speakers[language].append(j)
        nan = float("nan")
        self.lat = np.radians([p.location.lat if p.location else nan for p in providers])
        self.lng = np.radians([p.location.lng if p.location else nan for p in providers])
        self.cos_lat = np.cos(self.lat)
        self.travel = np.array([nan if p.travel_km is None else p.travel_km for p in providers])
        self.open_from, self.open_until = _weekly_arrays(providers)
        self._members: dict[int, np.ndarray] = {}
        self._offering: dict[CareCategory, np.ndarray] = {}
        self.size = len(providers)

    def members(self, community: int) -> np.ndarray:
        """Boolean mask of the providers serving ``community`` (cached)."""
        mask = self._members.get(community)
        if mask is None:
            mask = np.zeros(self.size, dtype=bool)
            mask[self.by_community.get(community, [])] = True
            self._members[community] = mask
        return mask

    def candidates(self, need: NeedProfile, segments: tuple[Segment, ...]) -> np.ndarray:
        """Indices of providers that may be eligible: category and capacity, place (with slack),
        weekly hours covering every segment of the window, and language."""
        idx = self._offering.get(need.category)
        if idx is None:
            idx = self._offering[need.category] = np.asarray(self.by_category.get(need.category, []), dtype=np.intp)
        if idx.size == 0:
            return idx
        place = self.members(need.community_id)[idx]
        if need.location is not None:
            place |= self._distances(need, idx) <= self.travel[idx] + DISTANCE_TOLERANCE_KM
        idx = idx[place]
        for weekday, start_s, end_s in segments:
            covered = (self.open_from[idx, weekday] <= start_s) & (end_s <= self.open_until[idx, weekday])
            idx = idx[covered.any(axis=1)]
        if need.languages:
            speaks = np.zeros(self.size, dtype=bool)
            for language in need.languages:
                speaks[self.speakers.get(language, [])] = True
            idx = idx[speaks[idx]]
        return idx

    def _distances(self, need: NeedProfile, idx: np.ndarray) -> np.ndarray:
        """Haversine distances in km from the need to the providers ``idx`` (NaN when unknown)."""
        assert need.location is not None
        lat0, lng0 = np.radians(need.location.lat), np.radians(need.location.lng)
        dlat, dlng = self.lat[idx] - lat0, self.lng[idx] - lng0
        h = np.sin(dlat / 2) ** 2 + np.cos(lat0) * self.cos_lat[idx] * np.sin(dlng / 2) ** 2
        return 2 * EARTH_RADIUS_KM * np.arcsin(np.minimum(1.0, np.sqrt(h)))


def _weekly_arrays(providers: tuple[ProviderProfile, ...]) -> tuple[np.ndarray, np.ndarray]:
    """Merged weekly hours as padded (provider, weekday, interval) arrays of start and end seconds.

    Padding never covers anything (start +inf, end -inf); always-available providers get 0-24h daily.
    """
    width = max((len(day) for p in providers for day in p.weekly), default=1) or 1
    starts = np.full((len(providers), 7, width), np.inf)
    ends = np.full((len(providers), 7, width), -np.inf)
    for j, p in enumerate(providers):
        if p.always_available:
            starts[j, :, 0], ends[j, :, 0] = 0.0, DAY_SECONDS
            continue
        for weekday, day in enumerate(p.weekly):
            for m, (lo, hi) in enumerate(day):
                starts[j, weekday, m], ends[j, weekday, m] = lo, hi
    return starts, ends


def canonical(
    needs: Iterable[NeedProfile], providers: Iterable[ProviderProfile]
) -> tuple[tuple[NeedProfile, ...], tuple[ProviderProfile, ...]]:
    """Sort needs by id and providers by key, rejecting duplicates."""
    need_list = sorted(needs, key=lambda n: n.id)
    provider_list = sorted(providers, key=lambda p: p.key)
    for a, b in zip(need_list, need_list[1:], strict=False):
        if a.id == b.id:
            raise ValueError(f"duplicate need id {a.id}")
    for p, q in zip(provider_list, provider_list[1:], strict=False):
        if p.key == q.key:
            raise ValueError(f"duplicate provider key {p.key}")
    return tuple(need_list), tuple(provider_list)


def build_problem(
    needs: Iterable[NeedProfile], providers: Iterable[ProviderProfile], config: MatchingConfig
) -> BatchProblem:
    """Order the batch canonically and find every eligible pair with its score."""
    need_t, provider_t = canonical(needs, providers)
    now = config.reference_time()
    contexts = tuple(prepare(need, config, now) for need in need_t)
    columns = _ProviderColumns(provider_t)
    terms = [provider_terms(p, config) for p in provider_t]
    pair_need: list[int] = []
    pair_provider: list[int] = []
    pair_score: list[float] = []
    for i, ctx in enumerate(contexts):
        scorer = Scorer(ctx)
        checks = tuple(holds for holds in eligibility_checks(ctx) if holds not in DECIDED_BY_PREFILTER)
        for j in columns.candidates(ctx.need, ctx.segments).tolist():
            provider = provider_t[j]
            if is_eligible_prepared(ctx, provider, checks):
                pair_need.append(i)
                pair_provider.append(j)
                pair_score.append(scorer.total(provider, terms[j]))
    epoch = min((n.window.start for n in need_t), default=datetime(2000, 1, 1))
    return BatchProblem(
        needs=need_t,
        providers=provider_t,
        contexts=contexts,
        capacity=np.array([p.remaining_capacity for p in provider_t], dtype=np.int64),
        starts=np.array([(n.window.start - epoch).total_seconds() for n in need_t]),
        ends=np.array([(n.window.end - epoch).total_seconds() for n in need_t]),
        pair_need=np.array(pair_need, dtype=np.intp),
        pair_provider=np.array(pair_provider, dtype=np.intp),
        pair_score=np.array(pair_score, dtype=float),
    )
