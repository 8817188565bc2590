"""Benchmark counters, on only with ``LINLI_BENCH=1``: requests served and SQL statements sent.

The statements are counted from Tortoise's ``tortoise.db_client`` logger (every statement it sends is
logged there at DEBUG level), the requests by a wrapper around the GraphQL endpoint. ``GET /bench-stats``
returns both, so ``bench.run`` can divide the statements of a run by its requests. With the flag off
(every real deployment) none of this is installed and the route does not exist.
"""

from __future__ import annotations

import logging
import re

import orjson
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

STATEMENT = re.compile(r"\s*(SELECT|INSERT|UPDATE|DELETE|WITH)\b", re.IGNORECASE)


class Counters:
    """Requests and statements so far (only ever read as differences between two moments)."""

    def __init__(self) -> None:
        self.requests = 0
        self.statements = 0

    def as_json(self) -> bytes:
        """The counters as the ``/bench-stats`` body."""
        return orjson.dumps({"requests": self.requests, "statements": self.statements})


class StatementCounter(logging.Handler):
    """Counts the SQL statements logged by Tortoise."""

    def __init__(self, counters: Counters) -> None:
        super().__init__(logging.DEBUG)
        self.counters = counters

    def emit(self, record: logging.LogRecord) -> None:
        if isinstance(record.args, tuple) and record.args and STATEMENT.match(str(record.args[0])):
            self.counters.statements += 1


def count_statements(counters: Counters) -> None:
    """Count every statement Tortoise sends from now on (the logger stays silent otherwise)."""
    logger = logging.getLogger("tortoise.db_client")
    logger.addHandler(StatementCounter(counters))
    logger.setLevel(logging.DEBUG)
    logger.propagate = False


class Counted:
    """An ASGI app counting the HTTP requests it passes on to ``app``."""

    def __init__(self, app: ASGIApp, counters: Counters) -> None:
        self.app, self.counters = app, counters

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            self.counters.requests += 1
        await self.app(scope, receive, send)


def stats_route(counters: Counters) -> Route:
    """``GET /bench-stats``."""
    async def stats(request: Request) -> Response:
        return Response(counters.as_json(), media_type="application/json")

    return Route("/bench-stats", stats)
