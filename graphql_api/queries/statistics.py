"""Root query of aggregated statistics (for the console and partners; no personal data)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

import models
from graphql_api.context import Info
from graphql_api.types.area import Area
from graphql_api.types.enums import CareCategory, NeedStatus
from models.enums import label
from resolvers.statistics import MIN_CELL, need_counts


@strawberry.type(description="Number of needs of one category and status in one community.")
class NeedStatistic:
    category: CareCategory = strawberry.field(description="Care category.")
    status: NeedStatus = strawberry.field(description="Status of the needs counted.")
    count: int | None = strawberry.field(description=f"How many; null when fewer than {MIN_CELL} and the caller "
                                                     "is a partner (suppressed so no one can be singled out).")
    community_id: strawberry.Private[int]

    @strawberry.field(description="Chinese display label of `category`.")
    def category_label(self) -> str:
        return label(self.category)

    @strawberry.field(description="Chinese display label of `status`.")
    def status_label(self) -> str:
        return label(self.status)

    @strawberry.field(description="The community.")
    async def community(self, info: Info) -> Area:
        return Area.from_model(await info.context.loaders.by_id(models.Area).load(self.community_id))


@strawberry.type
class StatisticsQuery:
    @strawberry.field(description="Needs by community, category and status: centre staff (their communities), "
                                  "centre admins and partners with the stats:read scope.")
    async def need_statistics(
        self, info: Info,
        since: Annotated[datetime | None, strawberry.argument(description="Needs submitted from then on.")] = None,
        until: Annotated[datetime | None, strawberry.argument(description="Needs submitted before then.")] = None,
    ) -> list[NeedStatistic]:
        rows = await need_counts(await info.context.scope(), since, until)
        return [NeedStatistic(category=r.category, status=r.status, count=r.count, community_id=r.community_id)
                for r in rows]
