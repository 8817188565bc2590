"""Per-client budgets of cost points over a time window, shared by every worker through the cache.

Each client (``Viewer.rate_key``: the account, the partner API key, or the IP address) may spend
``limits.rate_points`` points per ``limits.rate_window_seconds``. A request spends one point when it
arrives (so even documents that never validate are counted) and the rest of its static cost
(:mod:`graphql_api.cost`) just before it executes. A charge that takes a client over its budget is
refused with ``RATE_LIMITED`` and the seconds until the window ends (``retryAfter``, and the HTTP
``Retry-After`` header), and taken back: the request costs only the point it paid on arrival.

The windows are fixed: the counter of one lives under a key named after it (``rate:<client>:<window>``),
so a charge is a single atomic ``INCRBY`` on Redis (a dict update without a suspension point in memory),
two workers can never lose each other's increments, and a key whose expiry was never set simply stops
being used when its window ends. A fixed window lets a client spend up to twice its budget across a
window boundary; that is the price of one round trip per charge.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from aiocache.base import BaseCache
from graphql import GraphQLError

from graphql_api.settings import Limits
from resolvers.errors import ErrorCode

log = logging.getLogger("linli.rate_limit")

#: Where the HTTP view leaves the app's limiter in the request scope, for the cost extension to charge.
LIMITER_SCOPE_KEY = "linli.rate_limiter"


@dataclass(frozen=True, slots=True)
class Verdict:
    """The state of a client's budget after one charge."""

    allowed: bool
    spent: int
    budget: int
    reset_after: int

    @property
    def remaining(self) -> int:
        """Points left in this window."""
        return max(self.budget - self.spent, 0)

    def error(self) -> GraphQLError:
        """The ``RATE_LIMITED`` error of a refused charge."""
        return GraphQLError(
            f"Rate limit reached: {self.budget} cost points per window are spent; retry in {self.reset_after} s.",
            extensions={"code": ErrorCode.RATE_LIMITED.value, "retryAfter": self.reset_after},
        )


class RateLimiter:
    """Charges clients' budgets in the shared cache (Redis when configured, memory otherwise)."""

    def __init__(self, cache: BaseCache, limits: Limits, clock: Callable[[], float] = time.time) -> None:
        self.cache = cache
        self.budget = limits.rate_points
        self.window = limits.rate_window_seconds
        self.clock = clock

    async def charge(self, client: str, points: int) -> Verdict:
        """Add ``points`` to the client's spending in the current window (0 only reads it).

        A charge that would take the spending past the budget is refused and taken back, so a refused
        request costs nothing more than the point it paid on arrival.

        If the cache cannot be reached the request is let through (and the failure logged): a broken
        Redis should slow nobody down, and the per-operation cost ceiling still holds.
        """
        now = self.clock()
        window = int(now // self.window)
        reset_after = max(1, math.ceil((window + 1) * self.window - now))
        key = f"rate:{client}:{window}"
        try:
            spent = int(await self.cache.increment(key, points))
            if spent == points:
                await self.cache.expire(key, self.window + 1)
            if points and spent > self.budget:
                spent = int(await self.cache.increment(key, -points))  # a refused charge is given back
                return Verdict(False, spent, self.budget, reset_after)
        except Exception:  # fail open, see the docstring
            log.exception("Rate limit store unavailable; letting %s through", client)
            return Verdict(True, 0, self.budget, reset_after)
        return Verdict(True, spent, self.budget, reset_after)


def limiter_of(context: Any) -> RateLimiter | None:
    """The limiter the HTTP view attached to this request, if the request came through it."""
    request = getattr(context, "request", None)
    scope = getattr(request, "scope", None)
    return scope.get(LIMITER_SCOPE_KEY) if isinstance(scope, dict) else None
