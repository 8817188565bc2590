"""Solvers for one connected part of a batch: linear assignment, integer programming, greedy.

Without time conflicts the problem is a transportation problem: columns are capacity slots
(identical copies of a provider) and it is solved exactly as a linear sum assignment, densely by
``scipy.optimize.linear_sum_assignment`` for small parts (non-edges score zero; with non-negative
scores a maximum-weight full matching weighs as much as a maximum-weight matching, and chosen
non-edges are dropped) or, for large parts, sparsely by ``min_weight_full_bipartite_matching``
(LAPJVsp) with one private "unassigned" column per need so a full matching always exists.

With conflicts the relaxation above is solved first: if its optimum has no conflict it is optimal
for the real problem too. Otherwise the integer program is built: each need at most once, each
provider at most its capacity, and, per provider with capacity two or more, at most one need of
every maximal set of pairwise-overlapping needs. Its LP relaxation (HiGHS dual simplex) is solved
first; a vertex optimum that is integral is an optimal integer solution. Only a fractional one goes
to ``scipy.optimize.milp`` (HiGHS branch and bound, zero gap).

SciPy is imported when a batch is solved, not when the engine is imported: it adds about 40 MB to
a process that only ranks.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

import numpy as np

from matching.parts import Part, conflict_cliques, groups, has_conflict, is_feasible

if TYPE_CHECKING:
    from scipy.sparse import csr_matrix

DENSE_CELL_LIMIT = 1_000_000
"""Largest needs x slots matrix solved densely; larger parts use the sparse assignment solver."""

LP_FIRST = True
"""Try the LP relaxation of the integer program before branch and bound (off only in tests)."""

INTEGRALITY_TOLERANCE = 1e-6


class AssignmentMethod(StrEnum):
    """How a part was solved; a batch reports the weakest method any of its parts needed.

    LINEAR_SUM_ASSIGNMENT: the linear sum assignment problem (dense ``linear_sum_assignment`` or its
    sparse counterpart); MILP: the integer program (solved at its LP relaxation when that is
    integral, else by branch and bound); GREEDY: the fallback when the solvers failed.
    """

    LINEAR_SUM_ASSIGNMENT = "linear_sum_assignment"
    MILP = "milp"
    GREEDY = "greedy"


@dataclass(frozen=True, slots=True)
class Solution:
    """Chosen pair indices of a part, the method that found them and whether they are optimal."""

    chosen: np.ndarray
    method: AssignmentMethod
    optimal: bool


def _slots(part: Part) -> tuple[np.ndarray, np.ndarray]:
    """Columns per provider (capacity, but no more than its eligible needs) and their offsets."""
    slots = np.minimum(part.capacity, np.bincount(part.provider, minlength=part.n_providers))
    return slots, np.concatenate(([0], np.cumsum(slots)))


def _pairs_of(part: Part, needs: np.ndarray, providers: np.ndarray) -> np.ndarray:
    """Pair indices of the (need, provider) combinations that are pairs, sorted."""
    keys = part.need * part.n_providers + part.provider
    order = np.argsort(keys)
    wanted = needs * part.n_providers + providers
    pos = np.minimum(np.searchsorted(keys[order], wanted), len(keys) - 1)
    hit = keys[order][pos] == wanted
    return np.sort(order[pos[hit]])


def solve_dense(part: Part) -> np.ndarray:
    """Solve the conflict-free relaxation with ``linear_sum_assignment`` on a dense matrix."""
    from scipy.optimize import linear_sum_assignment

    slots, first = _slots(part)
    matrix = np.zeros((part.n_needs, int(first[-1])))
    for j, sel in enumerate(groups(part.provider, part.n_providers)):
        if slots[j]:
            matrix[part.need[sel], first[j] : first[j + 1]] = part.score[sel, None]
    rows, cols = linear_sum_assignment(matrix, maximize=True)
    col_provider = np.repeat(np.arange(part.n_providers), slots)
    return _pairs_of(part, rows, col_provider[cols])


def solve_sparse(part: Part) -> np.ndarray:
    """Solve the conflict-free relaxation as a sparse minimum-weight full bipartite matching."""
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import min_weight_full_bipartite_matching

    slots, first = _slots(part)
    n_slots, n_needs = int(first[-1]), part.n_needs
    copies = slots[part.provider]
    pair_rep = np.repeat(np.arange(len(part.score)), copies)
    within = np.arange(len(pair_rep)) - np.repeat(np.cumsum(copies) - copies, copies)
    offset = float(part.score.max(initial=0.0)) + 1.0
    rows = np.concatenate((part.need[pair_rep], np.arange(n_needs)))
    cols = np.concatenate((first[part.provider[pair_rep]] + within, n_slots + np.arange(n_needs)))
    weights = np.concatenate((offset - part.score[pair_rep], np.full(n_needs, offset)))
    graph = csr_matrix((weights, (rows, cols)), shape=(n_needs, n_slots + n_needs))
    row_ind, col_ind = min_weight_full_bipartite_matching(graph)
    real = col_ind < n_slots
    col_provider = np.repeat(np.arange(part.n_providers), slots)
    return _pairs_of(part, row_ind[real], col_provider[col_ind[real]])


def _constraints(part: Part, cliques: list[np.ndarray]) -> tuple[csr_matrix, np.ndarray] | None:
    """Rows of the integer program as a sparse matrix and upper bounds; None if none is binding."""
    from scipy.sparse import coo_matrix

    rows: list[tuple[np.ndarray, int]] = [(g, 1) for g in groups(part.need, part.n_needs) if len(g) > 1]
    for j, group in enumerate(groups(part.provider, part.n_providers)):
        if len(group) > part.capacity[j]:
            rows.append((group, int(part.capacity[j])))
    rows.extend((clique, 1) for clique in cliques)
    if not rows:
        return None
    row_idx = np.concatenate([np.full(len(members), r) for r, (members, _) in enumerate(rows)])
    col_idx = np.concatenate([members for members, _ in rows])
    shape = (len(rows), len(part.score))
    matrix = coo_matrix((np.ones(len(col_idx)), (row_idx, col_idx)), shape=shape).tocsr()
    return matrix, np.array([bound for _, bound in rows], dtype=float)


def solve_lp(part: Part, cliques: list[np.ndarray]) -> np.ndarray | None:
    """Solve the LP relaxation; return its optimum if integral (hence optimal), else None."""
    from scipy.optimize import linprog

    system = _constraints(part, cliques)
    if system is None:
        return np.arange(len(part.score))
    result = linprog(-part.score, A_ub=system[0], b_ub=system[1], bounds=(0, 1), method="highs-ds",
                     options={"presolve": False})  # on these LPs presolve takes longer than it saves
    if result.status != 0 or result.x is None:
        return None
    x = result.x
    if np.any(np.minimum(x, 1 - x) > INTEGRALITY_TOLERANCE):
        return None
    chosen = np.flatnonzero(x > 0.5)
    value = float(part.score[chosen].sum())
    close = abs(value + result.fun) <= INTEGRALITY_TOLERANCE * max(1.0, abs(value))
    return chosen if close and is_feasible(part, chosen) else None


def solve_milp(part: Part, cliques: list[np.ndarray], time_limit: float) -> tuple[np.ndarray, bool] | None:
    """Solve the integer program; return (chosen pairs, proven optimal) or None if it failed."""
    from scipy.optimize import Bounds, LinearConstraint, milp

    system = _constraints(part, cliques)
    if system is None:
        return np.arange(len(part.score)), True
    n_pairs = len(part.score)
    result = milp(
        c=-part.score,
        integrality=np.ones(n_pairs),
        bounds=Bounds(0, 1),
        constraints=LinearConstraint(system[0], -np.inf, system[1]),
        options={"time_limit": time_limit, "mip_rel_gap": 0.0},
    )
    if result.x is None:
        return None
    chosen = np.flatnonzero(result.x > 0.5)
    return (chosen, bool(result.status == 0)) if is_feasible(part, chosen) else None


def solve_part(part: Part, time_limit: float) -> Solution | None:
    """Solve a part exactly if possible; None means every method failed (the caller falls back)."""
    cliques = conflict_cliques(part)
    cells = part.n_needs * int(_slots(part)[1][-1])
    relaxed = solve_dense(part) if cells <= DENSE_CELL_LIMIT else solve_sparse(part)
    if not cliques or not has_conflict(part, relaxed):
        return Solution(relaxed, AssignmentMethod.LINEAR_SUM_ASSIGNMENT, True)
    chosen = solve_lp(part, cliques) if LP_FIRST else None
    if chosen is not None:
        return Solution(chosen, AssignmentMethod.MILP, True)
    solved = solve_milp(part, cliques, time_limit)
    return None if solved is None else Solution(solved[0], AssignmentMethod.MILP, solved[1])


def greedy(part: Part, priority: np.ndarray) -> np.ndarray:
    """Serve needs in ``priority`` order (lowest first), each taking its best remaining provider.

    A provider remains while it has capacity left and no window overlapping the need; among equal
    scores the lower provider index (the lower provider key) wins.
    """
    by_need = groups(part.need, part.n_needs)
    left = part.capacity.copy()
    taken: dict[int, list[int]] = {}
    chosen: list[int] = []
    for i in np.argsort(priority, kind="stable").tolist():
        pairs = by_need[i]
        for k in pairs[np.lexsort((part.provider[pairs], -part.score[pairs]))].tolist():
            j = int(part.provider[k])
            if left[j] > 0 and not any(_overlap(part, i, other) for other in taken.get(j, ())):
                chosen.append(k)
                left[j] -= 1
                taken.setdefault(j, []).append(i)
                break
    return np.array(sorted(chosen), dtype=np.intp)


def _overlap(part: Part, a: int, b: int) -> bool:
    """Tell whether the windows of local needs ``a`` and ``b`` overlap."""
    return bool(part.starts[a] < part.ends[b] and part.starts[b] < part.ends[a])
