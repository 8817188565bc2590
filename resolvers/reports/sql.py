"""The dialect details the report statements share, on top of :class:`resolvers.matching_sql.Statement`.

Timestamps are compared and subtracted in the database: ``date_part('epoch', ...)`` on PostgreSQL (a
float: ``EXTRACT`` computes a numeric, about twice as slow over a season of needs),
``julianday`` on SQLite (which stores them as ISO text with an offset). Reports read from the replica
when one is configured (:mod:`resolvers.replica`).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from tortoise import connections
from tortoise.transactions import in_transaction

from resolvers.matching_sql import Statement
from resolvers.replica import REPLICA, replica_configured
from resolvers.reports.scope import ReportPeriod

ALWAYS = "1 = 1"
#: Memory for a report's sorts and hashes on PostgreSQL (``SET LOCAL``, that statement only): the durations
#: of a season of a city's needs (a million rows) sort in memory instead of spilling to disk.
WORK_MEM = "128MB"
#: A report statement's time limit on PostgreSQL, instead of the API's per-statement limit
#: (``LINLI_STATEMENT_TIMEOUT_MS``, 5 s, meant for the short statements of the API): over a season of a whole
#: city the slowest statement (the provider totals) takes 4 to 9 s on a busy two-core server, the need timings
#: about 2 s (``bench.reports_bench``). GraphQL reports still end at the operation's time limit.
STATEMENT_TIMEOUT = "15s"
#: Parallel workers a report statement may use (PostgreSQL's default; the API's connections use none:
#: ``graphql_api.settings.SESSION_SETTINGS``): a report scans a season of a city's needs.
PARALLEL_WORKERS = 2


class ReportStatement(Statement):
    """A report's statement: placeholders, period filters and durations in the connection's dialect."""

    def __init__(self) -> None:
        self.connection_name = REPLICA if replica_configured() else "default"
        super().__init__(connections.get(self.connection_name))

    async def rows(self, text: str) -> list[dict[str, Any]]:
        """Run the statement (on PostgreSQL in its own transaction with :data:`WORK_MEM`,
        :data:`STATEMENT_TIMEOUT` and :data:`PARALLEL_WORKERS`); its rows as dicts."""
        if not self.postgres:
            return await super().rows(text)
        async with in_transaction(self.connection_name) as conn:
            await conn.execute_script(f"SET LOCAL work_mem = '{WORK_MEM}'; "
                                      f"SET LOCAL statement_timeout = '{STATEMENT_TIMEOUT}'; "
                                      f"SET LOCAL max_parallel_workers_per_gather = {PARALLEL_WORKERS}")
            return await conn.execute_query_dict(text, self.params)

    def key(self, column: str) -> str:
        """A text column to group or sort by, compared byte by byte (PostgreSQL's "C" collation: faster)."""
        return f'{column} COLLATE "C"' if self.postgres else column

    def within(self, column: str, period: ReportPeriod) -> str:
        """The timestamp ``column`` falls in the period."""
        return f"{self.moment(column, '>=', period.start)} AND {self.moment(column, '<', period.end)}"

    def before(self, column: str, moment: datetime) -> str:
        """The timestamp ``column`` is at or before ``moment``."""
        return self.moment(column, "<=", moment)

    def days_between(self, column: str, first: date, last: date) -> str:
        """The date ``column`` is between ``first`` and ``last``, both included."""
        return f"{column} >= {self.day(first)} AND {column} <= {self.day(last)}"

    def seconds(self, later: str, earlier: str) -> str:
        """Seconds from the timestamp ``earlier`` to ``later``."""
        if self.postgres:
            return f"date_part('epoch', {later} - {earlier})"
        return f"((julianday({later}) - julianday({earlier})) * 86400.0)"

    def among(self, column: str, ids: Iterable[int] | None) -> str:
        """``column`` is one of ``ids``; always true for None (no restriction)."""
        return ALWAYS if ids is None else self.in_ids(column, ids)

    def equals(self, column: str, value: int | None) -> str:
        """``column`` equals ``value``; always true for None (no restriction)."""
        return ALWAYS if value is None else f"{column} = {self.param(int(value))}"


def number(value: Any) -> float | None:
    """A numeric aggregate read raw (``Decimal`` on PostgreSQL) as a float; None stays None."""
    if value is None:
        return None
    return float(value) if isinstance(value, Decimal | int | float) else float(str(value))


def count(value: Any) -> int:
    """A count or sum read raw, 0 for NULL."""
    return int(value or 0)


def share(part: float, whole: float) -> float | None:
    """``part / whole``, None when ``whole`` is 0."""
    return part / whole if whole else None
