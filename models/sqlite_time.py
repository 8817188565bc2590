"""SQLite stores datetimes as UTC text, so that comparing two of them compares instants.

SQLite has no datetime type: Tortoise's SQLite executor writes ``value.isoformat(" ")``, keeping whatever
offset the value carried. The ORM fills ``auto_now`` fields in the configured zone (Asia/Shanghai,
``+08:00``) while services filter with UTC values (``+00:00``), and text comparison of the two is wrong by
up to eight hours. Writing every aware datetime in UTC makes the text order the time order. Reading is
unchanged: Tortoise parses the offset and converts to the configured zone. PostgreSQL (timestamptz) needs
none of this.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime

import tortoise.backends.sqlite.executor  # noqa: F401  (registers Tortoise's adapters, which this one replaces)


def utc_text(value: datetime) -> str:
    """``value`` as SQLite text: aware values in UTC, naive ones as they are."""
    if value.tzinfo is not None:
        value = value.astimezone(UTC)
    return value.isoformat(" ")


def install() -> None:
    """Make the SQLite driver write datetimes with :func:`utc_text` (idempotent)."""
    sqlite3.register_adapter(datetime, utc_text)


install()
