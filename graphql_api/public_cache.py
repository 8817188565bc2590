"""The public read cache: non-personal reads kept in the shared cache, invalidated by the writes that change them.

What is cached are the rows behind public data, never an answer: the organization directory and the
project and session listings (top-level pages), the public nested lists (an organization's members and
projects, a project's sessions and leads, a professional's memberships and service areas, an area's
communities) and the public rows looked up by id (areas, organizations, professionals, projects,
sessions). The GraphQL types still build every answer from those rows per caller, so masking and
permissions are untouched. Residents, needs, matches, accounts and everything personal are never cached.

Invalidation is by generation: every cached entry's key holds the current generation of each table it
was read from (``gen:<table>`` in the cache), and every mutation bumps the generations of the tables it
may write, after it has committed and before its answer leaves (:class:`InvalidatePublicReads`). A
client therefore never reads, anywhere, data older than its own last write; entries of an old generation
are simply never read again and expire (``PUBLIC_TTL``). With ``REDIS_URL`` the generations and entries
live in Redis and every process shares them; the in-memory cache is for a single process (``linli serve``
refuses several workers without Redis). ``LINLI_PUBLIC_CACHE=0`` turns the cache off.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Iterable
from contextlib import suppress
from copy import deepcopy
from typing import Any

from aiocache.serializers import NullSerializer, PickleSerializer
from graphql import FieldNode, OperationType, get_operation_ast
from strawberry.extensions import SchemaExtension

from graphql_api.cache import build_cache
from graphql_api.loaders import PUBLIC_RELATIONS, PUBLIC_TABLES
from graphql_api.settings import Settings
from resolvers.pagination import Page
from resolvers.rows import PENDING, Row

PUBLIC_TTL = 600
LOCAL_ENTRIES = 4096
"""Entries a worker keeps in its own memory in front of Redis (pages and rows: a few MB)."""
FORMAT = "s2"
"""The cached values' layout (:data:`Snapshot`), part of every key: entries of another release are not read."""
__all__ = ["PUBLIC_RELATIONS", "PUBLIC_TABLES", "InvalidatePublicReads", "PublicCache", "PublicReads"]
ALL_TABLES = ("area", "organization", "membership", "professional", "professional_service_area", "project",
              "project_lead", "project_session", "project_claim", "enrollment")
#: Which tables the mutations of each noun may write (matched on the start of the mutation's name).
WRITES = {
    "organization": ("organization",),
    "professional": ("professional", "professional_service_area", "membership"),
    "certification": ("professional",),
    "membership": ("membership",),
    "project": ALL_TABLES,
    "session": ("project_session", "enrollment"),
    "enrollment": ("project_session", "enrollment"),
}
#: Mutations of these nouns write nothing public (residents, needs, matches, accounts, sign-in, privacy).
PRIVATE_NOUNS = ("resident", "guardianship", "consent", "need", "match", "service", "wechat", "staff", "token",
                 "logout", "account", "apiKey", "childDataApproval")


def tables_written(mutation: str) -> tuple[str, ...]:
    """The public tables a mutation may write: its noun's, none for private nouns, all for an unknown one."""
    for noun, tables in WRITES.items():
        if mutation.startswith(noun):
            return tables
    return () if mutation.startswith(PRIVATE_NOUNS) else ALL_TABLES


Snapshot = tuple[dict[str, Any], dict[str, Any]]
"""What is cached of a row: its immutable column values, and its lists and dicts (JSON columns)."""


def snapshot(item: Any) -> Snapshot:
    """The column values of a model instance or row (what is cached of it)."""
    values = item.values() if isinstance(item, Row) else {
        name: getattr(item, name) for name in item._meta.fields_db_projection}
    mutable = {k: deepcopy(v) for k, v in values.items() if type(v) in (list, dict)}
    return {k: v for k, v in values.items() if k not in mutable}, mutable


