"""Root queries of the people who serve: the professional directory."""

from __future__ import annotations

from enum import Enum
from typing import Annotated

import strawberry
from strawberry import relay

from graphql_api.types.common import After, Before, Connection, First, Last, decode_id, page_args
from graphql_api.types.enums import CareCategory, ProfessionalStatus
from graphql_api.types.professional import Professional
from resolvers.keyset_pages import paginate_keyset
from resolvers.professionals import KEYSETS, professional_queryset
from resolvers.professionals import ProfessionalFilter as Criteria


@strawberry.enum(description="Orders of the professional directory.")
class ProfessionalOrder(Enum):
    NAME = strawberry.enum_value("NAME", description="By name.")
    CREATED_AT = strawberry.enum_value("CREATED_AT", description="Newest first.")


@strawberry.input(description="Filters of the professional directory; all optional and combined with AND.")
class ProfessionalFilter:
    search: str | None = strawberry.field(default=None, description="Text in the name, profession or skills.")
    category: CareCategory | None = strawberry.field(default=None, description="Only those offering this category.")
    area_id: relay.GlobalID | None = strawberry.field(default=None, description="Only those serving this community.")
    organization_id: relay.GlobalID | None = strawberry.field(
        default=None, description="Only members of this organization."
    )
    association_member: bool | None = strawberry.field(
        default=None, description="Only members (true) or non-members (false) of the association."
    )
    status: ProfessionalStatus | None = strawberry.field(default=None, description="Only this status.")

    def to_criteria(self) -> Criteria:
        """The service-layer filter."""
        return Criteria(
            search=self.search, category=self.category, area_id=decode_id(self.area_id, "Area", "areaId"),
            organization_id=decode_id(self.organization_id, "Organization", "organizationId"),
            association_member=self.association_member, status=self.status,
        )


@strawberry.type
class PeopleQuery:
    @strawberry.field(description="The professional directory (phone numbers masked).")
    async def professionals(
        self,
        filter: Annotated[ProfessionalFilter | None, strawberry.argument(description="Filters.")] = None,
        order_by: Annotated[ProfessionalOrder, strawberry.argument(description="Order.")] = ProfessionalOrder.NAME,
        first: First = None, after: After = None, last: Last = None, before: Before = None,
    ) -> Connection[Professional]:
        criteria = filter.to_criteria() if filter else Criteria()
        page = await paginate_keyset(professional_queryset(criteria, order_by.value),
                                     page_args(first, after, last, before), KEYSETS[order_by.value], plain=False)
        return Connection.from_page(page, Professional.from_model)
