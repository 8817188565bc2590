"""Root query of residents' needs, with filters and orders."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Annotated

import strawberry
from strawberry import relay

from graphql_api.context import Info
from graphql_api.types.common import After, Before, Connection, First, Last, decode_id, page_args
from graphql_api.types.enums import CareCategory, NeedStatus, Urgency
from graphql_api.types.need import Need, prefetch_needs_relations
from graphql_api.types.row_backed import columns_for
from resolvers.needs import NeedFilter as Criteria
from resolvers.needs import need_page


@strawberry.enum(description="Orders of the need list.")
class NeedOrder(Enum):
    NEWEST = strawberry.enum_value("NEWEST", description="Most recently submitted first (the default).")
    OLDEST = strawberry.enum_value("OLDEST", description="Earliest submitted first.")
    WINDOW_START = strawberry.enum_value("WINDOW_START", description="Earliest service window first.")
    URGENCY = strawberry.enum_value("URGENCY", description="Most urgent first, then newest.")


@strawberry.input(description="Filters of the need list; all optional and combined with AND.")
class NeedFilter:
    community_id: relay.GlobalID | None = strawberry.field(default=None, description="Only this community.")
    resident_id: relay.GlobalID | None = strawberry.field(default=None, description="Only this resident's needs.")
    category: CareCategory | None = strawberry.field(default=None, description="Only this care category.")
    status: list[NeedStatus] | None = strawberry.field(default=None, description="Only these statuses.")
    urgency: Urgency | None = strawberry.field(default=None, description="Only this urgency.")
    open_only: bool = strawberry.field(
        default=False, description="Only needs still waiting for a service (submitted, triaged, matching, proposed)."
    )
    submitted_after: datetime | None = strawberry.field(default=None, description="Submitted at or after this time.")
    submitted_before: datetime | None = strawberry.field(default=None, description="Submitted before this time.")
    search: str | None = strawberry.field(default=None, description="Text in the title or description.")

    def to_criteria(self) -> Criteria:
        """The service-layer filter."""
        return Criteria(
            community_id=decode_id(self.community_id, "Area", "communityId"),
            resident_id=decode_id(self.resident_id, "Resident", "residentId"), category=self.category,
            statuses=tuple(self.status) if self.status is not None else None, urgency=self.urgency,
            open_only=self.open_only, submitted_after=self.submitted_after,
            submitted_before=self.submitted_before, search=self.search,
        )


@strawberry.type
class NeedQuery:
    @strawberry.field(description="Residents' needs, newest first unless `orderBy` says otherwise.")
    async def needs(
        self,
        info: Info,
        filter: Annotated[NeedFilter | None, strawberry.argument(description="Filters.")] = None,
        order_by: Annotated[NeedOrder, strawberry.argument(description="Order.")] = NeedOrder.NEWEST,
        first: First = None, after: After = None, last: Last = None, before: Before = None,
    ) -> Connection[Need]:
        args = page_args(first, after, last, before)
        scope = await info.context.scope()
        info.context.require(scope.viewer.authenticated and scope.viewer.role != "PARTNER",
                             "Partners see aggregated statistics, never residents' needs.")
        criteria = filter.to_criteria() if filter else Criteria()
        page = await need_page(criteria, order_by.value, scope, args, columns_for(Need, info, "edges", "node"))
        connection = Connection.from_page(page, Need.from_model)
        await prefetch_needs_relations(info, [edge.node for edge in connection.edges])
        return connection
