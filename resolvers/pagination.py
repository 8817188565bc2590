"""Relay-style pagination over offset cursors, for top-level lists and nested per-parent lists.

A cursor encodes the 0-based position of an item in the ordered list. Top-level lists count
first, then fetch one slice. Nested lists (e.g. the projects of each of 100 organizations) fetch
every parent's slice and total in ONE statement with window functions, so the number of SQL
statements never grows with the page size or the number of parents.

A cursor may also carry its item's sort key (:func:`encode_cursor`), for the lists that seek to it instead
of counting positions (:mod:`resolvers.keyset_pages`).
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Generic, TypeVar

from tortoise import connections
from tortoise.models import Model

from resolvers.errors import DomainError, ErrorCode
from resolvers.rows import columns, row_maker, selected_columns

T = TypeVar("T")
CURSOR_PREFIX = "cursor:"
MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 20


@lru_cache(maxsize=4096)  # every edge of every page has one: a nested page of 20 x 10 builds 200
def encode_cursor(position: int, key: str = "") -> str:
    """Opaque cursor of a 0-based position, with the item's sort key when its list has one."""
    return base64.b64encode(f"{CURSOR_PREFIX}{position}{';' + key if key else ''}".encode()).decode()


def decode_cursor(cursor: str, argument: str) -> tuple[int, str | None]:
    """Position and sort key (None when it has none) of a cursor; a malformed one is a client error."""
    try:
        text = base64.b64decode(cursor.encode(), validate=True).decode()
        if not text.startswith(CURSOR_PREFIX):
            raise ValueError(text)
        position, _, key = text[len(CURSOR_PREFIX):].partition(";")
        if int(position) < 0:
            raise ValueError(text)
        return int(position), key or None
    except (ValueError, UnicodeDecodeError):
        raise DomainError(ErrorCode.INVALID_CURSOR, f"`{argument}` is not a cursor from this API.", argument) from None


@dataclass(frozen=True, slots=True)
class PageArgs:
    """Validated ``first/after/last/before`` arguments (hashable: DataLoader keys use them)."""

    first: int | None = None
    after: int | None = None
    last: int | None = None
    before: int | None = None
    after_key: str | None = None
    before_key: str | None = None

    @classmethod
    def parse(
        cls,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
        *,
        max_size: int = MAX_PAGE_SIZE,
    ) -> PageArgs:
        """Check the arguments; without ``first`` or ``last`` a page has ``DEFAULT_PAGE_SIZE`` items."""
        for name, value in (("first", first), ("last", last)):
            if value is not None and not 0 <= value <= max_size:
                raise DomainError(
                    ErrorCode.PAGE_SIZE_EXCEEDED, f"`{name}` must be between 0 and {max_size}.", name
                )
        if first is not None and last is not None:
            raise DomainError(ErrorCode.INVALID, "Pass `first` or `last`, not both.", "last")
        if first is None and last is None:
            first = DEFAULT_PAGE_SIZE
        after_at, after_key = decode_cursor(after, "after") if after else (None, None)
        before_at, before_key = decode_cursor(before, "before") if before else (None, None)
        return cls(first=first, after=after_at, last=last, before=before_at, after_key=after_key,
                   before_key=before_key)

    def bounds(self, total: int) -> tuple[int, int]:
        """``(offset, limit)`` of the page within a list of ``total`` items."""
        start = self.after + 1 if self.after is not None else 0
        end = min(self.before, total) if self.before is not None else total
        end = max(end, start)
        if self.first is not None:
            end = min(end, start + self.first)
        if self.last is not None:
            start = max(start, end - self.last)
        return start, end - start


@dataclass(slots=True)
class Page(Generic[T]):
    """One page of items with the positions needed to build edges and page info."""

    items: list[T]
    offset: int
    total: int
    joined: dict[str, list[Any]] | None = None
    """With :class:`Joined` rows: for each join's name, the row each item points at (None where it has none)."""
    keys: list[str] | None = None
    """With a :class:`Keyset`: each item's sort key, for its cursor."""

    def cursor(self, index: int) -> str:
        """The cursor of the page's ``index``-th item."""
        return encode_cursor(self.offset + index, self.keys[index] if self.keys is not None else "")

    @property
    def has_previous(self) -> bool:
        """True when items come before this page."""
        return self.offset > 0

    @property
    def has_next(self) -> bool:
        """True when items come after this page."""
        return self.offset + len(self.items) < self.total


async def paginate(queryset: Any, args: PageArgs, total: int | None = None) -> Page:
    """A page of a top-level queryset: one COUNT (unless ``total`` is known otherwise), then one SELECT of the
    slice."""
    if total is None:
        total = await queryset.count()
    offset, limit = args.bounds(total)
    items = await queryset.offset(offset).limit(limit) if limit else []
    return Page(items=list(items), offset=offset, total=total)


