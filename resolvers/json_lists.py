"""Filtering on JSON list columns (e.g. the care categories an organization serves), on both databases.

PostgreSQL answers ``@>`` containment (indexable with GIN); SQLite has no such operator in the ORM,
so there the test is ``EXISTS (SELECT 1 FROM json_each(column) WHERE value = ...)``.
"""

from __future__ import annotations

import re
from typing import Any

from tortoise import connections
from tortoise.expressions import RawSQL

_SAFE = re.compile(r"^[A-Za-z0-9_\-]+$")


def filter_list_contains(queryset: Any, column: str, value: str) -> Any:
    """Rows whose JSON list ``column`` holds ``value`` (an enum value or a plain token)."""
    if not _SAFE.match(value) or not _SAFE.match(column):
        raise ValueError(f"unsafe JSON list filter {column}={value!r}")
    model = queryset.model
    dialect = connections.get(model._meta.default_connection or "default").capabilities.dialect
    if dialect == "postgres":
        return queryset.filter(**{f"{column}__contains": [value]})
    table = model._meta.db_table
    expression = RawSQL(f"EXISTS (SELECT 1 FROM json_each(\"{table}\".\"{column}\") WHERE value = '{value}')")
    alias = f"_has_{column}"
    return queryset.annotate(**{alias: expression}).filter(**{alias: 1})
