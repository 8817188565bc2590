"""Median and 90th percentile of durations, computed in the database on PostgreSQL and SQLite alike.

SQLite has no ``percentile_cont``, so the statement ranks the values of each group with window functions
(``ROW_NUMBER`` and ``COUNT`` over the group) and keeps only the (at most four) rows around the
quantiles' positions; :func:`quantile` interpolates between them exactly as PostgreSQL's
``percentile_cont`` does: the value at 0-based position ``q * (n - 1)``, linear between neighbours.
The positions use integer arithmetic, identical in both dialects.
"""

from __future__ import annotations

from fractions import Fraction
from math import floor

MEDIAN = Fraction(1, 2)
P90 = Fraction(9, 10)
QUANTILES = (MEDIAN, P90)


def _lower_rank(q: Fraction, n: str) -> str:
    """1-based rank of the value at or below the quantile's position (SQL, integer division)."""
    return f"(1 + ({q.numerator} * ({n} - 1)) / {q.denominator})"


def kept_ranks(rank: str, size: str) -> str:
    """SQL condition keeping only the ranks :func:`quantile` needs for :data:`QUANTILES`."""
    conditions = []
    for q in QUANTILES:
        lower = _lower_rank(q, size)
        conditions += [f"{rank} = {lower}", f"{rank} = {lower} + 1"]
    return "(" + " OR ".join(conditions) + ")"


def quantile(values_by_rank: dict[int, float], size: int, q: Fraction) -> float | None:
    """The ``q`` quantile of ``size`` sorted values, from the kept ranks (None when there are none)."""
    if size <= 0:
        return None
    position = q * (size - 1)
    lower = floor(position)
    low = values_by_rank[lower + 1]
    fraction = position - lower
    if fraction == 0:
        return low
    return low + float(fraction) * (values_by_rank[lower + 2] - low)