async def paginate_rows(queryset: Any, args: PageArgs, fields: tuple[str, ...] | None = None,
                        total: int | None = None) -> Page:
    """:func:`paginate` with the slice as plain rows (:mod:`resolvers.rows`) instead of model instances.

    The slice is the queryset's own SQL, sent as it is; only building the results differs, so the
    statement, its filters and its order are exactly those of :func:`paginate`. With ``fields`` (model field
    names), the rows hold the primary key and those fields only (the statement selects nothing else). A
    ``total`` known otherwise (a tally) saves the count.
    """
    if total is None:
        total = await queryset.count()
    offset, limit = args.bounds(total)
    items = await limited_rows(queryset.offset(offset), limit, fields) if limit else []
    return Page(items=items, offset=offset, total=total)


async def limited_rows(queryset: Any, limit: int, fields: tuple[str, ...] | None) -> list:
    """Up to ``limit`` plain rows of ``queryset``, with the primary key and ``fields`` only when given."""
    projection, selected = queryset.model._meta.fields_db_projection, None
    if fields is not None and all(projection.get(name) == name for name in fields):  # rows read columns by name
        queryset = queryset.only(queryset.model._meta.pk_attr, *fields)
        selected = selected_columns(queryset.model, fields)
    page = queryset.limit(limit)
    page._choose_db_if_not_chosen()  # what awaiting the queryset does before it runs
    page._make_query()
    rows = await page._db.execute_query_dict(*page.query.get_parameterized_sql())
    make = row_maker(queryset.model, selected)
    return [make(row) for row in rows]


@dataclass(frozen=True, slots=True)
class Relation:
    """How children hang off a parent, for :func:`paginate_children`.

    ``parent_column`` is the column holding the parent's id: on the child table itself
    (a foreign key) or, with ``through``, on a join table whose ``through_child`` column points
    at the child.  ``order`` is an SQL ORDER BY over the child table aliased ``c``.
    """

    model: type[Model]
    parent_column: str
    order: str = "c.id"
    through: str | None = None
    through_child: str | None = None
    where: str = ""


@dataclass(frozen=True, slots=True)
class Joined:
    """A row each child of a page points at, read in the page's own statement (a ``LEFT JOIN`` on ``column``).

    Saves the statement a loader would send for them after the page: for a small answer (one need with its
    ten proposals and their providers) a statement is about a fifth of the server's time. ``fields`` (model
    field names) limits the columns read, as :func:`resolvers.rows.rows_by_id` does.
    """

    name: str
    model: type[Model]
    column: str
    fields: tuple[str, ...] | None = None

    def select(self, alias: str) -> list[str]:
        """The select list of the joined columns, each named ``_<alias>_<column>``."""
        return [f'{alias}."{column}" AS "_{alias}_{column}"' for column in self.db_columns()]

    def db_columns(self) -> tuple[str, ...]:
        """The joined model's columns this join reads."""
        return selected_columns(self.model, self.fields)


def _placeholders(dialect: str, count: int, start: int = 1) -> list[str]:
    if dialect == "postgres":
        return [f"${i}" for i in range(start, start + count)]
    return ["?"] * count


async def paginate_children(relation: Relation, parent_ids: Sequence[int], args: PageArgs,
                            joins: Sequence[Joined] = (), fields: tuple[str, ...] | None = None) -> list[Page]:
    """One page per parent, all in one statement (ROW_NUMBER and COUNT over a partition), as plain rows; with
    ``joins``, the rows the page's items point at are read in the same statement (``Page.joined``); with
    ``fields`` (model field names), the children's rows hold the primary key and those fields only."""
    if not parent_ids:
        return []
    meta = relation.model._meta
    conn = connections.get(meta.default_connection or "default")
    dialect = conn.capabilities.dialect
    sql = _children_statement(relation, args, tuple(joins), fields, len(parent_ids), dialect)
    rows = await conn.execute_query_dict(sql, list(parent_ids))
    grouped: dict[int, Page] = {}
    make = row_maker(relation.model, selected_columns(relation.model, fields))
    readers = _joined_readers(tuple(joins), dialect)
    for row in rows:
        parent_id, position, total = row.pop("_parent"), row.pop("_rn"), row.pop("_total")
        page = grouped.get(parent_id)
        if page is None:
            page = grouped[parent_id] = Page(items=[], offset=position - 1, total=total,
                                             joined={join.name: [] for join in joins} if joins else None)
        for join, read in zip(joins, readers, strict=True):
            page.joined[join.name].append(read(row))  # type: ignore[index]
        page.items.append(make(row))
    counts = await _totals_without_rows(conn, relation, parent_ids, grouped, dialect)
    return [grouped.get(pid) or Page(items=[], offset=args.bounds(counts.get(pid, 0))[0], total=counts.get(pid, 0),
                                     joined={join.name: [] for join in joins} if joins else None)
            for pid in parent_ids]


