"""Raw SQL the matching service shares between PostgreSQL and SQLite: placeholders, id sets, JSON lists.

Statements are built with :class:`Statement`, which numbers the placeholders for the dialect
(``$1`` on PostgreSQL, ``?1`` on SQLite, so a placeholder can be used twice) and binds whole lists
as ONE parameter (``= ANY($1)`` on PostgreSQL, ``IN (SELECT value FROM json_each(?1))`` on SQLite),
so a statement's text does not depend on how many ids it covers. Only ints, floats and short enum
tokens ever reach a parameter. Lists of ids computed in a statement come back as arrays on
PostgreSQL (decoded by asyncpg) and as JSON text on SQLite; lists of rows as JSON text. Values read
back raw are normalised here: JSON text to lists, ISO text to dates.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import Any

import orjson
from tortoise import connections
from tortoise.backends.base.client import BaseDBAsyncClient


def client() -> BaseDBAsyncClient:
    """The default connection (the current transaction's, inside ``in_transaction``)."""
    return connections.get("default")


def spare_connections(conn: BaseDBAsyncClient | None = None) -> int:
    """How many more PostgreSQL connections the pool could hand out right now without waiting (idle ones
    and room to open new ones; 0 on SQLite, inside a transaction, or without a pool): whether a statement
    can be split into parts that run at the same time."""
    pool = getattr(conn or client(), "_pool", None)
    if pool is None or not callable(getattr(pool, "get_idle_size", None)):
        return 0
    return pool.get_max_size() - pool.get_size() + pool.get_idle_size()


def is_postgres(conn: BaseDBAsyncClient | None = None) -> bool:
    """True on PostgreSQL, False on SQLite."""
    return (conn or client()).capabilities.dialect == "postgres"


class Statement:
    """A statement being written: placeholders in the dialect's style, parameters in order."""

    def __init__(self, conn: BaseDBAsyncClient | None = None) -> None:
        self.conn = conn or client()
        self.postgres = is_postgres(self.conn)
        self.params: list[Any] = []

    def param(self, value: Any) -> str:
        """Bind one value; return its placeholder."""
        self.params.append(value)
        return f"${len(self.params)}" if self.postgres else f"?{len(self.params)}"

    def in_ids(self, column: str, ids: Iterable[int]) -> str:
        """``column`` is one of ``ids`` (one parameter whatever the count)."""
        values = sorted({int(i) for i in ids})
        if self.postgres:
            return f"{column} = ANY({self.param(values)}::int[])"
        return f"{column} IN (SELECT value FROM json_each({self.param(json.dumps(values))}))"

    def json_has(self, column: str, token: str) -> str:
        """The JSON list ``column`` holds ``token``."""
        if self.postgres:
            return f"{column} @> {self.param(json.dumps([str(token)]))}::jsonb"
        return f"EXISTS (SELECT 1 FROM json_each({column}) WHERE value = {self.param(str(token))})"

    def json_has_any(self, column: str, tokens: Iterable[str]) -> str:
        """The JSON list ``column`` holds at least one of ``tokens``."""
        values = sorted({str(t) for t in tokens})
        if self.postgres:
            return f"{column} ?| {self.param(values)}::text[]"
        return (
            f"EXISTS (SELECT 1 FROM json_each({column}) j WHERE j.value IN "
            f"(SELECT value FROM json_each({self.param(json.dumps(values))})))"
        )

    def day(self, value: date) -> str:
        """A date parameter (a date on PostgreSQL, ISO text on SQLite, as SQLite stores dates)."""
        return f"{self.param(value)}::date" if self.postgres else self.param(value.isoformat())

    def moment(self, column: str, operator: str, value: datetime) -> str:
        """Compare a timestamp column with an aware datetime (SQLite compares through ``julianday``)."""
        if self.postgres:
            return f"{column} {operator} {self.param(value)}"
        return f"julianday({column}) {operator} julianday({self.param(value.isoformat())})"

    def hours_cover(self, alias: str, segments: Sequence[tuple[int, float, float]]) -> str:
        """The weekly hours of the professional ``alias`` cover every per-day segment (weekday, start
        second, end second) of a window: as the engine's rule, on the whole minutes inside each segment.

        On PostgreSQL the database keeps the slots as merged minutes of the week (``weekly_minutes``,
        see ``models.matching.WEEKLY_MINUTES_SQL``): one multirange containment test per day. On SQLite,
        a weekly slot holds the window's first minute (a necessary condition).
        """
        if not self.postgres:
            weekday, start_s, _ = segments[0]
            minute = int(start_s) // 60
            return self.slot_holds(alias, weekday, f"{minute // 60:02d}:{minute % 60:02d}")
        tests = []
        for weekday, start_s, end_s in segments:
            low, high = int(weekday) * 1440 + math.ceil(start_s / 60), int(weekday) * 1440 + math.floor(end_s / 60)
            if high > low:
                tests.append(f"{alias}.weekly_minutes @> int4range({self.param(low)}, {self.param(high)})")
        return " AND ".join(tests) or "TRUE"

    def slot_holds(self, alias: str, weekday: int, hhmm: str) -> str:
        """A weekly slot of the professional ``alias`` (their ``availability`` JSON list) is on ``weekday``
        and contains the minute ``hhmm`` (SQLite)."""
        day, minute = self.param(int(weekday)), self.param(hhmm)
        return (f"EXISTS (SELECT 1 FROM json_each({alias}.availability) a "
                f"WHERE json_extract(a.value, '$.weekday') = {day} AND json_extract(a.value, '$.start') <= {minute} "
                f"AND json_extract(a.value, '$.end') > {minute})")

    def rows_list(self, items: Sequence[str], source: str) -> str:
        """The rows of ``SELECT items source`` as one value, a JSON list of lists (text: parsing it
        costs less than asyncpg's decoding of an array of records)."""
        return f"(SELECT {self.json_agg(self.json_array(*items))} {source})"

    def column_list(self, expression: str, source: str, distinct: bool = False) -> str:
        """One column of ``SELECT expression source`` as one value, a list: an array on PostgreSQL,
        JSON text on SQLite."""
        if self.postgres:
            return f"ARRAY(SELECT {'DISTINCT ' if distinct else ''}{expression} {source})"
        return f"(SELECT {self.json_agg(expression, distinct)} {source})"

    def json_agg(self, expression: str, distinct: bool = False) -> str:
        """Aggregate ``expression`` into a JSON list (PostgreSQL: NULL over no rows, SQLite: ``[]``)."""
        inner = f"DISTINCT {expression}" if distinct else expression
        return f"json_agg({inner})" if self.postgres else f"json_group_array({inner})"

    def json_array(self, *expressions: str) -> str:
        """A JSON list of the expressions' values."""
        return f"{'json_build_array' if self.postgres else 'json_array'}({', '.join(expressions)})"

    def json_embed(self, column: str) -> str:
        """A JSON column as a JSON value inside ``json_array`` (SQLite would embed its text as a string)."""
        return column if self.postgres else f"json({column})"

    async def rows(self, text: str) -> list[dict[str, Any]]:
        """Run the statement and return its rows as dicts."""
        return await self.conn.execute_query_dict(text, self.params)

    async def records(self, text: str) -> Sequence[Mapping[str, Any]]:
        """Run the statement and return its rows as the driver's records, read by column name
        (cheaper than :meth:`rows` for hundreds of rows: nothing is copied)."""
        return (await self.conn.execute_query(text, self.params))[1]


def as_list(value: Any) -> list:
    """A JSON list column read raw (text on both databases) as a Python list."""
    if value is None:
        return []
    if isinstance(value, str | bytes):
        return orjson.loads(value)
    return list(value)


def as_moment(value: Any) -> datetime:
    """A timestamp read raw (an aware datetime on PostgreSQL, ISO text on SQLite)."""
    return value if isinstance(value, datetime) else datetime.fromisoformat(str(value))


def as_date(value: Any) -> date | None:
    """A date column read raw (a date on PostgreSQL, ISO text on SQLite)."""
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def as_bool(value: Any) -> bool:
    """A boolean column read raw (bool on PostgreSQL, 0/1 on SQLite)."""
    return bool(value)
