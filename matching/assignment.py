"""Assign a batch of needs to providers, maximising the total score.

Constraints: each need gets at most one provider; each provider at most its remaining capacity
(``max_concurrent - active_assignments``); only eligible pairs; and no provider gets two needs whose
windows overlap (overlaps with accepted bookings are already excluded by eligibility).

The batch is split into connected parts (needs and providers linked by eligible pairs), each solved
exactly (see ``solvers``); a part falls back to the greedy baseline only if the solvers fail. No
pruning is needed for exactness: the pairs are only the eligible ones. (Keeping just each need's
top-N providers, N the number of needs, would also be safe: a provider is unusable for a need only
if it already holds another need, and at most N-1 providers do, so a free one among the top N always
scores at least as well. With far fewer eligible pairs than that bound there is nothing to gain.)

Inputs are put in canonical order (needs by id, providers by key), so the same batch in any order
gives the same result.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from matching.batch import BatchProblem, build_problem
from matching.config import MatchingConfig
from matching.constraints import failed_codes
from matching.exclusions import EXCLUSION_LABELS, ExclusionCode
from matching.parts import Part
from matching.profiles import NeedProfile, ProviderKey, ProviderProfile
from matching.solvers import AssignmentMethod, greedy, solve_part

REASON_SAMPLE = 400
"""At most this many providers of the need's category are examined for the most common exclusion."""


class UnassignedCode(StrEnum):
    """Why a need got no provider."""

    NO_ELIGIBLE_PROVIDER = "NO_ELIGIBLE_PROVIDER"
    CAPACITY_EXHAUSTED = "CAPACITY_EXHAUSTED"


@dataclass(frozen=True, slots=True)
class Assignment:
    """A need given to a provider, with the pair's score."""

    need_id: int
    provider_key: ProviderKey
    score: float


@dataclass(frozen=True, slots=True)
class Unassigned:
    """A need left without a provider; ``exclusion`` is the most common reason when none was eligible."""

    need_id: int
    code: UnassignedCode
    message_zh: str
    message_en: str
    exclusion: ExclusionCode | None = None


@dataclass(frozen=True, slots=True)
class AssignmentResult:
    """The assignments (by need id), the unassigned needs, and how the batch was solved."""

    total_score: float
    assignments: tuple[Assignment, ...]
    unassigned: tuple[Unassigned, ...]
    method: AssignmentMethod
    optimal: bool


def assign(
    needs: Iterable[NeedProfile], providers: Iterable[ProviderProfile], config: MatchingConfig
) -> AssignmentResult:
    """Assign needs to providers maximising the total score (exact unless the solver fails)."""
    problem = build_problem(needs, providers, config)
    chosen, methods, optimal = [], {AssignmentMethod.LINEAR_SUM_ASSIGNMENT}, True
    for pair_idx in _parts(problem):
        part, need_idx = _part(problem, pair_idx)
        solution = solve_part(part, config.solver_time_limit_s)
        if solution is None:
            picked, method, exact = greedy(part, _priority(problem, need_idx)), AssignmentMethod.GREEDY, False
        else:
            picked, method, exact = solution.chosen, solution.method, solution.optimal
        chosen.append(pair_idx[picked])
        methods.add(method)
        optimal = optimal and exact
    weakest = max(methods, key=list(AssignmentMethod).index)
    return _result(problem, _concat(chosen), weakest, optimal)


def greedy_assign(
    needs: Iterable[NeedProfile], providers: Iterable[ProviderProfile], config: MatchingConfig
) -> AssignmentResult:
    """Baseline: needs in urgency order (then oldest first) each take the best remaining provider."""
    problem = build_problem(needs, providers, config)
    pair_idx = np.arange(len(problem.pair_score))
    part, need_idx = _part(problem, pair_idx)
    picked = pair_idx[greedy(part, _priority(problem, need_idx))]
    return _result(problem, picked, AssignmentMethod.GREEDY, False)


