"""Plain rows for the hot read paths: the values of a model's columns as attributes, without an ORM instance.

Building a Tortoise model instance runs its ``__setattr__`` and every field's conversion for each column
of each row; the read paths of the API (per-parent pages, look-ups by id) only read the values. A
:class:`Row` holds the same Python values a model instance would (times in the configured time zone,
JSON decoded, enums as enum members), converted only where the driver's value differs: on PostgreSQL
times, JSON and enums; on SQLite every field, through the field's own ``to_python_value``. A column is
converted when it is first read, not when the row is built: an answer that shows a professional's name
never decodes their weekly availability. Rows are read-only snapshots: to change data, services load
model instances as before.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from functools import cache
from typing import Any

from tortoise import connections, fields
from tortoise.models import Model

#: Field classes whose PostgreSQL values asyncpg already returns as the model would hold them.
NATIVE_ON_POSTGRES = (fields.IntField, fields.BigIntField, fields.SmallIntField, fields.CharField,
                      fields.TextField, fields.FloatField, fields.BooleanField, fields.DateField)


PENDING = "_pending"
MISSING = object()


class Row:
    """One row of ``model`` as attributes (``pk`` is the id, as on a model instance).

    Columns still to convert wait in ``_pending`` (name: (conversion, driver value)) until first read.
    """

    __slots__ = ("__dict__",)

    def __init__(self, values: dict[str, Any]) -> None:
        self.__dict__ = values

    def __getattr__(self, name: str) -> Any:  # only called for attributes not converted yet
        pending = self.__dict__.get(PENDING)
        entry = pending.get(name) if pending else None
        if entry is None:
            raise AttributeError(name)
        value = self.__dict__[name] = entry[0](entry[1])  # a conversion that fails stays pending: same error again
        del pending[name]
        return value

    def values(self) -> dict[str, Any]:
        """Every column's value (all converted now)."""
        for name in list(self.__dict__.get(PENDING, ())):
            getattr(self, name)
        return {k: v for k, v in self.__dict__.items() if k != PENDING}

    @property
    def pk(self) -> Any:
        """The primary key."""
        return self.id

    def __repr__(self) -> str:
        return f"<Row {getattr(self, 'id', None)}>"


@cache
def _conversions(model: type[Model], dialect: str) -> tuple[tuple[str, str, Callable[[Any], Any]], ...]:
    """(column, attribute, conversion) for the columns whose driver value needs converting."""
    meta = model._meta
    converted = []
    for name, column in meta.fields_db_projection.items():
        field = meta.fields_map[name]
        if dialect == "postgres" and type(field) in NATIVE_ON_POSTGRES and column == name:
            continue
        converted.append((column, name, field.to_python_value))
    return tuple(converted)


@cache
def selected_columns(model: type[Model], fields: tuple[str, ...] | None) -> tuple[str, ...]:
    """The columns of ``model`` a statement reads for ``fields`` (model field names; None: all of them), with the
    primary key (the columns :func:`columns` lists)."""
    projection = model._meta.fields_db_projection
    if fields is None:
        return tuple(projection.values())
    wanted = {model._meta.pk_attr, *fields}
    return tuple(column for name, column in projection.items() if name in wanted)


@cache
def _conversions_of(model: type[Model], dialect: str,
                    columns: tuple[str, ...]) -> tuple[tuple[str, str, Callable[[Any], Any]], ...]:
    """:func:`_conversions` of these columns only."""
    wanted = set(columns)
    return tuple(entry for entry in _conversions(model, dialect) if entry[0] in wanted)


def row_maker(model: type[Model], columns: tuple[str, ...] | None = None) -> Callable[[dict[str, Any]], Row]:
    """A function building :class:`Row` objects of ``model`` from column dicts (consumed); with ``columns`` (the
    columns a statement selects), it looks only at their conversions."""
    dialect = connections.get(model._meta.default_connection or "default").capabilities.dialect
    conversions = _conversions(model, dialect) if columns is None else _conversions_of(model, dialect, columns)

    def make(values: dict[str, Any]) -> Row:
        pending = {}
        for column, name, convert in conversions:
            value = values.pop(column, MISSING)  # a hand-written statement may select some columns only
            if value is MISSING:
                continue
            if value is None:
                values[name] = None
            else:
                pending[name] = (convert, value)
        if pending:
            values[PENDING] = pending
        return Row(values)

    return make


@cache
def columns(model: type[Model], alias: str = "", fields: tuple[str, ...] | None = None) -> str:
    """The select list of the model's own columns (``alias.`` before each when given), or of the primary key
    and ``fields`` (model field names) only.

    Not ``*``: a table may hold columns the model does not declare (the matching's generated and
    trigger-kept columns, e.g. ``professional.weekly_minutes``), which no read path uses and whose values
    the driver would decode anyway (a multirange costs more to decode than all the rest of the row).
    """
    prefix = f"{alias}." if alias else ""
    return ", ".join(f'{prefix}"{column}"' for column in selected_columns(model, fields))


async def rows_by_id(model: type[Model], ids: Sequence[Any], fields: tuple[str, ...] | None = None) -> dict[Any, Row]:
    """The rows of ``model`` with these primary keys, by key (one statement); with ``fields`` (model field
    names), rows of the primary key and those fields only (reading another attribute raises AttributeError)."""
    if not ids:
        return {}
    meta = model._meta
    conn = connections.get(meta.default_connection or "default")
    select = f'SELECT {columns(model, "", fields)} FROM "{meta.db_table}" WHERE "{meta.db_pk_column}"'
    if conn.capabilities.dialect == "postgres":
        sql, values = f"{select} = ANY($1)", [list(ids)]
    else:
        sql, values = f'{select} IN ({", ".join("?" * len(ids))})', list(ids)
    make = row_maker(model, selected_columns(model, fields))
    rows = [make(row) for row in await conn.execute_query_dict(sql, values)]
    return {row.pk: row for row in rows}


async def query_rows(model: type[Model], sql: str, values: Sequence[Any]) -> list[Row]:
    """Rows of ``model`` from a hand-written statement (``$1``, ``$2`` placeholders, rewritten for SQLite).

    For the statements every request sends (the caller's account, their scope): a fixed SQL text skips
    building the query through the ORM, and asyncpg reuses the statement it prepared the first time.
    """
    conn = connections.get(model._meta.default_connection or "default")
    if conn.capabilities.dialect != "postgres":
        sql = re.sub(r"\$\d+", "?", sql)
    make = row_maker(model)
    return [make(row) for row in await conn.execute_query_dict(sql, list(values))]
