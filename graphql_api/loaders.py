"""Per-request DataLoaders: every relation the schema resolves goes through one of these."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from strawberry.dataloader import DataLoader
from tortoise.models import Model

from resolvers.pagination import Page, PageArgs, paginate_children
from resolvers.relations import RELATIONS
from resolvers.rows import Row, rows_by_id


class Loaders:
    """Lazily created DataLoaders, one set per request (so nothing leaks between callers)."""

    def __init__(self) -> None:
        self._by_id: dict[type[Model], DataLoader[int, Row | None]] = {}
        self._pages: dict[tuple[str, PageArgs], DataLoader[int, Page]] = {}
        self._batches: dict[str, DataLoader[Any, Any]] = {}

    def by_id(self, model: type[Model]) -> DataLoader[int, Row | None]:
        """Rows of ``model`` by primary key (None for a missing id), one SELECT per batch, as plain rows."""
        loader = self._by_id.get(model)
        if loader is None:
            async def load(ids: Sequence[int]) -> list[Row | None]:
                rows = await rows_by_id(model, list(dict.fromkeys(ids)))
                return [rows.get(i) for i in ids]

            loader = self._by_id[model] = DataLoader(load_fn=load)
        return loader

    def page(self, relation: str, args: PageArgs) -> DataLoader[int, Page]:
        """One page of a nested list per parent id, all parents in one statement."""
        key = (relation, args)
        loader = self._pages.get(key)
        if loader is None:
            definition = RELATIONS[relation]

            async def load(parent_ids: Sequence[int]) -> list[Page]:
                return await paginate_children(definition, list(parent_ids), args)

            loader = self._pages[key] = DataLoader(load_fn=load)
        return loader

    def batch(self, name: str, fn: Callable[[list[Any]], Awaitable[list[Any]]]) -> DataLoader[Any, Any]:
        """The loader called ``name`` for an arbitrary batch function (one result per key, in order)."""
        loader = self._batches.get(name)
        if loader is None:
            async def load(keys: Sequence[Any]) -> list[Any]:
                return await fn(list(keys))

            loader = self._batches[name] = DataLoader(load_fn=load)
        return loader