def _row(cached: Snapshot) -> Row:
    """A request's own row from a cached snapshot: its lists and dicts are copied when first read (kept in this
    process's memory, a snapshot is shared by every request that reads it)."""
    plain, mutable = cached
    if not mutable:
        return Row(dict(plain))
    return Row({**plain, PENDING: {name: (deepcopy, value) for name, value in mutable.items()}})


def _counter(value: object) -> object:
    """A generation as stored by ``increment`` (a number, not a pickle)."""
    return value


class _Kept:
    """The entries a worker used last, each for :data:`PUBLIC_TTL` (least recently used out first)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.entries: OrderedDict[str, tuple[float, Any]] = OrderedDict()

    def get(self, key: str) -> Any:
        """The value kept under ``key``, or None."""
        entry = self.entries.get(key)
        if entry is None or entry[0] <= time.monotonic():
            return None
        self.entries.move_to_end(key)
        return entry[1]

    def put(self, key: str, value: Any) -> None:
        self.entries[key] = (time.monotonic() + PUBLIC_TTL, value)
        self.entries.move_to_end(key)
        while len(self.entries) > self.size:
            self.entries.popitem(last=False)


class PublicCache:
    """The process's handle on the shared cache for public reads (one per app).

    With Redis, the entries a worker read or wrote are also kept in its own memory (:data:`LOCAL_ENTRIES`,
    least recently used first out, for :data:`PUBLIC_TTL`): an entry's key names the generation of every table
    it was read from, so a key's value never changes and a kept entry is never stale; only the generations are
    read from Redis, once per request. Unpickling every row of every request cost more CPU than the
    statements the cache saved (Q3: 11.9 ms a request against 6.0 without the cache). A generation starts at
    the time it is first read (:meth:`generations`), so generations lost with Redis's memory never come back.
    """

    def __init__(self, settings: Settings) -> None:
        # in this process's memory the snapshots are kept as they are (each read copies what is mutable): a
        # pickle's round trip cost more CPU than the statements it saved (Q3: 3 ms a request of unpickling)
        self.cache = build_cache(settings, serializer=PickleSerializer() if settings.redis_url else NullSerializer())
        self.kept = _Kept(LOCAL_ENTRIES) if settings.redis_url else None

    async def generations(self, tables: list[str]) -> list[int]:
        """The current generation of each table; one first read starts at the current time in nanoseconds."""
        keys = [f"gen:{t}" for t in tables]
        values = await self.cache.multi_get(keys, loads_fn=_counter)
        for key, value in zip(keys, values, strict=True):
            if value is None:  # never bumped, or Redis lost it: a generation no earlier one can have had
                with suppress(ValueError):  # another worker started it first
                    await self.cache.add(key, time.time_ns(), dumps_fn=_counter)
        if None in values:
            values = await self.cache.multi_get(keys, loads_fn=_counter)
        return [int(v) for v in values]

    async def get_many(self, keys: list[str]) -> list[Any]:
        """The values of ``keys`` (None where missing): kept ones from this process, the rest from the cache."""
        if self.kept is None:
            return await self.cache.multi_get(keys)
        found = [self.kept.get(key) for key in keys]
        missing = [i for i, value in enumerate(found) if value is None]
        if missing:
            for i, value in zip(missing, await self.cache.multi_get([keys[i] for i in missing]), strict=True):
                if value is not None:
                    found[i] = value
                    self.kept.put(keys[i], value)
        return found

    async def put_many(self, pairs: list[tuple[str, Any]]) -> None:
        """Keep these values (in the cache, and with Redis in this process too)."""
        await self.cache.multi_set(pairs, ttl=PUBLIC_TTL)
        if self.kept is not None:
            for key, value in pairs:
                self.kept.put(key, value)

    async def bump(self, tables: Iterable[str]) -> None:
        """Start a new generation of each table: what was cached from them is not read again."""
        tables = sorted(set(tables))
        if tables:
            await self.generations(tables)  # a lost generation starts anew before it moves on
        for table in tables:
            await self.cache.increment(f"gen:{table}", 1)

    async def close(self) -> None:
        await self.cache.close()


class PublicReads:
    """One request's view of the public cache: generations read once per request."""

    def __init__(self, shared: PublicCache) -> None:
        self.shared = shared
        self.generations: dict[str, int] = {}

    async def _suffix(self, tables: Iterable[str]) -> str:
        """The generations of ``tables`` as a key's end (read from the cache once per request)."""
        wanted = sorted(set(tables))
        missing = [t for t in wanted if t not in self.generations]
        if missing:
            values = await self.shared.generations(missing)
            self.generations.update(zip(missing, values, strict=True))
        return "|" + ",".join(f"{t}={self.generations[t]}" for t in wanted)

    async def _key(self, tables: Iterable[str], key: str) -> str:
        return f"{FORMAT}:{key}" + await self._suffix(tables)

    async def page(self, tables: Iterable[str], key: str, load: Callable[[], Awaitable[Page]]) -> Page:
        """A page of public rows: from the cache, or loaded and kept."""
        full = await self._key(tables, f"page:{key}")
        cached = (await self.shared.get_many([full]))[0]
        if cached is not None:
            offset, total, items = cached
            return Page(items=[_row(values) for values in items], offset=offset, total=total)
        page = await load()
        await self.shared.put_many([(full, (page.offset, page.total, [snapshot(i) for i in page.items]))])
        return page

    async def pages(self, tables: Iterable[str], key: str, parent_ids: list[Any],
                    load: Callable[[list[Any]], Awaitable[list[Page]]]) -> list[Page]:
        """One page per parent: the cached ones, and the missing ones loaded together and kept."""
        suffix = await self._suffix(tables)
        keys = [f"{FORMAT}:pages:{key}:{parent}{suffix}" for parent in parent_ids]
        found = await self.shared.get_many(keys)
        missing = [i for i, value in enumerate(found) if value is None]
        loaded = await load([parent_ids[i] for i in missing]) if missing else []
        if loaded:
            await self.shared.put_many([(keys[i], (p.offset, p.total, [snapshot(x) for x in p.items]))
                                        for i, p in zip(missing, loaded, strict=True)])
        fresh = dict(zip(missing, loaded, strict=True))
        return [fresh[i] if i in fresh else Page(items=[_row(v) for v in found[i][2]], offset=found[i][0],
                                                  total=found[i][1]) for i in range(len(parent_ids))]

    async def rows(self, table: str, ids: list[Any], load: Callable[[list[Any]], Awaitable[dict[Any, Any]]]
                   ) -> dict[Any, Any]:
        """Rows of a public table by id: the cached ones, and the missing ones loaded together and kept."""
        suffix = await self._suffix((table,))
        keys = [f"{FORMAT}:row:{table}:{i}{suffix}" for i in ids]
        found = await self.shared.get_many(keys)
        rows = {i: _row(values) for i, values in zip(ids, found, strict=True) if values is not None}
        missing = [i for i in ids if i not in rows]
        if missing:
            loaded = await load(missing)
            await self.shared.put_many([(keys[ids.index(i)], snapshot(row)) for i, row in loaded.items()])
            rows.update(loaded)
        return rows


class InvalidatePublicReads(SchemaExtension):
    """After a mutation ran (its writes committed), bump the generations of the public tables it may write."""

    async def on_operation(self):  # type: ignore[override]
        yield
        context = self.execution_context
        shared = getattr(context.context, "public_cache", None)
        document = context.graphql_document
        operation = get_operation_ast(document, context.operation_name) if document else None
        if shared is None or operation is None or operation.operation is not OperationType.MUTATION:
            return
        names = [s.name.value for s in operation.selection_set.selections if isinstance(s, FieldNode)]
        await shared.bump(t for name in names for t in tables_written(name))
