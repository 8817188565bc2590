"""Connected parts of a batch and their time conflicts, shared by the assignment solvers.

A part is a set of needs and providers joined by eligible pairs, with local indices. A conflict is a
set of needs with pairwise-overlapping windows that one provider could otherwise take together.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True, slots=True)
class Part:
    """One connected part: pair k joins local need ``need[k]`` to local provider ``provider[k]``.

    ``capacity`` is per local provider; ``starts``/``ends`` are the local needs' windows in seconds.
    """

    need: np.ndarray
    provider: np.ndarray
    score: np.ndarray
    capacity: np.ndarray
    starts: np.ndarray
    ends: np.ndarray

    @property
    def n_needs(self) -> int:
        """Number of needs in the part."""
        return len(self.starts)

    @property
    def n_providers(self) -> int:
        """Number of providers in the part."""
        return len(self.capacity)


def groups(labels: np.ndarray, size: int) -> list[np.ndarray]:
    """Indices grouped by label 0..size-1 (ascending within each group)."""
    order = np.argsort(labels, kind="stable")
    bounds = np.searchsorted(labels[order], np.arange(size + 1))
    return [order[bounds[i] : bounds[i + 1]] for i in range(size)]


def interval_cliques(starts: list[float], ends: list[float]) -> list[list[int]]:
    """Maximal sets (size >= 2) of pairwise-overlapping half-open intervals, as position lists.

    Sweep the endpoints in time order, ends before starts at the same instant (touching windows do
    not overlap); the active set just before the first end following a start is a maximal clique.
    """
    events = sorted([(end, 0, k) for k, end in enumerate(ends)] + [(s, 1, k) for k, s in enumerate(starts)])
    active: set[int] = set()
    cliques: list[list[int]] = []
    grew = False
    for _, is_start, k in events:
        if is_start:
            active.add(k)
            grew = True
            continue
        if grew and len(active) > 1:
            cliques.append(sorted(active))
        grew = False
        active.discard(k)
    return cliques


def conflict_cliques(part: Part) -> list[np.ndarray]:
    """Interval cliques as pair indices, for each provider whose capacity could take two needs.

    A provider with capacity one needs none: its capacity row already allows a single need.
    """
    cliques: list[np.ndarray] = []
    for j, pairs in enumerate(groups(part.provider, part.n_providers)):
        if part.capacity[j] < 2 or len(pairs) < 2:
            continue
        needs = part.need[pairs]
        found = interval_cliques(part.starts[needs].tolist(), part.ends[needs].tolist())
        cliques.extend(pairs[clique] for clique in found)
    return cliques


def has_conflict(part: Part, chosen: np.ndarray) -> bool:
    """Tell whether some provider got two chosen needs with overlapping windows."""
    windows: dict[int, list[tuple[float, float]]] = {}
    for k in chosen.tolist():
        need = part.need[k]
        windows.setdefault(int(part.provider[k]), []).append((part.starts[need], part.ends[need]))
    for spans in windows.values():
        spans.sort()
        if any(later[0] < earlier[1] for earlier, later in zip(spans, spans[1:], strict=False)):
            return True
    return False


def is_feasible(part: Part, chosen: np.ndarray) -> bool:
    """Tell whether chosen pairs respect one provider per need, capacities and time conflicts."""
    if len(np.unique(part.need[chosen])) != len(chosen):
        return False
    load = np.bincount(part.provider[chosen], minlength=part.n_providers)
    return bool(np.all(load <= part.capacity)) and not has_conflict(part, chosen)
