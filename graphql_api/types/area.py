"""GraphQL type of the subdistrict and its communities."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Annotated

import strawberry
from strawberry import relay

import models
from graphql_api.context import Info
from graphql_api.types.common import After, Before, Connection, First, GeoPoint, Last, node_keys, page_args
from graphql_api.types.enums import AreaKind
from graphql_api.types.row_backed import RowBacked, row_fields
from models.enums import label


@strawberry.type(description="The subdistrict (街道) or one of its communities (社区).")
class Area(relay.Node, RowBacked):
    id: relay.NodeID[int]
    name: str = strawberry.field(description="Official name, e.g. 和睦社区.")
    kind: AreaKind = strawberry.field(description="Subdistrict or community.")
    code: str | None = strawberry.field(description="Administrative division code, if known.")
    center: GeoPoint | None = strawberry.field(description="Centre of the area on the map, if known.")
    created_at: datetime = strawberry.field(description="When the record was created.")
    updated_at: datetime = strawberry.field(description="When the record last changed.")
    parent_id: strawberry.Private[int | None]

    @classmethod
    def from_model(cls, row: models.Area) -> Area:
        """Build over an ORM row or plain row."""
        return cls.of_row(row, id=row.id, parent_id=row.parent_id)

    @strawberry.field(description="Chinese display label of `kind`.")
    def kind_label(self) -> str:
        return label(self.kind)

    @strawberry.field(description="The enclosing area (null for the subdistrict).")
    async def parent(self, info: Info) -> Annotated[Area, strawberry.lazy("graphql_api.types.area")] | None:
        if self.parent_id is None:
            return None
        row = await info.context.loaders.by_id(models.Area).load(self.parent_id)
        return Area.from_model(row) if row else None

    @strawberry.field(description="Areas inside this one (communities of a subdistrict), by name.")
    async def children(
        self, info: Info, first: First = None, after: After = None, last: Last = None, before: Before = None
    ) -> Connection[Area]:
        page = await info.context.loaders.page("area.children", page_args(first, after, last, before)).load(self.id)
        return Connection.from_page(page, Area.from_model)

    @classmethod
    async def resolve_nodes(cls, *, info: Info, node_ids: Iterable[str], required: bool = False):
        rows = await info.context.loaders.by_id(models.Area).load_many(node_keys(node_ids))
        return [cls.from_model(r) if r else None for r in rows]


Area.ROW_FIELDS = row_fields("name", "kind", "code", "created_at", "updated_at", center=GeoPoint.of)