def _parts(problem: BatchProblem) -> list[np.ndarray]:
    """Pair indices of each connected part of the eligibility graph, in a stable order."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    n_needs, n_pairs = len(problem.needs), len(problem.pair_score)
    if n_pairs == 0:
        return []
    size = n_needs + len(problem.providers)
    ones = np.ones(n_pairs)
    graph = coo_matrix((ones, (problem.pair_need, problem.pair_provider + n_needs)), shape=(size, size))
    _, labels = connected_components(graph, directed=False)
    pair_labels = labels[problem.pair_need]
    order = np.argsort(pair_labels, kind="stable")
    cuts = np.flatnonzero(np.diff(pair_labels[order])) + 1
    return np.split(order, cuts)


def _part(problem: BatchProblem, pair_idx: np.ndarray) -> tuple[Part, np.ndarray]:
    """Re-index the pairs ``pair_idx`` locally; return the part and its global need indices."""
    need_idx, local_need = np.unique(problem.pair_need[pair_idx], return_inverse=True)
    provider_idx, local_provider = np.unique(problem.pair_provider[pair_idx], return_inverse=True)
    part = Part(
        need=local_need.astype(np.intp),
        provider=local_provider.astype(np.intp),
        score=problem.pair_score[pair_idx],
        capacity=problem.capacity[provider_idx],
        starts=problem.starts[need_idx],
        ends=problem.ends[need_idx],
    )
    return part, need_idx


def _priority(problem: BatchProblem, need_idx: np.ndarray) -> np.ndarray:
    """Greedy service order of the needs ``need_idx``: most urgent, then longest waiting, then id."""
    needs = [problem.contexts[i] for i in need_idx.tolist()]
    keys = [(-int(c.need.urgency), c.need.submitted_at or c.now, c.need.id) for c in needs]
    order = sorted(range(len(keys)), key=keys.__getitem__)
    rank = np.empty(len(keys), dtype=np.intp)
    rank[order] = np.arange(len(keys))
    return rank


def _concat(chosen: list[np.ndarray]) -> np.ndarray:
    """Join chosen pair indices of all parts, sorted."""
    return np.sort(np.concatenate(chosen)) if chosen else np.empty(0, dtype=np.intp)


def _result(problem: BatchProblem, chosen: np.ndarray, method: AssignmentMethod, optimal: bool) -> AssignmentResult:
    """Turn chosen pairs into the result, explaining every unassigned need."""
    assignments = tuple(
        Assignment(
            problem.needs[problem.pair_need[k]].id,
            problem.providers[problem.pair_provider[k]].key,
            float(problem.pair_score[k]),
        )
        for k in chosen.tolist()
    )
    served = set(problem.pair_need[chosen].tolist())
    eligible = Counter(problem.pair_need.tolist())
    unassigned = tuple(_unassigned(problem, i, eligible[i]) for i in range(len(problem.needs)) if i not in served)
    total = math.fsum(a.score for a in assignments)
    return AssignmentResult(total, assignments, unassigned, method, optimal)


def _unassigned(problem: BatchProblem, i: int, n_eligible: int) -> Unassigned:
    """Explain why need ``i`` got no provider."""
    need_id = problem.needs[i].id
    if n_eligible:
        return Unassigned(
            need_id,
            UnassignedCode.CAPACITY_EXHAUSTED,
            f"符合条件的{n_eligible}位服务者都已安排给更匹配的需求",
            f"The eligible providers ({n_eligible}) all went to better-matching needs",
        )
    code = _most_common_exclusion(problem, i)
    zh, en = EXCLUSION_LABELS[code]
    return Unassigned(
        need_id,
        UnassignedCode.NO_ELIGIBLE_PROVIDER,
        f"没有符合条件的服务者，最常见原因：{zh}",
        f"No eligible provider; most common reason: {en}",
        code,
    )


def _most_common_exclusion(problem: BatchProblem, i: int) -> ExclusionCode:
    """Most common exclusion among providers offering the category (CATEGORY if none does)."""
    ctx = problem.contexts[i]
    offering = [p for p in problem.providers if ctx.need.category in p.categories][:REASON_SAMPLE]
    counts = Counter(code for p in offering for code in failed_codes(ctx, p))
    if not counts:
        return ExclusionCode.CATEGORY
    order = list(ExclusionCode)
    return min(counts, key=lambda code: (-counts[code], order.index(code)))