@lru_cache(maxsize=1024)
def _children_statement(relation: Relation, args: PageArgs, joins: tuple[Joined, ...], fields: tuple[str, ...] | None,
                        count: int, dialect: str) -> str:
    """The statement of :func:`paginate_children` for ``count`` parents (the same text for the same shape)."""
    meta = relation.model._meta
    marks = _placeholders(dialect, count)
    if relation.through:
        source = (
            f'"{meta.db_table}" c JOIN "{relation.through}" j ON j."{relation.through_child}" = c."id"'
        )
        parent = f'j."{relation.parent_column}"'
    else:
        source, parent = f'"{meta.db_table}" c', f'c."{relation.parent_column}"'
    where = f" AND ({relation.where})" if relation.where else ""
    inner = (
        f"SELECT {columns(relation.model, 'c', fields)}, {parent} AS _parent, "
        f"ROW_NUMBER() OVER (PARTITION BY {parent} ORDER BY {relation.order}) AS _rn, "
        f"COUNT(*) OVER (PARTITION BY {parent}) AS _total "
        f"FROM {source} WHERE {parent} IN ({', '.join(marks)}){where}"
    )
    conditions = ["1 = 1"]
    low = args.after + 1 if args.after is not None else 0
    conditions.append(f"_rn > {low}")
    if args.before is not None:
        conditions.append(f"_rn <= LEAST_OF({args.before}, _total)")
    high = f"LEAST_OF({args.before}, _total)" if args.before is not None else "_total"
    if args.first is not None:
        conditions.append(f"_rn <= {low + args.first}")
    if args.last is not None:
        conditions.append(f"_rn > {high} - {args.last}")
    least = "LEAST" if dialect == "postgres" else "MIN"
    selected, joined_tables = ["t.*"], []
    for i, join in enumerate(joins):
        alias = f"j{i}"
        selected += join.select(alias)
        pk = join.model._meta.db_pk_column
        joined_tables.append(f' LEFT JOIN "{join.model._meta.db_table}" {alias} ON {alias}."{pk}" = t."{join.column}"')
    sql = (f"SELECT {', '.join(selected)} FROM ({inner}) t{''.join(joined_tables)} "
           f"WHERE {' AND '.join(conditions)} ORDER BY _parent, _rn")
    return sql.replace("LEAST_OF", least)


@lru_cache(maxsize=256)
def _joined_readers(joins: tuple[Joined, ...], dialect: str) -> list[Any]:
    """The readers of the joined rows (``dialect`` keys the row makers, which convert per dialect)."""
    return [_joined_reader(join, f"j{i}") for i, join in enumerate(joins)]


def _joined_reader(join: Joined, alias: str) -> Any:
    """A function taking a joined row's columns out of a page row: the joined row, or None without one."""
    make = row_maker(join.model, join.db_columns())
    names = [(f"_{alias}_{column}", column) for column in join.db_columns()]
    key = f"_{alias}_{join.model._meta.db_pk_column}"

    def read(row: dict[str, Any]) -> Any:
        if row.get(key) is None:
            for name, _ in names:
                row.pop(name, None)
            return None
        return make({column: row.pop(name) for name, column in names})

    return read


async def _totals_without_rows(conn, relation: Relation, parent_ids, grouped, dialect) -> dict[int, int]:
    """Totals of parents whose page came back empty (e.g. ``first: 0``); usually no statement at all."""
    missing = [pid for pid in parent_ids if pid not in grouped]
    if not missing:
        return {}
    meta = relation.model._meta
    marks = _placeholders(dialect, len(missing))
    if relation.through:
        source = f'"{relation.through}" j JOIN "{meta.db_table}" c ON j."{relation.through_child}" = c."id"'
        parent = f'j."{relation.parent_column}"'
    else:
        source, parent = f'"{meta.db_table}" c', f'c."{relation.parent_column}"'
    where = f" AND ({relation.where})" if relation.where else ""
    sql = (
        f"SELECT {parent} AS _parent, COUNT(*) AS _total FROM {source} "
        f"WHERE {parent} IN ({', '.join(marks)}){where} GROUP BY {parent}"
    )
    rows = await conn.execute_query_dict(sql, list(missing))
    return {row["_parent"]: row["_total"] for row in rows}
