"""Per-request DataLoaders: every relation the schema resolves goes through one of these."""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING, Any

from strawberry.dataloader import DataLoader
from tortoise.models import Model

from resolvers.pagination import Joined, Page, PageArgs, paginate_children
from resolvers.relations import RELATIONS
from resolvers.rows import Row, rows_by_id

if TYPE_CHECKING:
    from graphql_api.public_cache import PublicReads

PUBLIC_TABLES = frozenset({"area", "organization", "professional", "project", "project_session"})
PUBLIC_RELATIONS = {
    "area.children": ("area",),
    "organization.incubatees": ("organization",),
    "organization.projects": ("project",),
    "organization.memberships": ("membership",),
    "professional.memberships": ("membership",),
    "professional.service_areas": ("area", "professional_service_area"),
    "professional.led_projects": ("project", "project_lead"),
    "project.leads": ("professional", "project_lead"),
    "project.sessions": ("project_session",),
}


class Loaders:
    """Lazily created DataLoaders, one set per request (so nothing leaks between callers).

    With ``public`` (the public read cache, :mod:`graphql_api.public_cache`) the public tables' rows and
    nested lists come from the shared cache when they are there; the rest always from the database.
    """

    def __init__(self, public: PublicReads | None = None) -> None:
        self.public = public
        self._by_id: dict[type[Model], DataLoader[int, Row | None]] = {}
        self._by_ids: dict[tuple[type[Model], tuple[str, ...] | None],
                           DataLoader[tuple[int, ...], list[Row | None]]] = {}
        self._pages: dict[tuple[str, PageArgs, tuple[Joined, ...], tuple[str, ...] | None],
                          DataLoader[int, Page]] = {}
        self._batches: dict[str, DataLoader[Any, Any]] = {}

    def _rows(self, model: type[Model], fields: tuple[str, ...] | None = None
              ) -> Callable[[list[int]], Awaitable[dict[int, Row]]]:
        """The function loading rows of ``model`` by id (a closure without ``self``: the loaders hold it, and a
        reference cycle would keep the request's rows alive until the cyclic garbage collector runs)."""
        table, public = model._meta.db_table, self.public
        if public is not None and table in PUBLIC_TABLES:  # the shared cache holds whole rows only
            return lambda ids: public.rows(table, ids, lambda missing: rows_by_id(model, missing))
        return lambda ids: rows_by_id(model, ids, fields)

    def by_id(self, model: type[Model]) -> DataLoader[int, Row | None]:
        """Rows of ``model`` by primary key (None for a missing id), one SELECT per batch, as plain rows."""
        loader = self._by_id.get(model)
        if loader is None:
            fetch = self._rows(model)

            async def load(ids: Sequence[int]) -> list[Row | None]:
                rows = await fetch(list(dict.fromkeys(ids)))
                return [rows.get(i) for i in ids]

            loader = self._by_id[model] = DataLoader(load_fn=load)
        return loader

    def by_ids(self, model: type[Model], fields: tuple[str, ...] | None = None
               ) -> DataLoader[tuple[int, ...], list[Row | None]]:
        """Rows of ``model`` for a tuple of keys at a time (e.g. the members of one page), every tuple of a batch
        in one SELECT: one future per page instead of one per row. With ``fields`` (model field names, sorted),
        rows of those columns only (:func:`graphql_api.types.row_backed.columns_for`): a separate loader."""
        loader = self._by_ids.get((model, fields))
        if loader is None:
            fetch = self._rows(model, fields)

            async def load(groups: Sequence[tuple[int, ...]]) -> list[list[Row | None]]:
                rows = await fetch(list(dict.fromkeys(i for group in groups for i in group)))
                return [[rows.get(i) for i in group] for group in groups]

            loader = self._by_ids[(model, fields)] = DataLoader(load_fn=load)
        return loader

    def page(self, relation: str, args: PageArgs, joins: tuple[Joined, ...] = (),
             fields: tuple[str, ...] | None = None) -> DataLoader[int, Page]:
        """One page of a nested list per parent id, all parents in one statement; with ``joins``, the rows the
        items point at read in that statement too (``Page.joined``, see :class:`resolvers.pagination.Joined`).
        Pages of the public cache carry no joined rows (see :meth:`joins_for`) and whole rows. With ``fields``
        (model field names), the children's rows hold only those columns (``row_backed.columns_for``)."""
        key = (relation, args, joins, fields)
        loader = self._pages.get(key)
        if loader is None:
            definition = RELATIONS[relation]

            public = self.public
            tables = PUBLIC_RELATIONS.get(relation) if public is not None else None

            async def load(parent_ids: Sequence[int]) -> list[Page]:
                if tables:
                    return await public.pages(  # type: ignore[union-attr]
                        tables, f"{relation}:{args}", list(parent_ids),
                        lambda missing: paginate_children(definition, missing, args))
                return await paginate_children(definition, list(parent_ids), args, joins, fields)

            loader = self._pages[key] = DataLoader(load_fn=load)
        return loader

    def joins_for(self, relation: str, joins: tuple[Joined, ...]) -> tuple[Joined, ...]:
        """``joins`` unless the pages of ``relation`` come from the public cache (which keeps the pages alone:
        their joined rows are then loaded by id, from the cache too)."""
        return () if self.public is not None and relation in PUBLIC_RELATIONS else joins

    async def public_page(self, tables: tuple[str, ...], key: object, load: Callable[[], Awaitable[Page]]) -> Page:
        """A top-level page of public rows (``key``: what selects it), through the public cache when on."""
        if self.public is None:
            return await load()
        digest = hashlib.sha256(repr(key).encode()).hexdigest()
        return await self.public.page(tables, digest, load)

    def batch(self, name: str, fn: Callable[[list[Any]], Awaitable[list[Any]]]) -> DataLoader[Any, Any]:
        """The loader called ``name`` for an arbitrary batch function (one result per key, in order)."""
        loader = self._batches.get(name)
        if loader is None:
            async def load(keys: Sequence[Any]) -> list[Any]:
                return await fn(list(keys))

            loader = self._batches[name] = DataLoader(load_fn=load)
        return loader
