"""Root query of the resident register (minimized view)."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry import relay

from graphql_api.context import Info
from graphql_api.types.common import After, Before, Connection, First, Last, decode_id, page_args
from graphql_api.types.enums import AgeBand
from graphql_api.types.resident import Resident
from resolvers.keyset_pages import paginate_keyset
from resolvers.residents import REGISTER_ORDER, resident_queryset
from resolvers.residents import ResidentFilter as Criteria


@strawberry.input(description="Filters of the resident register; all optional and combined with AND.")
class ResidentFilter:
    community_id: relay.GlobalID | None = strawberry.field(default=None, description="Only this community.")
    age_band: AgeBand | None = strawberry.field(default=None, description="Only this age band.")
    lives_alone: bool | None = strawberry.field(default=None, description="Only those living alone (or not).")
    search: str | None = strawberry.field(default=None, description="Text in the resident's name.")

    def to_criteria(self) -> Criteria:
        """The service-layer filter."""
        return Criteria(
            community_id=decode_id(self.community_id, "Area", "communityId"), age_band=self.age_band,
            lives_alone=self.lives_alone, search=self.search,
        )


@strawberry.type
class ResidentQuery:
    @strawberry.field(description="The resident register, by registration order (minimized, masked view).")
    async def residents(
        self,
        info: Info,
        filter: Annotated[ResidentFilter | None, strawberry.argument(description="Filters.")] = None,
        first: First = None, after: After = None, last: Last = None, before: Before = None,
    ) -> Connection[Resident]:
        args = page_args(first, after, last, before)
        scope = await info.context.scope()
        info.context.require(scope.viewer.authenticated and scope.viewer.role != "PARTNER",
                             "Partners see aggregated statistics, never residents' data.")
        criteria = filter.to_criteria() if filter else Criteria()
        queryset = resident_queryset(criteria)
        if (reach := scope.resident_filter()) is not None:
            queryset = queryset.filter(reach)
        page = await paginate_keyset(queryset, args, REGISTER_ORDER, plain=False)
        return Connection.from_page(page, Resident.from_model)
