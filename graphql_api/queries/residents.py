"""Root query of the resident register (minimized view)."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry import relay

from graphql_api.types.common import After, Before, Connection, First, Last, decode_id, page_args
from graphql_api.types.enums import AgeBand
from graphql_api.types.resident import Resident
from resolvers.pagination import paginate
from resolvers.residents import ResidentFilter as Criteria
from resolvers.residents import resident_queryset


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
        filter: Annotated[ResidentFilter | None, strawberry.argument(description="Filters.")] = None,
        first: First = None, after: After = None, last: Last = None, before: Before = None,
    ) -> Connection[Resident]:
        criteria = filter.to_criteria() if filter else Criteria()
        page = await paginate(resident_queryset(criteria), page_args(first, after, last, before))
        return Connection.from_page(page, Resident.from_model)
