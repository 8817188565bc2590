"""Root queries of the public directory: areas and organizations."""

from __future__ import annotations

from enum import Enum
from typing import Annotated

import strawberry
from strawberry import relay

from graphql_api.context import Info
from graphql_api.types.area import Area
from graphql_api.types.common import After, Before, Connection, First, Last, decode_id, page_args
from graphql_api.types.enums import (
    AreaKind,
    CareCategory,
    EnumLabel,
    IncubationStage,
    OrganizationKind,
    OrganizationStatus,
    all_labels,
)
from graphql_api.types.organization import Organization
from models import Area as AreaRow
from resolvers.organizations import OrganizationFilter as Criteria
from resolvers.organizations import organization_queryset
from resolvers.pagination import paginate, paginate_rows


@strawberry.enum(description="Orders of the organization directory.")
class OrganizationOrder(Enum):
    NAME = strawberry.enum_value("NAME", description="By name, A to Z.")
    CREATED_AT = strawberry.enum_value("CREATED_AT", description="Newest first.")


@strawberry.input(description="Filters of the organization directory; all optional and combined with AND.")
class OrganizationFilter:
    search: str | None = strawberry.field(default=None, description="Text in the name or description.")
    kind: OrganizationKind | None = strawberry.field(default=None, description="Only this kind.")
    status: OrganizationStatus | None = strawberry.field(default=None, description="Only this status.")
    incubation_stage: IncubationStage | None = strawberry.field(default=None, description="Only this stage.")
    incubated_by_id: relay.GlobalID | None = strawberry.field(
        default=None, description="Only organizations incubated by this hub centre."
    )
    area_id: relay.GlobalID | None = strawberry.field(default=None, description="Only those based in this area.")
    category: CareCategory | None = strawberry.field(default=None, description="Only those serving this category.")

    def to_criteria(self) -> Criteria:
        """The service-layer filter."""
        return Criteria(
            search=self.search, kind=self.kind, status=self.status, incubation_stage=self.incubation_stage,
            incubated_by_id=decode_id(self.incubated_by_id, "Organization", "incubatedById"),
            area_id=decode_id(self.area_id, "Area", "areaId"), category=self.category,
        )


@strawberry.type
class DirectoryQuery:
    @strawberry.field(description="The subdistrict and communities, as a flat list ordered by id.")
    async def areas(
        self, kind: Annotated[AreaKind | None, strawberry.argument(description="Only this level.")] = None,
        first: First = None, after: After = None, last: Last = None, before: Before = None,
    ) -> Connection[Area]:
        qs = AreaRow.filter(kind=kind) if kind else AreaRow.all()
        page = await paginate(qs.order_by("id"), page_args(first, after, last, before))
        return Connection.from_page(page, Area.from_model)

    @strawberry.field(description="The organization directory (public data only).")
    async def organizations(
        self,
        info: Info,
        filter: Annotated[OrganizationFilter | None, strawberry.argument(description="Filters.")] = None,
        order_by: Annotated[OrganizationOrder, strawberry.argument(description="Order.")] = OrganizationOrder.NAME,
        first: First = None, after: After = None, last: Last = None, before: Before = None,
    ) -> Connection[Organization]:
        criteria, args = filter.to_criteria() if filter else Criteria(), page_args(first, after, last, before)
        page = await info.context.loaders.public_page(
            ("organization",), ("organizations", criteria, order_by.value, args),
            lambda: paginate_rows(organization_queryset(criteria, order_by.value), args))  # plain rows, whole
        return Connection.from_page(page, Organization.from_model)

    @strawberry.field(description="Display labels of every enum value, for clients to cache.")
    def labels(self, info: Info) -> list[EnumLabel]:
        return all_labels()
